# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bootstrapped

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml models/manifest.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/redactor models install
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/redactor text --format pretty samples/sample_conversation.jsonl
	$(BIN)/redactor batch samples/calls/short_call.wav --out run-output --format json,srt,wav

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/text_speed.py
	$(BIN)/python benchmarks/warnings.py
	$(BIN)/python benchmarks/asr_speed.py
	$(BIN)/python benchmarks/batch_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
