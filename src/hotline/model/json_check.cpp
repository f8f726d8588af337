#include "hotline/model/json_check.h"

#include <algorithm>
#include <array>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/common/uuid.h"

namespace hotline::model {
namespace {

using nlohmann::json;

bool has_control(std::string_view s, bool allow_breaks) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (allow_breaks && (c == '\n' || c == '\t')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

void JsonCheck::fail(const std::string& path, const std::string& problem) const {
  throw Error(ErrorCategory::invalid_input, std::string(code),
              std::string(what) + " invalid: " + (path.empty() ? std::string("document") : path) +
                  " " + problem);
}

const json& JsonCheck::object(const json& j, const std::string& path,
                              std::initializer_list<std::string_view> members) const {
  if (!j.is_object()) fail(path, "must be a JSON object");
  for (const auto& item : j.items()) {
    if (std::find(members.begin(), members.end(), item.key()) == members.end()) {
      fail(member_path(path, item.key()),
           "is not a known member (expected: " + list_of(members) + ")");
    }
  }
  for (std::string_view m : members) {
    if (!j.contains(m)) fail(member_path(path, m), "is missing");
  }
  return j;
}

const json& JsonCheck::array(const json& j, const std::string& path) const {
  if (!j.is_array()) fail(path, "must be an array");
  return j;
}

std::string JsonCheck::string(const json& j, const std::string& path) const {
  if (!j.is_string()) fail(path, "must be a string");
  return j.get<std::string>();
}

bool JsonCheck::boolean(const json& j, const std::string& path) const {
  if (!j.is_boolean()) fail(path, "must be true or false");
  return j.get<bool>();
}

std::int64_t JsonCheck::integer(const json& j, const std::string& path, std::int64_t lo,
                                std::int64_t hi, std::string_view description) const {
  const std::string what_range =
      description.empty() ? "an integer from " + std::to_string(lo) + " to " + std::to_string(hi)
                          : std::string(description);
  if (!j.is_number_integer()) fail(path, "must be " + what_range);
  std::int64_t v;
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(hi)) fail(path, "must be " + what_range);
    v = static_cast<std::int64_t>(u);
  } else {
    v = j.get<std::int64_t>();
  }
  if (v < lo || v > hi) fail(path, "must be " + what_range + ", not " + std::to_string(v));
  return v;
}

TimePoint JsonCheck::time(const json& j, const std::string& path) const {
  std::string s = string(j, path);
  try {
    return parse_timestamp(s);
  } catch (const Error&) {
    fail(path, "must be a timestamp YYYY-MM-DDTHH:MM:SS.mmmZ, not " + quote_value(s));
  }
}

std::optional<TimePoint> JsonCheck::optional_time(const json& j, const std::string& path) const {
  if (j.is_null()) return std::nullopt;
  return time(j, path);
}

Side JsonCheck::side(const json& j, const std::string& path) const {
  const std::array<std::string_view, 2> names{to_string(Side::ours), to_string(Side::theirs)};
  return static_cast<Side>(one_of(j, path, names));
}

Priority JsonCheck::priority(const json& j, const std::string& path) const {
  const std::array<std::string_view, 2> names{to_string(Priority::urgent),
                                              to_string(Priority::normal)};
  return static_cast<Priority>(one_of(j, path, names));
}

std::size_t JsonCheck::one_of(const json& j, const std::string& path,
                              std::span<const std::string_view> names) const {
  if (!j.is_string()) fail(path, "must be a string, one of: " + list_of(names));
  const auto& s = j.get_ref<const std::string&>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) return i;
  }
  fail(path, "must be one of: " + list_of(names) + "; not " + quote_value(s));
}

void JsonCheck::id(std::string_view value, const std::string& path) const {
  if (!is_uuid_v7(value)) fail(path, "must be a lowercase UUIDv7, not " + quote_value(value));
}

void JsonCheck::line(std::string_view value, const std::string& path, bool required) const {
  if (value.size() > 200) fail(path, "must be at most 200 bytes long");
  if (has_control(value, false)) fail(path, "must not contain line breaks or control characters");
  if (required && std::all_of(value.begin(), value.end(), [](char c) { return c == ' '; }))
    fail(path, "must not be empty");
}

void JsonCheck::name(std::string_view value, const std::string& path) const {
  line(value, path, true);
}

void JsonCheck::text(std::string_view value, const std::string& path, std::size_t max_bytes,
                     bool required) const {
  if (value.size() > max_bytes)
    fail(path, "must be at most " + std::to_string(max_bytes) + " bytes long");
  if (has_control(value, true))
    fail(path, "must not contain control characters other than line breaks and tabs");
  if (required && std::all_of(value.begin(), value.end(),
                              [](char c) { return c == ' ' || c == '\n' || c == '\t'; }))
    fail(path, "must not be empty");
}

std::string member_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string element_path(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

json time_json(const std::optional<TimePoint>& t) {
  return t ? json(format_timestamp(*t)) : json(nullptr);
}

std::string quote_value(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 60)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (s.size() > 60) out += "...";
  return out + "'";
}

}  // namespace hotline::model
