# make run   — install, then extract the bundled samples and print their records
# make test  — install, then run the whole test suite (CI runs this)
# make bench — accuracy on unseen layouts, speed and memory figures;  make check — ruff + mypy;  make samples — remake samples/*.pdf

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP  := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim libgl1 libglib2.0-0

.PHONY: install install-run system-deps test-deps run test test-fast bench check samples samples-deps variants-fixed clean

# install: everything the tests, checks and benchmarks need; install-run: only what running the tool needs
install: system-deps $(STAMP)
install-run: system-deps $(RUN_STAMP)

# tesseract and its Chinese data, from Debian, only when missing (no network at run time after this)
system-deps:
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
		|| ! ldconfig -p | grep -q libGL.so.1; then \
		echo "installing $(APT_PACKAGES) with apt-get"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

# the runtime alone (no test tools, no pyarrow, no Dask: extras parquet and dask add them)
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(RUN_STAMP)

run: install-run
	@mkdir -p out
	$(BIN)/extract run --pretty --csv out samples/*.pdf; code=$$?; \
		echo "extract exit code $$code (0 clean, 1 some check failed or a field needs review); CSV in out/" >&2; \
		[ $$code -le 1 ]

# apt-get install those of the Debian packages $(1) that are not installed yet (nothing when all are)
apt_missing = missing=""; for p in $(1); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	echo "installing$$missing with apt-get"; \
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# the tests also open our CSV and xlsx in LibreOffice (no formula may survive): Debian's calc, headless;
# and drive the review app in Debian's Chromium through its ChromeDriver (Selenium)
TEST_PACKAGES := libreoffice-calc-nogui chromium chromium-driver
test-deps:
	@$(call apt_missing,$(TEST_PACKAGES))

test: install test-deps
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install samples-deps
	$(BIN)/python bench/bench_generality.py
	$(BIN)/python bench/bench_text.py
	$(BIN)/python bench/bench_screen.py
	$(BIN)/python bench/bench_ocr.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_tables.py
	$(BIN)/python bench/bench_review.py
	$(BIN)/python bench/bench_bombs.py --big
	$(BIN)/python bench/bench_scans.py
	$(BIN)/python bench/bench_longscan.py

check: install
	$(BIN)/ruff format --check extract tests bench samples
	$(BIN)/ruff check extract tests bench samples
	$(BIN)/mypy --strict extract
	$(BIN)/mypy tests

# LibreOffice (prints the sample workbooks) and the CJK fonts the samples and their variants use, only when missing
SAMPLE_PACKAGES := libreoffice-calc-nogui fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei \
	fonts-wqy-microhei
samples-deps:
	@$(call apt_missing,$(SAMPLE_PACKAGES))

samples: install samples-deps
	$(BIN)/python samples/make_samples.py

# the committed fixed set of layout variants (samples/variants/fixed; see samples/variants/README.md)
variants-fixed: install samples-deps
	$(BIN)/python -m samples.variants fixed
	$(BIN)/python -m samples.variants.verify samples/variants/fixed
	$(BIN)/python -m samples.variants.classes

clean:
	rm -rf $(VENV) out .pytest_cache
