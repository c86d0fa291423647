# rcffi developer commands. `make test` and `make demo` work on a fresh clone:
# they create .venv, install the pinned development requirements and build.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
MATURIN := VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin

# cargo builds rcffi-py (PyO3) against the venv's interpreter.
export PYO3_PYTHON := $(abspath $(VPY))

.PHONY: all build build-release test test-rust test-python demo bench lint fmt clean compat \
	compat-cffi compat-ctypes docs fuzz fuzz-cdata fuzz-ctypes fuzz-cffi soak soak-short deps-system bench-headers ecosystem \
	typecheck package sanitize

all: test

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(DEPS): requirements-dev.txt | $(VPY)
	$(VPY) -m pip install --quiet -r requirements-dev.txt
	touch $@

build: $(DEPS)
	$(MATURIN) develop --quiet

build-release: $(DEPS)
	$(MATURIN) develop --quiet --release

test: build test-rust test-python

test-rust: $(DEPS)
	cargo test --workspace --quiet

test-python: build
	$(VPY) -m pytest -q

demo: build
	$(VPY) examples/tour.py

bench: build-release
	$(VPY) benches/run.py --markdown docs/performance.md
	$(VPY) benches/scale.py

# cffi 2.0.0's own test suite (fetched now) and CPython's ctypes tests against
# rcffi, compared with compat/<suite>/expected-failures.txt; see compat/run.py.
compat: compat-cffi compat-ctypes

compat-cffi: build
	$(VPY) compat/run.py cffi

compat-ctypes: build
	$(VPY) compat/run.py ctypes

# Real PyPI projects built on cffi (their wheels: cffi-compiled extension
# modules and out-of-line modules) run their own tests on cffi and with rcffi
# installed as cffi, in throwaway venvs under build/ecosystem; see
# compat/ecosystem/run.py. Needs the network to the package index; CI runs it last.
ecosystem: build-release
	$(VPY) compat/ecosystem/run.py

# mypy --strict on the examples and a typed test file: the stubs of rcffi
# (python/rcffi/*.pyi, py.typed) type the code users write.
typecheck: build
	$(VENV)/bin/mypy --strict --cache-dir build/mypy examples tests/stubs/test_typed_usage.py

# The documentation site (docs/, mkdocs.yml) into build/docs; --strict makes a
# broken link or a page missing from the navigation an error.
docs: $(DEPS)
	$(VENV)/bin/mkdocs build --strict --quiet

# Resident memory over long loops (benches/soak.py): a million cycles each on
# the release build; CI runs the short form, failing on growth.
soak: build-release
	$(VPY) benches/soak.py

soak-short: build
	$(VPY) benches/soak.py --short --check

# Memory errors found before users find them: rcffi-core's tests under
# AddressSanitizer when a nightly Rust toolchain is already installed, else a
# subset of the pytest suite under valgrind memcheck (SANITIZER=asan|valgrind
# picks one); see .ci/sanitize. A few minutes either way.
sanitize: build
	.ci/sanitize

# libFuzzer on cdef() and type strings (fuzz/README.md): nightly toolchain and
# cargo-fuzz, installed here when missing. New inputs go to build/fuzz, never
# into the checked-in seed corpus.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p build/fuzz/cdef
	cd fuzz && cargo +nightly fuzz run cdef ../build/fuzz/cdef corpus/cdef -- \
		-max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10

# Random cdata operations in fresh processes (fuzz/cdata_ops.py): a seed that
# crashes the interpreter is printed with its last operation. Stable toolchain.
FUZZ_SEEDS ?= 1-40
fuzz-cdata: build-release
	$(VPY) fuzz/cdata_ops.py --seeds $(FUZZ_SEEDS)

# Random ctypes operations on CPython's ctypes and rcffi.ctypes in step
# (fuzz/ctypes_ops.py): a difference or a crash fails the seed. CI runs it.
fuzz-ctypes: build
	$(VPY) fuzz/ctypes_ops.py --seeds $(FUZZ_SEEDS)

# Random cdata operations on cffi 2.0.0 and rcffi in step (fuzz/cffi_ops.py):
# a difference or a crash fails the seed. CI runs it.
fuzz-cffi: build
	$(VPY) fuzz/cffi_ops.py --seeds $(FUZZ_SEEDS)

# The -dev packages whose headers tests/headers/ declares with #include (and
# whose libraries it calls): installed with apt-get when one is missing, so a
# machine that has them all runs nothing.
SYSTEM_PACKAGES := zlib1g-dev libsqlite3-dev libbz2-dev liblzma-dev libexpat1-dev libyaml-dev \
	libpng-dev libssl-dev libsodium-dev

deps-system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "installing $$missing"; \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing; \
	fi

bench-headers: build-release
	$(VPY) benches/headers.py

# The sdist, a wheel built from it in pip's isolated build, its contents and
# metadata, and the wheel installed into a fresh venv and used; see tools/.
package: $(DEPS)
	$(VPY) tools/check_package.py

lint: $(DEPS)
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	$(VENV)/bin/ruff check python tests benches examples compat tools fuzz
	$(VPY) tools/module_cycles.py --max rcffi-core=4 rcffi-py=3

fmt: $(DEPS)
	cargo fmt --all
	$(VENV)/bin/ruff check --fix python tests benches examples compat tools fuzz

clean:
	rm -rf $(VENV) target build benches/build python/rcffi/*.so
