# Two entry points from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo/dossier.db

.PHONY: install demo test drill screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# SERVE=0 (or CI=true) stops after printing the cases instead of serving the workbench.
SERVE ?= $(if $(CI),0,1)

demo: $(STAMP)
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/dossier ingest samples --db $(DEMO_DB)
	$(BIN)/dossier cases --db $(DEMO_DB)
	@if [ "$(SERVE)" != "0" ]; then \
	  $(BIN)/python tools/demo_account.py $(DEMO_DB) && \
	  $(BIN)/dossier serve --db $(DEMO_DB) --insecure-cookies; fi

screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the full-size fault drills (minutes), outside the default suite
drill: $(STAMP)
	$(BIN)/python -m pytest -q -m drill

clean:
	rm -rf $(VENV) demo .pytest_cache
