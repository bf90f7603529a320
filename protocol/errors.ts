/*
 * Errors and notices as the wire protocol carries them (ErrorResponse /
 * NoticeResponse fields). The shapes are structural so that sql/errors.ts's
 * SqlError and Notice, actors/backend.ts's WireError, and a ProtocolError all
 * fit without this folder importing the SQL layer.
 *
 * @see https://www.postgresql.org/docs/15/protocol-error-fields.html
 */

/** What an ErrorResponse / NoticeResponse needs; SqlError (with `fields`) and WireError (flat) both fit. */
export interface ErrorLike {
  severity?: string;
  sqlstate?: string;
  /** node-postgres and some libraries name the SQLSTATE `code`. */
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number;
  /** SqlError keeps detail/hint/position here. */
  fields?: { detail?: string; hint?: string; position?: number };
}

/** The normalized form written to the wire. */
export interface ErrorFieldsOut {
  severity: string;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number;
}

/**
 * A violation of the wire protocol (SQLSTATE 08P01 unless said otherwise) or
 * a failure of the startup / authentication phase. `severity` is FATAL when
 * the connection must end after the error is sent.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    message: string,
    readonly sqlstate = '08P01',
    readonly severity: 'ERROR' | 'FATAL' = 'FATAL',
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Error-like values to wire fields; anything else (a bug) becomes XX000 with its message. */
export function toErrorFields(err: unknown, defaultSeverity = 'ERROR'): ErrorFieldsOut {
  if (err !== null && typeof err === 'object' && typeof (err as ErrorLike).message === 'string') {
    const e = err as ErrorLike;
    const sqlstate = typeof e.sqlstate === 'string' ? e.sqlstate : typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : 'XX000';
    const out: ErrorFieldsOut = { severity: typeof e.severity === 'string' ? e.severity : defaultSeverity, sqlstate, message: e.message };
    const detail = e.detail ?? e.fields?.detail;
    const hint = e.hint ?? e.fields?.hint;
    const position = e.position ?? e.fields?.position;
    if (detail !== undefined) out.detail = detail;
    if (hint !== undefined) out.hint = hint;
    if (position !== undefined) out.position = position;
    return out;
  }
  return { severity: defaultSeverity, sqlstate: 'XX000', message: String(err) };
}
