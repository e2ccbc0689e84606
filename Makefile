# Every command in README.md. On a fresh machine with Python 3.11+, `make serve` and
# `make test` do everything they need first (virtualenv, locked dependencies, database).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
FIXTURE_DB := $(CURDIR)/.fixtures-build.sqlite3

.PHONY: install chromium wrk db serve prod test test-postgres lint format fixtures screenshots ci bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

db: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) loaddata seed
	DJANGO_DEBUG=1 $(MANAGE) warm_counts

serve: db
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

# Production: DEBUG off, settings from the environment only (DJANGO_SECRET_KEY at least;
# README lists the rest), hashed and compressed static files served by WhiteNoise, and
# gunicorn with (2 x cores) + 1 workers (deploy/gunicorn.conf.py). Load data first, e.g.
# `make db` (the seeds) or `manage.py import_hansard`.
prod: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make prod: set DJANGO_SECRET_KEY (see README: Production)" >&2; exit 1; }
	@test "$$DJANGO_DEBUG" != 1 || { echo "make prod: unset DJANGO_DEBUG" >&2; exit 1; }
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) warm_counts
	PORT=$(PORT) $(BIN)/gunicorn --config deploy/gunicorn.conf.py

# The browser tests (tests/browser) drive Debian's chromium: Playwright's own browser
# download does not work everywhere. Installed here when missing, with sudo if needed.
chromium:
	@test -x /usr/bin/chromium || { \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }; \
	}

# The benchmark's load generator, Debian's wrk; installed when missing, with sudo if needed.
wrk:
	@command -v wrk >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get install -y wrk || { $$SUDO apt-get update && $$SUDO apt-get install -y wrk; }; \
	}

test: install chromium
	DJANGO_SECRET_KEY=test-only-secret-key $(BIN)/pytest

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/safeguarding_archive} $(MAKE) test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild fixtures/seed.json from fixtures/sources/ in a scratch database: deterministic,
# byte-identical on every run.
fixtures: install
	rm -f $(FIXTURE_DB)
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) migrate --noinput -v 0
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) import_hansard fixtures/sources/*.txt
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) dumpdata debates --exclude debates.archivestate --exclude debates.contributiontally \
		--natural-primary --natural-foreign --indent 2 -o fixtures/seed.json
	rm -f $(FIXTURE_DB)

# Regenerate docs/screenshots/ (shown in README.md) from the seeded archive.
screenshots: install chromium
	DJANGO_SECRET_KEY=test-only-secret-key $(BIN)/pytest tests/browser/screenshots.py

ci:
	bash .ci/run

# The archive against Datasette on a synthetic corpus (see bench/README.md), each mode's
# results added to the same file:
# make bench CONTRIBUTIONS=1000000 BENCH_DATABASE=postgresql \
#     BENCH_PAGE_CACHE=off BENCH_WORKLOAD=long-tail
CONTRIBUTIONS ?= 100000
BENCH_DATABASE ?= sqlite
BENCH_PAGE_CACHE ?= on
BENCH_WORKLOAD ?= warm
bench: install wrk
	$(BIN)/python -m bench --contributions $(CONTRIBUTIONS) --database $(BENCH_DATABASE) \
		--page-cache $(BENCH_PAGE_CACHE) --workload $(BENCH_WORKLOAD) \
		--out bench/results/$(BENCH_DATABASE)-$(CONTRIBUTIONS).json
