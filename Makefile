# The Academy: `make run` serves it with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DJANGO_SETTINGS_MODULE ?= academy.settings.dev

.PHONY: run test bench setup install migrate demo lint format messages check clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall whenever the lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are committed so a fresh machine needs no gettext tools.
messages: install
	$(PY) manage.py makemessages -l th -l en --ignore=.venv --ignore=var --no-obsolete -v 0
	$(PY) manage.py compilemessages --ignore=.venv -v 0

setup: install
	mkdir -p var/media
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py private_files_move -v 0
	$(PY) manage.py load_standards
	$(PY) manage.py search_index_rebuild

demo: setup
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

# In parallel, one process per core (pytest-xdist; PYTEST_WORKERS=0 for one process).
# `--dist loadgroup` keeps the real-worker tests in one process (tests/conftest.py).
# Locally, PYTEST_ARGS=--reuse-db keeps the PostgreSQL test databases between runs.
PYTEST_WORKERS ?= auto
test: install
	DJANGO_SETTINGS_MODULE=academy.settings.test $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Benchmarks print figures, never pass/fail. With DATABASE_URL=postgres://... they run on
# that server, in databases named *bench* created beside it; otherwise on SQLite in var/.
BENCH_DB ?= $(if $(DATABASE_URL),$(dir $(DATABASE_URL))academy_bench_apps,sqlite:///$(CURDIR)/var/bench-apps.sqlite3)
BENCH_HR_STAFF ?= 10000
BENCH_LOAD_USERS ?= 200

bench: setup
	$(PY) manage.py run_benchmarks $(BENCH_ARGS)
	$(PY) -m benchmarks.bench_pages
	$(PY) -m benchmarks.bench_load --users $(BENCH_LOAD_USERS)
	DATABASE_URL=$(BENCH_DB) $(PY) -m benchmarks.bench_certificates
	DATABASE_URL=$(BENCH_DB) $(PY) -m benchmarks.bench_hr --staff $(BENCH_HR_STAFF)
	DATABASE_URL=$(BENCH_DB) $(PY) -m benchmarks.bench_search

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
