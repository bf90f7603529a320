\set VERBOSITY terse
--
-- Three-valued logic and NULL handling
--
SELECT true AND NULL AS t_and_n, false AND NULL AS f_and_n, NULL::boolean AND NULL AS n_and_n;
SELECT true OR NULL AS t_or_n, false OR NULL AS f_or_n, NULL::boolean OR NULL AS n_or_n;
SELECT NOT NULL::boolean AS not_n, NOT true AS not_t, NOT false AS not_f;
SELECT NULL = NULL AS eq, NULL <> 1 AS ne, NULL < 1 AS lt, 1 + NULL AS plus;
SELECT NULL IS NULL AS a, 1 IS NULL AS b, NULL IS NOT NULL AS c, 1 IS NOT NULL AS d;
SELECT NULL IS DISTINCT FROM NULL AS a, 1 IS DISTINCT FROM NULL AS b, 1 IS DISTINCT FROM 1 AS c, 1 IS NOT DISTINCT FROM 1 AS d, NULL IS NOT DISTINCT FROM NULL AS e;
SELECT true IS TRUE AS a, NULL::boolean IS TRUE AS b, NULL::boolean IS NOT TRUE AS c, false IS FALSE AS d, NULL::boolean IS UNKNOWN AS e;
-- NULL in IN lists
SELECT 1 IN (1, NULL) AS found, 2 IN (1, NULL) AS unknown, 2 NOT IN (1, NULL) AS not_in, NULL IN (1, 2) AS null_in;
SELECT 2 NOT IN (1, 3) AS plain_not_in;
-- COALESCE, NULLIF, CASE
SELECT COALESCE(NULL, NULL, 3, 4) AS c1, COALESCE(NULL::text, 'x') AS c2, COALESCE(NULL::integer) AS c3;
SELECT NULLIF(1, 1) AS n1, NULLIF(1, 2) AS n2, NULLIF('a', 'b') AS n3, NULLIF(NULL::integer, 1) AS n4;
SELECT CASE WHEN NULL THEN 'yes' ELSE 'no' END AS c1, CASE NULL WHEN NULL THEN 'match' ELSE 'nomatch' END AS c2;
SELECT CASE WHEN 1 > 2 THEN 'a' END AS no_else;
SELECT COALESCE(1, 'x');
CREATE TABLE nl (id integer PRIMARY KEY, a boolean, b boolean, n integer);
INSERT INTO nl VALUES (1, true, true, 1), (2, true, false, 2), (3, true, NULL, NULL), (4, false, false, 4), (5, false, NULL, NULL), (6, NULL, NULL, 6);
SELECT id, a, b, a AND b AS "and", a OR b AS "or", NOT a AS "not" FROM nl ORDER BY id;
SELECT id FROM nl WHERE b ORDER BY id;
SELECT id FROM nl WHERE NOT b ORDER BY id;
SELECT id FROM nl WHERE b IS NULL ORDER BY id;
SELECT id FROM nl WHERE b IS NOT TRUE ORDER BY id;
SELECT id FROM nl WHERE a IS DISTINCT FROM b ORDER BY id;
SELECT id, COALESCE(n, -1) AS n_or_default, NULLIF(n, 2) AS n_unless_2 FROM nl ORDER BY id;
SELECT id, CASE WHEN n IS NULL THEN 'none' WHEN n < 3 THEN 'small' ELSE 'large' END AS size FROM nl ORDER BY id;
SELECT id, CASE n WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS word FROM nl ORDER BY id;
SELECT id FROM nl WHERE n IN (1, 4, NULL) ORDER BY id;
SELECT id FROM nl WHERE n NOT IN (1, 4) ORDER BY id;
SELECT count(*) AS all_rows, count(n) AS non_null, count(b) AS non_null_b FROM nl;
SELECT id, n FROM nl ORDER BY n NULLS FIRST, id;
SELECT id, n FROM nl ORDER BY n DESC, id;
SELECT 'abc' || NULL AS concat_null, length(NULL::text) AS len_null, upper(NULL) AS upper_null;
SELECT nl.n = NULL AS eq_null FROM nl WHERE id = 1;
DROP TABLE nl;
