\set VERBOSITY terse
--
-- ALTER TABLE, indexes, TRUNCATE
--
CREATE TABLE at (id integer, name text);
INSERT INTO at VALUES (1, 'a'), (2, 'b'), (2, 'b2');
-- columns
ALTER TABLE at ADD COLUMN qty integer;
ALTER TABLE at ADD COLUMN flag boolean NOT NULL DEFAULT true;
ALTER TABLE at ADD COLUMN created date DEFAULT '2024-01-01';
SELECT * FROM at ORDER BY id, name;
ALTER TABLE at ADD COLUMN name text;
ALTER TABLE at ADD COLUMN IF NOT EXISTS name text;
ALTER TABLE at ADD COLUMN must integer NOT NULL;
ALTER TABLE at DROP COLUMN created;
ALTER TABLE at DROP COLUMN nosuch;
ALTER TABLE at DROP COLUMN IF EXISTS nosuch;
SELECT * FROM at ORDER BY id, name;
ALTER TABLE at RENAME COLUMN qty TO quantity;
ALTER TABLE at ALTER COLUMN quantity SET DEFAULT 7;
INSERT INTO at (id, name) VALUES (3, 'c');
SELECT id, name, quantity, flag FROM at ORDER BY id, name;
-- primary key and unique constraints
ALTER TABLE at ADD PRIMARY KEY (id);
DELETE FROM at WHERE name = 'b2';
ALTER TABLE at ADD PRIMARY KEY (id);
INSERT INTO at (id, name) VALUES (1, 'dup');
ALTER TABLE at ADD PRIMARY KEY (name);
ALTER TABLE at ADD CONSTRAINT at_name_key UNIQUE (name);
INSERT INTO at (id, name) VALUES (4, 'a');
ALTER TABLE at ADD CONSTRAINT at_qty_check CHECK (quantity < 5);
ALTER TABLE at ADD CONSTRAINT at_qty_check CHECK (quantity < 100);
INSERT INTO at (id, name, quantity) VALUES (5, 'e', 1000);
ALTER TABLE at DROP CONSTRAINT at_qty_check;
INSERT INTO at (id, name, quantity) VALUES (5, 'e', 1000);
ALTER TABLE at DROP CONSTRAINT nosuch_constraint;
ALTER TABLE at ALTER COLUMN name SET NOT NULL;
INSERT INTO at (id, name) VALUES (6, NULL);
ALTER TABLE at ALTER COLUMN name DROP NOT NULL;
INSERT INTO at (id, name) VALUES (6, NULL);
SELECT id, name, quantity FROM at ORDER BY id;
-- indexes
CREATE INDEX at_quantity_idx ON at (quantity);
CREATE INDEX at_quantity_idx ON at (quantity);
CREATE INDEX IF NOT EXISTS at_quantity_idx ON at (quantity);
CREATE UNIQUE INDEX at_quantity_uidx ON at (quantity);
CREATE TABLE at2 (k text, v integer);
INSERT INTO at2 VALUES ('x', 1), ('y', 1);
CREATE UNIQUE INDEX at2_v_uidx ON at2 (v);
CREATE UNIQUE INDEX at2_k_uidx ON at2 (k);
INSERT INTO at2 VALUES ('x', 2);
CREATE INDEX ON at2 (lower(k));
CREATE INDEX at2_multi_idx ON at2 (k, v DESC);
SELECT k, v FROM at2 WHERE k = 'y';
DROP INDEX at2_k_uidx;
INSERT INTO at2 VALUES ('x', 2);
DROP INDEX at_quantity_idx;
DROP INDEX at_quantity_idx;
DROP INDEX IF EXISTS at_quantity_idx;
DROP INDEX at_pkey;
-- rename
ALTER TABLE at2 RENAME TO at3;
SELECT k, v FROM at3 ORDER BY k, v;
SELECT * FROM at2;
ALTER TABLE nosuch ADD COLUMN x integer;
ALTER TABLE IF EXISTS nosuch ADD COLUMN x integer;
-- TRUNCATE
TRUNCATE at3;
SELECT count(*) FROM at3;
TRUNCATE TABLE at;
SELECT count(*) FROM at;
INSERT INTO at (id, name) VALUES (1, 'after truncate');
SELECT id, name, quantity, flag FROM at;
TRUNCATE nosuch;
DROP TABLE at, at3;
