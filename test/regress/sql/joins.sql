\set VERBOSITY terse
--
-- Joins
--
CREATE TABLE j_dept (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE j_emp (id integer PRIMARY KEY, name text NOT NULL, dept_id integer, manager_id integer, salary integer);
INSERT INTO j_dept VALUES (1, 'eng'), (2, 'sales'), (3, 'empty');
INSERT INTO j_emp VALUES (1, 'ann', 1, NULL, 200), (2, 'ben', 1, 1, 150), (3, 'cat', 2, 1, 120), (4, 'dan', 2, 3, 100), (5, 'eve', NULL, 1, 90);
-- inner joins
SELECT e.name, d.name AS dept FROM j_emp e JOIN j_dept d ON e.dept_id = d.id ORDER BY e.name;
SELECT e.name, d.name AS dept FROM j_emp e INNER JOIN j_dept d ON d.id = e.dept_id WHERE e.salary > 100 ORDER BY e.id;
SELECT e.name, d.name FROM j_emp e, j_dept d WHERE e.dept_id = d.id AND d.name = 'sales' ORDER BY e.name;
-- outer joins
SELECT e.name, d.name AS dept FROM j_emp e LEFT JOIN j_dept d ON e.dept_id = d.id ORDER BY e.id;
SELECT d.name AS dept, e.name FROM j_dept d LEFT OUTER JOIN j_emp e ON e.dept_id = d.id ORDER BY d.id, e.id;
SELECT d.name AS dept, count(e.id) AS headcount FROM j_dept d LEFT JOIN j_emp e ON e.dept_id = d.id GROUP BY d.id, d.name ORDER BY d.id;
SELECT d.name FROM j_dept d LEFT JOIN j_emp e ON e.dept_id = d.id WHERE e.id IS NULL ORDER BY d.name;
SELECT e.name, d.name AS dept FROM j_emp e LEFT JOIN j_dept d ON e.dept_id = d.id AND d.name = 'eng' ORDER BY e.id;
SELECT e.name, d.name AS dept FROM j_emp e RIGHT JOIN j_dept d ON e.dept_id = d.id ORDER BY d.id, e.id;
SELECT e.name, d.name AS dept FROM j_emp e FULL JOIN j_dept d ON e.dept_id = d.id ORDER BY d.id NULLS FIRST, e.id;
-- cross joins
SELECT d1.name AS a, d2.name AS b FROM j_dept d1 CROSS JOIN j_dept d2 ORDER BY d1.id, d2.id;
SELECT count(*) FROM j_emp, j_dept;
-- USING and NATURAL
CREATE TABLE j_a (k integer, va text);
CREATE TABLE j_b (k integer, vb text);
INSERT INTO j_a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3');
INSERT INTO j_b VALUES (2, 'b2'), (3, 'b3'), (3, 'b3bis'), (4, 'b4');
SELECT * FROM j_a JOIN j_b USING (k) ORDER BY k, vb;
SELECT k, va, vb FROM j_a LEFT JOIN j_b USING (k) ORDER BY k, vb;
SELECT * FROM j_a FULL JOIN j_b USING (k) ORDER BY k, va, vb;
SELECT * FROM j_a NATURAL JOIN j_b ORDER BY k, vb;
SELECT j_a.k AS ak, j_b.k AS bk FROM j_a JOIN j_b ON j_a.k < j_b.k ORDER BY ak, bk, vb;
-- self joins
SELECT e.name AS employee, m.name AS manager FROM j_emp e LEFT JOIN j_emp m ON e.manager_id = m.id ORDER BY e.id;
SELECT m.name AS manager, count(*) AS reports FROM j_emp e JOIN j_emp m ON e.manager_id = m.id GROUP BY m.name ORDER BY m.name;
SELECT a.name, b.name FROM j_emp a JOIN j_emp b ON a.dept_id = b.dept_id AND a.id < b.id ORDER BY a.id, b.id;
-- three-way join
SELECT e.name, d.name AS dept, m.name AS manager FROM j_emp e JOIN j_dept d ON d.id = e.dept_id JOIN j_emp m ON m.id = e.manager_id ORDER BY e.id;
-- errors
SELECT name FROM j_emp JOIN j_dept ON j_emp.dept_id = j_dept.id;
SELECT * FROM j_emp e JOIN j_dept d ON e.nosuch = d.id;
SELECT * FROM j_a JOIN j_b USING (va);
SELECT * FROM j_emp e JOIN j_dept d;
SELECT * FROM j_emp e JOIN j_dept e ON true;
DROP TABLE j_a, j_b, j_emp, j_dept;
