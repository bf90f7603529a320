#!/usr/bin/env bash
#
# Records test/regress/expected/<name>.out from a real PostgreSQL 15.
#
# Runs every test named in ./schedule through psql exactly the way
# pg_regress does (src/test/regress/pg_regress_main.c, psql_start_test):
#
#     psql -X -a -q -d DB < sql/<name>.sql > expected/<name>.out 2>&1
#
# in a fresh database, with the environment pg_regress's
# initialize_environment() sets up for PostgreSQL 15.  The session settings
# below must stay equal to REGRESS_SESSION_SETTINGS in runner.ts, which
# sessions replaying these files (pgSession.ts, actorgres) start with;
# test/regressRunner.test.ts checks that they do.
#
# Usage: test/regress/record.sh            (server: 127.0.0.1, user postgres)
#        PGHOST=... PGPORT=... PGUSER=... test/regress/record.sh
#
set -euo pipefail
cd "$(dirname "$0")"

export PGHOST="${PGHOST:-127.0.0.1}"
export PGUSER="${PGUSER:-postgres}"
DB=actorgres_regress

# Messages in English; the client encoding is UTF8 like node-postgres's.
unset LANGUAGE LC_ALL PGDATABASE PGAPPNAME PGSERVICE
export LC_MESSAGES=C
export PGCLIENTENCODING=UTF8
# Session settings: a fresh initdb's defaults on a UTC machine (ISO dates,
# the postgres interval style), which is what node-postgres users see. This
# departs from pg_regress (PST8PDT, 'Postgres, MDY', postgres_verbose): the
# legacy output styles are not what these tests are about.
export PGTZ=UTC
export PGDATESTYLE='ISO, MDY'
export PGOPTIONS='-c intervalstyle=postgres'

dropdb --if-exists "$DB"
createdb -T template0 -E UTF8 --lc-collate=C --lc-ctype=C "$DB"

status=0
while IFS= read -r name; do
	case "$name" in '' | '#'*) continue ;; esac
	if psql -X -a -q -d "$DB" < "sql/$name.sql" > "expected/$name.out" 2>&1; then
		echo "recorded $name"
	else
		echo "psql failed on $name" >&2
		status=1
	fi
done < schedule

dropdb "$DB"
exit "$status"
