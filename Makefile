PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := $(shell mktemp -u /tmp/escalate-demo-XXXXXX.db)

.PHONY: demo test bench schemas screenshots drafts-examples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## demo: set up and triage the bundled example on the offline engine, into a throwaway DB
demo: $(VENV)/.installed
	$(BIN)/escalate --db $(DEMO_DB) triage examples/login-outage.txt --customer "Acme Corp" --tier enterprise --contact Dana --engine offline
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm

## test: set up and run the whole suite (no network: sockets are disabled)
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## bench: speed benchmarks, written into README.md between the bench markers
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py --write-readme

## screenshots: the web workspace's pages, saved to docs/screenshots/ by the browser tests (needs chromium)
screenshots: $(VENV)/.installed
	ESCALATE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_web_browser.py -q

## record: re-record the happy-path Claude cassettes from the real API (needs ANTHROPIC_API_KEY; costs a few cents)
record: $(VENV)/.installed
	@test -n "$$ANTHROPIC_API_KEY" || { echo "make record needs ANTHROPIC_API_KEY" >&2; exit 2; }
	ESCALATE_RECORD_KEY="$$ANTHROPIC_API_KEY" $(BIN)/python -m pytest -m recordable --record-mode=rewrite --allow-hosts=api.anthropic.com

## cassette-requests: after a prompt or schema change, rewrite every cassette's recorded requests (offline; answers kept)
cassette-requests: $(VENV)/.installed
	$(BIN)/python -m pytest tests/test_engine_anthropic.py tests/test_drafting_anthropic.py tests/test_rca.py tests/test_eval_batches.py tests/test_injection.py tests/test_faults.py tests/test_redact.py --record-mode=requests

## schemas: regenerate schemas/*.json from the Pydantic models
schemas: $(VENV)/.installed
	$(BIN)/python -m agent.schema_export

## drafts-examples: regenerate the ten example drafts in examples/drafts/ (offline engine)
drafts-examples: $(VENV)/.installed
	rm -f examples/drafts/*.md
	$(BIN)/python -m agent.evals_drafts --examples examples/drafts

clean:
	rm -rf $(VENV) dist build
