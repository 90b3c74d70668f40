# The two commands of the README: `make demo` and `make test`. Each builds .venv itself.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint test-embedded test-full schema migration bench bench-realtime clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/workorder demo

test: lint test-embedded test-full

lint: $(BIN)/.installed
	$(BIN)/ruff check workorder tests bench
	$(BIN)/ruff format --check workorder tests bench
	$(BIN)/mypy workorder tests bench
	$(BIN)/lint-imports

# One database backend per pytest process (asyncpg and SQLite do not mix in one process).
test-embedded: $(BIN)/.installed
	WORKORDER_TEST_BACKEND=embedded $(BIN)/pytest

test-full: $(BIN)/.installed
	WORKORDER_TEST_BACKEND=full $(BIN)/pytest

schema: $(BIN)/.installed
	$(BIN)/workorder export-schema -o schema.graphql

migration: $(BIN)/.installed
	$(BIN)/tortoise -c workorder.migrations_config.TORTOISE_ORM makemigrations

bench: $(BIN)/.installed
	$(BIN)/python -m bench

# The realtime table alone (issue 18); sizes from BENCH_PUSHES, BENCH_FANOUT, BENCH_IDLE_SECONDS.
bench-realtime: $(BIN)/.installed
	$(BIN)/python -m bench.realtime

clean:
	rm -rf $(VENV) data .mypy_cache .pytest_cache .ruff_cache
