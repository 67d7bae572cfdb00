# The two set-up commands on a fresh machine are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint translations clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# DESK_DEMO=0 make run: no demo; an empty desk opens on its set-up page.
DESK_DEMO ?= 1

run: $(STAMP)
	$(BIN)/desk init-db
	if [ "$(DESK_DEMO)" != "0" ]; then $(BIN)/desk demo; fi
	$(BIN)/desk run

# One pytest process per core (pytest-xdist), each with its own databases and ports.
test: $(STAMP)
	$(BIN)/pytest -q -n auto

# Load runs through wrk (Debian's package), installed here when missing.
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	command -v valgrind >/dev/null || apt-get install -y valgrind || sudo apt-get install -y valgrind \
		|| echo "valgrind missing: bench_instructions says so and counts nothing"
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check desk webhooks scheduling tests bench
	$(BIN)/ruff format --check desk webhooks scheduling tests bench
	$(BIN)/mypy
	$(BIN)/python .ci/module_names.py

# Regenerate the catalogues after changing user-facing strings, then translate the new ones.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o desk/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i desk/translations/messages.pot -d desk/translations
	$(BIN)/pybabel compile -d desk/translations

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
