# The two front doors: `make run` (set up + serve with demo data) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The links in emails and the URLs seed_demo prints point at the server make run starts.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Tests run against PostgreSQL: DATABASE_URL when set, else the local server if one answers.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),$(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo postgres://postgres@127.0.0.1:5432/production))

.PHONY: run test setup migrate demo bench graph clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	SITE_URL="$(SITE_URL)" $(PY) manage.py seed_demo

run: demo
	@echo "Starting the web server on http://127.0.0.1:$(PORT)/ and a django-q2 worker (Ctrl-C stops both)"
	@SITE_URL="$(SITE_URL)" bash -c 'trap "kill 0" EXIT; $(PY) manage.py qcluster & $(PY) manage.py runserver 0.0.0.0:$(PORT) --noreload'

test: setup
	DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest $(PYTEST_ARGS)

# The load generator is wrk (Debian's package), a separate process: installed here when missing.
bench: migrate
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null 2>&1 || sudo apt-get install -y wrk \
	  || echo "wrk could not be installed: the bench falls back to its own thread loader (and says so)"
	$(PY) -m bench

graph: setup
	$(PY) manage.py graph_transitions production.ProductionRun.status -o docs/run-lifecycle.png
	mv docs/run-lifecycle docs/run-lifecycle.gv

clean:
	rm -rf $(VENV) var .pytest_cache
