# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format bench install migrate demo clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

# `make bench` (small) or `make bench SCALE=national`: PostgreSQL at BENCH_DATABASE_URL
# (throw-away test_<name>_bench_<scale>), then SQLite for the small scale.
SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/social_audit
BENCH_ARGS ?=
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --scale $(SCALE) $(BENCH_ARGS)
	if [ "$(SCALE)" = small ]; then \
		DATABASE_URL=sqlite:///data/bench.sqlite3 $(PY) manage.py bench --scale small $(BENCH_ARGS); fi

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
