/*
 * A byte-level client for the protocol tests: writes frontend messages made
 * by pg-protocol's serializer (or by hand), reads backend messages with
 * pg-protocol's Parser, and lets a test wait for the next message or for
 * the socket to close: no sleeps.
 */
import { connect, type Socket } from 'node:net';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import { serialize } from 'pg-protocol';

export type Msg = BackendMessage & Record<string, unknown>;

export class RawClient {
  readonly messages: Msg[] = [];
  private waiters: Array<() => void> = [];
  private parser = new Parser();
  /** Bytes received before `parseMessages()` was called (e.g. the 'N' answer to SSLRequest). */
  raw: Buffer = Buffer.alloc(0);
  private parsing = false;
  ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('data', (chunk) => {
      if (this.parsing) this.parser.parse(chunk, (m) => this.messages.push(m as Msg));
      else this.raw = Buffer.concat([this.raw, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async connect(port: number, parse = true): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new RawClient(socket);
    if (parse) c.parseMessages();
    return c;
  }

  /** From now on, incoming bytes are protocol messages (and any raw bytes left are parsed). */
  parseMessages(): void {
    this.parsing = true;
    const rest = this.raw;
    this.raw = Buffer.alloc(0);
    if (rest.length > 0) this.parser.parse(rest, (m) => this.messages.push(m as Msg));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `check` holds (re-checked on every arrival) or rejects when the socket closed first. */
  async until<T>(what: string, check: () => T | undefined | false | null): Promise<T> {
    for (;;) {
      const v = check();
      if (v) return v;
      if (this.ended) throw new Error(`connection closed while waiting for ${what}; got ${this.messages.map((m) => m.name).join(',')}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Waits for a message named `name` after index `from`, returns the messages from `from` up to and including it. */
  async upTo(name: string, from = 0): Promise<Msg[]> {
    return this.until(name, () => {
      const i = this.messages.findIndex((m, j) => j >= from && m.name === name);
      return i >= 0 ? this.messages.slice(from, i + 1) : null;
    });
  }

  /** Waits until `n` ReadyForQuery messages arrived in total; returns every message so far. */
  async readyCount(n: number): Promise<Msg[]> {
    return this.until(`${n} ReadyForQuery`, () => (this.messages.filter((m) => m.name === 'readyForQuery').length >= n ? this.messages.slice() : null));
  }

  write(...bufs: Buffer[]): void {
    this.socket.write(Buffer.concat(bufs));
  }

  /** StartupMessage and wait for the first ReadyForQuery. */
  async startup(user = 'alice', database = 'db'): Promise<Msg[]> {
    this.write(serialize.startup({ user, database }));
    return this.upTo('readyForQuery');
  }

  async waitClosed(): Promise<void> {
    await this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
