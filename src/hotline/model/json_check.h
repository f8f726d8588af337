// Strict reading of the model's JSON documents (agreements, labels, alerts,
// requests, case files, and the item logs and actions built on them), and
// the value checks their actions share.
//
// A JsonCheck names the error it throws: every failure is
//   hotline::Error(invalid_input, code, what + " invalid: " + path + " " + problem)
// with path "document" for the document itself, "a.b" for a member and
// "a[3]" for an element (member_path, element_path). Pure: no I/O, no
// clock; a JsonCheck is a pair of string constants, safe to share between
// threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/vocabulary.h"

namespace hotline::model {

struct JsonCheck {
  std::string_view code;  // "request_invalid"
  std::string_view what;  // "request"

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const;

  // ---- reading JSON: each returns the value or throws ----
  // An object with exactly these members (none missing, none unknown).
  const nlohmann::json& object(const nlohmann::json& j, const std::string& path,
                               std::initializer_list<std::string_view> members) const;
  const nlohmann::json& array(const nlohmann::json& j, const std::string& path) const;
  std::string string(const nlohmann::json& j, const std::string& path) const;
  bool boolean(const nlohmann::json& j, const std::string& path) const;
  // An integer in [lo, hi]; `description` replaces "an integer from lo to
  // hi" in the message when given.
  std::int64_t integer(const nlohmann::json& j, const std::string& path, std::int64_t lo,
                       std::int64_t hi, std::string_view description = {}) const;
  TimePoint time(const nlohmann::json& j, const std::string& path) const;
  std::optional<TimePoint> optional_time(const nlohmann::json& j, const std::string& path) const;
  Side side(const nlohmann::json& j, const std::string& path) const;
  Priority priority(const nlohmann::json& j, const std::string& path) const;
  // Index of j in names.
  std::size_t one_of(const nlohmann::json& j, const std::string& path,
                     std::span<const std::string_view> names) const;

  // ---- value checks (for JSON input and action arguments alike) ----
  // Lowercase UUIDv7.
  void id(std::string_view value, const std::string& path) const;
  // One line, at most 200 bytes, no control characters; required = not
  // blank (user names, titles, roles).
  void line(std::string_view value, const std::string& path, bool required) const;
  // A required line().
  void name(std::string_view value, const std::string& path) const;
  // Free text up to max_bytes; line breaks and tabs allowed, other control
  // characters not; required = not blank.
  void text(std::string_view value, const std::string& path, std::size_t max_bytes,
            bool required) const;
};

// "path.key", or "key" at the top.
std::string member_path(const std::string& path, std::string_view key);
// "path[i]".
std::string element_path(const std::string& path, std::size_t i);

// A timestamp, or null.
nlohmann::json time_json(const std::optional<TimePoint>& t);

// A value quoted for a message, shortened (60 bytes) and with control
// characters replaced, so that hostile input stays readable.
std::string quote_value(std::string_view s);

// "a, b, c".
template <class Range>
std::string list_of(const Range& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

}  // namespace hotline::model
