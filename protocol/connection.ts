/*
 * One client connection: the protocol v3 state machine of postmaster.c's
 * ProcessStartupPacket, auth.c's ClientAuthentication and postgres.c's
 * PostgresMain loop, over an abstract byte duplex and a ProtocolEngine
 * (engine.ts). It never throws out: every failure becomes an ErrorResponse,
 * and a FATAL one closes the connection.
 *
 * Lifecycle: created by whoever accepted the socket (the backend actor, or
 * server.ts) with the socket wrapped as a Duplex. Normal end: Terminate, or
 * the client disconnects. Emergency end: a FATAL error (protocol violation,
 * failed authentication, an engine error with severity FATAL, `terminate()`
 * from outside): ErrorResponse, then the socket is ended. In every case the
 * engine's close() runs exactly once, after any call in flight has settled
 * (a call in flight is cancelled first).
 *
 * Phases (one function, setPhase, changes them; TRANSITIONS lists the legal moves):
 *   startup          reading untyped startup packets; SSLRequest / GSSENCRequest
 *                    are refused with 'N' and the client goes on in the clear
 *   authenticating   StartupMessage accepted; the authentication exchange runs
 *   ready            authenticated; reading typed messages, nothing in flight
 *   query            an engine call is in flight; later messages wait in the decoder
 *   closed           nothing more is read or written
 *
 * Extended-protocol error recovery (postgres.c ignore_till_sync): after an
 * error in Parse / Bind / Describe / Execute / Close, every message up to the
 * next Sync is skipped; Sync answers ReadyForQuery.
 *
 * Output is buffered and written at ReadyForQuery, Flush, when more than
 * 64 KiB piled up, and whenever the connection has no complete message left
 * to process.
 *
 * COPY (simple Query only): the engine call in flight gets a CopyChannel.
 * COPY FROM STDIN sends CopyInResponse and then reads CopyData / CopyDone /
 * CopyFail straight from the decoder while the call is in flight (Flush and
 * Sync are ignored, anything else is 08P01, as copyfromparse.c does); the
 * socket is paused while more than COPY_IN_BUFFER bytes wait, so a fast
 * client cannot pile up its whole file here. When the COPY fails before
 * CopyDone, ErrorResponse and ReadyForQuery go out at once and the rest of
 * the copy data is ignored by the normal loop, as in PostgreSQL. COPY TO
 * STDOUT sends CopyOutResponse, one CopyData per row, CopyDone.
 *
 * @see https://www.postgresql.org/docs/15/protocol-flow.html
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { createAuthExchange, type AuthExchange } from './auth.ts';
import { createAuthenticationOk } from './backend/authentication.ts';
import { createBackendKeyData } from './backend/backendKeyData.ts';
import { createBindComplete } from './backend/bindComplete.ts';
import { createCloseComplete } from './backend/closeComplete.ts';
import { createCopyData } from './backend/copyData.ts';
import { createCopyDone } from './backend/copyDone.ts';
import { createCopyInResponse, createCopyOutResponse } from './backend/copyResponse.ts';
import { commandTag, createCommandComplete } from './backend/commandComplete.ts';
import { createDataRow, type Cell } from './backend/dataRow.ts';
import { createEmptyQueryResponse } from './backend/emptyQueryResponse.ts';
import { createEncryptionRefusal } from './backend/encryptionResponse.ts';
import { createErrorResponse } from './backend/errorResponse.ts';
import { createNegotiateProtocolVersion } from './backend/negotiateProtocolVersion.ts';
import { createNoData } from './backend/noData.ts';
import { createNoticeResponse } from './backend/noticeResponse.ts';
import { createNotificationResponse } from './backend/notificationResponse.ts';
import { createParameterDescription } from './backend/parameterDescription.ts';
import { createParameterStatus } from './backend/parameterStatus.ts';
import { createParseComplete } from './backend/parseComplete.ts';
import { createPortalSuspended } from './backend/portalSuspended.ts';
import { createReadyForQuery } from './backend/readyForQuery.ts';
import { createRowDescription } from './backend/rowDescription.ts';
import { BinaryFormatError, decodeBinary, encodeBinary, hasBinaryFormat } from './binary.ts';
import type { CopyChannel, CopyInStream, FieldDescription, NoticeLike, Portal, PreparedStatement, ProtocolEngine, QueryResult, StartupInfo, TransactionStatus } from './engine.ts';
import { ProtocolError, toErrorFields } from './errors.ts';
import { FrameDecoder, type Frame } from './framing.ts';
import { parseFrontendMessage, type Bind, type Close, type Describe, type Execute, type Parse } from './frontend/index.ts';
import { parseStartupPacket } from './frontend/startupPacket.ts';

/** The transport: a socket, or anything that moves bytes both ways. */
export interface Duplex {
  write(data: Buffer): void;
  end(): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** The peer went away (or the transport failed). */
  onClose(listener: () => void): void;
  /** Flow control for COPY FROM STDIN: stop and restart delivering data. Optional: without it the data waits in memory. */
  pause?(): void;
  resume?(): void;
}

export function socketDuplex(socket: Socket): Duplex {
  socket.setNoDelay(true);
  return {
    write: (data) => {
      if (!socket.destroyed && socket.writable) socket.write(data);
    },
    end: () => socket.end(),
    onData: (l) => socket.on('data', l),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    onClose: (l) => {
      socket.on('close', l);
      // An 'error' is followed by 'close'; listening keeps it from being an uncaught exception.
      socket.on('error', () => undefined);
    },
  };
}

export type Phase = 'startup' | 'authenticating' | 'ready' | 'query' | 'closed';

const TRANSITIONS: Record<Phase, readonly Phase[]> = {
  startup: ['authenticating', 'closed'],
  authenticating: ['query', 'ready', 'closed'],
  ready: ['query', 'closed'],
  query: ['ready', 'closed'],
  closed: [],
};

export interface ConnectionOptions {
  /** BackendKeyData: the key a CancelRequest must present. Random when not given. */
  processId?: number;
  secretKey?: number;
  local?: boolean;
  remoteAddress?: string;
  /** framing.ts: the largest Query / Parse / Bind / CopyData message. */
  maxMessageLength?: number;
  /** authentication_timeout: FATAL 57014 when the client is not authenticated by then. Default 60 s; 0 disables. */
  authenticationTimeoutMs?: number;
  /** A CancelRequest arrived on this (new) connection: route it to the session it names. The connection then closes. */
  onCancelRequest?: (processId: number, secretKey: number) => void;
  /** Called once when the connection has closed and the engine is closed. */
  onClosed?: () => void;
}

/** ParameterStatus sent at startup: PostgreSQL 15's GUC_REPORT settings. SessionInfo.parameters overrides them. */
export function defaultParameterStatus(startup: StartupInfo): Record<string, string> {
  return {
    application_name: startup.parameters['application_name'] ?? '',
    client_encoding: 'UTF8',
    DateStyle: 'ISO, MDY',
    default_transaction_read_only: 'off',
    in_hot_standby: 'off',
    integer_datetimes: 'on',
    IntervalStyle: 'postgres',
    is_superuser: 'off',
    server_encoding: 'UTF8',
    server_version: '15.0',
    session_authorization: startup.user,
    standard_conforming_strings: 'on',
    TimeZone: 'UTC',
  };
}

const UTF8_NAMES = new Set(['utf8', 'utf-8', 'unicode', 'auto']);
const FLUSH_THRESHOLD = 64 * 1024;
/** COPY FROM STDIN: the socket is paused while more than this many received bytes wait to be read. */
const COPY_IN_BUFFER = 1024 * 1024;

interface PortalEntry<S, P> {
  portal: P;
  statement: S;
  /** One format code per result column. */
  formats: number[];
}

export class Connection<S extends PreparedStatement = PreparedStatement, P extends Portal = Portal> {
  private phaseValue: Phase = 'startup';
  private readonly decoder: FrameDecoder;
  private out: Buffer[] = [];
  private outBytes = 0;
  private pumping = false;
  private ignoreTillSync = false;
  private status: TransactionStatus = 'I';
  private startup: StartupInfo | null = null;
  private exchange: AuthExchange | null = null;
  private readonly statements = new Map<string, S>();
  private readonly portals = new Map<string, PortalEntry<S, P>>();
  private pendingNotifications: Buffer[] = [];
  private authTimer: NodeJS.Timeout | null = null;
  private engineClosed: Promise<void> | null = null;
  private inflight: Promise<unknown> | null = null;
  /** COPY FROM STDIN is reading from the decoder (inside the engine call in flight). */
  private copyingIn = false;
  private inputPaused = false;
  /** Wakes a COPY FROM read waiting for bytes (new data or close). */
  private copyWaiter: (() => void) | null = null;
  readonly processId: number;
  readonly secretKey: number;
  /** Resolves once the connection is closed and the engine's close() has settled. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    private readonly duplex: Duplex,
    private readonly engine: ProtocolEngine<S, P>,
    private readonly opts: ConnectionOptions = {},
  ) {
    this.processId = opts.processId ?? randomBytes(4).readInt32BE(0) & 0x7fffffff;
    this.secretKey = opts.secretKey ?? randomBytes(4).readInt32BE(0);
    this.decoder = new FrameDecoder(opts.maxMessageLength === undefined ? {} : { maxMessageLength: opts.maxMessageLength });
    this.closed = new Promise((r) => (this.resolveClosed = r));
    const timeout = opts.authenticationTimeoutMs ?? 60_000;
    if (timeout > 0) {
      this.authTimer = setTimeout(() => this.fatal(new ProtocolError('canceling authentication due to timeout', '57014')), timeout);
      this.authTimer.unref();
    }
    duplex.onData((chunk) => {
      if (this.phaseValue === 'closed') return;
      this.decoder.push(chunk);
      if (this.copyingIn) {
        if (this.decoder.pending > COPY_IN_BUFFER && !this.inputPaused && this.duplex.pause) {
          this.inputPaused = true;
          this.duplex.pause();
        }
        this.wakeCopy();
        return;
      }
      void this.pump();
    });
    duplex.onClose(() => this.shutdown(false));
  }

  get phase(): Phase {
    return this.phaseValue;
  }

  /** The only place the phase changes. */
  private setPhase(next: Phase): void {
    if (next === this.phaseValue) return;
    if (!TRANSITIONS[this.phaseValue].includes(next)) throw new Error(`connection phase ${this.phaseValue} -> ${next} is not allowed`);
    this.phaseValue = next;
  }

  /** A CancelRequest for this session (from another connection): cancels the running statement if the key matches. */
  cancel(processId: number, secretKey: number): boolean {
    if (processId !== this.processId || secretKey !== this.secretKey || this.phaseValue === 'closed') return false;
    this.engine.cancel();
    return true;
  }

  /** LISTEN/NOTIFY: sent at once when idle, else after the current command's ReadyForQuery. */
  notify(processId: number, channel: string, payload: string): void {
    if (this.phaseValue === 'closed') return;
    const msg = createNotificationResponse(processId, channel, payload);
    if (this.phaseValue === 'ready' && !this.pumping) {
      this.send(msg);
      this.flush();
    } else this.pendingNotifications.push(msg);
  }

  /** Ends the session from outside (pg_terminate_backend, shutdown): FATAL with the given error, then close. */
  terminate(error: { sqlstate: string; message: string } = { sqlstate: '57P01', message: 'terminating connection due to administrator command' }): Promise<void> {
    this.fatal({ ...error, severity: 'FATAL' });
    return this.closed;
  }

  // ---- output ------------------------------------------------------------------

  private send(msg: Buffer): void {
    if (this.phaseValue === 'closed') return;
    this.out.push(msg);
    this.outBytes += msg.length;
    if (this.outBytes > FLUSH_THRESHOLD) this.flush();
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const data = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    try {
      this.duplex.write(data);
    } catch {
      this.shutdown(false);
    }
  }

  private sendError(err: unknown): void {
    this.send(createErrorResponse(toErrorFields(err)));
  }

  private sendNotices(notices: readonly NoticeLike[] | undefined): void {
    for (const n of notices ?? []) this.send(createNoticeResponse(toErrorFields(n, 'NOTICE')));
  }

  private sendParameterStatus(params: Record<string, string> | undefined): void {
    for (const [k, v] of Object.entries(params ?? {})) this.send(createParameterStatus(k, v));
  }

  private readyForQuery(status: TransactionStatus): void {
    this.status = status;
    this.send(createReadyForQuery(status));
    for (const n of this.pendingNotifications) this.send(n);
    this.pendingNotifications = [];
    this.flush();
  }

  // ---- closing -----------------------------------------------------------------

  /** Sends a FATAL error and closes. */
  private fatal(err: unknown): void {
    if (this.phaseValue === 'closed') return;
    const fields = toErrorFields(err);
    this.send(createErrorResponse({ ...fields, severity: 'FATAL' }));
    this.shutdown(true);
  }

  /** Closes the connection (ending the transport when `endTransport`), then the engine once any call in flight settled. */
  private shutdown(endTransport: boolean): void {
    if (this.phaseValue === 'closed') return;
    this.flush();
    this.setPhase('closed');
    this.wakeCopy();
    if (this.authTimer) clearTimeout(this.authTimer);
    this.pendingNotifications = [];
    if (endTransport) {
      try {
        this.duplex.end();
      } catch {
        // The transport is gone already: nothing to end.
      }
    }
    const inflight = this.inflight;
    if (inflight) this.engine.cancel();
    this.engineClosed = (async () => {
      if (inflight) await inflight.catch(() => undefined);
      await this.engine.close();
    })()
      .catch(() => undefined)
      .finally(() => {
        this.resolveClosed();
        this.opts.onClosed?.();
      });
  }

  // ---- the read loop -----------------------------------------------------------

  /** Processes every complete frame, one at a time; never rejects. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.phaseValue !== 'closed') {
        let frame: Frame | null;
        try {
          frame = this.decoder.next();
        } catch (err) {
          this.fatal(err);
          break;
        }
        if (!frame) break;
        try {
          if (frame.kind === 'startup') await this.onStartupPacket(frame.body);
          else if (this.phaseValue === 'authenticating') await this.onAuthMessage(frame.code, frame.body);
          else await this.onMessage(frame.code, frame.body);
        } catch (err) {
          // Errors the handlers do not answer themselves are FATAL: protocol violations, authentication failures, bugs.
          this.fatal(err);
        }
      }
    } finally {
      this.pumping = false;
      this.flush();
    }
  }

  /** Runs an engine call as the one call in flight (phase 'query'), so shutdown can wait for it. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const from = this.phaseValue;
    if (from === 'ready') this.setPhase('query');
    const p = fn();
    this.inflight = p;
    try {
      return await p;
    } finally {
      this.inflight = null;
      if (this.phaseValue === 'query') this.setPhase('ready');
    }
  }

  // ---- startup and authentication ----------------------------------------------

  private async onStartupPacket(body: Buffer): Promise<void> {
    const packet = parseStartupPacket(body);
    switch (packet.type) {
      case 'SSLRequest':
      case 'GSSENCRequest':
        this.send(createEncryptionRefusal());
        this.flush();
        return;
      case 'CancelRequest':
        this.opts.onCancelRequest?.(packet.processId, packet.secretKey);
        this.shutdown(true);
        return;
      case 'StartupMessage':
        break;
    }
    const params = packet.parameters;
    const unrecognized = Object.keys(params).filter((k) => k.startsWith('_pq_.'));
    if (packet.minor > 0 || unrecognized.length > 0) this.send(createNegotiateProtocolVersion(0, unrecognized));
    const user = params['user'];
    if (!user) throw new ProtocolError('no PostgreSQL user name specified in startup packet', '28000');
    const replication = params['replication'];
    if (replication !== undefined && !['false', 'off', 'no', '0'].includes(replication.toLowerCase()))
      throw new ProtocolError('replication connections are not supported', '0A000');
    const encoding = params['client_encoding'];
    if (encoding !== undefined && !UTF8_NAMES.has(encoding.toLowerCase().replace(/^'|'$/g, '')))
      throw new ProtocolError(`invalid value for parameter "client_encoding": "${encoding}"`, '22023', 'FATAL', 'Only UTF8 is supported.');
    this.startup = {
      user,
      database: params['database'] || user,
      parameters: params,
      local: this.opts.local ?? false,
      ssl: false,
      ...(this.opts.remoteAddress === undefined ? {} : { remoteAddress: this.opts.remoteAddress }),
    };
    this.decoder.phase = 'normal';
    this.setPhase('authenticating');
    const startup = this.startup;
    const decision = await this.call(() => this.engine.authenticate(startup));
    if (this.phaseValue === 'closed') return;
    this.exchange = createAuthExchange(decision.method, user, decision.secret);
    if (this.exchange === null) return this.authenticated();
    this.send(this.exchange.start());
    this.flush();
  }

  private async onAuthMessage(code: number, body: Buffer): Promise<void> {
    const exchange = this.exchange;
    if (code === 0x58 /* X */) return this.shutdown(true);
    if (!exchange) throw new ProtocolError(`unexpected message type ${code} during authentication`);
    if (code !== 0x70 /* p */) {
      const what = exchange.method === 'scram-sha-256' ? 'SASL' : 'password';
      throw new ProtocolError(`expected ${what} response, got message type ${code}`);
    }
    const step = exchange.step(body);
    for (const m of step.send) this.send(m);
    if (step.done) await this.authenticated();
    else this.flush();
  }

  private async authenticated(): Promise<void> {
    const startup = this.startup!;
    this.exchange = null;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.send(createAuthenticationOk());
    const session = await this.call(() => this.engine.startSession(startup));
    if (this.phaseValue === 'closed') return;
    this.sendParameterStatus({ ...defaultParameterStatus(startup), ...session.parameters });
    this.send(createBackendKeyData(this.processId, this.secretKey));
    if (this.phaseValue === 'authenticating') this.setPhase('ready');
    this.readyForQuery('I');
  }

  // ---- normal phase ------------------------------------------------------------

  private async onMessage(code: number, body: Buffer): Promise<void> {
    const msg = parseFrontendMessage(code, body);
    if (this.ignoreTillSync && msg.type !== 'Sync' && msg.type !== 'Terminate') return;
    switch (msg.type) {
      case 'Query':
        return this.simpleQuery(msg.sql);
      case 'Sync': {
        this.ignoreTillSync = false;
        let status: TransactionStatus;
        try {
          status = await this.call(() => this.engine.sync());
        } catch (err) {
          if (this.fatalFromEngine(err)) return;
          this.sendError(err);
          status = this.status === 'I' ? 'I' : 'E';
        }
        return this.readyForQuery(status);
      }
      case 'Flush':
        return this.flush();
      case 'Terminate':
        return this.shutdown(true);
      case 'CopyData':
      case 'CopyDone':
      case 'CopyFail':
        // postgres.c: accepted and ignored outside COPY (a COPY that failed leaves them in flight).
        return;
      case 'AuthResponse':
        throw new ProtocolError(`invalid frontend message type ${code}`);
      case 'FunctionCall':
        this.sendError(new ProtocolError('fastpath function calls are not supported', '0A000', 'ERROR'));
        return this.readyForQuery(this.status === 'T' ? 'E' : this.status);
    }
    try {
      switch (msg.type) {
        case 'Parse':
          return await this.parse(msg);
        case 'Bind':
          return await this.bind(msg);
        case 'Describe':
          return this.describe(msg);
        case 'Execute':
          return await this.execute(msg);
        case 'Close':
          return this.close(msg);
      }
    } catch (err) {
      if (err instanceof ProtocolError && err.severity === 'FATAL') throw err;
      if (this.fatalFromEngine(err)) return;
      this.sendError(err);
      this.ignoreTillSync = true;
    }
  }

  /** An engine error with severity FATAL ends the connection. */
  private fatalFromEngine(err: unknown): boolean {
    if (toErrorFields(err).severity !== 'FATAL' && toErrorFields(err).severity !== 'PANIC') return false;
    this.fatal(err);
    return true;
  }

  private async simpleQuery(sql: string): Promise<void> {
    // exec_simple_query drops the unnamed statement and portal.
    this.dropStatement('');
    this.dropPortal('');
    let reply;
    let sentEarly = 0;
    const copy: CopyChannel = {
      sendResults: (results) => {
        for (const r of results) this.sendResult(r);
        sentEarly += results.length;
      },
      copyIn: (overallFormat, columnFormats) => this.startCopyIn(overallFormat, columnFormats),
      copyOut: (overallFormat, columnFormats) => {
        this.send(createCopyOutResponse(overallFormat, columnFormats));
        return { data: (chunk) => this.send(createCopyData(chunk)), done: () => this.send(createCopyDone()) };
      },
    };
    try {
      reply = await this.call(() => this.engine.simpleQuery(sql, copy));
    } catch (err) {
      if (this.fatalFromEngine(err)) return;
      this.sendError(err);
      return this.readyForQuery(this.status === 'T' ? 'E' : this.status);
    } finally {
      this.endCopyIn();
    }
    if (this.phaseValue === 'closed') return;
    for (const r of reply.results) this.sendResult(r);
    this.sendNotices(reply.notices);
    if (reply.error) {
      if (this.fatalFromEngine(reply.error)) return;
      this.sendError(reply.error);
    } else if (reply.results.length === 0 && sentEarly === 0) this.send(createEmptyQueryResponse());
    this.sendParameterStatus(reply.parameterStatus);
    this.readyForQuery(reply.status);
  }

  private sendResult(r: QueryResult): void {
    this.sendNotices(r.notices);
    if (r.fields) {
      this.send(createRowDescription(r.fields));
      for (const row of r.rows ?? []) this.send(createDataRow(row));
    }
    this.send(createCommandComplete(commandTag(r.command, r.rowCount)));
  }

  // ---- COPY FROM STDIN -----------------------------------------------------------

  private startCopyIn(overallFormat: 0 | 1, columnFormats: readonly number[]): CopyInStream {
    if (this.phaseValue === 'closed') throw new ProtocolError('connection to client lost', '08006', 'ERROR');
    this.send(createCopyInResponse(overallFormat, columnFormats));
    this.flush();
    this.copyingIn = true;
    return { read: () => this.readCopyData() };
  }

  /** The next CopyData body, null at CopyDone; waits for the client's bytes. */
  private async readCopyData(): Promise<Buffer | null> {
    for (;;) {
      if (this.phaseValue === 'closed') throw new ProtocolError('connection to client lost', '08006', 'ERROR');
      if (!this.copyingIn) throw new ProtocolError('COPY from stdin is over', '08P01', 'ERROR');
      let frame: Frame | null;
      try {
        frame = this.decoder.next();
      } catch (err) {
        this.fatal(err);
        continue;
      }
      if (frame === null) {
        this.resumeInput();
        this.flush();
        await new Promise<void>((resolve) => (this.copyWaiter = resolve));
        continue;
      }
      if (this.inputPaused && this.decoder.pending < COPY_IN_BUFFER / 2) this.resumeInput();
      if (frame.kind !== 'message') throw new ProtocolError('unexpected startup packet during COPY from stdin');
      const code = frame.code;
      if (code === 0x48 /* H Flush */ || code === 0x53 /* S Sync */) continue; // ignored: libpq may send them without noticing the COPY
      if (code !== 0x64 /* d */ && code !== 0x63 /* c */ && code !== 0x66 /* f */) {
        this.copyingIn = false;
        throw new ProtocolError(`unexpected message type 0x${code.toString(16).toUpperCase().padStart(2, '0')} during COPY from stdin`, '08P01', 'ERROR');
      }
      const msg = parseFrontendMessage(code, frame.body);
      if (msg.type === 'CopyData') return msg.data;
      this.copyingIn = false;
      if (msg.type === 'CopyDone') return null;
      if (msg.type === 'CopyFail') throw new ProtocolError(`COPY from stdin failed: ${msg.message}`, '57014', 'ERROR');
    }
  }

  private wakeCopy(): void {
    const w = this.copyWaiter;
    this.copyWaiter = null;
    w?.();
  }

  private resumeInput(): void {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    this.duplex.resume?.();
  }

  /** The engine call ended: whatever copy data is left goes to the normal loop (which ignores it). */
  private endCopyIn(): void {
    this.copyingIn = false;
    this.wakeCopy();
    this.resumeInput();
  }

  private dropStatement(name: string): void {
    const s = this.statements.get(name);
    if (s === undefined) return;
    this.statements.delete(name);
    this.engine.closeStatement?.(s);
  }

  private dropPortal(name: string): void {
    const p = this.portals.get(name);
    if (p === undefined) return;
    this.portals.delete(name);
    this.engine.closePortal?.(p.portal);
  }

  private async parse(msg: Parse): Promise<void> {
    if (msg.name !== '' && this.statements.has(msg.name)) throw new ProtocolError(`prepared statement "${msg.name}" already exists`, '42P05', 'ERROR');
    if (msg.name === '') this.dropStatement('');
    const statement = await this.call(() => this.engine.prepare(msg.sql, msg.paramTypes));
    this.statements.set(msg.name, statement);
    this.send(createParseComplete());
  }

  private statement(name: string): S {
    const s = this.statements.get(name);
    if (s === undefined) throw new ProtocolError(name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`, '26000', 'ERROR');
    return s;
  }

  private portal(name: string): PortalEntry<S, P> {
    const p = this.portals.get(name);
    if (p === undefined) throw new ProtocolError(`portal "${name}" does not exist`, '34000', 'ERROR');
    return p;
  }

  private async bind(msg: Bind): Promise<void> {
    const statement = this.statement(msg.statement);
    const np = msg.params.length;
    const nf = msg.paramFormats.length;
    if (nf > 1 && nf !== np) throw new ProtocolError(`bind message has ${nf} parameter formats but ${np} parameters`, '08P01', 'ERROR');
    if (np !== statement.paramTypes.length) {
      const which = msg.statement === '' ? 'unnamed prepared statement' : `prepared statement "${msg.statement}"`;
      throw new ProtocolError(`bind message supplies ${np} parameters, but ${which} requires ${statement.paramTypes.length}`, '08P01', 'ERROR');
    }
    const params = msg.params.map((value, i) => {
      const format = nf === 0 ? 0 : nf === 1 ? msg.paramFormats[0]! : msg.paramFormats[i]!;
      if (format !== 0 && format !== 1) throw new ProtocolError(`unsupported format code: ${format}`, '22023', 'ERROR');
      if (value === null) return null;
      try {
        return format === 0 ? decodeBinary(25, value) : decodeBinary(statement.paramTypes[i]!, value);
      } catch (err) {
        if (err instanceof BinaryFormatError && err.sqlstate === '22P03') throw new ProtocolError(`incorrect binary data format in bind parameter ${i + 1}`, '22P03', 'ERROR');
        throw err;
      }
    });
    const fields = statement.fields ?? [];
    const nr = msg.resultFormats.length;
    if (nr > 1 && nr !== fields.length) throw new ProtocolError(`bind message has ${nr} result formats but query has ${fields.length} columns`, '08P01', 'ERROR');
    const formats = fields.map((f, i) => {
      const format = nr === 0 ? 0 : nr === 1 ? msg.resultFormats[0]! : msg.resultFormats[i]!;
      if (format !== 0 && format !== 1) throw new ProtocolError(`unsupported format code: ${format}`, '22023', 'ERROR');
      if (format === 1 && !hasBinaryFormat(f.typeOid)) throw new ProtocolError(`no binary output function available for type ${f.typeOid}`, '42883', 'ERROR');
      return format;
    });
    if (msg.portal !== '' && this.portals.has(msg.portal)) throw new ProtocolError(`cursor "${msg.portal}" already exists`, '42P03', 'ERROR');
    this.dropPortal(msg.portal);
    const portal = await this.call(() => this.engine.bind(statement, params));
    this.portals.set(msg.portal, { portal, statement, formats });
    this.send(createBindComplete());
  }

  private describe(msg: Describe): void {
    if (msg.target === 'S') {
      const s = this.statement(msg.name);
      this.send(createParameterDescription(s.paramTypes));
      this.send(s.fields ? createRowDescription(s.fields) : createNoData());
    } else {
      const p = this.portal(msg.name);
      const fields: FieldDescription[] | null = p.portal.fields;
      this.send(fields ? createRowDescription(fields, p.formats) : createNoData());
    }
  }

  private async execute(msg: Execute): Promise<void> {
    const entry = this.portal(msg.portal);
    if (entry.statement.empty) return this.send(createEmptyQueryResponse());
    const reply = await this.call(() => this.engine.execute(entry.portal, msg.maxRows));
    if (this.phaseValue === 'closed') return;
    this.sendNotices(reply.notices);
    const fields = entry.portal.fields ?? [];
    const binary = entry.formats.some((f) => f === 1);
    for (const row of reply.rows ?? []) {
      const cells: Cell[] = binary ? row.map((v, i) => (v === null || entry.formats[i] !== 1 ? v : encodeBinary(fields[i]!.typeOid, v))) : row;
      this.send(createDataRow(cells));
    }
    this.sendParameterStatus(reply.parameterStatus);
    this.send(reply.suspended ? createPortalSuspended() : createCommandComplete(commandTag(reply.command, reply.rowCount)));
  }

  private close(msg: Close): void {
    if (msg.target === 'S') this.dropStatement(msg.name);
    else this.dropPortal(msg.name);
    this.send(createCloseComplete());
  }
}
