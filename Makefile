# Muara: `make demo` runs the main job on the embedded default; `make test` passes the tests.
# Both install what they need themselves (system packages, uv, the locked .venv, Postgres, Airflow's DB).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

UV_VERSION  := 0.13.8
PYTHON      ?= python3.11
VENV        := $(CURDIR)/.venv
BIN         := $(VENV)/bin
MUARA       := $(BIN)/muara
UV          := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
DEMO_INBOX  := $(CURDIR)/data/inbox
DEMO_ROWS   ?= 5000

export UV_PYTHON_DOWNLOADS := never
# compile every installed module to .pyc once, at install: these machines set PYTHONDONTWRITEBYTECODE=1, so
# otherwise each new Python process (every Airflow task, every CLI call) recompiles GX and pandas (~6.7 s)
export UV_COMPILE_BYTECODE := 1
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
# Muara has no Airflow plugin: its code is the installed package src/muara, imported by the DAGs' tasks
export AIRFLOW__CORE__PLUGINS_FOLDER := $(AIRFLOW_HOME)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD := $(MUARA) db url --airflow --sqlalchemy -n

.PHONY: help
help: ## Show the targets (this list)
	@echo "Muara: make <target>"
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

.PHONY: system-deps
system-deps: ## Install the system packages Muara needs (psql client, chromium for the browser tests, docker-compose to check the compose file) with apt-get
	@if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
	if ! command -v psql >/dev/null; then
	  echo "installing postgresql-client (psql) with apt-get"
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
	fi
	# Debian's chromium: the browser tests drive it with playwright (never `playwright install`, which downloads)
	if ! command -v chromium >/dev/null; then
	  echo "installing chromium with apt-get"
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
	fi
	# Debian's docker-compose (1.29) validates docker-compose.yml (`docker-compose config -q`) without a Docker engine
	if ! command -v docker-compose >/dev/null; then
	  echo "installing docker-compose with apt-get"
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose
	fi

$(UV):
	$(PYTHON) -m pip install --user --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

.PHONY: install
install: system-deps $(VENV)/.installed ## Install uv if missing and the locked environment into .venv
	@# the muara package is installed editable, so UV_COMPILE_BYTECODE leaves it out: without its .pyc every CLI
	@# call and Airflow task recompiles it (~0.3 CPU-s of the ~1.2 a 1,000-row ingest costs)
	$(VENV)/bin/python -m compileall -q src/muara

SUPERSET_VENV := $(CURDIR)/superset/.venv

# Superset's own locked environment: its pins (SQLAlchemy < 2, pandas < 2.2) clash with Airflow's
$(SUPERSET_VENV)/.installed: superset/pyproject.toml superset/uv.lock | $(UV)
	env -u VIRTUAL_ENV UV_PROJECT_ENVIRONMENT=$(SUPERSET_VENV) $(UV) sync --frozen --project superset --python $(PYTHON)
	touch $@

.PHONY: superset-install
superset-install: $(SUPERSET_VENV)/.installed ## Install Superset's own locked environment into superset/.venv

.PHONY: superset-bundle
superset-bundle: install ## Write the dashboards bundle (superset/dashboards/) and dbt's exposures from superset/specs/ and dbt
	$(MUARA) superset bundle

.PHONY: superset
superset: install superset-install ## Start Superset (muara superset up) and import Muara's dashboards with its read-only role (muara superset provision)
	$(MUARA) superset up
	$(MUARA) superset provision

.PHONY: db
db: install ## Start the embedded Postgres (or check MUARA_DATABASE_URL) and apply the raw DDL
	$(MUARA) db start
	$(MUARA) db migrate

.PHONY: airflow-db
airflow-db: db ## Create or upgrade Airflow's metadata database
	@mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || { tail -50 $(AIRFLOW_HOME)/db-migrate.log; exit 1; }
	@echo "airflow metadata database is up to date ($(AIRFLOW_HOME)/db-migrate.log)"

.PHONY: contracts
contracts: install ## Lint the contracts and check that generated files are fresh
	$(MUARA) contracts lint
	$(MUARA) contracts generate --check

.PHONY: generate
generate: install ## Regenerate GX suites, raw DDL and dbt sources from schemas/
	$(MUARA) contracts generate

.PHONY: rute-model
rute-model: install ## Train the complaint router (muara rute train) into src/muara/analytics/model/rute.joblib, from the corpus' train split
	$(MUARA) rute train

.PHONY: rute-model-check
rute-model-check: install ## Check the committed router is current: retraining from the corpus (same seed) gives the same suggestions
	$(MUARA) rute train --check

.PHONY: demo-data
demo-data: install ## Write demo exports for every dataset and sender into data/inbox
	$(MUARA) demo-data --out $(DEMO_INBOX) --rows $(DEMO_ROWS) --anchor $$(date -d yesterday +%F)

.PHONY: dbt-manifest
dbt-manifest: install ## Write dbt/target/manifest.json (dbt parse, no database), which the warehouse DAG renders
	$(BIN)/python -c 'from muara.warehouse import dbt; print(f"wrote {dbt.write_manifest()}")'

.PHONY: demo
demo: contracts airflow-db dbt-manifest superset-install ## The whole stack on the demo city: Airflow running, demo exports in the inbox, ingest and warehouse DAGs by themselves, Superset provisioned
	$(MUARA) demo --rows $(DEMO_ROWS)

.PHONY: airflow
airflow: airflow-db dbt-manifest ## Start Airflow (airflow standalone on :8080) in the background
	$(MUARA) airflow up

.PHONY: portal
portal: db ## Start Pintu Data, the officers' upload portal and push API, on 127.0.0.1:8090 (muara portal up; logins in data/secrets/portal-logins.json)
	$(MUARA) portal up

.PHONY: warehouse
warehouse: db dbt-manifest ## Build the dbt warehouse now (muara warehouse build: seeds, snapshots, models, tests)
	$(MUARA) warehouse build

.PHONY: test
test: contracts dbt-manifest superset-install ## Run the whole test suite (real Postgres, GX, dbt, Airflow, datacontract-cli, Superset)
	# the unit tests first, one worker per core; then the rest one at a time (they share one Postgres, which the
	# tests start themselves in data/postgres-test, with Airflow's database migrated on it), slowest 25 listed
	$(BIN)/pytest -m unit -q -n $$(nproc) --dist loadfile
	$(BIN)/pytest -m "not unit" --durations=25

.PHONY: test-unit
test-unit: install ## Run the unit tests only (no server, no dbt run, no browser; under a minute)
	# one worker per core; a test file stays on one worker, so its module fixtures (the demo run) are built once
	$(BIN)/pytest -m unit -q -n $$(nproc) --dist loadfile

.PHONY: lint
lint: install ## ruff (lint + format check), mypy, and sqlfluff over dbt/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/sqlfluff lint dbt/models dbt/macros --processes 2

.PHONY: bench
bench: db ## Benchmark muara ingest against a bare COPY and the naive path (1M aduan rows, in a database of its own)
	$(MUARA) bench ingest --rows $${ROWS:-1000000}

.PHONY: bench-warehouse
bench-warehouse: db ## Benchmark a full warehouse build against an incremental one after 10,000 new rows (1M complaints)
	$(MUARA) bench warehouse --rows $${ROWS:-1000000}

.PHONY: bench-freshness
bench-freshness: install ## On the running demo stack: seconds from a sent 100-row aduan file to the ledger, fct_aduan and Superset (goal <= 60 s)
	$(MUARA) bench freshness --runs $${RUNS:-3} $${VIA:+--via $$VIA}

.PHONY: stop
stop: ## Stop everything make demo started: Airflow, Superset, the portal and the embedded Postgres
	@if [ -x $(MUARA) ]; then echo "airflow: $$($(MUARA) airflow stop)"; echo "superset: $$($(MUARA) superset stop)"; echo "portal: $$($(MUARA) portal stop)"; $(MUARA) db stop; fi

.PHONY: clean
clean: stop ## Remove runtime data (data/, .airflow/) but keep .venv
	rm -rf data .airflow
