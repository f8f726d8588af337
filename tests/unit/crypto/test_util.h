// Helpers shared by the crypto unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "hotline/common/error.h"

namespace hotline::crypto::testing {

inline std::string vectors_path(const std::string& rel) {
  return std::string(HOTLINE_VECTORS_DIR) + "/" + rel;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `f` and returns the code of the hotline::Error it throws, or
// "<no error>" / "<other exception>".
template <typename F>
std::string error_code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  } catch (...) {
    return "<other exception>";
  }
  return "<no error>";
}

}  // namespace hotline::crypto::testing
