# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format bench install migrate demo clean fuzz
# `make run` is a local trial on loopback: plain HTTP, no second factor, and a secret key
# made once in data/secret_key (settings refuse the built-in one with DEBUG off).
LOCAL_ENV = SECURE_HTTPS=$${SECURE_HTTPS:-false} REQUIRE_2FA=$${REQUIRE_2FA:-false} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat data/secret_key)}"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

data/secret_key:
	mkdir -p data && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

migrate: install data/secret_key
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(LOCAL_ENV) $(PY) manage.py load_demo

run: demo
	@echo "Local trial: plain HTTP (SECURE_HTTPS=false), two-factor authentication OFF (REQUIRE_2FA=false)."
	$(LOCAL_ENV) $(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

# `make bench` (small) or `make bench SCALE=national`: PostgreSQL at BENCH_DATABASE_URL
# (throw-away test_<name>_bench_<scale>), then SQLite for the small scale; then the reports.
SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/social_audit
BENCH_ARGS ?=
bench: install data/secret_key
	$(LOCAL_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --scale $(SCALE) $(BENCH_ARGS)
	if [ "$(SCALE)" = small ]; then \
		$(LOCAL_ENV) DATABASE_URL=sqlite:///data/bench.sqlite3 $(PY) manage.py bench --scale small $(BENCH_ARGS); fi
	$(LOCAL_ENV) $(PY) manage.py bench_reports

# schemathesis against a running server, as a supervisor and a CSO auditor (.ci/run calls it).
fuzz: install
	.ci/fuzz

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
