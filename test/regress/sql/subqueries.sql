\set VERBOSITY terse
--
-- Subqueries
--
CREATE TABLE sq_p (id integer PRIMARY KEY, name text, cat integer);
CREATE TABLE sq_o (id integer PRIMARY KEY, product_id integer, qty integer);
INSERT INTO sq_p VALUES (1, 'pen', 1), (2, 'ink', 1), (3, 'pad', 2), (4, 'cup', NULL);
INSERT INTO sq_o VALUES (10, 1, 5), (11, 1, 2), (12, 3, 1), (13, NULL, 9);
-- IN / NOT IN
SELECT name FROM sq_p WHERE id IN (SELECT product_id FROM sq_o) ORDER BY name;
SELECT name FROM sq_p WHERE id NOT IN (SELECT product_id FROM sq_o WHERE product_id IS NOT NULL) ORDER BY name;
SELECT name FROM sq_p WHERE id NOT IN (SELECT product_id FROM sq_o) ORDER BY name;
SELECT name FROM sq_p WHERE cat IN (SELECT cat FROM sq_p WHERE name = 'pen') ORDER BY name;
SELECT 4 NOT IN (SELECT product_id FROM sq_o) AS not_in_with_null, 1 IN (SELECT product_id FROM sq_o) AS in_with_null;
-- EXISTS
SELECT name FROM sq_p p WHERE EXISTS (SELECT 1 FROM sq_o o WHERE o.product_id = p.id) ORDER BY name;
SELECT name FROM sq_p p WHERE NOT EXISTS (SELECT 1 FROM sq_o o WHERE o.product_id = p.id) ORDER BY name;
SELECT EXISTS (SELECT 1 FROM sq_o WHERE qty > 100) AS any_huge, EXISTS (SELECT 1 FROM sq_o) AS any_rows;
-- scalar subqueries
SELECT name, (SELECT sum(qty) FROM sq_o o WHERE o.product_id = p.id) AS total_qty FROM sq_p p ORDER BY p.id;
SELECT (SELECT max(qty) FROM sq_o) AS max_qty, (SELECT name FROM sq_p WHERE id = 99) AS missing;
SELECT id, qty FROM sq_o WHERE qty > (SELECT avg(qty) FROM sq_o) ORDER BY id;
SELECT (SELECT id FROM sq_o);
SELECT (SELECT id, qty FROM sq_o WHERE id = 10);
-- subqueries in FROM
SELECT t.cat, t.n FROM (SELECT cat, count(*) AS n FROM sq_p GROUP BY cat) AS t ORDER BY t.cat NULLS LAST;
SELECT max(total) AS best FROM (SELECT product_id, sum(qty) AS total FROM sq_o GROUP BY product_id) AS s;
SELECT p.name, s.total FROM sq_p p JOIN (SELECT product_id, sum(qty) AS total FROM sq_o GROUP BY product_id) s ON s.product_id = p.id ORDER BY p.name;
SELECT * FROM (SELECT 1 AS x) AS one, (SELECT 2 AS y) AS two;
SELECT * FROM (SELECT 1);
-- correlated subqueries
SELECT o.id, o.qty FROM sq_o o WHERE o.qty = (SELECT max(o2.qty) FROM sq_o o2 WHERE o2.product_id = o.product_id) ORDER BY o.id;
SELECT p.name, (SELECT count(*) FROM sq_o o WHERE o.product_id = p.id AND o.qty > 1) AS big_orders FROM sq_p p ORDER BY p.name;
SELECT name FROM sq_p p WHERE (SELECT count(*) FROM sq_o o WHERE o.product_id = p.id) >= 2;
-- ANY / ALL
SELECT name FROM sq_p WHERE id = ANY (SELECT product_id FROM sq_o) ORDER BY name;
SELECT id FROM sq_o WHERE qty > ALL (SELECT qty FROM sq_o WHERE product_id = 1) ORDER BY id;
SELECT 10 > ALL (SELECT qty FROM sq_o) AS gt_all, 3 < ANY (SELECT qty FROM sq_o) AS lt_any;
-- errors
SELECT name FROM sq_p WHERE id IN (SELECT id, qty FROM sq_o);
SELECT * FROM sq_p WHERE id = (SELECT nosuch FROM sq_o);
DROP TABLE sq_p, sq_o;
