\set VERBOSITY terse
--
-- smallint, integer, bigint
--
SELECT 32767::smallint AS s_max, (-32768)::smallint AS s_min, 2147483647 AS i_max, -2147483648 AS i_min;
SELECT 9223372036854775807 AS b_max, -9223372036854775808 AS b_min, 2147483648 AS promoted_to_bigint;
SELECT 32768::smallint;
SELECT '-32769'::smallint;
SELECT 2147483647 + 1;
SELECT -2147483648 - 1;
SELECT 2147483647::integer * 2;
SELECT 9223372036854775807 + 1;
SELECT 9223372036854775807::bigint * 2;
SELECT (-2147483648)::integer / -1;
SELECT 2147483648::integer;
SELECT '9223372036854775808'::bigint;
SELECT 1 / 0;
SELECT 1::bigint / 0;
SELECT 1::smallint / 0::smallint;
SELECT 5 % 0;
SELECT 0 / 5 AS zero, -0 AS neg_zero;
-- integer division truncates toward zero
SELECT 7 / 2 AS a, -7 / 2 AS b, 7 / -2 AS c, 7 % -2 AS d, -7 % -2 AS e;
-- casts
SELECT '42'::integer AS from_text, ' 42 '::integer AS padded, '+7'::integer AS plus, '-0'::integer AS minus_zero;
SELECT 3.5::integer AS half_up, 2.5::integer AS half_even_or_up, (-2.5)::integer AS neg_half, 4.4999::integer AS down;
SELECT 3.5::float8::integer AS f_half, 2.5::float8::integer AS f_half_even, (-3.5)::float8::integer AS f_neg;
SELECT 42::text AS int_to_text, 42::bigint::smallint AS narrowed, 100::numeric AS to_numeric, 7::float8 AS to_float;
SELECT CAST('123' AS bigint) AS cast_syntax, int4 '12' AS typed_literal, integer '34' AS typed_literal2;
SELECT true::integer AS t, false::integer AS f, 1::boolean AS one_bool, 0::boolean AS zero_bool;
SELECT 'abc'::integer;
SELECT '12.5'::integer;
SELECT ''::integer;
SELECT '1e3'::integer;
SELECT 70000::smallint;
-- types of arithmetic results
SELECT pg_typeof(1::smallint + 1::smallint) AS s_s, pg_typeof(1::smallint + 1) AS s_i, pg_typeof(1 + 1::bigint) AS i_b, pg_typeof(1 + 1.5) AS i_n;
-- integer functions
SELECT abs(-5) AS abs, gcd(12, 18) AS gcd, lcm(4, 6) AS lcm, mod(17, 5) AS mod, sign(-3) AS sign;
SELECT div(17, 5) AS div, greatest(3, 9, 1) AS greatest, least(3, 9, 1) AS least;
CREATE TABLE it (id integer PRIMARY KEY, s smallint, i integer, b bigint);
INSERT INTO it VALUES (1, 1, 100, 10000000000), (2, -32768, 2147483647, -9223372036854775808), (3, NULL, 0, 0);
SELECT id, s, i, b FROM it ORDER BY id;
SELECT id, s + 1 AS s1, i + 1 AS i1 FROM it WHERE id = 1;
SELECT i + 1 FROM it WHERE id = 2;
SELECT -s FROM it WHERE id = 2;
SELECT abs(b) FROM it WHERE id = 2;
INSERT INTO it VALUES (4, 40000, 0, 0);
INSERT INTO it VALUES (5, 0, 3000000000, 0);
UPDATE it SET s = s * 2 WHERE id = 2;
SELECT sum(i) AS sum_int, pg_typeof(sum(i)) AS sum_type, sum(b) AS sum_big, pg_typeof(sum(b)) AS sum_big_type FROM it;
DROP TABLE it;
