# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bootstrapped

CHROMIUM := /usr/bin/chromium
REDIS    := /usr/bin/redis-server
# Root on CI; sudo on a workstation.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml models/manifest.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/redactor models install
	touch $(STAMP)

# The browser test drives Debian's Chromium (no browser download from a hub).
$(CHROMIUM):  # fonts-noto-cjk: Japanese in screenshots
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk

# The event-bus tests start Debian's Redis on a free port of their own (no service is enabled).
$(REDIS):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server

run: $(STAMP)
	$(BIN)/redactor demo --speed 4

test: $(STAMP) $(CHROMIUM) $(REDIS)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/text_speed.py
	$(BIN)/python benchmarks/warnings.py
	$(BIN)/python benchmarks/asr_speed.py
	$(BIN)/python benchmarks/batch_throughput.py
	$(BIN)/python benchmarks/stream_latency.py
	$(BIN)/python benchmarks/accuracy_real.py
	$(BIN)/python benchmarks/batch_redaction.py --only after
	$(BIN)/python benchmarks/hostile_text.py
	$(BIN)/python benchmarks/hostile_server.py --frames 2000

clean:
	rm -rf $(VENV) build *.egg-info
