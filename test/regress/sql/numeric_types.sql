\set VERBOSITY terse
--
-- numeric, numeric(p,s), real, double precision
--
SELECT 0.1 + 0.2 AS exact_sum, 1.10 + 2.205 AS mixed_scale, 10.0 / 3 AS division, 1.0 / 8 AS eighth;
SELECT 123456789012345678901234567890.123456789 + 1 AS big_numeric;
SELECT 2.5 * 4 AS mul, 1.50 * 2.00 AS scale_sum, -0.0 AS neg_zero, 100::numeric / 7 AS seventh;
SELECT 1.5::numeric(3,1) AS p3s1, 12.345::numeric(5,2) AS rounded, 12.344::numeric(5,2) AS rounded_down, -12.345::numeric(5,2) AS neg_rounded;
SELECT 999.995::numeric(5,2);
SELECT 12345.6::numeric(5,2);
SELECT 0.0001::numeric(3,2) AS tiny, 5::numeric(4,2) AS padded;
SELECT 'NaN'::numeric AS nan, 'abc'::numeric;
SELECT 1::numeric / 0;
-- rounding functions
SELECT round(2.5) AS r1, round(-2.5) AS r2, round(3.14159, 2) AS r3, round(1234.5678, -2) AS r4;
SELECT round(2.5::float8) AS fr1, round(3.5::float8) AS fr2, round(-2.5::float8) AS fr3;
SELECT trunc(3.789, 1) AS t1, trunc(-3.789) AS t2, ceil(1.2) AS c1, ceil(-1.2) AS c2, floor(1.8) AS f1, floor(-1.2) AS f2;
SELECT abs(-1.5) AS abs, sign(-0.5) AS sign, mod(10.5, 3) AS mod, power(2, 0.5) AS power, sqrt(2::numeric) AS sqrt;
SELECT scale(1.2300) AS scale, trim_scale(1.2300) AS trimmed, 1.2300 AS raw;
-- real and double precision
SELECT 1.5::real AS r, 0.1::real AS r_tenth, 0.1::double precision AS d_tenth, 1e100::float8 AS d_big, 1.0e-10::float8 AS d_small;
SELECT 0.1::float8 + 0.2::float8 AS float_sum, 1::float8 / 3 AS third, 2::real / 3 AS real_third;
SELECT 'Infinity'::float8 AS inf, '-Infinity'::float8 AS ninf, 'NaN'::float8 AS nan, 'inf'::float8 > 1e308 AS bigger;
SELECT 1e308::float8 * 10;
SELECT 3.4e38::real * 10;
SELECT 1::float8 / 0;
SELECT 'abc'::float8;
SELECT 123456789.123::real AS real_precision, 123456789.123::float8 AS double_precision;
SELECT 1.5::float8::numeric AS f_to_n, 1.23456789::numeric::real AS n_to_r, 17::float4 AS int_to_real;
SELECT pg_typeof(1.5) AS lit, pg_typeof(1.5::real + 1) AS real_int, pg_typeof(1.5::real + 1.5::float8) AS real_double, pg_typeof(1.5 + 1.5::float8) AS numeric_double;
SELECT 1e3 AS sci, 1.5e-3 AS sci_small, .5 AS leading_dot, 5. AS trailing_dot;
-- stored values
CREATE TABLE nt (id integer PRIMARY KEY, n numeric, m numeric(6,2), r real, d double precision);
INSERT INTO nt VALUES (1, 1.5, 1.005, 1.5, 1.5), (2, -0.001, 9999.994, -2.25, 1e-5), (3, 100, 0, 0, 0), (4, NULL, NULL, NULL, NULL);
INSERT INTO nt (id, m) VALUES (5, 10000);
SELECT id, n, m, r, d FROM nt ORDER BY id;
SELECT sum(n) AS sum_n, sum(m) AS sum_m, avg(m) AS avg_m, sum(r) AS sum_r, sum(d) AS sum_d FROM nt;
SELECT id, n * m AS nm, r * d AS rd, m / 3 AS m3 FROM nt WHERE id <= 3 ORDER BY id;
SELECT id FROM nt WHERE n > 0 ORDER BY n DESC;
DROP TABLE nt;
