# The course's commands. `make lab` and `make test` are the whole set-up: both create
# the environment (.venv, Python 3.11, pinned packages) first if it is missing.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core for the browser tests' accessibility audits (package.json, package-lock.json; tools/install_axe.sh)
AXE := node_modules/axe-core/axe.min.js
# JupyterLab refuses to run as root without this flag.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST := MPLBACKEND=Agg $(PY) -m pytest -p no:cacheprovider
SITE_PORT ?= 8000
NBVAL := --nbval --nbval-current-env --sanitize-with tests/nbval_sanitize.cfg
# Other numeric settings on the same machine: one thread, MXNet's synchronous engine and oneDNN kernels limited to
# SSE4.1 change which kernels and thread splits compute every result, as another CPU would. (Never set
# OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE here: some machines set them for a reason.)
NUMERICS := OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine DNNL_MAX_CPU_ISA=SSE41

.PHONY: help install lab test test-install test-unit test-notebooks test-numerics test-browser test-site execute bench site serve-site clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

install: $(STAMP)  ## Create .venv (Python 3.11) with the pinned packages and the course kernel

$(STAMP): requirements.txt constraints.txt pyproject.toml tools/install.sh tools/jupyterlab/overrides.json
	@VENV=$(VENV) tools/install.sh
	@touch $@

$(AXE): package.json package-lock.json tools/install_axe.sh
	@tools/install_axe.sh

lab: $(STAMP)  ## Open JupyterLab on the course (127.0.0.1, token on)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) notebooks/00_index.ipynb

test: $(STAMP) $(AXE)  ## Run every test: unit tests, nbval on all notebooks, the explorers and the website in Chromium
	$(PYTEST) -n auto --dist loadscope $(NBVAL) tests notebooks

test-install: $(STAMP)  ## Build a second environment from a venv whose pip is 23.0.1 (the oldest supported); it must install
	D2L_TEST_INSTALL=1 $(PYTEST) -v tests/test_install.py

test-unit: $(STAMP)  ## Unit tests only (no notebooks, no browser, no site)
	$(PYTEST) -n auto --dist loadscope tests --ignore=tests/browser --ignore=tests/site

test-notebooks: $(STAMP)  ## nbval on every notebook only
	$(PYTEST) -n auto --dist loadscope $(NBVAL) notebooks

test-numerics: $(STAMP)  ## nbval on every notebook again under other numeric settings (kernels, threads)
	$(NUMERICS) $(PYTEST) -n auto --dist loadscope $(NBVAL) notebooks

test-browser: $(STAMP) $(AXE)  ## The explorers in headless Chromium: a static page, lessons 3, 4, 7 in JupyterLab
	D2L_REQUIRE_BROWSER=1 $(PYTEST) -n 2 --dist loadscope -v tests/browser

test-site: $(STAMP) $(AXE)  ## Build the website and check every page in headless Chromium
	D2L_REQUIRE_BROWSER=1 $(PYTEST) -n auto --dist loadscope -rs tests/site

execute: $(STAMP)  ## Re-execute every notebook in place (regenerates the stored outputs)
	$(PY) tools/execute_notebooks.py notebooks

bench: $(STAMP)  ## Speed ratios, widget update times, notebook times, test-suite time
	$(PY) bench/run.py

site: $(STAMP)  ## Build the course website into build/site/ (offline; shows the stored outputs)
	$(PY) tools/build_site.py

serve-site: site  ## Serve build/site/ at http://127.0.0.1:8000 (SITE_PORT=... for another port)
	@echo "Serving build/site/ at http://127.0.0.1:$(SITE_PORT)/ (Ctrl+C to stop)"
	$(PY) -m http.server --bind 127.0.0.1 --directory build/site $(SITE_PORT)

clean:  ## Remove the environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
