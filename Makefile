# The two commands a newcomer needs: `make run` and `make test`.
# `make ci` is what CI runs (.ci/run).

CARGO ?= cargo
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Python packages the interop and golden tests use (third-party referees).
PY_REQS := tests/python/requirements.txt
FUZZ_SECONDS ?= 10
# Interop tests: the sim binary they start, the Node.js project, Debian's Go packages.
SIM_BIN ?= $(or $(CARGO_TARGET_DIR),target)/debug/scylla-sim
NODE_DIR := tests/interop/node
GO_DEBS := golang-go golang-github-gocql-gocql-dev
GOCQL_SRC := /usr/share/gocode/src/github.com/gocql/gocql
INTEROP_TESTS ?=

.PHONY: all run test ci fmt fmt-check clippy bench fuzz-smoke venv golden-check rust-test clean \
	interop interop-deps node-deps go-deps

all: test

## run: the demo (the `basic` example against an in-process scylla-sim)
run:
	$(CARGO) run -p examples --example basic

## test: the whole suite (Rust unit/integration tests, golden checks against the Python driver,
## interop tests of real third-party clients against scylla-sim)
test: rust-test golden-check interop

# The interop tests run the Python cassandra-driver from .venv: create it first.
# SCYLLA_REQUIRE_VENV turns "venv missing, test skipped" into a failure.
rust-test: venv
	SCYLLA_REQUIRE_VENV=1 $(CARGO) test --workspace --all-features

# The Python cassandra-driver is the referee for golden bytes: regenerate them and
# check that the committed vectors (which `cargo test` reads) match exactly.
golden-check: venv
	$(PY) scylla-cql/tests/golden/generate.py --check scylla-cql/tests/golden/vectors.json

## interop: the Python driver, cqlsh, the Node.js driver and gocql against scylla-sim
## (each test starts its own sim; INTEROP_TESTS="cqlsh gocql" runs some of them)
interop: venv interop-deps
	$(CARGO) build -p scylla-sim --bin scylla-sim
	$(PY) tests/interop/run.py --sim $(SIM_BIN) --python $(PY) $(INTEROP_TESTS)

interop-deps: node-deps go-deps

# The Node.js driver, at the version package-lock.json pins.
node-deps: $(NODE_DIR)/node_modules/.package-lock.json

$(NODE_DIR)/node_modules/.package-lock.json: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund
	touch $@

# gocql and Go from Debian's packages (the test builds in GOPATH mode against them).
go-deps:
	@if command -v go >/dev/null 2>&1 && [ -d $(GOCQL_SRC) ]; then exit 0; fi; \
	sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	echo "installing $(GO_DEBS) with apt-get"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GO_DEBS) \
	|| { $$sudo apt-get update && \
	     $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GO_DEBS); }

venv: $(VENV)/.installed

$(VENV)/.installed: $(PY_REQS)
	python3 -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r $(PY_REQS)
	touch $@

## ci: format check, clippy with warnings as errors, then the whole suite
ci: fmt-check clippy test

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

## bench: criterion benchmarks of scylla-cql, the scylla-sim throughput benchmark and
## the scylla session benchmark (ops/s, CPU time and allocations per request), in
## release mode (figures go in the crate READMEs). Criterion options go in BENCH_ARGS
## (e.g. BENCH_ARGS="--measurement-time 2 --warm-up-time 1"), the sim bench's in
## SIM_BENCH_ARGS (e.g. SIM_BENCH_ARGS="--requests 100000"); BENCH_OPS sets the
## operations per scenario of the session benchmark.
BENCH_ARGS ?=
SIM_BENCH_ARGS ?=
bench:
	$(CARGO) bench -p scylla-cql --all-features --bench serialize --bench deserialize --bench frame -- $(BENCH_ARGS)
	$(CARGO) bench -p scylla-sim --bench throughput -- $(SIM_BENCH_ARGS)
	$(CARGO) bench -p scylla --bench session

## fuzz-smoke: run every cargo-fuzz target for FUZZ_SECONDS each, with a fixed seed
## (nightly toolchain; installs cargo-fuzz when missing). Each target writes its seed
## inputs into fuzz/corpus/<target> first; a crash leaves its input in fuzz/artifacts.
fuzz-smoke:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) +nightly install cargo-fuzz --locked
	cd fuzz && $(CARGO) +nightly fuzz build -O
	cd fuzz && for t in $$($(CARGO) +nightly fuzz list); do \
		echo "== fuzzing $$t for $(FUZZ_SECONDS)s"; \
		$(CARGO) +nightly fuzz run -O $$t -- -max_total_time=$(FUZZ_SECONDS) -seed=1 || exit 1; \
	done

clean:
	$(CARGO) clean
	rm -rf $(VENV) $(NODE_DIR)/node_modules
