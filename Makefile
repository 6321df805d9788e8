# The two commands: `make run` serves the portal with demo data on
# http://127.0.0.1:5000 and `make test` runs the whole suite. Both bring up
# PostgreSQL and Redis themselves (see tools/devstack.py).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
PYTEST_ARGS ?=

.PHONY: run test install i18n constraints bench clean-var stop

run: $(STAMP)
	@$(BIN)/python tools/devstack.py run

test: $(STAMP)
	@$(BIN)/python tools/devstack.py test $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.txt dev-requirements.txt constraints.txt setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Installing pinned dependencies into $(VENV)"
	@$(BIN)/pip install --disable-pip-version-check -q --upgrade pip==25.3 setuptools==80.9.0 wheel==0.45.1
	@$(PIP) -r requirements.txt -r dev-requirements.txt
	@$(PIP) --no-deps -e .
	@touch $(STAMP)

# Re-extract the messages and recompile the translations (tools/i18n.py).
i18n: $(STAMP)
	@$(BIN)/python tools/i18n.py extract

# Re-pin every package after changing requirements*.txt.
constraints:
	@rm -rf /tmp/magetan-constraints && $(PYTHON) -m venv /tmp/magetan-constraints
	@/tmp/magetan-constraints/bin/pip install -q -r requirements.txt -r dev-requirements.txt
	@( sed -n '1,3p' constraints.txt; /tmp/magetan-constraints/bin/pip freeze --exclude-editable ) > constraints.txt.new
	@# keep soupsieve installable on Debian 12's Python 3.11.2
	@sed -i 's/^soupsieve==.*/soupsieve==2.10  # the last release for Python < 3.11.5 (Debian 12 ships 3.11.2)/' constraints.txt.new
	@mv constraints.txt.new constraints.txt

# Search benchmark (bench/README.md); e.g. make bench BENCH_ARGS="--sizes 1000"
BENCH_ARGS ?=
bench: $(STAMP)
	@$(BIN)/python tools/devstack.py bench $(BENCH_ARGS)

stop:
	@$(PYTHON) tools/devstack.py stop

# Start over: stop the private services, then remove what they and the
# portal kept in var/ (databases, uploads, e-mails, config/ckan.ini).
clean-var: stop
	@rm -rf var config/ckan.ini
	@echo "==> var/ removed; the next make run starts from scratch"
