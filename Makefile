# Two commands for a new user: `make run` (the main job) and `make test` (the test suite).
# Both create .venv when it is missing and install newsml into it.
# On machines without CUDA, torch is pinned to a CPU build (TORCH_SPEC) so pip does not pull
# several GB of CUDA libraries; set TORCH_SPEC=torch to let pip choose.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.newsml-installed

.PHONY: install run test docs lint bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@if $(PY) -c "import torch" 2>/dev/null; then echo "torch already installed"; \
	elif command -v nvidia-smi >/dev/null 2>&1; then $(PY) -m pip install -q torch; \
	else $(PY) -m pip install -q "$(TORCH_SPEC)"; fi
	@# the ray extra runs the Ray engine tests; where Ray has no wheel they skip cleanly
	$(PY) -m pip install -q -e ".[dev,docs,ray]" || $(PY) -m pip install -q -e ".[dev,docs]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsml run configs/seed.yaml

# the docs site (mkdocs.yml) in strict mode, then the suite: a broken link, page or docstring fails CI
test: $(STAMP) docs
	$(PY) -m pytest -q

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests experiments

clean:
	rm -rf $(VENV) runs .pytest_cache site
