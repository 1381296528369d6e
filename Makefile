# Gremalda — set-up, tests, demo and benchmarks. Everything a fresh Debian machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSSTAMP := $(VENV)/.sysdeps
DATA_DIR ?= var/demo
CLIENT_DIR ?= var/demo-client
DEMO_ARGS ?=
I18N := gremalda/resources/i18n
HOST ?= 127.0.0.1
PORT ?= 8765
NAME ?=
SMALL ?=

# Debian packages the tests and the demo need (Qt's xcb libraries, Xvfb, keyring, databases, reference tools).
APT_PACKAGES := xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools postgresql nginx curl pdfgrep poppler-utils \
	libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libxcb-cursor0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
	libxcb-xkb1 libxcb-randr0 libxcb-xfixes0

.PHONY: all venv sysdeps test lint typecheck importlint pytest demo server bench clean i18n

all: test

sysdeps: $(SYSSTAMP)
$(SYSSTAMP):
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages: $$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing system packages. Run:"; echo "  sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi
	@mkdir -p $(VENV) && touch $@

venv: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

lint: venv
	$(VENV)/bin/ruff check gremalda sync tests
	$(VENV)/bin/ruff format --check gremalda sync tests

typecheck: venv
	$(VENV)/bin/mypy gremalda sync

importlint: venv
	$(VENV)/bin/lint-imports

pytest: venv sysdeps
	.ci/with-keyring $(PY) -m pytest -q

test: sysdeps venv lint typecheck importlint pytest

server: venv
	$(VENV)/bin/gremalda-server --demo --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

# the backend with the demo data, the member "mitglied" signed in and synchronised, the window on the next
# meeting; closing it stops the backend (scripts/demo.sh). No display? xvfb-run -a make demo
demo: sysdeps venv
	VENV=$(VENV) DATA_DIR=$(DATA_DIR) CLIENT_DIR=$(CLIENT_DIR) HOST=$(HOST) PORT=$(PORT) scripts/demo.sh $(DEMO_ARGS)

# the translations: collect the strings of gremalda/ui into the .ts files (translate them with
# pyside6-linguist), then compile the .qm files the client loads
i18n: venv
	$(VENV)/bin/pyside6-lupdate -silent -extensions py -locations none -no-obsolete gremalda/ui -ts $(I18N)/gremalda_de.ts
	$(VENV)/bin/pyside6-lupdate -silent -extensions py -locations none -no-obsolete -pluralonly gremalda/ui -ts $(I18N)/gremalda_en.ts
	$(VENV)/bin/pyside6-lrelease -silent $(I18N)/gremalda_de.ts -qm $(I18N)/gremalda_de.qm
	$(VENV)/bin/pyside6-lrelease -silent $(I18N)/gremalda_en.ts -qm $(I18N)/gremalda_en.qm

bench: sysdeps venv
	@set -e; if [ -n "$(NAME)" ]; then benches=tests/bench/bench_$(NAME).py; else benches=$$(ls tests/bench/bench_*.py); fi; \
	for b in $$benches; do echo "== $$b" >&2; SMALL=$(SMALL) $(PY) $$b; done

clean:
	rm -rf $(VENV) var build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
