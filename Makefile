# Front door of the project. `make run` and `make test` bootstrap everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_VENV := .venv/rasa
APP_VENV := .venv/app
APP_PY := $(APP_VENV)/bin/python
INSTALL_LOG := var/logs/install.log

# pip prints one harmless warning per package about this machine's local mirrors;
# keep installs quiet and put the details in var/logs/install.log.
define pip_install
	@mkdir -p var/logs
	@$(1)/bin/python -m pip install --disable-pip-version-check $(2) >>$(INSTALL_LOG) 2>&1 \
	  || { tail -40 $(INSTALL_LOG); echo "error: installing into $(1) failed, see $(INSTALL_LOG)" >&2; exit 1; }
endef

.PHONY: help run test lint evaluate compare-configs bench bootstrap browser-tools data clean-venvs

help:
	@echo "make run       start the assistant on localhost (installs and trains on first use)"
	@echo "make test      run the whole test suite (after make lint)"
	@echo "make lint      static checks only: ruff, mypy, import-linter (pyproject.toml)"
	@echo "make evaluate  measure answer quality on held-out paraphrases (reports/)"
	@echo "make compare-configs  the accuracy part of the benchmark, for every candidate pipeline (reports/cv/)"
	@echo "make bench     accuracy, latency, throughput and memory next to stock Rasa, kill -9 under load (reports/bench/)"

# --- environments ----------------------------------------------------------------------
$(RASA_VENV)/.installed: requirements/rasa.txt
	@echo "Setting up the Rasa environment ($(RASA_VENV), a few minutes the first time)..."
	@rm -rf $(RASA_VENV) && "$$(scripts/find-python310)" -m venv $(RASA_VENV)
	$(call pip_install,$(RASA_VENV),--upgrade pip wheel "setuptools<70")
	$(call pip_install,$(RASA_VENV),-r requirements/rasa.txt)
	@touch $@

$(APP_VENV)/.installed: pyproject.toml
	@echo "Setting up the application environment ($(APP_VENV))..."
	@rm -rf $(APP_VENV) && "$$(scripts/find-python310)" -m venv $(APP_VENV)
	$(call pip_install,$(APP_VENV),--upgrade pip wheel "setuptools>=68")
	$(call pip_install,$(APP_VENV),-e ".[test]")
	@touch $@

bootstrap: $(RASA_VENV)/.installed $(APP_VENV)/.installed

# Browser tests: Debian's Chromium and axe-core (npm registry), injected into tested pages.
node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent >>$(INSTALL_LOG) 2>&1 \
	  || { tail -20 $(INSTALL_LOG); echo "error: npm ci failed, see $(INSTALL_LOG)" >&2; exit 1; }
	@touch $@

browser-tools: node_modules/.installed
	@scripts/install-chromium

data: bootstrap
	@$(APP_PY) -m bot corpus build
	@$(APP_PY) -m actions.domain

# --- the two commands of the README ---------------------------------------------------
run: data
	@$(APP_PY) -m bot run

# Static checks first: they need only the app environment and take seconds.
test: lint bootstrap browser-tools
	@$(APP_PY) -m pytest

# --- static checks (configured in pyproject.toml) ----------------------------------------
# All three run, so that one run shows every finding; the target fails if any of them did.
lint: $(APP_VENV)/.installed
	@failed=""; \
	echo "ruff check bot actions tests bench"; \
	$(APP_VENV)/bin/ruff check --quiet bot actions tests bench || failed="$$failed ruff"; \
	echo "mypy (files, strictness: [tool.mypy])"; \
	$(APP_VENV)/bin/mypy || failed="$$failed mypy"; \
	echo "lint-imports (the layering: [tool.importlinter])"; \
	$(APP_VENV)/bin/lint-imports --no-logo || failed="$$failed lint-imports"; \
	if [ -n "$$failed" ]; then \
	  echo "error: make lint failed:$$failed (findings above; ruff check --fix fixes some)" >&2; \
	  exit 1; \
	fi

evaluate: data
	@$(APP_PY) -m bot corpus evaluate --folds 0

compare-configs: data
	@$(APP_PY) -m bench --accuracy-only --systems all --out reports/cv

bench: data
	@$(APP_PY) -m bench
	@$(APP_PY) -m bench.fault

clean-venvs:
	rm -rf .venv
