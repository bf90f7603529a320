\set VERBOSITY terse
--
-- INSERT
--
CREATE TABLE ins (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'anon', score integer DEFAULT 0, note text);
INSERT INTO ins VALUES (1, 'alice', 10, NULL);
INSERT INTO ins (id, name) VALUES (2, 'bob'), (3, 'carol'), (4, 'dave');
INSERT INTO ins (id) VALUES (5);
INSERT INTO ins VALUES (6, DEFAULT, DEFAULT, 'defaults');
INSERT INTO ins (id, name, score) VALUES (7, 'eve', 70) RETURNING id, name, score;
INSERT INTO ins (id, name) VALUES (8, 'frank'), (9, 'grace') RETURNING *;
INSERT INTO ins (id, name, score) VALUES (10, 'heidi', 5) RETURNING id * 2 AS doubled, upper(name) AS shout;
SELECT * FROM ins ORDER BY id;
-- errors
INSERT INTO ins (id, name) VALUES (1, 'dup');
INSERT INTO ins (id, name) VALUES (12, NULL);
INSERT INTO ins (id, name) VALUES (13);
INSERT INTO ins (id) VALUES (14, 'x');
INSERT INTO ins (nosuch) VALUES (1);
INSERT INTO ins (id, score) VALUES (15, 'abc');
INSERT INTO ins (id, id) VALUES (16, 16);
INSERT INTO nosuch_table VALUES (1);
-- ON CONFLICT
INSERT INTO ins (id, name) VALUES (1, 'dup') ON CONFLICT DO NOTHING;
INSERT INTO ins (id, name) VALUES (1, 'dup') ON CONFLICT (id) DO NOTHING RETURNING id;
INSERT INTO ins (id, name, score) VALUES (1, 'alice2', 11) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, score = ins.score + EXCLUDED.score RETURNING id, name, score;
INSERT INTO ins (id, name, score) VALUES (2, 'bob', 1) ON CONFLICT (id) DO UPDATE SET score = ins.score + 100 RETURNING id, name, score;
INSERT INTO ins (id, name, score) VALUES (11, 'ivan', 1) ON CONFLICT (id) DO UPDATE SET score = ins.score + 100 RETURNING id, name, score;
INSERT INTO ins (id, name) VALUES (16, 'x') ON CONFLICT (name) DO NOTHING;
INSERT INTO ins (id, name) VALUES (1, 'x') ON CONFLICT DO UPDATE SET name = 'y';
SELECT id, name, score FROM ins WHERE id IN (1, 2, 11) ORDER BY id;
-- INSERT ... SELECT
INSERT INTO ins (id, name) SELECT id + 100, name || '_copy' FROM ins WHERE id <= 3;
SELECT id, name, score FROM ins WHERE id > 100 ORDER BY id;
-- assignment casts
INSERT INTO ins VALUES (20, 'w', '42', NULL);
INSERT INTO ins (id, name, score) VALUES (21, 'v', 3.7);
INSERT INTO ins (id, name, score) VALUES (22, 'u', 2.5);
INSERT INTO ins (id, name, score) VALUES (23, 12345, -3);
SELECT id, name, score FROM ins WHERE id BETWEEN 20 AND 29 ORDER BY id;
SELECT count(*) FROM ins;
-- upsert on a text key
CREATE TABLE ins_kv (k text PRIMARY KEY, v integer);
INSERT INTO ins_kv VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = ins_kv.v + EXCLUDED.v;
INSERT INTO ins_kv VALUES ('a', 5) ON CONFLICT (k) DO UPDATE SET v = ins_kv.v + EXCLUDED.v;
INSERT INTO ins_kv VALUES ('a', 3) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v WHERE ins_kv.v < EXCLUDED.v;
INSERT INTO ins_kv VALUES ('a', 9) ON CONFLICT ON CONSTRAINT ins_kv_pkey DO NOTHING;
INSERT INTO ins_kv VALUES ('b', 1), ('b', 2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
INSERT INTO ins_kv VALUES ('c', 1), ('c', 2) ON CONFLICT (k) DO NOTHING;
SELECT k, v FROM ins_kv ORDER BY k;
DROP TABLE ins, ins_kv;
