/**
 * printTable.ts - psql's aligned output format for a query result.
 *
 * Mirrors print_aligned_text() in src/fe_utils/print.c with psql's defaults
 * (`\pset format aligned`, `border 1`, `linestyle ascii`, `null ''`,
 * `footer on`, no wrapping because output is not a terminal) and the width
 * rules of pg_wcssize()/pg_wcsformat() in src/fe_utils/mbprint.c for a UTF8
 * client encoding.
 */

/** Type OIDs column_type_alignment() (print.c) right-aligns. */
const rightAlignedTypeOids = new Set([
  20, // int8
  21, // int2
  23, // int4
  26, // oid
  28, // xid
  29, // cid
  700, // float4
  701, // float8
  790, // money
  1700, // numeric
  5069, // xid8
]);

export function isRightAligned(typeOid: number): boolean {
  return rightAlignedTypeOids.has(typeOid);
}

/**
 * Wide (two-column) code points: the East Asian Wide and Fullwidth blocks
 * PostgreSQL's ucs_wcwidth() knows about, in the coarse form of Markus
 * Kuhn's original table.
 */
const wideRanges: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const combining = /^[\p{Mn}\p{Me}]$/u;

/**
 * ucs_wcwidth() (src/common/wchar.c): -1 for control characters, 0 for
 * NUL and combining marks, 2 for wide characters, 1 otherwise.
 */
export function charWidth(cp: number): number {
  if (cp === 0) return 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return -1;
  if (combining.test(String.fromCodePoint(cp))) return 0;
  for (const [lo, hi] of wideRanges) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

/** One display line of a formatted cell or header, with its width in screen columns. */
export interface DisplayLine {
  text: string;
  width: number;
}

/**
 * pg_wcsformat(): split a value into display lines at newlines, showing
 * CR as `\r`, expanding tabs to the next multiple of 8, and showing other
 * control characters as `\xNN` (ASCII) or `\uNNNN` (non-ASCII).
 */
export function formatDisplayLines(value: string): DisplayLine[] {
  const lines: DisplayLine[] = [];
  let text = '';
  let width = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    const w = charWidth(cp);
    if (cp < 0x80) {
      if (ch === '\n') {
        lines.push({ text, width });
        text = '';
        width = 0;
      } else if (ch === '\r') {
        text += '\\r';
        width += 2;
      } else if (ch === '\t') {
        do {
          text += ' ';
          width++;
        } while (width % 8 !== 0);
      } else if (w < 0) {
        text += '\\x' + cp.toString(16).toUpperCase().padStart(2, '0');
        width += 4;
      } else {
        text += ch;
        width += w;
      }
    } else if (w < 0) {
      text += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
      width += 6;
    } else {
      text += ch;
      width += w;
    }
  }
  lines.push({ text, width });
  return lines;
}

/** The width of a string as pg_wcssize() counts it (widest display line). */
export function displayWidth(value: string): number {
  return Math.max(...formatDisplayLines(value).map((l) => l.width));
}

export interface PrintColumn {
  name: string;
  rightAligned: boolean;
}

/** How psql's ascii line style marks continuation lines of a multi-line cell. */
const enum LineWrap {
  None,
  Newline,
}

const spaces = (count: number): string => (count > 0 ? ' '.repeat(count) : '');

/**
 * print_aligned_text() with border 1 and the ascii line style: centered
 * headers (`+` after a header line that continues), a `-+-` rule, cells
 * padded to the column width (right-aligned ones padded on the left; the
 * last column unpadded unless a continuation mark follows), `+` at the end
 * of a cell line that continues on the next display line, the `(N rows)`
 * footer and a blank line. NULL cells are given as null and print empty.
 */
export function printAlignedTable(columns: PrintColumn[], rows: ReadonlyArray<ReadonlyArray<string | null>>): string {
  const ncols = columns.length;
  const headerLines = columns.map((c) => formatDisplayLines(c.name));
  const cellLines = rows.map((row) => columns.map((_, j) => formatDisplayLines(row[j] ?? '')));
  const width = columns.map((_, j) => {
    let w = Math.max(...headerLines[j]!.map((l) => l.width));
    for (const row of cellLines) for (const l of row[j]!) w = Math.max(w, l.width);
    return w;
  });

  let out = '';

  // Header lines, centered; a header with newlines takes several lines.
  const headerDone = columns.map(() => false);
  let remaining = ncols;
  for (let lineNo = 0; remaining > 0; lineNo++) {
    for (let i = 0; i < ncols; i++) {
      out += ' ';
      const line = headerLines[i]![lineNo];
      if (!headerDone[i] && line) {
        const nbspace = width[i]! - line.width;
        out += spaces(Math.floor(nbspace / 2)) + line.text + spaces(Math.floor((nbspace + 1) / 2));
        if (lineNo + 1 >= headerLines[i]!.length) {
          remaining--;
          headerDone[i] = true;
        }
      } else out += spaces(width[i]!);
      out += headerDone[i] ? ' ' : '+';
      if (i < ncols - 1) out += '|';
    }
    out += '\n';
  }
  // Middle rule: "-" + per column width dashes, joined by "-+-", then "-".
  out += '-' + width.map((w) => '-'.repeat(w)).join('-+-') + '-\n';

  // Without columns there are no cells, so no data lines (only the footer).
  for (const row of ncols > 0 ? cellLines : []) {
    const currLine = columns.map(() => 0);
    const wrap: LineWrap[] = columns.map(() => LineWrap.None);
    let moreLines: boolean;
    do {
      moreLines = false;
      for (let j = 0; j < ncols; j++) {
        const lines = row[j]!;
        const line = lines[currLine[j]!];
        const finalSpaces = j < ncols - 1;
        let chars = width[j]!;
        // Left mark: nl_left and the no-wrap mark are both a space in the ascii style.
        out += ' ';
        if (!line) {
          if (finalSpaces) out += spaces(chars);
        } else {
          chars = line.width;
          if (columns[j]!.rightAligned) out += spaces(width[j]! - chars) + line.text;
          else out += line.text;
          currLine[j]!++;
          if (currLine[j]! < lines.length) moreLines = true;
        }
        wrap[j] = currLine[j]! < lines.length && currLine[j]! !== 0 ? LineWrap.Newline : LineWrap.None;
        if (!columns[j]!.rightAligned && (finalSpaces || wrap[j] === LineWrap.Newline)) out += spaces(width[j]! - chars);
        if (wrap[j] === LineWrap.Newline) out += '+';
        else if (j < ncols - 1) out += ' ';
        // Column divider: "|" whatever the next column's state in the ascii style.
        if (j < ncols - 1) out += '|';
      }
      out += '\n';
    } while (moreLines);
  }

  out += rows.length === 1 ? '(1 row)\n' : `(${rows.length} rows)\n`;
  out += '\n';
  return out;
}
