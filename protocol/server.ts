/*
 * A TCP / unix-socket listener made of connection.ts: one Connection and one
 * engine per accepted socket, and the cancel-key registry that routes a
 * CancelRequest (which arrives on a new connection) to the session it names,
 * as the postmaster does. The postmaster may use it directly or copy its
 * twenty lines; the protocol tests run a real pg.Client against it.
 *
 * Lifecycle: `listenProtocol` starts listening; `close()` stops accepting,
 * terminates every open connection (FATAL 57P01, then engine.close()) and
 * resolves once all of them are closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Connection, socketDuplex, type ConnectionOptions } from './connection.ts';
import type { Portal, PreparedStatement, ProtocolEngine } from './engine.ts';

export interface ProtocolServerOptions<S extends PreparedStatement, P extends Portal> {
  /** A fresh engine for each connection. */
  engine: (socket: Socket) => ProtocolEngine<S, P>;
  /** TCP port (0 = any free one) or a unix socket path. */
  listen: { port: number; host?: string } | { path: string };
  connection?: Omit<ConnectionOptions, 'processId' | 'secretKey' | 'onCancelRequest' | 'onClosed' | 'local' | 'remoteAddress'>;
}

export interface ProtocolServer {
  server: Server;
  /** The TCP port, when listening on TCP. */
  port: number;
  connections: ReadonlySet<Connection>;
  close(): Promise<void>;
}

export async function listenProtocol<S extends PreparedStatement, P extends Portal>(opts: ProtocolServerOptions<S, P>): Promise<ProtocolServer> {
  const byPid = new Map<number, Connection<S, P>>();
  const open = new Set<Connection<S, P>>();
  let nextPid = 1000 + Math.floor(Math.random() * 1000);
  const local = 'path' in opts.listen;
  const server = createServer((socket) => {
    let pid = nextPid++;
    while (byPid.has(pid)) pid = nextPid++;
    const conn: Connection<S, P> = new Connection(socketDuplex(socket), opts.engine(socket), {
      ...opts.connection,
      processId: pid,
      local,
      ...(socket.remoteAddress === undefined ? {} : { remoteAddress: socket.remoteAddress }),
      onCancelRequest: (processId, secretKey) => byPid.get(processId)?.cancel(processId, secretKey),
      onClosed: () => {
        byPid.delete(pid);
        open.delete(conn);
      },
    });
    byPid.set(pid, conn);
    open.add(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in opts.listen) server.listen(opts.listen.path, resolve);
    else server.listen(opts.listen.port, opts.listen.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : 0,
    connections: open as ReadonlySet<Connection>,
    async close() {
      const closing = new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...open].map((c) => c.terminate()));
      await closing;
    },
  };
}
