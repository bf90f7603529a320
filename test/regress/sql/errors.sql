--
-- Error reporting at default verbosity: LINE and caret for errors with a
-- position, DETAIL and HINT lines
--
CREATE TABLE er (id integer PRIMARY KEY, name text, n integer);
INSERT INTO er VALUES (1, 'one', 1), (2, 'two', 2);
-- syntax errors 42601
SELEC 1;
SELECT 1 +;
SELECT * FROM;
SELECT (1 + 2));
SELECT 1 2;
CREATE TABLE (a integer);
INSERT INTO er VALUES (3, 'three' 3);
SELECT 'a string that spans
two lines' AS fine, nosuch;
SELECT "unterminated identifier;
";
SELECT * FROM er WHERE;
SELECT id, FROM er;
SELECT id FROM er ORDER id;
UPDATE er SET WHERE id = 1;
DELETE er WHERE id = 1;
SELECT 1 AS select;
SELECT * FROM er LIMIT 1 LIMIT 2;
-- the caret points into the right line of a multi-line statement
SELECT id,
       name
  FROM er
 WHERE name = = 'one';
SELECT id
FROM er WHERE id IN (1,
  2,, 3);
-- long lines are cut around the error position
SELECT id, name, n, id + n AS total, name || name AS twice, n * 1000 AS big FROM er WHERE nosuchcolumn = 1;
SELECT nosuchcolumn, id, name, n, id + n AS total, name || name AS twice, n * 1000 AS big FROM er;
SELECT id, name, n, id + n AS total, name || name AS twice, n * 1000 AS big FROM er WHERE id = 1 AND nosuchcolumn = 1 AND n > 0 ORDER BY id;
-- tabs in the statement are shown as spaces
SELECT	id,	nosuch	FROM	er;
-- the position is relative to the statement, not the line
SELECT 1 AS first; SELECT nosuch_second FROM er;
-- comments and non-ASCII text before the error position
/* a block comment is sent with the statement */ SELECT nosuch;
SELECT 1 -- a trailing comment is part of the statement
  + nosuch;
SELECT 'héllo wörld' AS greeting, nosuch;
SELECT '日本語' AS wide, nosuch;
SELECT 'a semicolon; inside quotes' AS q, $$and; in dollar quotes$$ AS d, nosuch;
-- undefined table 42P01
SELECT * FROM nosuch_table;
SELECT er.id FROM er AS e;
INSERT INTO nosuch_table VALUES (1);
-- undefined column 42703
SELECT nosuch FROM er;
SELECT er.nosuch FROM er;
SELECT id FROM er WHERE "Name" = 'one';
SELECT id FROM er ORDER BY nosuch;
-- invalid text representation 22P02
SELECT 'abc'::integer;
SELECT id FROM er WHERE id = 'one';
INSERT INTO er VALUES ('four', 'four', 4);
SELECT '1.5'::integer;
SELECT 'yes please'::boolean;
-- datatype mismatch 42804
SELECT id FROM er WHERE n;
INSERT INTO er (id, name, n) VALUES (5, 'five', true);
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END;
UPDATE er SET n = date '2024-01-01' WHERE id = 1;
-- undefined function / operator 42883
SELECT nosuch_function(1);
SELECT length(1, 2, 3);
SELECT 'a'::text + 1;
SELECT abs('x'::text);
SELECT id FROM er WHERE name > 1;
-- ambiguous column 42702
SELECT id FROM er a, er b;
-- division by zero 22012, numeric overflow 22003
SELECT n / 0 FROM er WHERE id = 1;
SELECT 2147483647 + n FROM er WHERE id = 1;
-- grouping error 42803
SELECT name, count(*) FROM er;
-- the table is still usable after all these errors
SELECT id, name, n FROM er ORDER BY id;
DROP TABLE er;
-- a statement still open at end of file is sent as it is
SELECT 'unterminated
