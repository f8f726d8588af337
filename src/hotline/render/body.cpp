#include "hotline/render/body.h"

#include "hotline/common/error.h"
#include "hotline/review/report.h"

namespace hotline::render {

namespace {

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void Node::fail(const std::string& what) const {
  throw Error(ErrorCategory::invalid_input, "review_invalid",
              "the report's " + (path_.empty() ? std::string("top level") : path_) + " " + what);
}

Node Node::operator[](std::string_view key) const {
  std::string path = path_ + "/" + pointer_token(key);
  if (!value_->is_object()) fail("is not an object");
  auto it = value_->find(key);
  if (it == value_->end()) Node(value_, path).fail("is missing");
  return Node(&*it, path);
}

Node Node::operator[](std::size_t i) const {
  std::string path = path_ + "/" + std::to_string(i);
  if (!value_->is_array()) fail("is not an array");
  if (i >= value_->size()) Node(value_, path).fail("is missing");
  return Node(&(*value_)[i], path);
}

bool Node::has(std::string_view key) const {
  return value_->is_object() && value_->find(key) != value_->end();
}

std::size_t Node::size() const {
  if (!value_->is_array()) fail("is not an array");
  return value_->size();
}

std::int64_t Node::integer() const {
  if (!value_->is_number_integer()) fail("is not an integer");
  return value_->get<std::int64_t>();
}

std::optional<std::int64_t> Node::integer_or_null() const {
  if (value_->is_null()) return std::nullopt;
  return integer();
}

const std::string& Node::string() const {
  if (!value_->is_string()) fail("is not a string");
  return value_->get_ref<const std::string&>();
}

Node checked_body(const nlohmann::json& report) {
  Node root(&report, "");
  Node body = root["body"];
  if (body["format"].string() != review::kBodyFormat) {
    body["format"].fail(std::string("is not \"") + review::kBodyFormat + "\"");
  }
  if (body["directions"].size() != 2) body["directions"].fail("does not hold two directions");
  return body;
}

}  // namespace hotline::render
