# Two commands matter: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest eval bench bench-e2e bench-e2e-worker i18n clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: the Telegram bot when KIZ_BOT_TOKEN is set (environment or .env), else the terminal chat
run: $(STAMP)
	@if [ -n "$$KIZ_BOT_TOKEN" ] || grep -qs '^KIZ_BOT_TOKEN=..*' .env; then \
		exec $(BIN)/kiz-bot run; \
	else \
		echo "No KIZ_BOT_TOKEN set: starting the terminal chat. To connect Telegram, put KIZ_BOT_TOKEN=... in .env (see README)."; \
		exec $(BIN)/kiz-bot chat; \
	fi

## test: lint, type-check and the whole test suite (PostgreSQL tests run when CI=true)
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check kiz_bot tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that must never pass as green.
pytest: $(STAMP)
	@$(BIN)/python -m pytest -q -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi; exit $$status

## eval: retrieval quality on the labelled question sets, with two baselines
eval: $(STAMP)
	$(BIN)/python -m benchmarks.evaluate

## bench: matching latency, index build time and memory (bundled and 5,000-entry knowledge base)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.matching

## bench-e2e: the real bot process against the fake Bot API, compared with a bare echo bot
bench-e2e: $(STAMP)
	$(BIN)/python -m benchmarks.e2e

## bench-e2e-worker: the same with KIZ_MATCH_WORKER=on (questions matched in a worker process)
bench-e2e-worker: $(STAMP)
	$(BIN)/python -m benchmarks.e2e --worker --limiter-messages 0

## i18n: extract UI strings, update every catalogue, check them
i18n: $(STAMP)
	$(BIN)/pybabel extract -F locales/babel.cfg -k N_ -o locales/messages.pot --no-location --sort-output --project kiz-bot kiz_bot
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile -d locales -D messages --statistics
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/bot/test_catalogues.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
