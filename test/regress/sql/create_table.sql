\set VERBOSITY terse
--
-- CREATE TABLE / DROP TABLE
--
CREATE TABLE ct_basic (id integer, name text);
CREATE TABLE ct_basic (id integer);
CREATE TABLE IF NOT EXISTS ct_basic (id integer);
INSERT INTO ct_basic VALUES (1, 'one'), (2, 'two');
SELECT id, name FROM ct_basic ORDER BY id;
-- one column of each supported type
CREATE TABLE ct_types (a smallint, b integer, c bigint, d numeric(10,2), e real, f double precision, g text, h varchar(5), i char(3), j boolean, k date, l timestamp, m timestamptz, n interval, o uuid, p bytea, q jsonb);
INSERT INTO ct_types VALUES (1, 2, 3, 4.5, 6.5, 7.25, 'g', 'h', 'i', true, '2024-01-02', '2024-01-02 03:04:05', '2024-01-02 03:04:05+00', '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x0102ff', '{"k": 1}');
SELECT * FROM ct_types;
SELECT a, b, c, d, e, f FROM ct_types;
-- NOT NULL and DEFAULT
CREATE TABLE ct_notnull (id integer NOT NULL, v text DEFAULT 'dflt', n integer DEFAULT 40 + 2, b boolean DEFAULT false);
INSERT INTO ct_notnull (id) VALUES (1);
INSERT INTO ct_notnull (id, v, n) VALUES (2, NULL, NULL);
SELECT id, v, n, b FROM ct_notnull ORDER BY id;
INSERT INTO ct_notnull (v) VALUES ('x');
-- PRIMARY KEY, UNIQUE, CHECK as column constraints
CREATE TABLE ct_pk (id integer PRIMARY KEY, code text UNIQUE, qty integer CHECK (qty >= 0));
INSERT INTO ct_pk VALUES (1, 'a', 5);
INSERT INTO ct_pk VALUES (1, 'b', 5);
INSERT INTO ct_pk VALUES (2, 'a', 5);
INSERT INTO ct_pk VALUES (3, 'c', -1);
INSERT INTO ct_pk VALUES (NULL, 'd', 1);
INSERT INTO ct_pk VALUES (4, NULL, NULL), (5, NULL, NULL);
SELECT id, code, qty FROM ct_pk ORDER BY id;
-- table constraints
CREATE TABLE ct_tpk (a integer, b integer, c text, PRIMARY KEY (a, b), UNIQUE (c), CONSTRAINT ct_tpk_ab CHECK (a < b));
INSERT INTO ct_tpk VALUES (1, 2, 'x'), (1, 3, 'y');
INSERT INTO ct_tpk VALUES (1, 2, 'z');
INSERT INTO ct_tpk VALUES (5, 4, 'w');
SELECT a, b, c FROM ct_tpk ORDER BY a, b;
-- invalid definitions
CREATE TABLE ct_twopk (a integer PRIMARY KEY, b integer PRIMARY KEY);
CREATE TABLE ct_badtype (a nosuchtype);
CREATE TABLE ct_dupcol (a integer, a text);
CREATE TABLE ct_badcheck (a integer CHECK (b > 0));
DROP TABLE ct_nosuch;
DROP TABLE IF EXISTS ct_nosuch;
DROP TABLE IF EXISTS ct_nosuch1, ct_nosuch2;
DROP TABLE ct_basic, ct_types;
SELECT * FROM ct_basic;
-- quoted identifiers keep their case
CREATE TABLE "Quoted Name" ("Mixed Case" integer, "select" text);
INSERT INTO "Quoted Name" VALUES (1, 'kw');
SELECT "Mixed Case", "select" FROM "Quoted Name";
SELECT "mixed case" FROM "Quoted Name";
SELECT * FROM quoted_name;
DROP TABLE "Quoted Name";
-- a table without columns
CREATE TABLE ct_empty ();
SELECT count(*) FROM ct_empty;
SELECT * FROM ct_empty;
-- unqualified names are case-folded
CREATE TABLE CT_Upper (ID integer);
INSERT INTO ct_upper (id) VALUES (7);
SELECT Id FROM CT_UPPER;
DROP TABLE ct_notnull, ct_pk, ct_tpk, ct_empty, ct_upper;
