#!/usr/bin/env bash
# Runs once, when the postgres service initialises an empty data volume (docker-entrypoint-initdb.d).
# One server, three databases, each owned by its own login role, so a leaked Superset or Airflow password
# cannot write the warehouse:
#   muara     the warehouse (raw, quarantine, muara ledger, dbt schemas)  role muara
#   airflow   Airflow's metadata and the Celery result backend           role airflow
#   superset  Superset's metadata                                         role superset
# Passwords come from the environment (docker-compose.yml passes them from .env) and reach SQL as psql
# variables (:'name'), so no quoting trick in a password can change the statement.
set -euo pipefail

: "${WAREHOUSE_DB_PASSWORD:?WAREHOUSE_DB_PASSWORD is not set}"
: "${AIRFLOW_DB_PASSWORD:?AIRFLOW_DB_PASSWORD is not set}"
: "${SUPERSET_DB_PASSWORD:?SUPERSET_DB_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v muara_pw="$WAREHOUSE_DB_PASSWORD" \
  -v airflow_pw="$AIRFLOW_DB_PASSWORD" \
  -v superset_pw="$SUPERSET_DB_PASSWORD" <<'SQL'
-- createrole: `muara superset provision` creates Superset's read-only role muara_superset (and only that)
create role muara login createrole password :'muara_pw';
create role airflow login password :'airflow_pw';
create role superset login password :'superset_pw';
create database muara owner muara encoding 'UTF8';
create database airflow owner airflow encoding 'UTF8';
create database superset owner superset encoding 'UTF8';
SQL
