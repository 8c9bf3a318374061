# jxc — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-browser install clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/jxc serve

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	bash scripts/lint.sh

bench: $(STAMP)
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

# The line grid and the count page in headless Chromium against a real server (JSON).
bench-browser: $(STAMP)
	$(BIN)/python -m tests.bench_browser $(BENCH_ARGS)

clean:
	rm -rf $(VENV) test-artifacts
