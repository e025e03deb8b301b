# xinsheng: the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

## make run: install, create the schema, write the demo bank if the database is empty, serve.
## Demo mode: a personal-data key is generated once into var/pii.key, and the demo users'
## password is printed (and kept in var/demo-credentials.txt).
run: export XINSHENG_MODE ?= demo
run: $(VENV)/.installed
	$(BIN)/xinsheng db upgrade
	$(BIN)/python -m xinsheng.voc.builtin  # trains the built-in sentiment model once (≈30 s), then cached
	$(BIN)/xinsheng demo --if-empty
	$(BIN)/xinsheng kb import --sample
	$(BIN)/xinsheng serve --host $(HOST) --port $(PORT)

## make test: install with test tools, make sure PostgreSQL and Chromium exist, run everything.
test: $(VENV)/.installed-dev
	bash scripts/test-deps.sh
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) var build *.egg-info
