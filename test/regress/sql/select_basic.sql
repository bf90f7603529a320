\set VERBOSITY terse
--
-- SELECT: WHERE, expressions, ORDER BY, LIMIT/OFFSET, DISTINCT, aliases
--
CREATE TABLE sb (id integer PRIMARY KEY, name text, category text, price numeric(8,2), qty integer);
INSERT INTO sb VALUES (1, 'apple', 'fruit', 1.20, 10), (2, 'banana', 'fruit', 0.50, NULL), (3, 'carrot', 'vegetable', 0.80, 25), (4, 'daikon', 'vegetable', 2.10, 3), (5, 'eggplant', NULL, 1.75, 0), (6, 'fig', 'fruit', 3.00, 7), (7, 'garlic', 'vegetable', NULL, 40);
SELECT * FROM sb ORDER BY id;
SELECT name, price FROM sb WHERE category = 'fruit' ORDER BY name;
SELECT name FROM sb WHERE price > 1 AND qty < 20 ORDER BY name;
SELECT name FROM sb WHERE category = 'fruit' OR qty >= 25 ORDER BY name;
SELECT name FROM sb WHERE NOT (category = 'fruit') ORDER BY name;
SELECT id, name, price * qty AS total FROM sb ORDER BY id;
SELECT id, price * 2 + 1 AS expr, -qty AS neg FROM sb ORDER BY id;
-- ORDER BY variants
SELECT name, qty FROM sb ORDER BY qty, id;
SELECT name, qty FROM sb ORDER BY qty DESC, id;
SELECT name, qty FROM sb ORDER BY qty ASC NULLS FIRST, id;
SELECT name, qty FROM sb ORDER BY qty DESC NULLS LAST, id;
SELECT name, category FROM sb ORDER BY category DESC, name ASC;
SELECT name, price FROM sb ORDER BY 2, 1;
SELECT name AS n, qty AS q FROM sb ORDER BY q DESC NULLS LAST, n;
SELECT name FROM sb ORDER BY length(name), name;
SELECT name FROM sb ORDER BY 3;
-- LIMIT / OFFSET
SELECT id, name FROM sb ORDER BY id LIMIT 3;
SELECT id, name FROM sb ORDER BY id LIMIT 3 OFFSET 2;
SELECT id, name FROM sb ORDER BY id OFFSET 5;
SELECT id, name FROM sb ORDER BY id LIMIT 0;
SELECT id, name FROM sb ORDER BY id LIMIT ALL;
SELECT id, name FROM sb ORDER BY id DESC FETCH FIRST 2 ROWS ONLY;
SELECT id FROM sb ORDER BY id LIMIT -1;
-- DISTINCT
SELECT DISTINCT category FROM sb ORDER BY category;
SELECT DISTINCT category, qty > 5 AS many FROM sb ORDER BY category, many;
SELECT count(DISTINCT category) AS categories FROM sb;
SELECT DISTINCT ON (category) category, name FROM sb ORDER BY category, price DESC NULLS LAST;
-- aliases
SELECT id AS "Item Id", name AS label FROM sb WHERE id = 1;
SELECT s.id, s.name FROM sb AS s WHERE s.id <= 2 ORDER BY s.id;
SELECT s.id FROM sb s WHERE sb.id = 1;
SELECT t.* FROM sb t WHERE t.id = 3;
-- SELECT without FROM
SELECT 1;
SELECT 1 AS one, 'two' AS two, 3.0 AS three;
SELECT 2 + 3 * 4, (2 + 3) * 4;
SELECT 'multi' || E'\n' || 'line' AS text_value, 42 AS n;
SELECT E'tab\there' AS t;
SELECT NULL AS nothing;
SELECT 1 AS a, 2 AS a;
SELECT;
-- display of multi-line, wide and control characters
SELECT 1 AS "two
lines", 'a' || E'\n' || 'bb' || E'\n' || 'ccc' AS three, 'x' AS last;
SELECT '日本語' AS wide, 'héllo' AS accented, E'a\rb' AS cr, E'\x01' AS ctl, 'end' AS e;
SELECT id, CASE WHEN id % 2 = 0 THEN name || E'\n' || category END AS two_line, price FROM sb WHERE id <= 4 ORDER BY id;
-- VALUES as a query
VALUES (1, 'one'), (2, 'two') ORDER BY 1;
SELECT * FROM (VALUES (3, 'c'), (1, 'a'), (2, 'b')) AS v(num, letter) ORDER BY num;
-- errors
SELECT nosuch FROM sb;
SELECT name FROM sb WHERE qty = 'many';
SELECT * FROM sb ORDER BY 9;
SELECT DISTINCT ON (category) name FROM sb ORDER BY name;
DROP TABLE sb;
