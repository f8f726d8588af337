// Reading a report file member by member: each value is fetched with its
// JSON pointer, so that a report that is not what docs/review.md describes
// throws hotline::Error "review_invalid" naming the member
// ("the report's /body/directions/0/requests_total/current/received is
// missing").
//
// A Node refers into a json value that must outlive it. Thread-safe as far
// as the json is not changed meanwhile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hotline::render {

class Node {
 public:
  Node(const nlohmann::json* value, std::string path) : value_(value), path_(std::move(path)) {}

  // The member `key` of this object; missing throws review_invalid.
  Node operator[](std::string_view key) const;
  // Element `i` of this array; out of range throws review_invalid.
  Node operator[](std::size_t i) const;
  bool has(std::string_view key) const;
  std::size_t size() const;  // of an array (review_invalid when not one)
  std::int64_t integer() const;
  std::optional<std::int64_t> integer_or_null() const;
  // A string, made safe to show: bytes that are not UTF-8, control
  // characters (but tab and line feed) and direction overrides become
  // U+FFFD, so that a text from a peer cannot garble or reorder the page.
  std::string string() const;
  const std::string& path() const { return path_; }
  bool is_null() const { return value_->is_null(); }
  bool is_string() const { return value_->is_string(); }
  bool is_integer() const { return value_->is_number_integer(); }

  [[noreturn]] void fail(const std::string& what) const;

 private:
  const nlohmann::json* value_;
  std::string path_;
};

// `s` made safe to show (see Node::string()).
std::string shown_text(std::string_view s);

// The report's body, checked for its format name ("hotline.review/1") and
// two directions.
Node checked_body(const nlohmann::json& report);

}  // namespace hotline::render
