/**
 * psqlScan.ts - how psql cuts a script into echoed lines, SQL statements
 * and backslash commands.
 *
 * Mirrors src/bin/psql/mainloop.c (MainLoop) and src/fe_utils/psqlscan.l as
 * of PostgreSQL 15, for a script read from stdin (`psql -X -a -q < file`):
 *
 *   - input is read line by line; an empty line outside a quote or comment
 *     is skipped without being echoed, every other line is echoed (`-a`);
 *   - a newline joins source lines in the query buffer only once the buffer
 *     holds something;
 *   - whitespace and `--` comments are dropped while the buffer is empty and
 *     kept afterwards; `/* ... *\/` comments are always kept;
 *   - a semicolon ends the statement only outside quotes, comments,
 *     parentheses and a `CREATE FUNCTION ... BEGIN ATOMIC ... END` body; the
 *     statement sent is the buffer including that semicolon;
 *   - a backslash starts a meta-command that takes the rest of the line;
 *   - whatever is left in the buffer at end of input is sent as it is.
 *
 * Not reproduced: psql variable interpolation (`:name`, `:'name'`), which
 * the regression files must not rely on, and meta-commands other than
 * `\set`.
 */

export type ScriptEvent = { kind: 'echo'; line: string } | { kind: 'statement'; sql: string } | { kind: 'meta'; command: string; args: string[] };

/** Lexer start states of psqlscan.l that outlive a line. */
const enum LexState {
  /** Outside any quote or comment. */
  Initial,
  /** Inside a C-style comment, possibly nested (xc). */
  Comment,
  /** Inside a standard-conforming '...' literal, also b'', x'', n'', U&'' (xq, xb, xh, xus). */
  Quote,
  /** Inside an E'...' literal where backslash escapes the next character (xe). */
  EscapeQuote,
  /** Inside a "..." or U&"..." identifier (xd, xui). */
  DoubleQuote,
  /** Inside a $tag$...$tag$ literal (xdolq). */
  DollarQuote,
}

const identStart = /[A-Za-z_\u0080-\uffff]/;
const identCont = /[A-Za-z0-9_$\u0080-\uffff]/;
const dollarDelimiter = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Words that begin the `CREATE [OR REPLACE] {FUNCTION|PROCEDURE}` prefix psqlscan.l watches for. */
const prefixWords = new Set(['create', 'function', 'procedure', 'or', 'replace']);

/**
 * The lexer state of psqlscan.l that survives from one line to the next,
 * plus the query buffer MainLoop keeps.
 */
class PsqlScanState {
  state: LexState = LexState.Initial;
  commentDepth = 0;
  dollarTag = '';
  parenDepth = 0;
  beginDepth = 0;
  identifierCount = 0;
  identifiers: string[] = [];
  buffer = '';

  /** psql_scan_in_quote(): is the lexer inside a literal or comment? */
  inQuote(): boolean {
    return this.state !== LexState.Initial;
  }

  /** Called when a statement has been sent (psqlscan.l resets these on ';'). */
  endStatement(): void {
    this.buffer = '';
    this.identifierCount = 0;
  }

  /**
   * The identifier rule of psqlscan.l: BEGIN/CASE/END are only counted
   * after a CREATE [OR REPLACE] FUNCTION/PROCEDURE prefix, outside
   * parentheses, so that semicolons inside a BEGIN ATOMIC body do not end
   * the statement.
   */
  noteIdentifier(word: string): void {
    const lower = word.toLowerCase();
    if (this.identifierCount === 0) this.identifiers = [];
    if (prefixWords.has(lower) && this.identifierCount < 4) this.identifiers[this.identifierCount] = lower[0] ?? '';
    this.identifierCount++;
    const ids = this.identifiers;
    const isRoutine = ids[0] === 'c' && (ids[1] === 'f' || ids[1] === 'p' || (ids[1] === 'o' && ids[2] === 'r' && (ids[3] === 'f' || ids[3] === 'p')));
    if (!isRoutine || this.parenDepth !== 0) return;
    if (lower === 'begin') this.beginDepth++;
    else if (lower === 'case' && this.beginDepth >= 1) this.beginDepth++;
    else if (lower === 'end' && this.beginDepth > 0) this.beginDepth--;
  }
}

/** What scanning one piece of a line produced. */
type LineScanResult = { kind: 'semicolon'; rest: number } | { kind: 'backslash'; rest: number } | { kind: 'eol' };

/**
 * psql_scan(): consume `line` from `pos`, appending to the query buffer,
 * until a statement-ending semicolon, a backslash command or end of line.
 */
function scanLine(s: PsqlScanState, line: string, pos: number): LineScanResult {
  let i = pos;
  const n = line.length;
  while (i < n) {
    const ch = line[i] ?? '';
    switch (s.state) {
      case LexState.Comment: {
        if (line.startsWith('/*', i)) {
          s.commentDepth++;
          s.buffer += '/*';
          i += 2;
        } else if (line.startsWith('*/', i)) {
          if (s.commentDepth <= 0) s.state = LexState.Initial;
          else s.commentDepth--;
          s.buffer += '*/';
          i += 2;
        } else {
          s.buffer += ch;
          i++;
        }
        continue;
      }
      case LexState.Quote:
      case LexState.DoubleQuote: {
        const q = s.state === LexState.Quote ? "'" : '"';
        if (ch === q) {
          if (line[i + 1] === q) {
            s.buffer += q + q;
            i += 2;
          } else {
            s.buffer += q;
            s.state = LexState.Initial;
            i++;
          }
        } else {
          s.buffer += ch;
          i++;
        }
        continue;
      }
      case LexState.EscapeQuote: {
        if (ch === '\\' && i + 1 < n) {
          s.buffer += line.slice(i, i + 2);
          i += 2;
        } else if (ch === "'") {
          if (line[i + 1] === "'") {
            s.buffer += "''";
            i += 2;
          } else {
            s.buffer += "'";
            s.state = LexState.Initial;
            i++;
          }
        } else {
          s.buffer += ch;
          i++;
        }
        continue;
      }
      case LexState.DollarQuote: {
        const end = line.indexOf(s.dollarTag, i);
        if (end < 0) {
          s.buffer += line.slice(i);
          i = n;
        } else {
          s.buffer += line.slice(i, end + s.dollarTag.length);
          i = end + s.dollarTag.length;
          s.state = LexState.Initial;
        }
        continue;
      }
      case LexState.Initial:
        break;
    }

    // Whitespace and "--" comments: suppressed until the buffer holds something.
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') {
      if (s.buffer.length > 0) s.buffer += ch;
      i++;
      continue;
    }
    if (line.startsWith('--', i)) {
      if (s.buffer.length > 0) s.buffer += line.slice(i);
      i = n;
      continue;
    }
    if (line.startsWith('/*', i)) {
      s.state = LexState.Comment;
      s.commentDepth = 0;
      s.buffer += '/*';
      i += 2;
      continue;
    }
    if (ch === "'") {
      s.state = LexState.Quote;
      s.buffer += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      s.state = LexState.DoubleQuote;
      s.buffer += ch;
      i++;
      continue;
    }
    if (ch === '$') {
      const m = dollarDelimiter.exec(line.slice(i));
      if (m) {
        s.state = LexState.DollarQuote;
        s.dollarTag = m[0];
        s.buffer += m[0];
        i += m[0].length;
        continue;
      }
      s.buffer += ch;
      i++;
      continue;
    }
    if (identStart.test(ch)) {
      let j = i + 1;
      while (j < n && identCont.test(line[j] ?? '')) j++;
      const word = line.slice(i, j);
      const next = line[j];
      // E'', B'', X'', N'' and U&'' / U&"" prefixes (longest match beats the identifier rule).
      if (word.length === 1 && next === "'") {
        s.state = word === 'e' || word === 'E' ? LexState.EscapeQuote : LexState.Quote;
        s.buffer += word + next;
        i = j + 1;
        continue;
      }
      if ((word === 'u' || word === 'U') && next === '&' && (line[j + 1] === "'" || line[j + 1] === '"')) {
        s.state = line[j + 1] === "'" ? LexState.Quote : LexState.DoubleQuote;
        s.buffer += line.slice(i, j + 2);
        i = j + 2;
        continue;
      }
      s.noteIdentifier(word);
      s.buffer += word;
      i = j;
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      // Numbers may contain letters ("1e5") but never start a quote or identifier.
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(line[j] ?? '')) j++;
      s.buffer += line.slice(i, j);
      i = j;
      continue;
    }
    if (ch === '(') {
      s.parenDepth++;
      s.buffer += ch;
      i++;
      continue;
    }
    if (ch === ')') {
      if (s.parenDepth > 0) s.parenDepth--;
      s.buffer += ch;
      i++;
      continue;
    }
    if (ch === ';') {
      s.buffer += ch;
      i++;
      if (s.parenDepth === 0 && s.beginDepth === 0) return { kind: 'semicolon', rest: i };
      continue;
    }
    if (ch === '\\') {
      // "\;" and "\:" put the bare character into the buffer.
      const next = line[i + 1];
      if (next === ';' || next === ':') {
        s.buffer += next;
        i += 2;
        continue;
      }
      return { kind: 'backslash', rest: i + 1 };
    }
    s.buffer += ch;
    i++;
  }
  return { kind: 'eol' };
}

/**
 * psql_scan_slash_command() and the OT_NORMAL options of `\set`: the
 * command name runs to whitespace or a backslash, the arguments are
 * whitespace-separated words, single-quoted words lose their quotes.
 * Returns the position after the arguments (the end of the line, or the
 * next backslash).
 */
function scanMetaCommand(line: string, pos: number): { command: string; args: string[]; rest: number } {
  let i = pos;
  const n = line.length;
  let command = '';
  while (i < n && !/\s/.test(line[i] ?? '') && line[i] !== '\\') command += line[i++];
  const args: string[] = [];
  for (;;) {
    while (i < n && /\s/.test(line[i] ?? '')) i++;
    if (i >= n || line[i] === '\\') break;
    let arg = '';
    while (i < n && !/\s/.test(line[i] ?? '') && line[i] !== '\\') {
      if (line[i] === "'") {
        i++;
        while (i < n) {
          if (line[i] === "'" && line[i + 1] === "'") {
            arg += "'";
            i += 2;
          } else if (line[i] === "'") {
            i++;
            break;
          } else arg += line[i++];
        }
      } else arg += line[i++];
    }
    args.push(arg);
  }
  // "\\" is the separator between meta-commands on one line.
  if (line.startsWith('\\\\', i)) i += 2;
  return { command, args, rest: i };
}

/**
 * Cut a script into the events psql produces for it, in order: each echoed
 * line, each statement sent to the server, each meta-command executed.
 */
export function scanScript(text: string): ScriptEvent[] {
  const events: ScriptEvent[] = [];
  const lines = text.split('\n');
  // A final newline ends the last line; it does not start another one.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const s = new PsqlScanState();
  lines.forEach((raw, index) => {
    let line = raw;
    // MainLoop drops a UTF-8 byte-order mark on the first line.
    if (index === 0 && line.startsWith('\ufeff')) line = line.slice(1);
    if (line === '' && !s.inQuote()) return;
    events.push({ kind: 'echo', line });
    let addedNewlineAt = -1;
    if (s.buffer.length > 0) {
      s.buffer += '\n';
      addedNewlineAt = s.buffer.length;
    }
    let pos = 0;
    for (;;) {
      const r = scanLine(s, line, pos);
      if (r.kind === 'eol') break;
      if (r.kind === 'semicolon') {
        events.push({ kind: 'statement', sql: s.buffer });
        s.endStatement();
        addedNewlineAt = -1;
        pos = r.rest;
        continue;
      }
      // A line holding only a backslash command leaves the query buffer unchanged.
      if (s.buffer.length === addedNewlineAt) s.buffer = s.buffer.slice(0, -1);
      addedNewlineAt = -1;
      const meta = scanMetaCommand(line, r.rest);
      events.push({ kind: 'meta', command: meta.command, args: meta.args });
      pos = meta.rest;
    }
  });
  if (s.buffer.length > 0) events.push({ kind: 'statement', sql: s.buffer });
  return events;
}
