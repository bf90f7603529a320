\set VERBOSITY terse
--
-- Operators: arithmetic, comparison, LIKE/ILIKE, IN, BETWEEN, concatenation
--
SELECT 7 + 3 AS add, 7 - 3 AS sub, 7 * 3 AS mul, 7 / 3 AS div, 7 % 3 AS mod, -7 / 2 AS negdiv, -7 % 3 AS negmod;
SELECT 2 ^ 10 AS pow, |/ 16 AS sqrt, @ -5 AS abs, 7.0 / 2 AS numdiv, 10 / 4.0 AS numdiv2;
SELECT 1 + 2 * 3 - 4 / 2 AS precedence, (1 + 2) * (3 - 4) AS parens, - - 3 AS double_neg;
SELECT 5 & 3 AS band, 5 | 3 AS bor, 5 # 3 AS bxor, ~5 AS bnot, 1 << 4 AS shl, 256 >> 2 AS shr;
SELECT 1 < 2 AS lt, 2 <= 2 AS le, 3 > 4 AS gt, 4 >= 4 AS ge, 1 = 1 AS eq, 1 <> 2 AS ne, 1 != 1 AS ne2;
SELECT 'abc' < 'abd' AS text_lt, 'B' < 'a' AS c_collation, 'abc' = 'abc' AS text_eq, 1.0 = 1 AS num_int_eq;
-- LIKE / ILIKE
SELECT 'hello' LIKE 'h%' AS a, 'hello' LIKE 'H%' AS b, 'hello' ILIKE 'H%' AS c, 'hello' LIKE '_ello' AS d, 'hello' NOT LIKE '%z%' AS e;
SELECT 'a%b' LIKE 'a\%b' AS escaped, 'axb' LIKE 'a\%b' AS not_escaped, 'a_b' LIKE 'a#_b' ESCAPE '#' AS custom_escape;
SELECT 'abc' ~~ 'a%' AS tilde_like, 'ABC' ~~* 'a%' AS tilde_ilike, 'abc' !~~ 'b%' AS not_like;
SELECT 'foobar' ~ '^foo' AS re, 'FOOBAR' ~* 'bar$' AS re_i, 'foo' !~ 'x' AS not_re;
-- IN / BETWEEN
SELECT 3 IN (1, 2, 3) AS in_list, 'x' IN ('a', 'b') AS not_in_list, 3 NOT IN (4, 5) AS not_in;
SELECT 5 BETWEEN 1 AND 10 AS b1, 5 BETWEEN 10 AND 1 AS b2, 5 BETWEEN SYMMETRIC 10 AND 1 AS b3, 5 NOT BETWEEN 6 AND 7 AS b4;
SELECT 'm' BETWEEN 'a' AND 'z' AS text_between, 1 BETWEEN 1 AND 1 AS inclusive;
-- string concatenation
SELECT 'foo' || 'bar' AS s1, 'n=' || 42 AS s2, 42 || '!' AS s3, 'a' || 'b' || 'c' AS s4;
SELECT 1 || 2;
-- operators on table data
CREATE TABLE op (id integer PRIMARY KEY, a integer, b integer, s text);
INSERT INTO op VALUES (1, 10, 3, 'Alpha'), (2, -4, 2, 'beta'), (3, 0, 5, 'Gamma'), (4, 9, -9, 'delta'), (5, 7, 7, 'alphabet');
SELECT id, a + b AS sum, a - b AS diff, a * b AS prod, a / b AS quot, a % b AS rem FROM op ORDER BY id;
SELECT id, s FROM op WHERE s LIKE 'a%' ORDER BY id;
SELECT id, s FROM op WHERE s ILIKE 'a%' ORDER BY id;
SELECT id, s FROM op WHERE s ILIKE '%ta' ORDER BY id;
SELECT id FROM op WHERE a BETWEEN 0 AND 9 ORDER BY id;
SELECT id FROM op WHERE a IN (b, 10, -4) ORDER BY id;
SELECT id, a > b AS a_gt_b, a = b AS a_eq_b FROM op ORDER BY id;
SELECT id, s || ':' || a AS tag FROM op ORDER BY tag;
-- errors
SELECT 'abc' + 1;
SELECT 1 + 'abc';
SELECT true + 1;
SELECT 'a' LIKE 1;
SELECT 5 & 1.5;
DROP TABLE op;
