# The course's commands. `make lab` and `make test` are the whole set-up: both create the environment they need
# first if it is missing. Two editions of every lesson (notebooks/mxnet/, notebooks/pytorch/) are built from one
# source per lesson (lessons/, tools/editions.py); each edition has its own environment:
#   FRAMEWORK=mxnet    .venv          Python 3.11, numpy 1.23, MXNet 1.9.1 (requirements.txt, constraints.txt)
#   FRAMEWORK=pytorch  .venv-pytorch  Python 3.11-3.13, numpy 2, torch (requirements-pytorch.txt, ...)
# FRAMEWORK picks the edition of `make lab` / `make install` (default: MXNet where Python 3.11 is found, else
# PyTorch) and limits `make test`, `make execute`, ... to one edition (default: both). PYTHON=<interpreter> picks
# the interpreter of the environments created.
SHELL := /bin/sh
FRAMEWORK ?=
PYTHON ?=
export PYTHON
venv = $(if $(filter pytorch,$(1)),.venv-pytorch,.venv)
pytest = MPLBACKEND=Agg $(call venv,$(1))/bin/python -m pytest -p no:cacheprovider
# In a shell loop over the editions ($$fw): the edition's environment in $$venv and its pytest in $$pytest.
LOOP = for fw in $(EDITIONS); do venv=.venv; if [ $$fw = pytorch ]; then venv=.venv-pytorch; fi; \
	pytest="$$venv/bin/python -m pytest -p no:cacheprovider"; export MPLBACKEND=Agg;
# The edition `make lab` opens: MXNet's if a Python 3.11 is found (or PYTHON is one), PyTorch's otherwise.
AUTO = $(shell PYTHON='$(PYTHON)' tools/find_python.sh mxnet --quiet >/dev/null 2>&1 && echo mxnet || echo pytorch)
EDITION = $(or $(FRAMEWORK),$(AUTO))
# The editions `make test` and the other targets work on.
EDITIONS = $(or $(FRAMEWORK),mxnet pytorch)
FIRST = $(firstword $(EDITIONS))
# axe-core for the browser tests' accessibility audits (package.json, package-lock.json; tools/install_axe.sh)
AXE := node_modules/axe-core/axe.min.js
# JupyterLab refuses to run as root without this flag.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
SITE_PORT ?= 8000
NBVAL := --nbval --nbval-current-env --sanitize-with tests/nbval_sanitize.cfg
# Other numeric settings on the same machine: one thread, MXNet's synchronous engine and oneDNN kernels limited to
# SSE4.1 change which kernels and thread splits compute every result, as another CPU would. (Never set
# OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE here: some machines set them for a reason.)
NUMERICS := OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine DNNL_MAX_CPU_ISA=SSE41
# Tests that need no edition of their own (the website, the explorers in a browser) run once, in the first one.
ONCE := tests/browser tests/site
.PHONY: help install install-editions editions bench-ratios lab test test-install test-unit test-notebooks test-numerics test-browser test-site execute bench site serve-site clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

install:  ## Create the environment of one edition (FRAMEWORK=mxnet|pytorch, PYTHON=...) with its pinned packages
	@FRAMEWORK=$(EDITION) tools/install.sh

install-editions:
	@for fw in $(EDITIONS); do FRAMEWORK=$$fw tools/install.sh || exit 1; done

$(AXE): package.json package-lock.json tools/install_axe.sh
	@tools/install_axe.sh

lab:  ## Open JupyterLab on the course (127.0.0.1, token on); FRAMEWORK=pytorch for the PyTorch edition
	@if [ -z "$(FRAMEWORK)" ] && [ "$(EDITION)" = pytorch ]; then echo "$(if $(PYTHON),PYTHON=$(PYTHON) is not a Python 3.11,No Python 3.11 found) (the MXNet edition needs it): opening the PyTorch edition."; fi
	@FRAMEWORK=$(EDITION) tools/install.sh
	$(call venv,$(EDITION))/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) notebooks/$(EDITION)/00_index.ipynb

test: install-editions $(AXE)  ## Run every test of both editions: unit tests, nbval on all notebooks, the explorers and the website in Chromium
	@$(LOOP) \
	    if [ $$fw = $(FIRST) ]; then extra=""; else extra="$(addprefix --ignore=,$(ONCE))"; fi; \
	    echo "==> The $$fw edition, in $$venv"; \
	    $$pytest -n auto --dist loadscope $(NBVAL) tests $$extra notebooks/$$fw || exit 1; \
	done

test-install: install-editions  ## Build a second environment from a venv whose pip is 23.0.1 (the oldest supported); it must install
	D2L_TEST_INSTALL=1 $(call pytest,$(FIRST)) -v tests/test_install.py

test-unit: install-editions  ## Unit tests only (no notebooks, no browser, no site)
	@$(LOOP) $$pytest -n auto --dist loadscope tests $(addprefix --ignore=,$(ONCE)) || exit 1; done

test-notebooks: install-editions  ## nbval on every notebook only
	@$(LOOP) $$pytest -n auto --dist loadscope $(NBVAL) notebooks/$$fw || exit 1; done

test-numerics: install-editions  ## nbval on every notebook again under other numeric settings (kernels, threads)
	@$(LOOP) $(NUMERICS) $$pytest -n auto --dist loadscope $(NBVAL) notebooks/$$fw || exit 1; done

test-browser: install-editions $(AXE)  ## The explorers in headless Chromium: a static page, lessons 3, 4, 7, 10 in JupyterLab
	D2L_REQUIRE_BROWSER=1 $(call pytest,$(FIRST)) -n 2 --dist loadscope -v tests/browser

test-site: install-editions $(AXE)  ## Build the website and check every page in headless Chromium
	D2L_REQUIRE_BROWSER=1 $(call pytest,$(FIRST)) -n auto --dist loadscope -rs tests/site

editions: install-editions  ## Write notebooks/mxnet/ and notebooks/pytorch/ from their sources in lessons/ (keeps outputs of unchanged cells)
	@$(call venv,$(FIRST))/bin/python tools/editions.py

execute: install-editions editions  ## Re-execute every notebook in place (regenerates the stored outputs)
	@$(LOOP) $$venv/bin/python tools/execute_notebooks.py notebooks/$$fw || exit 1; done

bench: install-editions  ## Speed ratios, widget update times, notebook times, test-suite time
	$(call venv,$(FIRST))/bin/python bench/run.py

bench-ratios: install-editions  ## Only the speed ratios of d2lutils against MXNet's and PyTorch's operators
	$(call venv,$(FIRST))/bin/python bench/run.py --ratios

site: install-editions  ## Build the course website into build/site/ (offline; shows the stored outputs)
	$(call venv,$(FIRST))/bin/python tools/build_site.py

serve-site: site  ## Serve build/site/ at http://127.0.0.1:8000 (SITE_PORT=... for another port)
	@echo "Serving build/site/ at http://127.0.0.1:$(SITE_PORT)/ (Ctrl+C to stop)"
	$(call venv,$(FIRST))/bin/python -m http.server --bind 127.0.0.1 --directory build/site $(SITE_PORT)

clean:  ## Remove the environments and caches
	rm -rf .venv .venv-pytorch .pytest_cache .hypothesis build *.egg-info
