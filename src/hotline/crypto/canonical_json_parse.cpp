// parse_strict: a small recursive-descent JSON parser.
//
// nlohmann's own parser keeps the last of duplicate keys, turns "1.0" into
// a float we could not tell from "1", and lets a lone "\ud800" through, so
// it cannot decide whether signed text is acceptable. This one builds the
// nlohmann::json value directly and rejects at the first problem, naming the
// byte offset so that whoever reads the log can find it in the message.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/utf8.h"

namespace hotline::crypto {
namespace {

using nlohmann::json;

class Parser {
 public:
  explicit Parser(std::string_view text)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()) {}

  json parse() {
    json result;
    skip_ws();
    parse_value(result);
    skip_ws();
    if (p_ != end_) unexpected("after the end of the JSON value (trailing data)");
    return result;
  }

 private:
  [[noreturn]] void fail(ErrorCategory category, const char* code, const std::string& what) const {
    throw Error(category, code,
                "JSON text rejected at byte " + std::to_string(p_ - begin_) + ": " + what);
  }

  // Reports the byte at p_ (or the end of input) as out of place. A byte
  // that does not start well-formed UTF-8 is reported as such: the text is
  // then not even Unicode, which is the more useful thing to say.
  [[noreturn]] void unexpected(const char* where) const {
    if (p_ == end_)
      fail(ErrorCategory::invalid_input, "json_malformed",
           std::string("unexpected end of text ") + where);
    char32_t cp;
    if (*p_ >= 0x80 && utf8::decode(p_, end_, &cp) == 0) {
      fail(ErrorCategory::invalid_input, "json_invalid_utf8",
           "ill-formed UTF-8 byte 0x" + hex_byte(*p_));
    }
    std::string shown = (*p_ >= 0x20 && *p_ < 0x7F) ? std::string("'") + char(*p_) + "'"
                                                    : "byte 0x" + hex_byte(*p_);
    fail(ErrorCategory::invalid_input, "json_malformed", "unexpected " + shown + " " + where);
  }

  static std::string hex_byte(unsigned char b) {
    static constexpr char kHex[] = "0123456789abcdef";
    return {kHex[b >> 4], kHex[b & 0xF]};
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  void parse_value(json& out) {
    if (p_ == end_) unexpected("where a value was expected");
    switch (*p_) {
      case '{':
        parse_object(out);
        return;
      case '[':
        parse_array(out);
        return;
      case '"': {
        out = json::string_t();
        parse_string(*out.get_ptr<json::string_t*>());
        return;
      }
      case 't':
        parse_literal("true", 4);
        out = true;
        return;
      case 'f':
        parse_literal("false", 5);
        out = false;
        return;
      case 'n':
        parse_literal("null", 4);
        out = nullptr;
        return;
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
          parse_number(out);
          return;
        }
        unexpected("where a value was expected");
    }
  }

  void parse_literal(const char* word, std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) {
      unexpected("where a value was expected");
    }
    p_ += n;
  }

  void enter() {
    if (++depth_ > kMaxDepth) {
      fail(ErrorCategory::invalid_input, "json_too_deep",
           "arrays and objects nest more than " + std::to_string(kMaxDepth) + " levels deep");
    }
  }

  void parse_object(json& out) {
    enter();
    ++p_;  // '{'
    out = json::object();
    auto& members = *out.get_ptr<json::object_t*>();
    skip_ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      --depth_;
      return;
    }
    std::string key;
    for (;;) {
      if (p_ == end_ || *p_ != '"') unexpected("where an object key (a string) was expected");
      const auto key_at = p_;
      key.clear();
      parse_string(key);
      auto [it, inserted] = members.try_emplace(key);
      if (!inserted) {
        p_ = key_at;
        fail(ErrorCategory::invalid_input, "json_duplicate_key",
             "object key \"" + printable(key) + "\" appears twice");
      }
      skip_ws();
      if (p_ == end_ || *p_ != ':') unexpected("where ':' after an object key was expected");
      ++p_;
      skip_ws();
      parse_value(it->second);
      skip_ws();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        skip_ws();
        continue;
      }
      if (p_ != end_ && *p_ == '}') {
        ++p_;
        --depth_;
        return;
      }
      unexpected("where ',' or '}' was expected in an object");
    }
  }

  void parse_array(json& out) {
    enter();
    ++p_;  // '['
    out = json::array();
    auto& items = *out.get_ptr<json::array_t*>();
    skip_ws();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      --depth_;
      return;
    }
    for (;;) {
      items.emplace_back();
      parse_value(items.back());
      skip_ws();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        skip_ws();
        continue;
      }
      if (p_ != end_ && *p_ == ']') {
        ++p_;
        --depth_;
        return;
      }
      unexpected("where ',' or ']' was expected in an array");
    }
  }

  // Grammar of RFC 8259 section 6, then the float and range rules.
  void parse_number(json& out) {
    const auto start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    const auto digits = p_;
    if (p_ == end_ || !is_digit(*p_)) unexpected("in a number (a digit must follow '-')");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    const auto digits_end = p_;
    bool is_float = false;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) unexpected("in a number (a digit must follow '.')");
      while (p_ != end_ && is_digit(*p_)) ++p_;
      is_float = true;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) unexpected("in a number (a digit must follow 'e')");
      while (p_ != end_ && is_digit(*p_)) ++p_;
      is_float = true;
    }
    const std::string written(reinterpret_cast<const char*>(start), p_ - start);
    if (is_float) {
      p_ = start;
      fail(ErrorCategory::invalid_input, "json_float",
           "the number " + shorten(written) +
               " has a fraction or exponent; signed JSON allows integers only");
    }
    std::uint64_t value = 0;
    const auto n = digits_end - digits;
    if (n <= 16) {
      std::from_chars(reinterpret_cast<const char*>(digits),
                      reinterpret_cast<const char*>(digits_end), value);
    }
    if (n > 16 || value > static_cast<std::uint64_t>(kMaxSafeInteger)) {
      p_ = start;
      fail(ErrorCategory::invalid_input, "json_integer_range",
           "the integer " + shorten(written) + " is outside ±9007199254740991 (±(2^53-1))");
    }
    if (negative && value != 0) {
      out = -static_cast<std::int64_t>(value);
    } else {
      out = value;
    }
  }

  // Parses a string starting at the opening quote into `out` (appending).
  void parse_string(std::string& out) {
    ++p_;  // '"'
    for (;;) {
      // Copy the longest run of bytes that need no attention.
      const auto run = p_;
      while (p_ != end_ && *p_ >= 0x20 && *p_ < 0x80 && *p_ != '"' && *p_ != '\\') ++p_;
      out.append(reinterpret_cast<const char*>(run), p_ - run);
      if (p_ == end_)
        fail(ErrorCategory::invalid_input, "json_malformed",
             "unexpected end of text inside a string");
      const unsigned char c = *p_;
      if (c == '"') {
        ++p_;
        return;
      }
      if (c == '\\') {
        parse_escape(out);
      } else if (c < 0x20) {
        fail(
            ErrorCategory::invalid_input, "json_malformed",
            "control character 0x" + hex_byte(c) + " inside a string must be written as an escape");
      } else {
        char32_t cp;
        const std::size_t len = utf8::decode(p_, end_, &cp);
        if (len == 0)
          fail(ErrorCategory::invalid_input, "json_invalid_utf8",
               "ill-formed UTF-8 byte 0x" + hex_byte(c));
        out.append(reinterpret_cast<const char*>(p_), len);
        p_ += len;
      }
    }
  }

  void parse_escape(std::string& out) {
    const auto at = p_;
    ++p_;  // '\\'
    if (p_ == end_)
      fail(ErrorCategory::invalid_input, "json_malformed",
           "unexpected end of text inside a string");
    switch (*p_++) {
      case '"':
        out.push_back('"');
        return;
      case '\\':
        out.push_back('\\');
        return;
      case '/':
        out.push_back('/');
        return;
      case 'b':
        out.push_back('\b');
        return;
      case 'f':
        out.push_back('\f');
        return;
      case 'n':
        out.push_back('\n');
        return;
      case 'r':
        out.push_back('\r');
        return;
      case 't':
        out.push_back('\t');
        return;
      case 'u':
        break;
      default:
        p_ = at;
        fail(ErrorCategory::invalid_input, "json_malformed", "unknown escape sequence in a string");
    }
    char32_t cp = read_hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      p_ = at;
      fail(ErrorCategory::invalid_input, "json_invalid_utf8",
           "escaped low surrogate without a preceding high surrogate");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') {
        p_ = at;
        fail(ErrorCategory::invalid_input, "json_invalid_utf8",
             "escaped high surrogate not followed by a low surrogate");
      }
      p_ += 2;
      const char32_t low = read_hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        p_ = at;
        fail(ErrorCategory::invalid_input, "json_invalid_utf8",
             "escaped high surrogate not followed by a low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    utf8::append(out, cp);
  }

  char32_t read_hex4() {
    char32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      if (p_ == end_)
        fail(ErrorCategory::invalid_input, "json_malformed",
             "unexpected end of text inside a \\u escape");
      const unsigned char c = *p_;
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        fail(ErrorCategory::invalid_input, "json_malformed",
             "\\u escape needs four hexadecimal digits");
      }
      v = v << 4 | static_cast<char32_t>(d);
      ++p_;
    }
    return v;
  }

  static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

  // Cuts long text for a message, never inside a UTF-8 sequence.
  static std::string shorten(const std::string& s) {
    if (s.size() <= 40) return s;
    std::size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "...";
  }

  // A key quoted in a message: control characters shown as '?', long keys cut.
  static std::string printable(const std::string& key) {
    std::string shown = shorten(key);
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    return shown;
  }

  const unsigned char* const begin_;
  const unsigned char* p_;
  const unsigned char* const end_;
  int depth_ = 0;
};

}  // namespace

nlohmann::json parse_strict(std::string_view text) {
  return Parser(text).parse();
}

}  // namespace hotline::crypto
