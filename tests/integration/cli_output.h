// Reading what `hotline` printed, for the CLI tests (one copy for all).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hotline::it {

inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The last 8 characters of the id a success line names: "Alert 1a2b3c4d ...".
inline std::string id_in(const std::string& out) {
  auto sp = out.find(' ');
  if (sp == std::string::npos || out.size() < sp + 9) return "";
  return out.substr(sp + 1, 8);
}

// An item document (or a list of them) without what moves with the clock
// (the share of a deadline used so far), to compare two reads.
inline nlohmann::json stable(nlohmann::json doc) {
  if (doc.is_array()) {
    for (auto& d : doc) d = stable(d);
    return doc;
  }
  if (doc.is_object() && doc.contains("deadlines")) {
    for (auto& d : doc["deadlines"]) d.erase("permille");
  }
  return doc;
}

}  // namespace hotline::it
