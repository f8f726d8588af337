// Runs a fuzz target over its corpus without libFuzzer: each argument is a
// file, or a folder whose files (not its subfolders) are read in name order,
// and every file is handed to LLVMFuzzerTestOneInput once. `make test` runs
// it on fuzz/corpus/<target>/ as a regression test: every input a fuzzer
// ever found a crash with is kept there. Exits 0 when every input ran, 2 on
// a file it cannot read; a crash aborts.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace {

bool run_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "replay: cannot read " << file << "\n";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(arg);
    }
    for (const auto& f : files) {
      if (!run_file(f)) return 2;
      ++ran;
    }
  }
  std::cout << "replay: " << ran << " inputs ran\n";
  return ran == 0 ? 2 : 0;
}
