# Two commands for a newcomer: `make site` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup site validate test test-fast lint clean browser office

# setuptools' notice about editable installs is information, not a problem: kept quiet
# (PYTHONWARNINGS below) so the first thing a newcomer sees is gkml's own output.
$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

## site: validate the bundled catalog and publish it into site/
site: $(STAMP)
	$(BIN)/gkml build catalog --site-dir site

# axe-core (accessibility tests) and tablesort, pinned in package-lock.json.
NODE_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json | cksum | cut -d' ' -f1)
$(NODE_STAMP):
	npm ci --no-audit --no-fund --loglevel=error
	rm -f node_modules/.installed-* && touch $@

# The browser tests drive Debian's Chromium (never a downloaded browser). Installed here
# with apt-get when missing, so `make test` runs them on a fresh machine as CI does; where
# apt-get is not available they are skipped locally (under CI=true they fail instead).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
browser:
	@test -x $(CHROMIUM) || ! command -v apt-get >/dev/null || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# The print test converts a downloaded XLSX to PDF with LibreOffice Calc (headless; the
# -nogui package is the smallest that has soffice) and reads it with poppler's pdfinfo and
# pdftotext; Noto CJK gives the Chinese glyphs. Installed like Chromium: skipped locally
# where apt-get is missing, required under CI=true.
office:
	@{ command -v soffice && command -v pdftotext && fc-list | grep -qi "noto.*cjk"; } >/dev/null 2>&1 || \
	  ! command -v apt-get >/dev/null || \
	  { $(SUDO) apt-get update -q && \
	    $(SUDO) apt-get install -y -q libreoffice-calc-nogui poppler-utils fonts-noto-cjk; }

validate: $(STAMP)
	$(BIN)/gkml validate catalog

# Both lanes run on every core (pytest-xdist); --dist loadfile keeps a file's tests on one
# worker, so the one real site build a file shares (tests/sitekit.py) is made once per worker.
# Tests that bound wall-clock time (marked timing) run alone afterwards: beside another
# worker they measure the neighbour, not gkml.
JOBS ?= auto

## test: lint, type-check and run the whole test suite (browser, real MkDocs builds, the
## installed wheel, fault injection)
test: $(STAMP) $(NODE_STAMP) browser office lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile -m "not timing"
	$(BIN)/python -m pytest -m timing

## test-fast: the quick lane while editing (no browser, no real MkDocs build, no wheel, no
## fault injection, no wall-clock bounds; 50 random examples per fuzz test, not 300); under 30 s
test-fast: $(STAMP)
	GKML_FUZZ_EXAMPLES=$${GKML_FUZZ_EXAMPLES:-50} $(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile \
	  -m "not browser and not slow and not faults and not timing"

lint: $(STAMP)
	$(BIN)/ruff check builder tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) site .docs-build .docs node_modules
