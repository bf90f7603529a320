/*
 * Errors of the SQL layer, shaped like PostgreSQL's ErrorResponse fields
 * (severity, SQLSTATE, message, detail, hint, position) so that the wire
 * protocol can send them as they are and embedded sessions can throw them.
 *
 * @see https://www.postgresql.org/docs/15/protocol-error-fields.html
 * @see https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
export type Severity = 'ERROR' | 'FATAL' | 'PANIC';

export interface ErrorFields {
  detail?: string;
  hint?: string;
  /** 1-based character position in the statement text (the "P" field). */
  position?: number;
  /** Names of the object concerned, as PostgreSQL reports them. */
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly severity: Severity;

  constructor(
    readonly sqlstate: string,
    message: string,
    readonly fields: ErrorFields = {},
    severity: Severity = 'ERROR',
  ) {
    super(message);
    this.severity = severity;
  }

  get code(): string {
    return this.sqlstate;
  }
}

/** A notice (NOTICE, WARNING, ...) sent to the client without ending the statement. */
export interface Notice {
  severity: 'WARNING' | 'NOTICE' | 'INFO' | 'LOG' | 'DEBUG';
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
}

export const syntaxError = (message: string, position?: number): SqlError => new SqlError('42601', message, position === undefined ? {} : { position });
export const featureNotSupported = (what: string): SqlError => new SqlError('0A000', `${what} is not supported`);
