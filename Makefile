# Two commands for a new machine: `make run` serves the chat, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCUMENTS ?= documents
XQUAD ?= ../shared/benchmarks/xquad

.PHONY: run test index lint eval eval-xquad bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The CPU wheel first: a bare torch requirement would pull several GB of CUDA packages.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[ui,dev,llm]"
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/assistant index $(DOCUMENTS)

run: index
	$(BIN)/assistant ui

# Chromium from Debian for the browser tests; Playwright cannot download its own here.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is not installed: browser tests will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) browser lint
	$(BIN)/pytest -q

eval: index
	$(BIN)/assistant eval benchmarks/questions/documents-gold.jsonl --retrievers bm25,dense,hybrid --out eval-out/documents

eval-xquad: $(STAMP)
	for set in en hi en-questions-hi-corpus hi-questions-en-corpus; do \
		$(BIN)/assistant eval $(XQUAD)/$$set --retrievers bm25,dense,hybrid \
			--out eval-out/xquad-$$set || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/speed/bench.py

clean:
	rm -rf $(VENV) storage eval-out
