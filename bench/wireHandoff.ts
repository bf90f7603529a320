/*
 * How the postmaster should give an accepted client connection to the worker
 * process that hosts its backend: pass the socket itself (node:cluster
 * `worker.send(msg, socket)`, the worker then reads and writes it directly),
 * or keep the socket in the primary and frame its bytes over the IPC channel.
 *
 * Both run the same protocol/connection.ts with the fake engine (no SQL, no
 * Redis), so the numbers are the transport's alone. node-postgres clients:
 *   - connect:     connect + end, sequential
 *   - point:       `SELECT 1` round trips, one client, sequential (simple protocol)
 *   - extended:    `SELECT $1` with a parameter (Parse/Bind/Execute/Sync), one client
 *   - concurrent:  16 clients, 500 parameterised queries each
 *   - bulk:        `SELECT * FROM series(10000)` (10,000 rows), sequential
 *
 * Run: node --import tsx bench/wireHandoff.ts
 */
import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Connection, socketDuplex, type Duplex } from '../protocol/connection.ts';
import { FakeEngine } from '../protocol/testing/fakeEngine.ts';

type Msg = { t: 'conn'; id: number } | { t: 'data'; id: number; b: string } | { t: 'end'; id: number } | { t: 'ready' };

if (process.argv[2] === 'client') {
  process.send!(await clientMain(Number(process.argv[3])));
  process.exit(0);
} else if (cluster.isWorker) {
  const pipes = new Map<number, { data: (b: Buffer) => void; close: () => void }>();
  process.on('message', (msg: Msg, handle?: Socket) => {
    if (msg.t === 'conn' && handle) {
      new Connection(socketDuplex(handle), new FakeEngine(), { authenticationTimeoutMs: 0 });
    } else if (msg.t === 'conn') {
      // Framed over IPC: the connection's bytes arrive and leave as messages.
      const id = msg.id;
      let onData: (b: Buffer) => void = () => undefined;
      let onClose: () => void = () => undefined;
      const duplex: Duplex = {
        write: (data) => void process.send!({ t: 'data', id, b: data.toString('base64') } satisfies Msg),
        end: () => void process.send!({ t: 'end', id } satisfies Msg),
        onData: (l) => (onData = l),
        onClose: (l) => (onClose = l),
      };
      pipes.set(id, { data: (b) => onData(b), close: () => onClose() });
      new Connection(duplex, new FakeEngine(), { authenticationTimeoutMs: 0 });
    } else if (msg.t === 'data') pipes.get(msg.id)?.data(Buffer.from(msg.b, 'base64'));
    else if (msg.t === 'end') {
      pipes.get(msg.id)?.close();
      pipes.delete(msg.id);
    }
  });
  process.send!({ t: 'ready' } satisfies Msg);
} else {
  const worker = cluster.fork();
  await new Promise<void>((r) => worker.once('message', () => r()));
  const results: Record<string, Record<string, string>> = {};
  for (const mode of ['handle', 'ipc'] as const) {
    const sockets = new Map<number, Socket>();
    let nextId = 0;
    if (mode === 'ipc') {
      worker.on('message', (msg: Msg) => {
        if (msg.t === 'data') sockets.get(msg.id)?.write(Buffer.from(msg.b, 'base64'));
        else if (msg.t === 'end') sockets.get(msg.id)?.end();
      });
    }
    const server = createServer({ pauseOnConnect: mode === 'handle', noDelay: true }, (socket) => {
      const id = ++nextId;
      if (mode === 'handle') {
        worker.send({ t: 'conn', id } satisfies Msg, socket);
        return;
      }
      sockets.set(id, socket);
      worker.send({ t: 'conn', id } satisfies Msg);
      socket.on('data', (b: Buffer) => worker.send({ t: 'data', id, b: b.toString('base64') } satisfies Msg));
      socket.on('close', () => {
        sockets.delete(id);
        worker.send({ t: 'end', id } satisfies Msg);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const cpu0 = process.cpuUsage();
    const row = await runClients(port);
    const cpu = process.cpuUsage(cpu0);
    row['postmaster CPU (s)'] = ((cpu.user + cpu.system) / 1e6).toFixed(2);
    await new Promise<void>((r) => server.close(() => r()));
    worker.removeAllListeners('message');
    results[mode] = row;
  }
  console.table(results);
  worker.kill();
}

/** The clients run in a process of their own, as real clients do: the postmaster's CPU is then its own. */
function runClients(port: number): Promise<Record<string, string>> {
  const child = fork(fileURLToPath(import.meta.url), ['client', String(port)], { execArgv: process.execArgv });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as Record<string, string>));
    child.once('exit', (code) => reject(new Error(`client exited ${code}`)));
  });
}

async function clientMain(port: number): Promise<Record<string, string>> {
  const config = { host: '127.0.0.1', port, user: 'bench', database: 'bench' };
  const row: Record<string, string> = {};

  const t0 = performance.now();
  const N_CONN = 200;
  for (let i = 0; i < N_CONN; i++) {
    const c = new pg.Client(config);
    await c.connect();
    await c.end();
  }
  row['connect (ms each)'] = ((performance.now() - t0) / N_CONN).toFixed(2);

  const c = new pg.Client(config);
  await c.connect();
  for (let i = 0; i < 500; i++) await c.query('SELECT 1'); // warm-up
  const N = 5000;
  let t = performance.now();
  for (let i = 0; i < N; i++) await c.query('SELECT 1');
  row['point (q/s)'] = Math.round(N / ((performance.now() - t) / 1000)).toLocaleString('en-US');
  t = performance.now();
  for (let i = 0; i < N; i++) await c.query('SELECT $1', [i]);
  row['extended (q/s)'] = Math.round(N / ((performance.now() - t) / 1000)).toLocaleString('en-US');
  const B = 30;
  t = performance.now();
  for (let i = 0; i < B; i++) await c.query('SELECT * FROM series(10000)');
  row['bulk (rows/s)'] = Math.round((B * 10000) / ((performance.now() - t) / 1000)).toLocaleString('en-US');
  await c.end();

  const clients = await Promise.all(
    Array.from({ length: 16 }, async () => {
      const k = new pg.Client(config);
      await k.connect();
      return k;
    }),
  );
  t = performance.now();
  await Promise.all(
    clients.map(async (k) => {
      for (let i = 0; i < 500; i++) await k.query('SELECT $1', [i]);
    }),
  );
  row['16 clients (q/s)'] = Math.round((16 * 500) / ((performance.now() - t) / 1000)).toLocaleString('en-US');
  await Promise.all(clients.map((k) => k.end()));
  return row;
}
