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

// The length of the UTF-8 sequence at s[i] and its code point, or 0 when
// it is not one (overlong, surrogate, beyond U+10FFFF, cut short).
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  std::size_t n = b < 0x80           ? 1
                  : (b >> 5) == 0x6  ? 2
                  : (b >> 4) == 0xe  ? 3
                  : (b >> 3) == 0x1e ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return 0;
  cp = n == 1 ? b : b & (0x7f >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

bool unsafe(char32_t cp) {
  if (cp == '\t' || cp == '\n') return false;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string shown_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = utf8_at(s, i, cp);
    if (n == 0 || unsafe(cp)) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += n == 0 ? 1 : n;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

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

std::string Node::string() const {
  if (!value_->is_string()) fail("is not a string");
  return shown_text(value_->get_ref<const std::string&>());
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
