# Webhook Composer — the commands a newcomer needs.
#   make run     set up .venv and open the app on the sample workspace
#   make test    set up .venv and run the whole suite, headless
#   make check   ruff format --check, ruff check, mypy (strict on composer/)
#   make bench   print each performance figure beside its budget; fails when one is over
#   make bench-short  the same budgets with fewer samples (CI)
#   make screenshots  regenerate docs/screenshots (the README's pictures)
#   make bundle  build dist/webhook-composer (PyInstaller) and smoke-test it

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# The LiquidJS test oracle (tests/oracles/js); skipped where npm is missing.
ORACLE := tests/oracles/js/node_modules/.installed-stamp
NPM    := $(shell command -v npm 2>/dev/null)

.PHONY: run test check bench bench-short screenshots bundle fmt clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(ORACLE): tests/oracles/js/package.json tests/oracles/js/package-lock.json
	cd tests/oracles/js && npm ci --no-audit --no-fund --silent
	touch $(ORACLE)

run: $(STAMP)
	$(VENV)/bin/webhook-composer

test: $(STAMP) $(if $(NPM),$(ORACLE))
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

check: $(STAMP)
	$(VENV)/bin/ruff format --check composer ui tests
	$(VENV)/bin/ruff check composer ui tests
	$(VENV)/bin/mypy composer ui

fmt: $(STAMP)
	$(VENV)/bin/ruff format composer ui tests
	$(VENV)/bin/ruff check --fix composer ui tests

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/bench.py

bench-short: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/bench.py --short

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/make_screenshots.py docs/screenshots

bundle: $(STAMP)
	$(PY) -m pip install --quiet "pyinstaller>=6.10"
	PYTHON=$(PY) bash packaging/build.sh
	WEBHOOK_COMPOSER_BUNDLE=dist/webhook-composer QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/test_bundle_smoke.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
