\set VERBOSITY terse
--
-- text, varchar(n), char(n) and string functions
--
CREATE TABLE tt (id integer PRIMARY KEY, t text, v varchar(5), c char(5));
INSERT INTO tt VALUES (1, 'hello', 'abc', 'ab'), (2, '', '', ''), (3, '  padded  ', 'a b', 'x y'), (4, 'Mixed Case', 'MiXeD', 'AbC');
INSERT INTO tt VALUES (5, 'x', 'toolong', 'x');
INSERT INTO tt VALUES (5, 'x', 'x', 'toolong');
INSERT INTO tt VALUES (5, 'x', 'abcde     ', 'abcde     ');
INSERT INTO tt VALUES (6, 'x', 'abcdefgh'::varchar(5), 'y');
SELECT id, t, v, c, length(c) AS clen, octet_length(c) AS coct FROM tt ORDER BY id;
SELECT id, '[' || c || ']' AS bracketed, c = 'ab   ' AS padded_eq FROM tt ORDER BY id;
SELECT 'abcdef'::varchar(3) AS truncated_cast, 'ab'::char(4) || '|' AS char_concat, 'abc'::char(1) AS char_trunc;
SELECT 'toolong'::varchar(3)::text AS cast_chain, length('héllo') AS mb_length, octet_length('héllo') AS mb_octets;
-- case functions
SELECT lower('Hello World') AS lower, upper('Hello World') AS upper, initcap('hello wORLD foo-bar') AS initcap;
-- length and position
SELECT length('hello') AS len, char_length('hi') AS char_len, position('lo' IN 'hello') AS pos, position('z' IN 'hello') AS pos_none, strpos('hello', 'l') AS strpos;
-- substring
SELECT substring('hello world' FROM 7) AS from7, substring('hello world' FROM 1 FOR 5) AS first5, substring('hello' FROM 0 FOR 3) AS from0, substr('hello', 2, 3) AS substr;
SELECT substring('hello' FROM 10) AS past_end, substring('hello' FROM -1 FOR 3) AS negative;
SELECT substring('hello' FROM 2 FOR -1);
-- trim
SELECT '[' || trim('  both  ') || ']' AS both, '[' || ltrim('  left') || ']' AS l, '[' || rtrim('right  ') || ']' AS r, trim(BOTH 'x' FROM 'xxhixx') AS chars, trim(LEADING '0' FROM '000120') AS leading0;
SELECT btrim('xyhixy', 'xy') AS btrim, rtrim('hello!!', '!') AS rtrim_chars;
-- replace, concat, concat_ws
SELECT replace('banana', 'an', 'AN') AS replaced, replace('abc', 'x', 'y') AS unchanged, replace('aaa', 'a', '') AS removed;
SELECT concat('a', 1, NULL, true, 2.5) AS concat, concat_ws('-', 'a', NULL, 'b', 3) AS concat_ws, concat_ws(NULL, 'a', 'b') AS null_sep;
-- left, right, repeat, split_part, lpad, rpad
SELECT left('abcdef', 2) AS l2, left('abcdef', -2) AS lneg, right('abcdef', 2) AS r2, right('abcdef', -2) AS rneg;
SELECT repeat('ab', 3) AS rep, repeat('x', 0) AS rep0, '[' || repeat('x', -1) || ']' AS repneg;
SELECT split_part('a,b,c', ',', 2) AS p2, split_part('a,b,c', ',', 4) AS p4, split_part('a,b,c', ',', -1) AS plast, split_part('abc', '', 1) AS empty_delim;
SELECT split_part('a,b', ',', 0);
SELECT lpad('7', 3, '0') AS lpad, rpad('ab', 5, '*') AS rpad, lpad('toolong', 3) AS lpad_trunc, '[' || rpad('x', 3) || ']' AS rpad_space, lpad('ab', 6, 'xyz') AS lpad_cycle;
SELECT reverse('stressed') AS reverse, md5('abc') AS md5, ascii('A') AS ascii, chr(66) AS chr, translate('12345', '143', 'ax') AS translate;
SELECT starts_with('alphabet', 'alph') AS sw, 'abc' || 'def' AS cat, format('%s-%s', 'a', 'b') AS fmt, quote_literal('it''s') AS ql, quote_ident('Col') AS qi;
-- quoting
SELECT 'it''s' AS doubled_quote, E'back\\slash' AS escaped_backslash, $$dollar 'quoted'$$ AS dollar, $tag$with $$ inside$tag$ AS tagged;
SELECT 'line1
line2' AS embedded_newline;
SELECT U&'\0041\0042' AS unicode_escape, 'caf' || chr(233) AS accented;
-- string functions on table data
SELECT id, upper(t) AS up, length(t) AS len, left(t, 3) AS l3 FROM tt ORDER BY id;
SELECT id, t FROM tt WHERE t LIKE '%e%' ORDER BY t;
SELECT string_agg(v, ',' ORDER BY id) AS agg FROM tt;
-- errors
SELECT lpad('x');
SELECT repeat('x', 'y');
SELECT substring(5);
SELECT 'unterminated;
';
SELECT chr(0);
DROP TABLE tt;
