# govaudit — two commands: `make demo` and `make test` (they set everything up).
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8765
DEMO_DIR ?= demo-out
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup chromium redis demo test bench clean

$(BIN)/govaudit: pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

# Debian's Chromium (Playwright drives it through executable_path; no browser download)
# and a CJK font so rendered Chinese pages and reports are readable in screenshots.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; } || { \
	  echo "installing Debian's chromium and a CJK font"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# Debian's redis-server: the distributed-crawl tests start their own on a free loopback port
# (the package's system service, where one starts, is not used).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing Debian's redis-server"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; }

setup: $(BIN)/govaudit chromium redis

# Serve the bundled demo county site on 127.0.0.1/127.0.0.2, crawl, audit, report.
demo: setup
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@set -e; export GOVAUDIT_LOOPBACK_ONLY=1; \
	$(BIN)/python -m tests.site.server --port $(PORT) > $(DEMO_DIR)/server.out 2> $(DEMO_DIR)/server.err & pid=$$!; \
	trap "kill $$pid 2>/dev/null" EXIT; \
	for i in $$(seq 50); do [ "$$(wc -l < $(DEMO_DIR)/server.out)" -ge 4 ] && break; kill -0 $$pid 2>/dev/null || { cat $(DEMO_DIR)/server.err; exit 2; }; sleep 0.1; done; \
	roots=$$(head -4 $(DEMO_DIR)/server.out); echo "demo site:" $$roots; \
	{ printf '[group]\nname = "青山县人民政府网站群"\n\n[run]\ndb = "demo.db"\nout = "report"\nlog = "govaudit.log"\nformats = ["html", "md", "docx"]\n'; \
	  for r in $$roots; do printf '\n[[site]]\nroot = "%s"\n' "$$r"; done; } > $(DEMO_DIR)/govaudit.toml; \
	$(BIN)/govaudit probe --config $(DEMO_DIR)/govaudit.toml; \
	$(BIN)/govaudit run --config $(DEMO_DIR)/govaudit.toml; \
	$(BIN)/govaudit findings --db $(DEMO_DIR)/demo.db --format jsonl --out $(DEMO_DIR)/findings.jsonl; \
	$(BIN)/govaudit findings --db $(DEMO_DIR)/demo.db --format csv --out $(DEMO_DIR)/findings.csv; \
	echo; echo "open $(DEMO_DIR)/report/report.html; annual-report drafts: $(DEMO_DIR)/report/annual-report-*.docx"; \
	echo "nightly schedule for this config: $(BIN)/govaudit schedule --config $(DEMO_DIR)/govaudit.toml"

test: setup
	@$(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder  # a worker per core (one more was faster, 7:22, but once let a distributed worker fetch a page robots.txt forbids: load-related, not understood); a file stays on one worker (module fixtures crawl once); slow files first (tests/conftest.py)

bench: setup
	@$(BIN)/python bench/crawl.py

clean:
	rm -rf $(DEMO_DIR) build *.egg-info .pytest_cache
