\set VERBOSITY terse
--
-- jsonb
--
SELECT '{"b": 2, "a": 1, "a": 3}'::jsonb AS dedup_sorted, '[1, "two", null, true, 2.50]'::jsonb AS arr, '"str"'::jsonb AS scalar, 'null'::jsonb AS json_null;
SELECT '{"a": {"b": [10, 20, {"c": "deep"}]}}'::jsonb AS nested;
SELECT '{"a": 1,}'::jsonb;
SELECT 'nope'::jsonb;
-- -> and ->>
SELECT '{"a": 1, "b": "x"}'::jsonb -> 'a' AS arrow, '{"a": 1, "b": "x"}'::jsonb ->> 'b' AS arrow_text, '{"a": 1}'::jsonb -> 'missing' AS missing;
SELECT '[10, 20, 30]'::jsonb -> 1 AS idx, '[10, 20, 30]'::jsonb ->> 2 AS idx_text, '[10, 20, 30]'::jsonb -> -1 AS neg_idx, '[10, 20, 30]'::jsonb -> 5 AS out_of_range;
SELECT '{"a": {"b": [10, 20, {"c": "deep"}]}}'::jsonb -> 'a' -> 'b' -> 2 ->> 'c' AS chain, '{"a": {"b": 1}}'::jsonb #> '{a,b}' AS path, '{"a": {"b": 1}}'::jsonb #>> '{a,b}' AS path_text;
SELECT '{"a": null}'::jsonb -> 'a' AS json_null, '{"a": null}'::jsonb ->> 'a' AS sql_null, pg_typeof('{"a": 1}'::jsonb ->> 'a') AS text_type;
-- containment and existence
SELECT '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}' AS contains, '{"a": 1}'::jsonb @> '{"a": 2}' AS not_contains, '{"a": 1}'::jsonb <@ '{"a": 1, "b": 2}' AS contained;
SELECT '[1, 2, 3]'::jsonb @> '[3, 1]' AS arr_contains, '[1, [2, 3]]'::jsonb @> '[[3]]' AS nested_contains, '{"a": [1, 2]}'::jsonb @> '{"a": [2]}' AS obj_arr;
SELECT '{"a": 1, "b": 2}'::jsonb ? 'a' AS has_a, '{"a": 1}'::jsonb ? 'z' AS has_z, '{"a": 1, "b": 2}'::jsonb ?| array['z', 'b'] AS any_key, '{"a": 1, "b": 2}'::jsonb ?& array['a', 'b'] AS all_keys;
-- building and inspecting
SELECT jsonb_build_object('id', 1, 'name', 'x', 'tags', jsonb_build_array('a', 'b'), 'none', NULL) AS obj;
SELECT jsonb_build_object('odd');
SELECT jsonb_typeof('{}') AS obj, jsonb_typeof('[]') AS arr, jsonb_typeof('1.5') AS num, jsonb_typeof('"s"') AS str, jsonb_typeof('true') AS bool, jsonb_typeof('null') AS nul;
SELECT jsonb_array_length('[1, 2, 3]') AS len, '{"a": 1}'::jsonb || '{"b": 2}'::jsonb AS merged, '{"a": 1, "b": 2}'::jsonb - 'a' AS removed;
SELECT jsonb_array_length('{"a": 1}');
SELECT to_jsonb('text with "quotes"'::text) AS to_jsonb, to_jsonb(42) AS num, jsonb_pretty('{"a": [1, 2]}') AS pretty;
SELECT '{"a": 1}'::jsonb = '{"a": 1.0}'::jsonb AS numeric_eq, '{"a": 1, "b": 2}'::jsonb = '{"b": 2, "a": 1}'::jsonb AS order_insensitive;
SELECT key, value FROM jsonb_each('{"b": 2, "a": [1], "c": null}') ORDER BY key;
SELECT value FROM jsonb_array_elements_text('["x", "y", "z"]') AS e(value) ORDER BY value DESC;
SELECT ('{"n": 41}'::jsonb ->> 'n')::integer + 1 AS arithmetic;
SELECT '{"a": 1}'::jsonb -> 'a' + 1;
-- stored documents
CREATE TABLE jt (id integer PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO jt VALUES (1, '{"name": "alpha", "tags": ["x", "y"], "n": 3}'), (2, '{"name": "beta", "tags": ["y"], "n": 10}'), (3, '{"name": "gamma", "n": null}'), (4, '[1, 2]');
SELECT id, doc FROM jt ORDER BY id;
SELECT id, doc ->> 'name' AS name, jsonb_typeof(doc -> 'n') AS n_type FROM jt ORDER BY id;
SELECT id FROM jt WHERE doc @> '{"tags": ["y"]}' ORDER BY id;
SELECT id FROM jt WHERE doc ? 'tags' ORDER BY id;
SELECT id, (doc ->> 'n')::integer * 2 AS doubled FROM jt WHERE doc ->> 'n' IS NOT NULL ORDER BY id;
SELECT doc ->> 'name' AS name FROM jt WHERE jsonb_typeof(doc) = 'object' ORDER BY doc ->> 'name' DESC;
SELECT jsonb_agg(id ORDER BY id) AS ids, jsonb_object_agg(id, doc ->> 'name' ORDER BY id) AS names FROM jt WHERE id < 4;
UPDATE jt SET doc = doc || '{"n": 11}' WHERE id = 2;
SELECT doc FROM jt WHERE id = 2;
DROP TABLE jt;
