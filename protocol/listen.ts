/*
 * The postmaster's listening sockets (pqcomm.c's StreamServerPort): TCP on
 * each of `listen_addresses` and a unix socket named as PostgreSQL names it,
 * `<socket dir>/.s.PGSQL.<port>`, so that `psql -h <socket dir> -p <port>`
 * finds it. Accepted sockets are handed to `onConnection` paused
 * (`pauseOnConnect`): not a byte is read in this process, so the socket can
 * move to the worker process that runs its backend with nothing left behind.
 *
 * Lifecycle: `openListeners` binds everything or nothing (a failure closes
 * what was bound and throws with PostgreSQL's wording); `close()` stops
 * accepting and removes the socket file. Connections already accepted are
 * not touched: they belong to their backends.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, isIP } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';

export interface ListenOptions {
  /** listen_addresses: comma-separated addresses or host names; '*' all, 'localhost' the loopback ones, '' none. */
  addresses: string;
  /** 0 = any free port (the first TCP socket picks it; the unix socket is named after it). */
  port: number;
  /** Where the unix socket goes; null for none. */
  socketDir: string | null;
  onConnection: (socket: Socket, local: boolean) => void;
}

export interface Listeners {
  port: number;
  /** The TCP addresses bound, as "host" strings a client can use. */
  addresses: string[];
  socketPath: string | null;
  close(): Promise<void>;
}

/** The longest unix socket path (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

export function socketFileName(port: number): string {
  return `.s.PGSQL.${port}`;
}

export async function openListeners(opts: ListenOptions): Promise<Listeners> {
  const servers: Server[] = [];
  const bound: string[] = [];
  let port = opts.port;
  let socketPath: string | null = null;
  const newServer = (local: boolean) => createServer({ pauseOnConnect: true, noDelay: true }, (socket) => opts.onConnection(socket, local));
  try {
    for (const host of hostsOf(opts.addresses)) {
      const server = newServer(false);
      try {
        await listen(server, { port, host });
      } catch (err) {
        // 'localhost' includes ::1, which a host without IPv6 cannot bind: PostgreSQL warns and goes on too.
        if (host === '::1' && isAddrMissing(err)) continue;
        throw new Error(
          `could not bind ${family(host)} address "${host}": ${errText(err)}${isInUse(err) ? `\nHINT:  Is another postmaster already running on port ${port}? If not, wait a few seconds and retry.` : ''}`,
        );
      }
      servers.push(server);
      bound.push(host === '::' ? '::1' : host === '0.0.0.0' ? '127.0.0.1' : host);
      const address = server.address();
      if (port === 0 && typeof address === 'object' && address !== null) port = address.port;
    }
    if (opts.socketDir !== null) {
      if (port === 0) throw new Error('a unix socket needs a port number to be named after: give a port, or listen on TCP too');
      const path = join(opts.socketDir, socketFileName(port));
      if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new Error(`Unix-domain socket path "${path}" is too long (maximum ${MAX_SOCKET_PATH} bytes)`);
      // The data directory is locked by postmaster.pid: a socket file left there is a dead postmaster's.
      if (existsSync(path)) unlinkSync(path);
      const server = newServer(true);
      try {
        await listen(server, { path });
      } catch (err) {
        throw new Error(`could not create Unix-domain socket "${path}": ${errText(err)}`);
      }
      chmodSync(path, 0o777); // unix_socket_permissions' default
      servers.push(server);
      socketPath = path;
    }
  } catch (err) {
    await closeAll(servers, socketPath);
    throw err;
  }
  if (servers.length === 0) throw new Error('no socket created for listening (listen_addresses is empty and there is no unix socket)');
  return {
    port,
    addresses: bound,
    socketPath,
    close: () => closeAll(servers, socketPath),
  };
}

function hostsOf(addresses: string): string[] {
  const out: string[] = [];
  for (const raw of addresses.split(',').map((s) => s.trim())) {
    if (raw === '') continue;
    if (raw === '*') out.push('::');
    else if (raw === 'localhost') out.push('127.0.0.1', '::1');
    else out.push(raw);
  }
  return [...new Set(out)];
}

function listen(server: Server, at: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in at) server.listen(at.path, done);
    else server.listen(at.port, at.host, done);
  });
}

async function closeAll(servers: Server[], socketPath: string | null): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  if (socketPath !== null && existsSync(socketPath)) {
    try {
      unlinkSync(socketPath);
    } catch {
      // already removed (server.close() unlinks it on some platforms)
    }
  }
}

function family(host: string): string {
  return isIP(host) === 6 ? 'IPv6' : isIP(host) === 4 ? 'IPv4' : 'host';
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

const isInUse = (err: unknown) => code(err) === 'EADDRINUSE';
const isAddrMissing = (err: unknown) => code(err) === 'EADDRNOTAVAIL' || code(err) === 'EAFNOSUPPORT';
const errText = (err: unknown) => (isInUse(err) ? 'Address already in use' : err instanceof Error ? err.message : String(err));
