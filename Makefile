# The two commands: `make demo` and `make test`. Both run scripts/bootstrap
# first, so a fresh Debian 12 machine (as root) needs nothing else.
.PHONY: demo test bench package fuzz build build-asan bootstrap format format-check tidy clean

JOBS ?= 2

bootstrap:
	@scripts/bootstrap

# The web app (web/, once it exists): `npm run build` writes web/dist, which
# `hotline serve` serves (docs/development.md, "The web app").
WEB_BUILD = if [ -f web/package.json ]; then npm --prefix web run build; fi

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@$(WEB_BUILD)

build-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# `make demo DEMO_STORE=postgres`: alpha on a PostgreSQL cluster started for
# it, as two serve processes (scripts/demo says how to kill one).
demo: build
	@scripts/demo

# Unit and integration tests in the release build, then again under
# ASan + UBSan; ctest prints its summary at the end of each run. Phases
# overlap where one leaves a core idle (docs/development.md, "Where the time
# of make test goes"): the format check, the API lint and the web app's
# build (for its browser tests, release only) run while the release build
# compiles, and the release tests while the sanitizer build compiles; the
# output of each background phase is printed when it ends. The tests'
# PostgreSQL clusters (docs/development.md, "PostgreSQL in the tests") are
# started there too, so that ctest's fixture postgres_start finds them
# running instead of holding the tests back for an initdb; postgres_stop
# removes each at the end of its ctest run. Without fsync, as the fixture
# starts them (PG_CLUSTER_FSYNC in scripts/pg-cluster).
PG_START = export PG_CLUSTER_FSYNC=off && \
	   scripts/pg-cluster start build/release/pg-cluster >/dev/null && \
	   scripts/pg-cluster start build/asan/pg-cluster >/dev/null

test: bootstrap
	@cmake --preset release >/dev/null
	@cmake --preset asan >/dev/null
	@mkdir -p build
	@{ $(PG_START) && scripts/check-format && scripts/check-layers && scripts/lint-openapi && $(WEB_BUILD); } >build/checks.log 2>&1 & \
	 cmake --build --preset release -j $(JOBS); built=$$?; \
	 wait $$!; checked=$$?; cat build/checks.log; \
	 [ $$built -eq 0 ] && [ $$checked -eq 0 ]
	@echo "== tests: release build (while the sanitizer build compiles; output follows)"
	@ctest --preset release >build/release-tests.log 2>&1 & \
	 cmake --build --preset asan -j $(JOBS); built=$$?; \
	 wait $$!; tested=$$?; \
	 echo "== tests: release build"; cat build/release-tests.log; \
	 [ $$built -eq 0 ] && [ $$tested -eq 0 ]
	@echo "== tests: sanitizer build (ASan + UBSan)"
	@ctest --preset asan

bench: build
	@scripts/bench

# The Debian package of the release build and the web app, in build/package
# (docs/operations.md, "Installing the Debian package"). CPack packages the
# build as it is: `build` compiles first.
package: build
	@cpack --config build/release/CPackConfig.cmake -B build/package
	@ls build/package/*.deb

# Every fuzz target under fuzz/ for FUZZ_SECONDS each (default 60), built
# with clang, libFuzzer, ASan and UBSan in build/fuzz (docs/fuzzing.md):
# `make fuzz FUZZ_SECONDS=1800`. FUZZ_TARGETS="envelope receipt" picks some.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	@scripts/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	@find src tests bench fuzz -name '*.cpp' -o -name '*.h' | xargs clang-format -i

format-check:
	@scripts/check-format
	@scripts/check-layers

tidy: build
	@find src -name '*.cpp' | xargs clang-tidy -p build/release --quiet

clean:
	rm -rf build
