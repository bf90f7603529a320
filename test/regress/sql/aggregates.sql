\set VERBOSITY terse
--
-- Aggregates, GROUP BY, HAVING
--
CREATE TABLE ag (id integer PRIMARY KEY, grp text, sub text, val integer, amount numeric(8,2));
INSERT INTO ag VALUES (1, 'a', 'x', 10, 1.50), (2, 'a', 'y', 20, 2.25), (3, 'a', 'x', NULL, 3.00), (4, 'b', 'x', 5, NULL), (5, 'b', 'y', 5, 0.75), (6, 'c', NULL, 100, 10.00), (7, NULL, 'x', 1, 1.00);
SELECT count(*) AS n, count(val) AS n_val, sum(val) AS sum, avg(val) AS avg, min(val) AS min, max(val) AS max FROM ag;
SELECT sum(amount) AS sum_amount, avg(amount) AS avg_amount, min(amount) AS min_amount, max(amount) AS max_amount FROM ag;
SELECT count(DISTINCT val) AS distinct_vals, count(DISTINCT grp) AS distinct_groups, sum(DISTINCT val) AS sum_distinct FROM ag;
SELECT min(grp) AS min_text, max(sub) AS max_text, string_agg(grp, '' ORDER BY id) AS concatenated FROM ag;
-- aggregates over empty input
SELECT count(*) AS n, sum(val) AS sum, avg(val) AS avg, min(val) AS min, max(val) AS max FROM ag WHERE false;
SELECT count(*) FROM ag WHERE id > 100 GROUP BY grp;
SELECT bool_and(val > 0) AS all_pos, bool_or(val > 50) AS any_big, string_agg(sub, ',') AS agg_empty FROM ag WHERE id < 0;
-- GROUP BY
SELECT grp, count(*) AS n, sum(val) AS total FROM ag GROUP BY grp ORDER BY grp;
SELECT grp, sub, count(*) AS n FROM ag GROUP BY grp, sub ORDER BY grp NULLS FIRST, sub NULLS FIRST;
SELECT grp, count(val) AS n_val, avg(val) AS avg_val FROM ag GROUP BY 1 ORDER BY 1 DESC NULLS LAST;
SELECT val % 2 = 0 AS even, count(*) AS n FROM ag WHERE val IS NOT NULL GROUP BY val % 2 = 0 ORDER BY even;
SELECT upper(grp) AS g, max(amount) AS best FROM ag GROUP BY upper(grp) ORDER BY g;
SELECT grp, string_agg(sub, '+' ORDER BY id) AS subs, array_agg(id ORDER BY id DESC) AS ids FROM ag GROUP BY grp ORDER BY grp;
-- HAVING
SELECT grp, sum(val) AS total FROM ag GROUP BY grp HAVING sum(val) > 10 ORDER BY grp;
SELECT grp, count(*) AS n FROM ag GROUP BY grp HAVING count(*) >= 2 ORDER BY n DESC, grp;
SELECT count(*) AS n FROM ag HAVING count(*) > 3;
SELECT count(*) AS n FROM ag HAVING count(*) > 300;
SELECT grp FROM ag GROUP BY grp HAVING min(val) IS NULL ORDER BY grp;
-- aggregate result types
SELECT pg_typeof(count(*)) AS count_t, pg_typeof(sum(val)) AS sum_int_t, pg_typeof(avg(val)) AS avg_int_t, pg_typeof(sum(amount)) AS sum_num_t FROM ag;
SELECT sum(val::bigint) AS big_sum, avg(val::float8) AS float_avg, sum(val::real) AS real_sum FROM ag;
-- other aggregates
SELECT stddev(val) AS stddev, variance(val) AS variance, bit_and(val) AS band, bit_or(val) AS bor FROM ag WHERE grp = 'a';
SELECT count(*) FILTER (WHERE val > 5) AS big, sum(val) FILTER (WHERE grp = 'a') AS a_sum FROM ag;
-- errors
SELECT grp, val FROM ag GROUP BY grp;
SELECT sum(grp) FROM ag;
SELECT count(*) FROM ag WHERE sum(val) > 1;
SELECT sum(sum(val)) FROM ag;
SELECT id, count(*) FROM ag;
DROP TABLE ag;
