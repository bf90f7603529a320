\set VERBOSITY terse
--
-- Constraint violations, shown with DETAIL lines (default verbosity)
--
CREATE TABLE cs_parent (id integer PRIMARY KEY, code text NOT NULL UNIQUE, qty integer CONSTRAINT qty_nonneg CHECK (qty >= 0), lo integer, hi integer, CHECK (lo <= hi));
CREATE TABLE cs_multi (a integer, b text, c integer NOT NULL, UNIQUE (a, b));
INSERT INTO cs_parent VALUES (1, 'one', 1, 0, 10);
INSERT INTO cs_multi VALUES (1, 'x', 0);
-- terse: message only
INSERT INTO cs_parent VALUES (1, 'dup', 1, 0, 1);
\set VERBOSITY default
-- unique_violation 23505
INSERT INTO cs_parent VALUES (1, 'dup', 1, 0, 1);
INSERT INTO cs_parent VALUES (2, 'one', 1, 0, 1);
INSERT INTO cs_multi VALUES (1, 'x', 5);
INSERT INTO cs_multi VALUES (1, NULL, 5), (1, NULL, 6);
UPDATE cs_parent SET id = 1 WHERE id = 1;
INSERT INTO cs_parent VALUES (3, 'three', 3, 0, 3);
UPDATE cs_parent SET code = 'one' WHERE id = 3;
-- not_null_violation 23502
INSERT INTO cs_parent (id, qty) VALUES (4, 1);
INSERT INTO cs_parent VALUES (NULL, 'four', 1, 0, 1);
INSERT INTO cs_multi (a, b) VALUES (2, 'y');
UPDATE cs_multi SET c = NULL;
-- check_violation 23514
INSERT INTO cs_parent VALUES (5, 'five', -5, 0, 1);
INSERT INTO cs_parent VALUES (6, 'six', 1, 10, 1);
UPDATE cs_parent SET qty = qty - 100 WHERE id = 1;
INSERT INTO cs_parent VALUES (7, 'seven', NULL, NULL, 1);
-- long values in DETAIL
INSERT INTO cs_multi VALUES (2, repeat('long-', 20), 1);
INSERT INTO cs_multi VALUES (2, repeat('long-', 20), 1);
SELECT id, code, qty, lo, hi FROM cs_parent ORDER BY id;
SELECT a, b, c FROM cs_multi ORDER BY a, b NULLS FIRST, c;
\set VERBOSITY terse
-- a failed multi-row insert leaves nothing behind
INSERT INTO cs_parent VALUES (8, 'eight', 1, 0, 1), (9, 'nine', -1, 0, 1);
SELECT count(*) FROM cs_parent WHERE id >= 8;
DROP TABLE cs_parent, cs_multi;
