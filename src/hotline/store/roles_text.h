// How a user's roles are kept in one text column by both stores:
// "admin,operator" (the service keeps them sorted and unique; the store
// refuses a name that would not read back). Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "hotline/common/error.h"

namespace hotline::store {

// Throws "store_invalid" for an empty name or one holding a comma.
inline std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    if (r.empty() || r.find(',') != std::string::npos) {
      throw Error(ErrorCategory::internal, "store_invalid",
                  "Record refused: a role name is empty or holds a comma. Nothing was changed.");
    }
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

inline std::vector<std::string> split_roles(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace hotline::store
