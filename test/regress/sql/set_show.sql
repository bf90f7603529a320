\set VERBOSITY terse
--
-- SET / SHOW / RESET
--
SHOW statement_timeout;
SET statement_timeout = 1000;
SHOW statement_timeout;
SET statement_timeout = '2min';
SHOW statement_timeout;
SET statement_timeout TO '1500ms';
SHOW statement_timeout;
SET statement_timeout = 'soon';
SET statement_timeout = -1;
RESET statement_timeout;
SHOW statement_timeout;
SET statement_timeout = DEFAULT;
SHOW statement_timeout;
-- TimeZone
SHOW TimeZone;
SET TimeZone = 'UTC';
SHOW timezone;
SELECT timestamptz '2024-01-01 12:00:00+00' AS noon_utc;
SET TIME ZONE 'America/New_York';
SHOW TimeZone;
SELECT timestamptz '2024-01-01 12:00:00+00' AS noon_utc_in_ny;
SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE;
SHOW TimeZone;
SET TimeZone = 'Mars/Olympus_Mons';
RESET TimeZone;
SHOW TimeZone;
-- DateStyle
SHOW DateStyle;
SET DateStyle = 'ISO';
SHOW DateStyle;
SET DateStyle TO German;
SHOW DateStyle;
SELECT date '2024-12-25' AS christmas;
SET DateStyle = 'YMD, ISO';
SHOW DateStyle;
SET DateStyle = 'Klingon';
RESET DateStyle;
SHOW DateStyle;
-- application_name
SET application_name = 'actorgres_regress';
SHOW application_name;
SET application_name TO 'with space';
SHOW application_name;
SET application_name = '';
SHOW application_name;
-- other settings
SHOW search_path;
SET search_path TO public;
SHOW search_path;
SHOW client_min_messages;
SET client_min_messages = warning;
DROP TABLE IF EXISTS no_notice_expected;
RESET client_min_messages;
DROP TABLE IF EXISTS notice_expected;
SHOW standard_conforming_strings;
SHOW server_encoding;
SET LOCAL statement_timeout = 10;
SHOW statement_timeout;
SELECT current_setting('statement_timeout') AS via_function, set_config('statement_timeout', '3s', false) AS set_config;
SHOW statement_timeout;
RESET ALL;
SHOW statement_timeout;
-- errors
SHOW nosuch_setting;
SET nosuch_setting = 1;
RESET nosuch_setting;
SET statement_timeout = 1, 2;
SET server_version = '1';
SELECT current_setting('nosuch.setting');
SELECT current_setting('nosuch.setting', true) IS NULL AS missing_ok;
