# govstats: two commands do all setup on a fresh Debian machine with Python 3.11.
#   make demo   build the dataset from data/raw and run every notebook (figures under reports/)
#   make test   run the package tests, the property tests and the notebooks (nbval)
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
JOBS    ?= 2
SHARED  ?= ../shared

.PHONY: all demo test test-fast install venv fonts build notebooks score bench clean

all: demo

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (govstats)" >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

# A CJK font for figures (Debian fonts-noto-cjk). Installed when missing and we are root.
fonts:
	@if ls /usr/share/fonts/opentype/noto/NotoSansCJK* /usr/share/fonts/truetype/wqy/wqy-microhei* >/dev/null 2>&1; then \
	  true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing a CJK font (fonts-noto-cjk)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null) || \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null); \
	else \
	  echo "warning: no CJK font found; install fonts-noto-cjk (Debian) for Chinese text in figures" >&2; \
	fi

install: $(STAMP) fonts

build: install
	$(BIN)/govstats build data/raw --out data/processed --jobs $(JOBS)

notebooks: build
	$(BIN)/govstats notebooks run --all --out reports --jobs $(JOBS)

demo: notebooks
	@echo "dataset: data/processed/   figures and executed notebooks: reports/"

# The notebooks' figures go to a temporary folder (GOVSTATS_FIGURES_DIR), not over those of make demo.
test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests
	@figs=$$(mktemp -d) && export GOVSTATS_FIGURES_DIR=$$figs && \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env notebooks/ && \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	    --nbval-sanitize-with notebooks/nbval_sanitize.cfg notebooks/teaching.ipynb; \
	  rc=$$?; rm -rf "$$figs"; exit $$rc

score: install
	$(BIN)/python $(SHARED)/tools/score.py --cmd "$(BIN)/govstats parse {file} --json" $(SHARED)/corpus -v

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) data/processed/*.parquet reports .pytest_cache
