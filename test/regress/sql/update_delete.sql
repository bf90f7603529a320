\set VERBOSITY terse
--
-- UPDATE and DELETE
--
CREATE TABLE ud (id integer PRIMARY KEY, name text NOT NULL, qty integer, price numeric(6,2));
CREATE TABLE ud_ref (name text PRIMARY KEY, bonus integer);
INSERT INTO ud VALUES (1, 'a', 10, 1.00), (2, 'b', 20, 2.00), (3, 'c', 30, 3.00), (4, 'd', NULL, 4.00), (5, 'e', 50, NULL);
INSERT INTO ud_ref VALUES ('a', 1), ('c', 3), ('z', 26);
UPDATE ud SET qty = qty + 1 WHERE id = 1;
UPDATE ud SET qty = 0, price = price * 2 WHERE id IN (2, 3);
UPDATE ud SET qty = qty * 10 WHERE qty IS NULL;
SELECT id, name, qty, price FROM ud ORDER BY id;
UPDATE ud SET name = upper(name) WHERE id = 4 RETURNING id, name;
UPDATE ud SET price = 9.99 WHERE id = 5 RETURNING *;
UPDATE ud SET qty = -1 WHERE id = 99 RETURNING id;
UPDATE ud SET qty = qty + 100 WHERE id > 3;
SELECT id, qty FROM ud ORDER BY id;
-- updates using subqueries
UPDATE ud SET qty = (SELECT bonus FROM ud_ref r WHERE r.name = ud.name) WHERE name IN (SELECT name FROM ud_ref);
SELECT id, name, qty FROM ud ORDER BY id;
UPDATE ud SET qty = qty + r.bonus FROM ud_ref r WHERE r.name = ud.name;
SELECT id, name, qty FROM ud ORDER BY id;
UPDATE ud SET price = (SELECT max(price) FROM ud) WHERE price IS NULL;
-- swap-style update sees old values
UPDATE ud SET qty = price, price = qty WHERE id = 1;
SELECT id, qty, price FROM ud WHERE id = 1;
-- ordered RETURNING through a data-modifying WITH
WITH changed AS (UPDATE ud SET qty = qty + 1 WHERE id <= 3 RETURNING id, qty) SELECT id, qty FROM changed ORDER BY id;
-- errors
UPDATE ud SET name = NULL WHERE id = 1;
UPDATE ud SET id = 2 WHERE id = 1;
UPDATE ud SET nosuch = 1;
UPDATE ud SET qty = 'x' WHERE id = 1;
UPDATE ud SET qty = (SELECT qty FROM ud) WHERE id = 1;
UPDATE nosuch SET a = 1;
SELECT id, name, qty, price FROM ud ORDER BY id;
-- DELETE
DELETE FROM ud WHERE id = 5;
DELETE FROM ud WHERE id = 3 RETURNING id, name;
DELETE FROM ud WHERE id = 99 RETURNING *;
DELETE FROM ud WHERE name IN (SELECT upper(name) FROM ud_ref WHERE bonus < 10);
DELETE FROM ud WHERE EXISTS (SELECT 1 FROM ud_ref r WHERE r.name = ud.name AND r.bonus = 1) RETURNING id;
SELECT id, name FROM ud ORDER BY id;
DELETE FROM ud_ref USING ud WHERE ud.name = 'D' AND ud_ref.name = 'z';
SELECT name FROM ud_ref ORDER BY name;
DELETE FROM ud;
SELECT count(*) FROM ud;
DELETE FROM ud WHERE nosuch = 1;
DROP TABLE ud, ud_ref;
