# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
# The extras `make test` installs; CI adds ocr (receipt reading on photos and scans).
EXTRAS ?= dev

.PHONY: run demo test check lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/kentcard

demo: $(STAMP)
	$(BIN)/kentcard demo

test: $(DEVSTAMP)
	$(BIN)/python -m pytest

check: $(DEVSTAMP)
	$(BIN)/ruff format --check kentcard tests bench
	$(BIN)/ruff check kentcard tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

format: $(DEVSTAMP)
	$(BIN)/ruff format kentcard tests bench
	$(BIN)/ruff check --fix kentcard tests bench

bench: $(DEVSTAMP)
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
