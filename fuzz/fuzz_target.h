// The libFuzzer entry point every target under fuzz/targets/ defines
// (docs/fuzzing.md). With clang's -fsanitize=fuzzer (`make fuzz`) libFuzzer
// calls it; in the ordinary builds fuzz/replay_main.cpp calls it once per
// file of the target's corpus, which `make test` runs as a regression test.
//
// A target must accept ANY bytes: it may throw nothing out (it catches the
// errors the code under test is documented to throw) and it aborts only on
// a broken promise of that code (a round trip that does not hold, a crash,
// a sanitizer report). Targets run single-threaded; state they keep between
// inputs (a node in a scratch folder) lives until the process exits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace hotline::fuzz {

// A promise of the code under test was broken: say which, then abort (the
// fuzzer keeps the input that did it).
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz target: broken promise: %s\n", what);
  std::abort();
}

}  // namespace hotline::fuzz
