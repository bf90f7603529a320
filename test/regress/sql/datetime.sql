\set VERBOSITY terse
--
-- date, timestamp, timestamptz, interval
-- (the session runs with TimeZone UTC, DateStyle 'ISO, MDY' and
-- IntervalStyle postgres; a DST zone is set where it matters)
--
SELECT date '2024-02-29' AS leap_day, '2023-12-31'::date AS nye, 'January 8, 1999'::date AS long_form;
SELECT timestamp '2024-03-10 01:30:00' AS ts, timestamp '2024-03-10 01:30:00.123456' AS ts_frac;
SELECT timestamptz '2024-07-01 12:00:00+00' AS summer, timestamptz '2024-01-01 12:00:00+00' AS winter, timestamptz '2024-01-01 12:00:00 America/New_York' AS named_zone;
SET TimeZone = 'America/Los_Angeles';
SELECT timestamptz '2024-07-01 12:00:00+00' AS summer, timestamptz '2024-01-01 12:00:00+00' AS winter, timestamptz '2024-03-10 10:30:00+00' AS after_switch;
SELECT timestamptz '2024-11-03 01:30:00' AS ambiguous, timestamptz '2024-03-10 02:30:00' AS skipped;
RESET TimeZone;
SELECT interval '1 day' AS one_day, interval '2 hours 30 minutes' AS hm, interval '1 year 2 months' AS ym, interval '-3 days' AS negative, interval '90 seconds' AS secs;
SELECT interval '1.5 days' AS fractional_day, interval '36 hours' AS hours, interval '0' AS zero, interval 'P1Y2M3DT4H5M6S' AS iso8601;
SELECT '2024-02-30'::date;
SELECT '2024-13-01'::timestamp;
SELECT 'not a date'::date;
SELECT '25:00:00'::time;
-- arithmetic
SELECT date '2024-02-28' + 1 AS plus_int, date '2024-03-01' - 1 AS minus_int, date '2024-03-01' - date '2024-01-01' AS date_diff;
SELECT date '2024-01-31' + interval '1 month' AS plus_month, timestamp '2024-01-01 00:00' + interval '1 day 1 hour' AS ts_plus;
SELECT timestamp '2024-03-01 12:00' - timestamp '2024-02-28 06:30' AS ts_diff, timestamptz '2024-03-11 00:00+00' - timestamptz '2024-03-10 00:00+00' AS tstz_diff;
SELECT interval '1 hour' * 3 AS mul, interval '1 day' / 4 AS div, interval '1 day' + interval '1 hour' AS add, - interval '1 minute' AS neg;
SELECT timestamptz '2024-03-09 12:00:00-08' + interval '1 day' AS across_dst_day, timestamptz '2024-03-09 12:00:00-08' + interval '24 hours' AS across_dst_hours;
SELECT date '2024-01-01' + time '10:30' AS date_plus_time, time '10:30' + interval '90 minutes' AS time_plus;
SELECT date '2024-01-01' + date '2024-01-02';
-- date_trunc, extract, date_part, make_date
SELECT date_trunc('month', timestamp '2024-05-17 13:45:12') AS month, date_trunc('hour', timestamp '2024-05-17 13:45:12') AS hour, date_trunc('year', date '2024-05-17') AS year_of_date;
SELECT date_trunc('week', timestamp '2024-05-17 13:45:12') AS week, date_trunc('day', timestamptz '2024-05-17 13:45:12+00') AS day_tz;
SELECT extract(year FROM date '2024-05-17') AS y, extract(month FROM date '2024-05-17') AS m, extract(day FROM date '2024-05-17') AS d, extract(dow FROM date '2024-05-17') AS dow, extract(doy FROM date '2024-05-17') AS doy;
SELECT extract(hour FROM timestamp '2024-05-17 13:45:12.5') AS h, extract(minute FROM timestamp '2024-05-17 13:45:12.5') AS mi, extract(second FROM timestamp '2024-05-17 13:45:12.5') AS s;
SELECT extract(epoch FROM timestamptz '2024-01-01 00:00:00+00') AS epoch, extract(epoch FROM interval '1 day 2 hours') AS interval_epoch, extract(quarter FROM date '2024-05-17') AS q;
SELECT date_part('year', timestamp '2001-02-16 20:38:40') AS dp_year, date_part('hour', interval '4 hours 3 minutes') AS dp_hour;
SELECT make_date(2024, 2, 29) AS md, make_timestamp(2024, 1, 2, 3, 4, 5.5) AS mts, make_interval(days => 10, hours => 2) AS mi;
SELECT make_date(2023, 2, 29);
SELECT extract(nosuchfield FROM date '2024-01-01');
SELECT to_char(timestamp '2024-05-17 13:45:12', 'YYYY-MM-DD HH24:MI:SS') AS to_char, to_date('17 May 2024', 'DD Mon YYYY') AS to_date;
SELECT age(timestamp '2024-05-17', timestamp '2020-02-29') AS age, justify_hours(interval '50 hours') AS jh, justify_days(interval '40 days') AS jd;
-- comparisons and casts
SELECT date '2024-01-01' < date '2024-01-02' AS lt, timestamp '2024-01-01' = date '2024-01-01' AS ts_eq_date, interval '1 day' = interval '24 hours' AS iv_eq;
SELECT timestamptz '2024-06-01 00:00:00+00'::timestamp AS to_local, timestamp '2024-06-01 00:00:00'::timestamptz AS from_local, timestamptz '2024-06-01 00:00:00+00'::date AS to_date;
SELECT timestamp '2024-06-01 10:00' AT TIME ZONE 'UTC' AS at_utc, timestamptz '2024-06-01 10:00+00' AT TIME ZONE 'Asia/Tokyo' AS at_tokyo;
SELECT 'infinity'::timestamp AS inf, '-infinity'::date AS ninf, 'epoch'::timestamp AS epoch;
-- output styles
SET DateStyle = 'ISO, MDY';
SELECT date '2024-02-29' AS d, timestamp '2024-03-10 01:30:00' AS ts, timestamptz '2024-07-01 12:00:00+00' AS tstz;
SET IntervalStyle = 'postgres';
SELECT interval '1 year 2 months 3 days 04:05:06' AS iv, interval '-1 day +02:00' AS mixed;
SET IntervalStyle = 'iso_8601';
SELECT interval '1 year 2 months 3 days 04:05:06' AS iv;
RESET IntervalStyle;
SET DateStyle = 'SQL, DMY';
SELECT date '2024-02-29' AS d, timestamp '2024-03-10 01:30:00' AS ts;
RESET DateStyle;
SELECT date '2024-02-29' AS d;
-- stored values
CREATE TABLE dt (id integer PRIMARY KEY, d date, ts timestamp, tz timestamptz, iv interval);
INSERT INTO dt VALUES (1, '2024-01-15', '2024-01-15 08:00:00', '2024-01-15 08:00:00+00', '1 day'), (2, '2023-06-30', '2023-06-30 23:59:59', '2023-06-30 23:59:59-07', '2 hours'), (3, NULL, NULL, NULL, NULL);
SELECT id, d, ts, tz, iv FROM dt ORDER BY id;
SELECT id, d + iv AS d_plus, ts + iv AS ts_plus, extract(year FROM d) AS y FROM dt ORDER BY id;
SELECT id FROM dt WHERE ts > timestamp '2024-01-01' ORDER BY id;
SELECT max(d) AS latest, min(ts) AS earliest, sum(iv) AS total_interval, avg(iv) AS avg_interval FROM dt;
INSERT INTO dt (id, d) VALUES (4, 'yesterday-ish');
DROP TABLE dt;
