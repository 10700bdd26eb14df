# tuijin — two commands for a new user: `make demo` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
# the suite runs on every core (pytest-xdist; each worker has its own test database)
PYTEST_ARGS ?= -n auto
HOST ?= 127.0.0.1
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12+: take the newest suitable interpreter on the machine (pyenv's and uv's included).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$HOME/.pyenv/versions/3.1[234]*/bin/python3 $$HOME/.local/share/uv/python/cpython-3.1[234]*/bin/python3 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then command -v $$p; break; fi; done)

.PHONY: screenshots demo test bench install install-test serve messages vendor check clean-demo

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 或更高版本(本机 python3 是 $$(python3 --version 2>&1))。"; \
		echo "Python 3.12+ is required. Debian 12: pip install --user uv && ~/.local/bin/uv python install 3.12,"; \
		echo "or pyenv install 3.12; Debian 13 / Ubuntu 24.04: apt install python3 python3-venv. Then run make again."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make demo: install, migrate ./var/tuijin.sqlite3, build the demo if empty, serve on http://$(HOST):$(PORT)
demo: install
	@mkdir -p var
	TUIJIN_DEMO=1 $(PY) -m tuijin manage migrate --noinput -v 0
	TUIJIN_DEMO=1 $(PY) -m tuijin demo --if-empty
	@echo ""
	@echo "  tuijin 演示系统: http://$(HOST):$(PORT)/"
	@echo "  演示账号 (密码 tuijin2026):"
	@echo "    admin    系统管理员,可见全部开发区"
	@echo "    office   淮安经开区 党政办公室(考核办)"
	@echo "    leader   淮安经开区 管委会主任(驾驶舱)"
	@echo "    street   淮安经开区 钵池街道填报员(只见本单位)"
	@echo ""
	@# one background worker (bulletins, robustness runs, large imports, the schedule) beside the web server,
	@# stopped with it
	TUIJIN_DEMO=1 $(PY) -m tuijin worker --no-reload & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null; wait $$WORKER' EXIT; \
	TUIJIN_DEMO=1 ALLOWED_HOSTS="$(HOST),localhost,127.0.0.1" $(PY) -m tuijin serve --host $(HOST) --port $(PORT) --no-migrate

## make test: the whole suite; SQLite by default, PostgreSQL when DATABASE_URL is set
test: install-test
	$(PY) -m tuijin.core.i18n >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

## make screenshots: every page as each demo account sees it, under var/screenshots/<account>/
screenshots: install-test
	$(PY) scripts/screenshots.py

## make bench: every benchmark under bench/, one table of figures
bench: install-test
	$(PY) bench/run.py

## make messages: compile the translation files (.po → .mo)
messages: install-test
	$(PY) -m tuijin.core.i18n

check: install
	SECRET_KEY=check-only-$$(date +%s)-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx $(PY) -m tuijin manage check --deploy --fail-level WARNING

clean-demo:
	rm -f var/tuijin.sqlite3 var/tuijin.sqlite3-wal var/tuijin.sqlite3-shm
