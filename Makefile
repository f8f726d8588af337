# The two commands: `make demo` and `make test`. Both run scripts/bootstrap
# first, so a fresh Debian 12 machine (as root) needs nothing else.
.PHONY: demo test bench build build-asan bootstrap format format-check tidy clean

JOBS ?= 2

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

demo: build
	@scripts/demo

# Unit and integration tests in the release build, then again under
# ASan + UBSan; ctest prints its summary at the end of each run.
test: build build-asan
	@scripts/check-format
	@scripts/check-layers
	@scripts/lint-openapi
	@echo "== tests: release build"
	@ctest --preset release
	@echo "== tests: sanitizer build (ASan + UBSan)"
	@ctest --preset asan

bench: build
	@scripts/bench

format:
	@find src tests bench -name '*.cpp' -o -name '*.h' | xargs clang-format -i

format-check:
	@scripts/check-format
	@scripts/check-layers

tidy: build
	@find src -name '*.cpp' | xargs clang-tidy -p build/release --quiet

clean:
	rm -rf build
