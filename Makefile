# Baiqianwan: `make demo` and `make test` work on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BQW := $(BIN)/bqw
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults for every target; `make demo` says demo. Production sets its own env.
export BQW_MODE ?= dev
LOCK := requirements.lock
UV_VERSION := 0.13.9
MESSAGES := $(patsubst %.po,%.mo,$(wildcard src/baiqianwan/locale/*/LC_MESSAGES/*.po))

.PHONY: demo test setup lock assets messages messages-update migrate lint types pytest bench browser fonts clean

demo: export BQW_MODE := demo
demo: .env setup fonts
	$(BQW) units load --city 4412
	$(BQW) departments_load --zhaoqing
	@echo ""
	@echo "Baiqianwan is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "Sign in with one of these accounts; the passwords are shown only now:"
	@$(BQW) demo_users
	@echo ""
	@# The demo plan (演示数据): the sample text's ledger issued to the 8 counties; once only.
	$(BQW) plans_demo
	@# The starter indicator system, its periods and windows, and the demo values (演示数据) for
	@# 2023–2025; each step is idempotent.
	$(BQW) indicators load --starter
	$(BQW) indicators periods
	$(BQW) indicators demo
	@# The evaluation demo (演示数据): county, town and village schemes, the counties' tracks and
	@# a run of each over the approved years, for the results pages and the cockpit; once only.
	$(BQW) evaluation demo
	@# One work briefing of the city for the last ranked year, .docx and PDF (演示数据); once only.
	$(BQW) briefings_demo
	@# The background worker (large intake texts, plans' jobs) runs beside the server and stops with it.
	$(BQW) plans_schedule
	@# The briefings' daily run (documents that schedules owe) waits for the worker too.
	$(BQW) briefings_schedule
	$(BQW) db_worker --queue-name '*' & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(BQW) runserver --insecure $(HOST):$(PORT)

test: setup browser fonts lint types pytest

# `bqw` reads .env from the working directory: after `make demo` a fresh shell runs the demo
# settings too. Written only when there is none; an existing .env is never overwritten.
.env:
	printf '# Written by make demo; see .env.example for every variable.\nBQW_MODE=demo\n' > $@

setup: $(VENV)/.installed assets messages migrate

# The exact versions and hashes of requirements.lock, then the project itself without deps.
$(VENV)/.installed: $(LOCK) pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# After changing a dependency in pyproject.toml: re-resolve requirements.lock (runtime + dev, for
# Python 3.11 on Linux, with hashes) from PyPI, then commit it. `make lock UPGRADE=1` also moves
# every pin to the newest version the bounds allow; without it the current pins are kept.
lock:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu \
	  --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) --quiet --output-file $(LOCK)

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (Node.js 20)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed $(VENV)/.installed
	$(BIN)/python scripts/build_assets.py

messages: $(MESSAGES)

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is needed: apt-get install -y gettext"; exit 1; }
	msgfmt --check-format -o $@ $<

# After wrapping new strings: refresh the catalogue, then translate the new entries.
messages-update: $(VENV)/.installed
	cd src/baiqianwan && BQW_MODE=dev ../../$(BQW) makemessages -l zh_Hans --no-location \
	  --ignore 'analysis/*' --ignore 'textclean/*' --ignore 'cli/*' --ignore 'static/*' \
	  --ignore 'intake/draft.py' --ignore 'intake/ledger.py' \
	  --ignore 'plans/deadlines.py' --ignore 'plans/evidence.py'
	msgattrib --no-obsolete -o src/baiqianwan/locale/zh_Hans/LC_MESSAGES/django.po \
	  src/baiqianwan/locale/zh_Hans/LC_MESSAGES/django.po

migrate: $(VENV)/.installed
	$(BQW) migrate --no-input -v 0

# Debian's chromium for the browser tests, and a CJK font so screenshots show Chinese.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-wqy-microhei >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium fonts-wqy-microhei"; \
	    test -x /usr/bin/chromium; fi; fi

# The briefings' PDF fonts (Noto CJK: 宋体/黑体 substitutes; AR PL UKai: 楷体) and poppler's
# pdftoppm/pdftotext/pdffonts for the page previews and the tests. Nothing is fetched at run time.
fonts:
	@if ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi 'noto serif cjk' \
	    || ! fc-list 2>/dev/null | grep -qi 'ukai'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      fonts-noto-cjk fonts-arphic-ukai poppler-utils >/dev/null; \
	  else echo "Briefings need: sudo apt-get install -y fonts-noto-cjk fonts-arphic-ukai poppler-utils"; \
	    command -v pdftoppm >/dev/null; fi; fi

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

types: $(VENV)/.installed
	$(BIN)/mypy src/baiqianwan

# Two test processes (pytest-xdist), each with its own test database: the suite is CPU-bound
# and the machines have two cores. `make pytest JOBS=0` runs it in one process.
JOBS ?= 2
pytest: $(VENV)/.installed
	$(BIN)/pytest -q -p no:cacheprovider $(if $(filter-out 0,$(JOBS)),-n $(JOBS))

bench: setup
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules src/baiqianwan/static/vendor var
