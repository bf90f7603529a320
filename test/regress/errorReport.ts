/**
 * errorReport.ts - the text psql prints for an error or notice.
 *
 * Mirrors pqBuildErrorMessage3() and reportErrorPosition() in
 * src/interfaces/libpq/fe-protocol3.c (PostgreSQL 15). psql passes the
 * result through pg_log_info(), which prints it unchanged to stderr when
 * the script comes from stdin (no "psql:file:line:" prefix).
 */

import { charWidth } from './printTable.ts';

/** psql's VERBOSITY variable, i.e. libpq's PGVerbosity. */
export type Verbosity = 'default' | 'terse' | 'sqlstate';

/** The error or notice fields psql shows (PG_DIAG_*). */
export interface ReportFields {
  severity: string;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
  /** PG_DIAG_STATEMENT_POSITION: 1-based character offset into the statement. */
  position?: number;
}

/** Screen width limit of the LINE display, in screen columns. */
const DISPLAY_SIZE = 60;
/** How far the cut is kept from the error position. */
const MIN_RIGHT_CUT = 10;

/**
 * pqBuildErrorMessage3(): `SEVERITY:  message`, then at default verbosity
 * the cursor display (or ` at character N` when terse), DETAIL and HINT.
 * CONTEXT, QUERY and the VERBOSE fields are not part of RegressOutcome.
 * `query` is the statement the error belongs to (res->errQuery); notices
 * carry no position here.
 */
export function buildErrorMessage(f: ReportFields, verbosity: Verbosity, query: string | null): string {
  let msg = `${f.severity}:  `;
  if (verbosity === 'sqlstate' && f.sqlstate) return msg + f.sqlstate + '\n';
  const terse = verbosity !== 'default';
  msg += f.message;
  let cursorQuery: string | null = null;
  if (f.position !== undefined) {
    if (!terse && query !== null) cursorQuery = query;
    else msg += ` at character ${f.position}`;
  }
  msg += '\n';
  if (!terse) {
    if (cursorQuery !== null && f.position !== undefined && f.position > 0) msg += reportErrorPosition(cursorQuery, f.position);
    if (f.detail !== undefined) msg += `DETAIL:  ${f.detail}\n`;
    if (f.hint !== undefined) msg += `HINT:  ${f.hint}\n`;
  }
  return msg;
}

/** ucs_wcwidth() as reportErrorPosition() uses it: control characters count 1. */
const cursorWidth = (cp: number): number => {
  const w = charWidth(cp);
  return w <= 0 ? 1 : w;
};

/**
 * reportErrorPosition(): the `LINE n: ` display of the statement line that
 * holds the error position (1-based, in characters), cut to about 60 screen
 * columns with `...` where text was dropped, tabs shown as spaces, and a
 * caret under the position. Returns '' if the position is past the end.
 */
export function reportErrorPosition(query: string, position: number): string {
  const loc = position - 1;
  if (loc < 0) return '';
  // One entry per character: its text (tabs replaced) and starting screen column.
  const chars = Array.from(query);
  const text: string[] = [];
  const scr: number[] = [];
  let scroffset = 0;
  let locLine = 1;
  let ibeg = 0;
  let iend = -1;
  let cno = 0;
  for (; cno < chars.length; cno++) {
    const ch = chars[cno]!;
    scr[cno] = scroffset;
    text[cno] = ch === '\t' ? ' ' : ch;
    if (ch === '\r' || ch === '\n') {
      if (cno < loc) {
        // "\r\n" counts as one line break.
        if (ch === '\r' || cno === 0 || chars[cno - 1] !== '\r') locLine++;
        ibeg = cno + 1;
      } else {
        iend = cno;
        break;
      }
    }
    scroffset += cursorWidth(ch.codePointAt(0) ?? 0);
  }
  if (iend < 0) {
    iend = cno;
    scr[iend] = scroffset;
  }
  if (loc > cno) return '';

  let begTrunc = false;
  let endTrunc = false;
  const col = (i: number): number => scr[i] ?? 0;
  if (col(iend) - col(ibeg) > DISPLAY_SIZE) {
    if (col(ibeg) + DISPLAY_SIZE >= col(loc) + MIN_RIGHT_CUT) {
      // Truncating on the right is enough.
      while (col(iend) - col(ibeg) > DISPLAY_SIZE) iend--;
      endTrunc = true;
    } else {
      // Truncate right if not too close to the position, then left if still too long.
      while (col(loc) + MIN_RIGHT_CUT < col(iend)) {
        iend--;
        endTrunc = true;
      }
      while (col(iend) - col(ibeg) > DISPLAY_SIZE) {
        ibeg++;
        begTrunc = true;
      }
    }
  }

  let prefix = `LINE ${locLine}: `;
  if (begTrunc) prefix += '...';
  let caretColumn = 0;
  for (const ch of prefix) caretColumn += cursorWidth(ch.codePointAt(0) ?? 0);
  let out = prefix + text.slice(ibeg, iend).join('');
  if (endTrunc) out += '...';
  out += '\n';
  caretColumn += col(loc) - col(ibeg);
  out += ' '.repeat(caretColumn) + '^\n';
  return out;
}
