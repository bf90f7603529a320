/*
 * What a connection needs from the SQL side: the contract between
 * protocol/connection.ts and whatever runs statements (the backend actor
 * wraps sql/session.ts's SqlSession in it; the tests use a fake). Every value
 * crosses in PostgreSQL's text format; the connection does the binary
 * conversions (binary.ts) for Bind parameters and result columns.
 *
 * Errors: simpleQuery reports a statement's error in its reply (as
 * SqlSession.query does, with the results of the statements before it);
 * every other method throws. What is thrown should look like an ErrorLike
 * (SqlError does): severity, sqlstate, message, detail, hint, position.
 * Anything else is sent as XX000. A thrown error with severity FATAL ends
 * the connection.
 */
import type { FieldDescription } from './backend/rowDescription.ts';
import type { TransactionStatus } from './backend/readyForQuery.ts';
import type { ErrorLike } from './errors.ts';
import type { AuthMethod } from './hba.ts';

export type { FieldDescription, TransactionStatus };

export interface StartupInfo {
  user: string;
  /** The database asked for; the user name when the client named none. */
  database: string;
  /** Every startup parameter as the client sent it (application_name, options, client_encoding, ...). */
  parameters: Record<string, string>;
  /** A unix-socket connection. */
  local: boolean;
  /** The client's IP address (TCP). */
  remoteAddress?: string;
  ssl: boolean;
}

export interface AuthDecision {
  /** From the pg_hba rules (hba.ts hbaAuthMethod); `reject` never reaches here: hbaAuthMethod throws. */
  method: AuthMethod;
  /** pg_authid.rolpassword: a SCRAM secret, an md5 hash, or null when the role has no password or does not exist. */
  secret: string | null;
}

export interface SessionInfo {
  /** ParameterStatus values added to or replacing the defaults (TimeZone, is_superuser, server_version, ...). */
  parameters?: Record<string, string>;
}

export interface NoticeLike {
  severity: string;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** One statement's result; actors/backend.ts's WireResult has this shape. */
export interface QueryResult {
  /** The command tag's verb (SELECT, INSERT, BEGIN, ...); see backend/commandComplete.ts commandTag. */
  command: string;
  rowCount: number | null;
  /** null: the statement returns no rows (no RowDescription). */
  fields: FieldDescription[] | null;
  rows: Array<Array<string | null>> | null;
  notices?: NoticeLike[];
}

/** The reply to a query string; actors/backend.ts's QueryReply has this shape. */
export interface SimpleQueryReply {
  /** One per statement that completed, in order. None and no error: the string was empty (EmptyQueryResponse). */
  results: QueryResult[];
  /** The error that ended the string, if any. */
  error: ErrorLike | null;
  /** Notices of the failed statement (sent before its ErrorResponse). */
  notices?: NoticeLike[];
  status: TransactionStatus;
  /** Reported settings the string changed (SET TimeZone ...): sent as ParameterStatus before ReadyForQuery. */
  parameterStatus?: Record<string, string>;
}

/** A parsed statement. Engines extend it with their own data (the connection only reads these fields). */
export interface PreparedStatement {
  /** One per $n: the type OIDs the client gave, unspecified ones resolved. */
  paramTypes: number[];
  /** The result columns (formats unknown until Bind: described as text), or null when it returns no rows. */
  fields: FieldDescription[] | null;
  /** The query string held no statement: Execute answers EmptyQueryResponse. */
  empty?: boolean;
}

/** A bound statement, ready to run. Engines extend it with their own data. */
export interface Portal {
  fields: FieldDescription[] | null;
}

export interface ExecuteReply {
  command: string;
  rowCount: number | null;
  /** The rows of this Execute (at most maxRows when maxRows > 0), text format. */
  rows: Array<Array<string | null>> | null;
  /** maxRows was reached with rows left: PortalSuspended, and a later Execute goes on from there. */
  suspended: boolean;
  notices?: NoticeLike[];
  parameterStatus?: Record<string, string>;
}

/** COPY FROM STDIN's data as the client sends it (CopyData bodies); null after CopyDone. Throws 57014 at CopyFail, 08P01 at a message that has no place in COPY. */
export interface CopyInStream {
  read(): Promise<Buffer | null>;
}

/** COPY TO STDOUT: one CopyData per call, then CopyDone. */
export interface CopyOutStream {
  data(chunk: Buffer): void;
  done(): void;
}

/**
 * The COPY sub-protocol of a simple Query, offered to the engine for the
 * duration of its simpleQuery call (protocol-flow.html#PROTOCOL-COPY).
 * Format codes: 0 text (the only one the connection sends per column when
 * the overall format is text), 1 binary.
 */
export interface CopyChannel {
  /** Sends the results of statements that completed before a COPY in the same query string now, so that they precede its CopyIn/CopyOutResponse; they must not be in the final reply again. */
  sendResults(results: readonly QueryResult[]): void;
  /** CopyInResponse, then the client's data. */
  copyIn(overallFormat: 0 | 1, columnFormats: readonly number[]): CopyInStream;
  /** CopyOutResponse, then the data the engine writes. */
  copyOut(overallFormat: 0 | 1, columnFormats: readonly number[]): CopyOutStream;
}

export interface ProtocolEngine<S extends PreparedStatement = PreparedStatement, P extends Portal = Portal> {
  /** Which method and secret apply to this connection (pg_hba.conf, pg_authid). Throws FATAL 28000 etc. to refuse. */
  authenticate(startup: StartupInfo): Promise<AuthDecision>;
  /** The client is authenticated: open the session (check the database exists, ...). Throws to refuse (3D000 ...). */
  startSession(startup: StartupInfo): Promise<SessionInfo>;
  /** A simple-protocol query string: every statement in turn, the first error ends it. A COPY in it talks to the client through `copy`. */
  simpleQuery(sql: string, copy?: CopyChannel): Promise<SimpleQueryReply>;
  /** Parse: one statement (or none); `paramTypes` may be shorter than the $n used, 0 means unspecified. */
  prepare(sql: string, paramTypes: number[]): Promise<S>;
  /** Bind: parameters in text form (null = NULL), one per statement.paramTypes. */
  bind(statement: S, params: Array<string | null>): Promise<P>;
  /** Execute: up to maxRows rows (0 = all). Inside an implicit transaction that Sync ends. */
  execute(portal: P, maxRows: number): Promise<ExecuteReply>;
  /** Close, or a statement / portal replaced or dropped by the protocol. Optional: for engines that hold resources. */
  closeStatement?(statement: S): void;
  closePortal?(portal: P): void;
  /** Sync: commit the implicit transaction (or finish aborting it after an error); the status for ReadyForQuery. */
  sync(): Promise<TransactionStatus>;
  /** CancelRequest: stop the running statement (it fails with 57014); a no-op when idle. */
  cancel(): void;
  /** The connection ended (Terminate, disconnect, fatal error): roll back and free the session. Called exactly once. */
  close(): Promise<void>;
}
