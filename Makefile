# The README's two commands: `make run` and `make test`. Everything else is set-up they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test install lint typecheck format bootstrap clean user

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(RUN_STAMP)

bootstrap: $(RUN_STAMP)
	$(BIN)/flask --app wsgi bootstrap

## Serve the API with gunicorn on http://127.0.0.1:$(PORT) (PORT and DATABASE_URL override).
## SITE_URL, the public address mail links are built from, is the address served unless set.
run: bootstrap
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

## Create a staff account (a superuser): `make user NAME=alice [EMAIL=alice@example.com]`; the
## password is asked twice on the terminal (or PASSWORD=... for scripts).
user: bootstrap
	@test -n "$(NAME)" || { echo "make user: say which account, e.g. make user NAME=alice"; exit 2; }
	$(BIN)/flask --app wsgi user create "$(NAME)" --superuser $(if $(EMAIL),--email "$(EMAIL)")

## Install everything, lint, type-check (mypy strict on wger_flask) and run the whole test
## suite: on SQLite, then on PostgreSQL (a fresh database), the second even when the first
## fails. The last line sums it all up (lint, types, both suites) and says
## plainly when PostgreSQL was skipped and why; the exit status fails if anything failed.
## Each run pins the wall clock and the machine's time zone at an edge (tests/clock.py), so the
## suite gives the same result at any hour: SQLite at 02:00 UTC in UTC+14, PostgreSQL at 23:59
## UTC in UTC-11 (crossing midnight). `make test SQLITE_CLOCK= POSTGRES_CLOCK=` uses the real one.
SQLITE_CLOCK ?= 02:00
SQLITE_TZ ?= Pacific/Kiritimati
POSTGRES_CLOCK ?= 23:59
POSTGRES_TZ ?= Pacific/Pago_Pago

## The closing line also names every group of tests that was skipped in either suite, and why
## (e.g. the browser tests without Debian's chromium), so "passed" never hides one that did not run.
test: $(TEST_STAMP)
	@lint=passed; types=passed; sqlite=passed; postgres=passed; \
	rm -f $(VENV)/skipped-sqlite.txt $(VENV)/skipped-postgres.txt; \
	$(BIN)/ruff check . || lint=FAILED; \
	$(BIN)/mypy || types=FAILED; \
	TZ=$(SQLITE_TZ) WGER_SKIP_SUMMARY=$(VENV)/skipped-sqlite.txt \
		$(BIN)/python -m pytest --clock=$(SQLITE_CLOCK) $(PYTEST_ARGS) || sqlite=FAILED; \
	reason=$$($(BIN)/python -m tests.postgres_status); \
	if [ -n "$$reason" ]; then \
		postgres="SKIPPED ($$reason)"; \
		echo "make test: the PostgreSQL suite is SKIPPED: $$reason"; \
	else \
		TZ=$(POSTGRES_TZ) WGER_SKIP_SUMMARY=$(VENV)/skipped-postgres.txt \
			$(BIN)/python -m pytest --database=postgres --clock=$(POSTGRES_CLOCK) \
			$(PYTEST_ARGS) || postgres=FAILED; \
	fi; \
	skipped_sqlite=$$(cat $(VENV)/skipped-sqlite.txt 2>/dev/null || echo "not run"); \
	skipped_postgres=$$(cat $(VENV)/skipped-postgres.txt 2>/dev/null || echo "not run"); \
	echo "make test: lint $$lint; types $$types; SQLite suite $$sqlite (clock $(or $(SQLITE_CLOCK),real), TZ=$(SQLITE_TZ);" \
		"$$skipped_sqlite); PostgreSQL suite $$postgres (clock $(or $(POSTGRES_CLOCK),real)," \
		"TZ=$(POSTGRES_TZ); $$skipped_postgres)"; \
	[ "$$lint" = passed ] && [ "$$types" = passed ] && [ "$$sqlite" = passed ] && \
		[ "$$postgres" != FAILED ]

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## The type checker: mypy, strict, on all of wger_flask ([tool.mypy] in pyproject.toml; the
## stubs of untyped libraries in stubs/). `make test` and `make lint` run it too.
typecheck: $(TEST_STAMP)
	$(BIN)/mypy

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache
