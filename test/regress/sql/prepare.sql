\set VERBOSITY terse
--
-- PREPARE / EXECUTE / DEALLOCATE
--
CREATE TABLE pr (id integer PRIMARY KEY, name text, score numeric);
INSERT INTO pr VALUES (1, 'a', 1.5), (2, 'b', 2.5), (3, 'c', NULL);
PREPARE get_one (integer) AS SELECT id, name FROM pr WHERE id = $1;
EXECUTE get_one(2);
EXECUTE get_one(42);
EXECUTE get_one('3');
EXECUTE get_one('x');
EXECUTE get_one(1, 2);
PREPARE get_many AS SELECT id, name FROM pr WHERE id >= $1 ORDER BY id;
EXECUTE get_many(2);
PREPARE ins_one (integer, text, numeric) AS INSERT INTO pr VALUES ($1, $2, $3);
EXECUTE ins_one(4, 'd', 4.5);
EXECUTE ins_one(4, 'dup', 0);
PREPARE ins_ret (integer, text) AS INSERT INTO pr (id, name) VALUES ($1, $2) RETURNING id, name, score;
EXECUTE ins_ret(5, 'e');
PREPARE upd (numeric, integer) AS UPDATE pr SET score = $1 WHERE id = $2;
EXECUTE upd(9.75, 3);
PREPARE expr AS SELECT $1::integer + $2::integer AS sum, $3::text || '!' AS shout;
EXECUTE expr(2, 3, 'hi');
PREPARE untyped AS SELECT $1 AS val;
EXECUTE untyped('literal');
PREPARE typed_param (text) AS SELECT length($1) AS len;
EXECUTE typed_param('four');
SELECT id, name, score FROM pr ORDER BY id;
-- errors
PREPARE get_one (integer) AS SELECT 1;
EXECUTE nosuch_stmt;
EXECUTE nosuch_stmt(1);
PREPARE bad AS SELECT nosuch FROM pr;
PREPARE bad2 (nosuchtype) AS SELECT 1;
PREPARE bad3 AS SELECT $2::integer;
EXECUTE bad;
-- prepared statements and transactions
BEGIN;
EXECUTE ins_one(6, 'f', 6);
ROLLBACK;
SELECT count(*) FROM pr WHERE id = 6;
BEGIN;
PREPARE in_tx AS SELECT 'made in tx' AS note;
ROLLBACK;
EXECUTE in_tx;
-- deallocation
DEALLOCATE get_one;
EXECUTE get_one(1);
DEALLOCATE get_one;
DEALLOCATE PREPARE get_many;
DEALLOCATE ALL;
EXECUTE ins_one(7, 'g', 7);
DROP TABLE pr;
