# Set-up is two commands on a fresh machine with Python 3.11 and make: `make demo`, `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false

.PHONY: demo test report-preview web-preview lint bench bench-national bench-quick fuzz install install-dev clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/giamngheo demo

test: install-dev
	$(BIN)/python -m pytest -n auto --dist loadfile

# Every sheet of the demo's reports and one village template, as LibreOffice prints them:
# data/preview/<name>.pdf and data/preview/<name>/trang-<n>.png (needs LibreOffice, poppler-utils).
report-preview: demo
	$(BIN)/giamngheo template --commune 19828 --year 2027 --out data/preview/mau
	$(BIN)/python -m giamngheo.workbooks.preview data/preview data/reports/*.xlsx data/preview/mau/19834-03_2027.xlsx

# The web app's main pages as chromium shows them, from a copy of the demo's home: docs/web-*.png
# (needs chromium: `apt-get install chromium`).
web-preview: demo install-dev
	$(BIN)/python -m giamngheo.web.preview data docs

# The ingest benchmark (benchmarks/run.py): N = 2,000 villages; appends to benchmarks/RESULTS.md.
bench: install-dev
	PYTHONPATH=. $(BIN)/python -m benchmarks.run --villages 2000

# The national benchmark: VILLAGES (default 70,000, about 10 M households) under the communes of
# 1 July 2025, written once into benchmarks/.cache by benchmarks/national.py; no naive baseline.
VILLAGES ?= 70000
bench-national: install-dev
	PYTHONPATH=. $(BIN)/python -m benchmarks.run --national --no-baseline --villages $(VILLAGES)

bench-quick: install-dev
	PYTHONPATH=. $(BIN)/python -m benchmarks.run --villages 50 --no-results

# The fuzz tests (hostile workbooks, hostile text in outputs) with many more examples (a long run).
fuzz: install-dev
	GIAMNGHEO_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20000} $(BIN)/python -m pytest -q tests/workbooks/test_fuzz.py tests/workbooks/test_feedback.py

lint: install-dev
	$(BIN)/ruff check giamngheo cli flows transforms workbooks expectations warehouse web benchmarks tests
	$(BIN)/ruff format --check giamngheo cli flows transforms workbooks expectations warehouse web benchmarks tests

clean:
	rm -rf $(VENV) data .pytest_cache benchmarks/.cache
