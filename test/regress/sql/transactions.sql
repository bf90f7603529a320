\set VERBOSITY terse
--
-- Transactions, aborted state, savepoints
--
CREATE TABLE tx (id integer PRIMARY KEY, v text);
BEGIN;
INSERT INTO tx VALUES (1, 'committed');
COMMIT;
BEGIN;
INSERT INTO tx VALUES (2, 'rolled back');
SELECT id, v FROM tx ORDER BY id;
ROLLBACK;
SELECT id, v FROM tx ORDER BY id;
-- aborted transaction state
BEGIN;
INSERT INTO tx VALUES (3, 'before error');
SELECT 1 / 0;
SELECT id FROM tx;
INSERT INTO tx VALUES (4, 'ignored');
COMMIT;
SELECT id, v FROM tx ORDER BY id;
BEGIN;
SELECT nosuch_column FROM tx;
ROLLBACK;
SELECT count(*) FROM tx;
-- COMMIT / ROLLBACK outside a transaction block
COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
COMMIT;
END;
-- savepoints
BEGIN;
INSERT INTO tx VALUES (10, 'outer');
SAVEPOINT s1;
INSERT INTO tx VALUES (11, 'inner, rolled back');
ROLLBACK TO SAVEPOINT s1;
INSERT INTO tx VALUES (12, 'after rollback to');
SAVEPOINT s2;
INSERT INTO tx VALUES (13, 'kept by release');
RELEASE SAVEPOINT s2;
SELECT id, v FROM tx WHERE id >= 10 ORDER BY id;
COMMIT;
SELECT id, v FROM tx WHERE id >= 10 ORDER BY id;
-- recovering from an error with a savepoint
BEGIN;
INSERT INTO tx VALUES (20, 'a');
SAVEPOINT before_error;
INSERT INTO tx VALUES (20, 'duplicate');
SELECT 1;
ROLLBACK TO before_error;
INSERT INTO tx VALUES (21, 'b');
COMMIT;
SELECT id, v FROM tx WHERE id >= 20 ORDER BY id;
-- nested savepoints with the same name
BEGIN;
SAVEPOINT sp;
INSERT INTO tx VALUES (30, 'first sp');
SAVEPOINT sp;
INSERT INTO tx VALUES (31, 'second sp');
ROLLBACK TO sp;
RELEASE sp;
ROLLBACK TO sp;
SELECT id FROM tx WHERE id >= 30 ORDER BY id;
COMMIT;
SELECT id FROM tx WHERE id >= 30 ORDER BY id;
-- savepoint errors
SAVEPOINT outside;
BEGIN;
ROLLBACK TO nosuch;
ROLLBACK;
BEGIN;
RELEASE SAVEPOINT nosuch;
COMMIT;
-- isolation levels and access modes
START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
COMMIT;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;
SHOW transaction_isolation;
SHOW transaction_read_only;
INSERT INTO tx VALUES (40, 'read only');
ROLLBACK;
BEGIN ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
COMMIT;
BEGIN;
SELECT count(*) FROM tx;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
ROLLBACK;
START TRANSACTION ISOLATION LEVEL NONSENSE;
SHOW transaction_isolation;
-- transaction-scoped settings
BEGIN;
SET LOCAL statement_timeout = '5s';
SHOW statement_timeout;
COMMIT;
SHOW statement_timeout;
-- DDL is transactional
BEGIN;
CREATE TABLE tx_temp (a integer);
INSERT INTO tx_temp VALUES (1);
ROLLBACK;
SELECT * FROM tx_temp;
BEGIN;
DROP TABLE tx;
ROLLBACK;
SELECT count(*) FROM tx;
-- ABORT and END are synonyms
BEGIN;
INSERT INTO tx VALUES (50, 'aborted');
ABORT;
BEGIN WORK;
INSERT INTO tx VALUES (51, 'ended');
END WORK;
SELECT id FROM tx WHERE id >= 50 ORDER BY id;
DROP TABLE tx;
