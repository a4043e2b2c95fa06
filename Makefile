# Two set-up commands (see README): `make demo` and `make test`.
PY := .venv/bin/python
DEMO_DATA ?= .demo-data
PORT ?= 8443
LANGUAGE ?= fr

.PHONY: demo test lint bench setup setup-test package

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

demo: setup
	@$(PY) scripts/run_demo.py --data $(DEMO_DATA) --port $(PORT) --language $(LANGUAGE)

test: setup-test
	@$(PY) -m ruff check .
	@$(PY) -m mypy
	@mkdir -p test-artifacts
	@xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: setup-test
	@$(PY) -m ruff check .
	@$(PY) -m mypy

bench: setup-test
	@$(PY) -m bench all

# PyInstaller one-folder bundle + Linux tarball in dist/ (packaging/README.md); a few minutes.
package: setup
	@packaging/build.sh
