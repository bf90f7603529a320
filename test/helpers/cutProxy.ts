/*
 * A unix-socket proxy in front of a Redis that can lose a reply on purpose:
 * armed with a predicate over commands, it forwards client -> server until a
 * matching command has been forwarded whole (nothing after it), waits until
 * the server answers (so the command did run), and then closes both sides
 * without forwarding that answer. The client sees its connection drop between
 * sending the command and its reply. Every other connection, and every
 * connection after the cut, is forwarded untouched.
 *
 * Client -> server traffic is RESP arrays of bulk strings (what ioredis
 * sends), parsed incrementally so that a command split across reads, or
 * several in one read, is handled exactly.
 */
import type { ExecutionContext } from 'ava';
import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './dirs.ts';
import { deferred } from './wait.ts';

export interface CutProxy {
  /** Where clients connect: `unix:<path>`. */
  address: string;
  /**
   * Cuts the next connection that sends a command matching `match`, after
   * the server ran it and before its reply is forwarded. Resolves with that
   * command (its arguments) once the connection is cut.
   */
  cutAfter(match: (args: string[]) => boolean): Promise<string[]>;
  /** Connections accepted so far (reconnections included). */
  readonly connections: number;
}

interface Armed {
  match: (args: string[]) => boolean;
  cut: (args: string[]) => void;
}

export async function cutProxy(t: ExecutionContext, upstreamPath: string): Promise<CutProxy> {
  const path = join(tempDir(t, 'agc-'), 'proxy.sock');
  let armed: Armed | null = null;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    const upstream = createConnection(upstreamPath);
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    let pending = Buffer.alloc(0);
    /** Set once this connection forwarded the matching command: the next reply bytes end it. */
    let cutting: { args: string[]; cut: (args: string[]) => void } | null = null;
    client.on('data', (chunk: Buffer) => {
      if (cutting) return; // nothing after the matching command reaches the server
      pending = Buffer.concat([pending, chunk]);
      let offset = 0;
      for (;;) {
        const parsed = parseCommand(pending, offset);
        if (!parsed) break;
        const a = armed;
        if (a && a.match(parsed.args)) {
          armed = null;
          upstream.write(pending.subarray(0, parsed.end));
          cutting = { args: parsed.args, cut: a.cut };
          pending = Buffer.alloc(0);
          return;
        }
        offset = parsed.end;
      }
      upstream.write(pending.subarray(0, offset));
      pending = pending.subarray(offset);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutting) {
        // The server ran the command and answered: the answer is lost with the connection.
        const { args, cut } = cutting;
        close();
        cut(args);
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    address: `unix:${path}`,
    cutAfter(match) {
      const done = deferred<string[]>();
      armed = { match, cut: done.resolve };
      return done.promise;
    },
    get connections() {
      return connections;
    },
  };
}

/** One RESP array of bulk strings starting at `offset`, or null if it is not all there yet. */
function parseCommand(buf: Buffer, offset: number): { args: string[]; end: number } | null {
  const line = (at: number): { text: string; next: number } | null => {
    const eol = buf.indexOf('\r\n', at);
    return eol < 0 ? null : { text: buf.toString('latin1', at, eol), next: eol + 2 };
  };
  const head = line(offset);
  if (!head) return null;
  if (head.text[0] !== '*') throw new Error(`cutProxy: expected a RESP array, got ${JSON.stringify(head.text)}`);
  const n = Number(head.text.slice(1));
  const args: string[] = [];
  let at = head.next;
  for (let i = 0; i < n; i++) {
    const len = line(at);
    if (!len) return null;
    if (len.text[0] !== '$') throw new Error(`cutProxy: expected a bulk string, got ${JSON.stringify(len.text)}`);
    const size = Number(len.text.slice(1));
    if (buf.length < len.next + size + 2) return null;
    args.push(buf.toString('utf8', len.next, len.next + size));
    at = len.next + size + 2;
  }
  return { args, end: at };
}
