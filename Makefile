# Frontline Atlas: `make run` starts the dashboard, `make test` runs every test.
# Both create .venv when it is missing and install what the project needs, at the
# versions pinned in constraints.txt (the tested set; `make lock` refreshes it).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CONSTRAINTS := constraints.txt

.PHONY: run test lint bench chromium static clean lock

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(VENV)/bin/python
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(VENV)/bin/python
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $(VENV)/.installed $@

# Refresh constraints.txt: the newest releases within pyproject.toml's ranges,
# installed into a scratch environment and frozen. Then run `make test` (which
# reinstalls from the new file) before committing it.
lock:
	rm -rf .venv-lock
	python3 -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet --upgrade -e '.[test]'
	{ sed -n '/^#/p' $(CONSTRAINTS); \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-lock
	@echo "constraints.txt refreshed: run 'make test', then commit it"

# Debian's Chromium for the browser tests (never `playwright install`).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
		else \
			echo "warning: /usr/bin/chromium is missing and we are not root: browser tests will be skipped"; \
		fi; \
	fi

# Leaflet's JS/CSS for the offline map, copied from the installed
# django-js-lib-leaflet into static/ (served by Streamlit, never committed).
# The dashboard also does this at start-up; doing it here makes it explicit.
static: $(VENV)/.installed
	$(PY) -m dashboard.map.assets

run: $(VENV)/.installed static
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.installed-test chromium static
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed-test chromium
	$(PY) -m bench

clean:
	rm -rf $(VENV) .venv-lock .pytest_cache build *.egg-info
