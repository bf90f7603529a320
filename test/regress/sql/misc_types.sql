\set VERBOSITY terse
--
-- boolean, uuid, bytea
--
SELECT true AS t, false AS f, 't'::boolean AS t2, 'yes'::boolean AS yes, 'off'::boolean AS off, '1'::boolean AS one, ' TRUE '::boolean AS spaced;
SELECT 'maybe'::boolean;
SELECT true AND false AS a, true OR false AS o, NOT true AS n, true > false AS gt, true::text AS as_text;
SELECT bool_and(b) AS all_true, bool_or(b) AS any_true, every(b) AS every FROM (VALUES (true), (false), (NULL::boolean)) AS v(b);
-- uuid
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS canonical, 'A0EEBC999C0B4EF8BB6D6BB9BD380A11'::uuid AS no_dashes_upper, '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}'::uuid AS braces;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS eq, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid < 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS lt;
-- bytea
SELECT '\xdeadbeef'::bytea AS hex, 'abc'::bytea AS from_text, '\000\001'::bytea AS escape_form, ''::bytea AS empty;
SELECT length('\xdeadbeef'::bytea) AS len, octet_length('abc'::bytea) AS oct, '\x0102'::bytea || '\x03'::bytea AS concat, get_byte('\x0102'::bytea, 1) AS byte1;
SELECT encode('hello'::bytea, 'hex') AS enc_hex, encode('hello'::bytea, 'base64') AS enc_b64, decode('68656c6c6f', 'hex') AS dec_hex, convert_from('\x68656c6c6f', 'UTF8') AS as_text;
SELECT substring('\x0102030405'::bytea FROM 2 FOR 3) AS sub, md5('abc'::bytea) AS md5, '\xff'::bytea > '\x00'::bytea AS cmp;
SELECT '\xzz'::bytea;
SELECT get_byte('\x01'::bytea, 5);
SET bytea_output = 'escape';
SELECT '\xdeadbeef'::bytea AS escaped, 'abc'::bytea AS printable;
RESET bytea_output;
-- stored values
CREATE TABLE mt (id integer PRIMARY KEY, flag boolean NOT NULL DEFAULT false, u uuid UNIQUE, data bytea);
INSERT INTO mt VALUES (1, true, '11111111-1111-1111-1111-111111111111', '\x00ff'), (2, false, '22222222-2222-2222-2222-222222222222', NULL), (3, DEFAULT, NULL, 'text bytes');
INSERT INTO mt VALUES (4, true, '11111111-1111-1111-1111-111111111111', NULL);
INSERT INTO mt VALUES (5, 'notbool', NULL, NULL);
SELECT id, flag, u, data FROM mt ORDER BY id;
SELECT id FROM mt WHERE flag ORDER BY id;
SELECT id FROM mt WHERE NOT flag ORDER BY id;
SELECT id, u FROM mt WHERE u = '22222222-2222-2222-2222-222222222222';
SELECT flag, count(*) FROM mt GROUP BY flag ORDER BY flag;
SELECT id FROM mt ORDER BY u NULLS FIRST, id;
DROP TABLE mt;
