/*
 * COPY's text and csv formats without a server (sql/copy.ts): the streaming
 * line reader split at every offset, field splitting and escapes, output
 * quoting and escaping, and the option checks, each compared with what
 * PostgreSQL 15 does.
 */
import test from 'ava';
import type { Node } from '@pgsql/types';
import { copyOptions, CopyLineReader, formatLine, splitCsv, splitText } from '../sql/copy.ts';
import type { CopyOptions } from '../sql/copy.ts';
import { SqlError } from '../sql/errors.ts';
import { loadParser, parse } from '../sql/parser.ts';

await loadParser();

function optionsOf(sql: string): CopyOptions {
  const stmt = parse(sql)[0]!.stmt as Extract<Node, { CopyStmt: unknown }>;
  return copyOptions(stmt.CopyStmt.options ?? [], stmt.CopyStmt.is_from === true);
}

/** The lines of `input` when it arrives in the given pieces. */
function linesOf(opts: CopyOptions, pieces: Buffer[]): string[] {
  const r = new CopyLineReader(opts);
  const out: Buffer[] = [];
  for (const p of pieces) out.push(...r.push(p));
  out.push(...r.finish());
  return out.map((b) => b.toString('utf8'));
}

function everySplit(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, opts: CopyOptions, input: string, expected: string[]): void {
  const bytes = Buffer.from(input, 'utf8');
  t.deepEqual(linesOf(opts, [bytes]), expected, 'whole');
  for (let i = 0; i <= bytes.length; i++) {
    for (const j of [i, Math.min(bytes.length, i + 1), Math.min(bytes.length, i + 2)]) {
      t.deepEqual(linesOf(opts, [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]), expected, `split at ${i} and ${j}`);
    }
  }
  t.deepEqual(
    linesOf(
      opts,
      [...bytes].map((b) => Buffer.from([b])),
    ),
    expected,
    'one byte per chunk',
  );
}

const TEXT = optionsOf('COPY t FROM STDIN');
const CSV = optionsOf('COPY t FROM STDIN WITH CSV');

test('text lines: a backslash takes the next byte with it, \\. ends the data and what follows is ignored, at every chunk boundary', (t) => {
  everySplit(t, TEXT, '1\ta\\\nb\n2\tc\\\\\n3\tx\\.\nignored\n', ['1\ta\\\nb', '2\tc\\\\', '3\tx']);
  everySplit(t, TEXT, 'a\r\nb\r\n\\.\r\nrest', ['a', 'b']);
  everySplit(t, TEXT, 'a\rb\r', ['a', 'b']);
  everySplit(t, TEXT, 'last line without newline', ['last line without newline']);
  everySplit(t, TEXT, 'ends with a backslash\\', ['ends with a backslash\\']);
});

test('csv lines: newlines and carriage returns inside quotes are data; \\. ends the data only alone on a line', (t) => {
  everySplit(t, CSV, '1,"multi\nline",x\n2,"a ""quoted"" word\r",y\n3,\\.\n\\.x,1\n\\.\nignored', ['1,"multi\nline",x', '2,"a ""quoted"" word\r",y', '3,\\.', '\\.x,1']);
  const esc = optionsOf("COPY t FROM STDIN (FORMAT csv, ESCAPE '\\')");
  everySplit(t, esc, '"a\\"\nb",1\n"c\\\\"\n', ['"a\\"\nb",1', '"c\\\\"']);
});

test('a newline style different from the first line is an error, as PostgreSQL words it', (t) => {
  const err = (opts: CopyOptions, input: string) => t.throws(() => linesOf(opts, [Buffer.from(input)]), { instanceOf: SqlError });
  t.like(err(TEXT, 'a\nb\rc\n'), { sqlstate: '22P04', message: 'literal carriage return found in data', fields: { hint: 'Use "\\r" to represent carriage return.' } });
  t.like(err(TEXT, 'a\r\nb\nc'), { sqlstate: '22P04', message: 'literal newline found in data', fields: { hint: 'Use "\\n" to represent newline.' } });
  t.like(err(CSV, 'a\nb\rc\n'), { message: 'unquoted carriage return found in data', fields: { hint: 'Use quoted CSV field to represent carriage return.' } });
  t.like(err(CSV, 'a\rb\nc\r'), { message: 'unquoted newline found in data' });
  t.like(err(TEXT, 'a\n\\.x\n'), { sqlstate: '22P04', message: 'end-of-copy marker corrupt' });
  t.like(err(TEXT, 'a\r\n\\.\n'), { message: 'end-of-copy marker does not match previous newline style' });
});

test('text fields: backslash sequences (\\t \\n \\r \\b \\f \\v, octal, hex, any other byte) and \\N as NULL', (t) => {
  const split = (s: string, nul = '\\N') => splitText(Buffer.from(s, 'utf8'), 9, Buffer.from(nul));
  t.deepEqual(split('1\t\\N\t\\\\N\t'), ['1', null, '\\N', '']);
  t.deepEqual(split('a\\tb\\nc\\rd\\be\\ff\\vg'), ['a\tb\nc\rd\be\ff\vg']);
  t.deepEqual(split('\\101\\x42\\x4\\7\\q\\\\'), ['AB\x04\x07q\\']);
  t.deepEqual(split('\\xc3\\xa9t\\303\\251'), ['été']);
  t.deepEqual(split('tab\\\tinside\t2'), ['tab\tinside', '2'], 'an escaped delimiter is data');
  t.deepEqual(split('héllo\tend\\'), ['héllo', 'end'], 'a lone backslash at the end is dropped');
  t.deepEqual(split('NULL\tx', 'NULL'), [null, 'x']);
  t.throws(() => split('\\xc3('), { instanceOf: SqlError, message: 'invalid byte sequence for encoding "UTF8": 0xc3 0x28' });
  t.throws(() => split('a\\000'), { message: 'invalid byte sequence for encoding "UTF8": 0x00' });
});

test('csv fields: quotes, doubled quotes, the escape character, and NULL only when unquoted', (t) => {
  const split = (s: string, o = CSV) => splitCsv(Buffer.from(s, 'utf8'), o.delimiter, o.quote, o.escape, Buffer.from(o.null)).map((f) => f.value);
  t.deepEqual(split('1,,"",a b , "x"'), ['1', null, '', 'a b ', ' x']);
  t.deepEqual(split('"a,b","say ""hi""",pre"mid"post'), ['a,b', 'say "hi"', 'premidpost']);
  t.deepEqual(split('"multi\nline",\\N'), ['multi\nline', '\\N']);
  const esc = optionsOf("COPY t FROM STDIN (FORMAT csv, ESCAPE '\\', NULL 'nil')");
  t.deepEqual(split('"a\\"b","c\\\\d","e\\f",nil,"nil"', esc), ['a"b', 'c\\d', 'e\\f', null, 'nil']);
  t.throws(() => split('1,"open'), { instanceOf: SqlError, message: 'unterminated CSV quoted field' });
});

test('text output escapes backslash, tab, newline, carriage return, \\b \\f \\v and the delimiter; NULL is \\N', (t) => {
  const o = optionsOf('COPY t TO STDOUT');
  t.is(formatLine(['a\tb', 'c\nd\re', 'back\\slash', null, '', '\b\f\v\x01'], o), 'a\\tb\tc\\nd\\re\tback\\\\slash\t\\N\t\t\\b\\f\\v\x01\n');
  const comma = optionsOf("COPY t TO STDOUT (DELIMITER ',', NULL '')");
  t.is(formatLine(['a,b', null, 'é'], comma), 'a\\,b,,é\n');
});

test('csv output quotes a value holding the delimiter, the quote, a newline or a carriage return, or equal to the NULL string, and a lone \\. in a single column', (t) => {
  const o = optionsOf('COPY t TO STDOUT (FORMAT csv)');
  t.is(formatLine(['plain', 'a,b', 'say "hi"', 'x\ny', 'cr\r', null, '', '\\.'], o), 'plain,"a,b","say ""hi""","x\ny","cr\r",,"",\\.\n');
  t.is(formatLine(['\\.'], o), '"\\."\n');
  const q = optionsOf("COPY t TO STDOUT (FORMAT csv, QUOTE '''', ESCAPE '\\', FORCE_QUOTE *)");
  t.is(formatLine(["it's", 'back\\', null], q, [true, true, true]), "'it\\'s','back\\\\',\n");
});

test('option checks give PostgreSQL 15 messages and SQLSTATEs', (t) => {
  const err = (sql: string) => t.throws(() => optionsOf(sql), { instanceOf: SqlError });
  t.like(err('COPY t FROM STDIN (FORMAT xml)'), { sqlstate: '22023', message: 'COPY format "xml" not recognized', fields: { position: 20 } });
  t.like(err('COPY t FROM STDIN (FORMAT csv, FORMAT csv)'), { sqlstate: '42601', message: 'conflicting or redundant options' });
  t.like(err("COPY t FROM STDIN (DELIMITER 'ab')"), { sqlstate: '0A000', message: 'COPY delimiter must be a single one-byte character' });
  t.like(err("COPY t FROM STDIN (DELIMITER 'a')"), { sqlstate: '22023', message: 'COPY delimiter cannot be "a"' });
  t.like(err("COPY t FROM STDIN (QUOTE '\"')"), { sqlstate: '0A000', message: 'COPY quote available only in CSV mode' });
  t.like(err("COPY t FROM STDIN (FORMAT csv, DELIMITER '\"')"), { message: 'COPY delimiter and quote must be different' });
  t.like(err("COPY t FROM STDIN (NULL 'a\tb')"), { message: 'COPY delimiter must not appear in the NULL specification' });
  t.like(err('COPY t TO STDOUT (HEADER match)'), { sqlstate: '0A000', message: 'cannot use "match" with HEADER in COPY TO' });
  t.like(err('COPY t FROM STDIN (FREEZE maybe)'), { sqlstate: '22023', message: 'freeze requires a Boolean value' });
  t.like(err('COPY t FROM STDIN (bogus 1)'), { sqlstate: '42601', message: 'option "bogus" not recognized' });
  t.like(err('COPY t FROM STDIN (FORMAT csv, FORCE_QUOTE (a))'), { message: 'COPY force quote only available using COPY TO' });
  const old = optionsOf("COPY t FROM STDIN WITH CSV HEADER DELIMITER ';' NULL 'x' QUOTE '''' FREEZE");
  t.like(old, { format: 'csv', header: true, delimiter: 0x3b, null: 'x', quote: 0x27, escape: 0x27, freeze: true });
  t.like(optionsOf('COPY t FROM STDIN (FREEZE on, HEADER match)'), { format: 'text', freeze: true, header: 'match', delimiter: 9, null: '\\N' });
});
