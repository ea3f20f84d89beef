# The two set-up commands of the README:
#   make book   builds the HTML book into _build/html
#   make test   runs the whole test suite
# Each creates the local virtual environment .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The venv's bin/ must be on PATH: nbgrader runs alembic as a subprocess.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: book test venv exercises clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

book: venv
	$(BIN)/python -m dlcourse.build_book

test: venv
	$(BIN)/python -m dlcourse.run_tests

# Regenerate the student notebooks in exercises/ from solutions/.
exercises: venv
	$(BIN)/python -m dlcourse.release

clean:
	rm -rf _build
