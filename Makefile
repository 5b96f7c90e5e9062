# The two commands a newcomer needs: `make run` and `make test`.
# `make ci` is what CI runs (.ci/run).

CARGO ?= cargo
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Python packages the interop and golden tests use (third-party referees).
PY_REQS := tests/python/requirements.txt
FUZZ_SECONDS ?= 10

.PHONY: all run test ci fmt fmt-check clippy bench fuzz-smoke venv golden-check rust-test clean

all: test

## run: the demo (the `basic` example against an in-process scylla-sim)
run:
	$(CARGO) run -p examples --example basic

## test: the whole suite (Rust unit/integration tests, golden checks against the Python driver)
test: rust-test golden-check

# The interop tests run the Python cassandra-driver from .venv: create it first.
rust-test: venv
	$(CARGO) test --workspace --all-features

# The Python cassandra-driver is the referee for golden bytes: regenerate them and
# check that the committed vectors (which `cargo test` reads) match exactly.
golden-check: venv
	$(PY) scylla-cql/tests/golden/generate.py --check scylla-cql/tests/golden/vectors.json

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

## bench: criterion benchmarks of scylla-cql and the session benchmark of scylla
## (ops/s, CPU time and allocations per request against scylla-sim; figures go in
## the crate READMEs)
bench:
	$(CARGO) bench -p scylla-cql --all-features
	$(CARGO) bench -p scylla --bench session

## fuzz-smoke: run every cargo-fuzz target for FUZZ_SECONDS each (nightly toolchain)
fuzz-smoke:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) +nightly install cargo-fuzz --locked
	cd fuzz && for t in $$($(CARGO) +nightly fuzz list); do \
		echo "== fuzzing $$t for $(FUZZ_SECONDS)s"; \
		$(CARGO) +nightly fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) -seed=1 || exit 1; \
	done

clean:
	$(CARGO) clean
	rm -rf $(VENV)
