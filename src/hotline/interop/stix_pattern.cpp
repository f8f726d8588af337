#include "hotline/interop/stix_pattern.h"

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"

namespace hotline::interop {
namespace {

[[noreturn]] void pattern_error(std::string_view object_id, const std::string& what) {
  throw Error(ErrorCategory::invalid_input, "stix_pattern_invalid",
              "object " + escape_text(object_id, 120) + ": \"pattern\": " + what);
}

struct TypePath {
  std::string_view type;
  std::string_view object;
  std::string_view path;  // as written by stix_pattern()
};
constexpr TypePath kPaths[] = {
    {"ipv4-addr", "ipv4-addr", "value"},     {"ipv6-addr", "ipv6-addr", "value"},
    {"domain-name", "domain-name", "value"}, {"url", "url", "value"},
    {"email-addr", "email-addr", "value"},   {"md5", "file", "hashes.MD5"},
    {"sha1", "file", "hashes.'SHA-1'"},      {"sha256", "file", "hashes.'SHA-256'"},
    {"file-name", "file", "name"},
};

// ---- lexer -----------------------------------------------------------------

enum class Tok {
  lbrack,
  rbrack,
  lparen,
  rparen,
  colon,
  dot,
  comma,
  star,
  op,
  ident,
  string,
  integer,
  real,
  timestamp,
  hex,
  binary,
  end
};

struct Token {
  Tok kind = Tok::end;
  std::string text;  // identifier, operator, or the unescaped literal
  std::size_t at = 0;
};

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::end:
      return "the end of the pattern";
    case Tok::string:
      return "the string '" + escape_text(t.text, 40) + "'";
    default:
      return "\"" + escape_text(t.text, 40) + "\"";
  }
}

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view object_id) : s_(text), id_(object_id) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      while (i_ < s_.size() &&
             (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
        ++i_;
      }
      if (i_ >= s_.size()) {
        out.push_back(Token{Tok::end, "", i_});
        return out;
      }
      out.push_back(next());
    }
  }

 private:
  Token next() {
    const std::size_t at = i_;
    const char c = s_[i_];
    auto single = [&](Tok k) {
      ++i_;
      return Token{k, std::string(1, c), at};
    };
    switch (c) {
      case '[':
        return single(Tok::lbrack);
      case ']':
        return single(Tok::rbrack);
      case '(':
        return single(Tok::lparen);
      case ')':
        return single(Tok::rparen);
      case ':':
        return single(Tok::colon);
      case ',':
        return single(Tok::comma);
      case '*':
        return single(Tok::star);
      case '\'':
        return Token{Tok::string, quoted(), at};
      case '=':
        return single(Tok::op);
      case '!':
      case '<':
      case '>':
        return comparison_op();
      default:
        break;
    }
    if (c == '.' && !(i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
      return single(Tok::dot);
    }
    if ((c == 't' || c == 'h' || c == 'b') && i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
      ++i_;
      std::string body = quoted();
      return Token{c == 't' ? Tok::timestamp : c == 'h' ? Tok::hex : Tok::binary, body, at};
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return identifier();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.') return number();
    pattern_error(id_, "expected a STIX pattern token, found " + escape_text(s_.substr(at, 1)) +
                           " at offset " + std::to_string(at));
  }

  Token comparison_op() {
    const std::size_t at = i_;
    std::string op(1, s_[i_++]);
    if (i_ < s_.size() && s_[i_] == '=') op += s_[i_++];
    if (op == "!")
      pattern_error(id_, "expected \"!=\", found \"!\" at offset " + std::to_string(at));
    return Token{Tok::op, op, at};
  }

  std::string quoted() {
    const std::size_t at = i_;
    ++i_;  // the opening quote
    std::string out;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '\'') return out;
      if (c == '\\') {
        if (i_ < s_.size() && (s_[i_] == '\'' || s_[i_] == '\\')) {
          out += s_[i_++];
          continue;
        }
        pattern_error(id_, "expected \\' or \\\\ after a backslash in a string, found " +
                               escape_text(s_.substr(i_ - 1, 2)) + " at offset " +
                               std::to_string(i_ - 1));
      }
      out += c;
    }
    pattern_error(id_, "expected a closing quote for the string at offset " + std::to_string(at) +
                           ", found the end of the pattern");
  }

  Token identifier() {
    const std::size_t at = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-')) {
      ++i_;
    }
    return Token{Tok::ident, std::string(s_.substr(at, i_ - at)), at};
  }

  Token number() {
    const std::size_t at = i_;
    if (s_[i_] == '-' || s_[i_] == '+') ++i_;
    bool digits = false;
    bool dot = false;
    while (i_ < s_.size()) {
      if (std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        digits = true;
      } else if (s_[i_] == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
      ++i_;
    }
    std::string text(s_.substr(at, i_ - at));
    if (!digits) {
      pattern_error(id_, "expected a number, found \"" + escape_text(text) + "\" at offset " +
                             std::to_string(at));
    }
    return Token{dot ? Tok::real : Tok::integer, text, at};
  }

  std::string_view s_;
  std::string_view id_;
  std::size_t i_ = 0;
};

// ---- parser ----------------------------------------------------------------

constexpr int kMaxNesting = 32;

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string_view object_id)
      : t_(std::move(tokens)), id_(object_id) {}

  ParsedPattern run() {
    observation_expressions(0);
    if (peek().kind != Tok::end) fail("OR, AND, FOLLOWEDBY or the end of the pattern");
    ParsedPattern out;
    out.supported = simple_ && !terms_.empty();
    if (out.supported) out.terms = std::move(terms_);
    return out;
  }

 private:
  const Token& peek() const { return t_[i_]; }
  const Token& take() {
    const Token& t = t_[i_];
    if (t.kind != Tok::end) ++i_;
    return t;
  }
  bool keyword(std::string_view word) const {
    return peek().kind == Tok::ident && peek().text == word;
  }
  [[noreturn]] void fail(const std::string& expected) const {
    pattern_error(id_, "expected " + expected + ", found " + describe(peek()) + " at offset " +
                           std::to_string(peek().at));
  }
  void expect(Tok kind, const char* what) {
    if (peek().kind != kind) fail(what);
    take();
  }
  void deeper(int depth) const {
    if (depth > kMaxNesting) {
      fail("at most " + std::to_string(kMaxNesting) + " nested brackets or parentheses");
    }
  }

  // observationExpressions: FOLLOWEDBY < OR < AND, all left-associative.
  void observation_expressions(int depth) {
    observation_or(depth);
    while (keyword("FOLLOWEDBY")) {
      take();
      simple_ = false;
      observation_or(depth);
    }
  }
  void observation_or(int depth) {
    observation_and(depth);
    while (keyword("OR")) {
      take();
      observation_and(depth);
    }
  }
  void observation_and(int depth) {
    observation(depth);
    while (keyword("AND")) {
      take();
      simple_ = false;
      observation(depth);
    }
  }
  void observation(int depth) {
    deeper(depth);
    if (peek().kind == Tok::lbrack) {
      take();
      comparison_or(depth + 1);
      expect(Tok::rbrack, "\"]\", OR or AND");
    } else if (peek().kind == Tok::lparen) {
      take();
      simple_ = false;
      observation_expressions(depth + 1);
      expect(Tok::rparen, "\")\"");
    } else {
      fail("\"[\" or \"(\" (an observation expression)");
    }
    qualifiers();
  }
  void qualifiers() {
    for (;;) {
      if (keyword("START")) {
        take();
        expect(Tok::timestamp, "a timestamp t'...' after START");
        if (!keyword("STOP")) fail("STOP after START t'...'");
        take();
        expect(Tok::timestamp, "a timestamp t'...' after STOP");
      } else if (keyword("WITHIN")) {
        take();
        if (peek().kind != Tok::integer && peek().kind != Tok::real) fail("a number after WITHIN");
        take();
        if (!keyword("SECONDS")) fail("SECONDS after WITHIN <number>");
        take();
      } else if (keyword("REPEATS")) {
        take();
        expect(Tok::integer, "an integer after REPEATS");
        if (!keyword("TIMES")) fail("TIMES after REPEATS <integer>");
        take();
      } else {
        return;
      }
      simple_ = false;
    }
  }

  void comparison_or(int depth) {
    comparison_and(depth);
    while (keyword("OR")) {
      take();
      comparison_and(depth);
    }
  }
  void comparison_and(int depth) {
    property_test(depth);
    while (keyword("AND")) {
      take();
      simple_ = false;
      property_test(depth);
    }
  }
  void property_test(int depth) {
    deeper(depth);
    if (peek().kind == Tok::lparen) {
      take();
      simple_ = false;
      comparison_or(depth + 1);
      expect(Tok::rparen, "\")\", OR or AND");
      return;
    }
    if (keyword("EXISTS")) {
      take();
      simple_ = false;
      object_path();
      return;
    }
    const std::optional<std::string> type = object_path();
    bool negated = false;
    if (keyword("NOT")) {
      take();
      negated = true;
    }
    if (peek().kind == Tok::op) {
      const std::string op = take().text;
      const Token value = literal();
      if (op == "=" && !negated && type) {
        term(*type, value);
      } else {
        simple_ = false;
      }
      return;
    }
    simple_ = false;
    if (keyword("IN")) {
      take();
      set_literal();
    } else if (keyword("LIKE") || keyword("MATCHES") || keyword("ISSUBSET") ||
               keyword("ISSUPERSET")) {
      take();
      expect(Tok::string, "a string literal");
    } else {
      fail("a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)");
    }
  }

  void term(const std::string& type, const Token& value) {
    if (type == "autonomous-system") {
      if (value.kind != Tok::integer) {
        simple_ = false;
        return;
      }
      terms_.push_back(PatternTerm{type, "AS" + value.text});
      return;
    }
    if (value.kind != Tok::string) {
      simple_ = false;
      return;
    }
    terms_.push_back(PatternTerm{type, value.text});
  }

  Token literal() {
    switch (peek().kind) {
      case Tok::string:
      case Tok::integer:
      case Tok::real:
      case Tok::timestamp:
      case Tok::hex:
      case Tok::binary:
        return take();
      case Tok::ident:
        if (peek().text == "true" || peek().text == "false") return take();
        break;
      default:
        break;
    }
    fail("a literal (a 'string', a number, true, false, t'...', h'...' or b'...')");
  }

  void set_literal() {
    expect(Tok::lparen, "\"(\" opening a set of literals");
    if (peek().kind == Tok::rparen) {
      take();
      return;
    }
    literal();
    while (peek().kind == Tok::comma) {
      take();
      literal();
    }
    expect(Tok::rparen, "\",\" or \")\" in a set of literals");
  }

  // objectType ':' component ('.' component | '[' index ']')*; the indicator
  // type it names, when it is one of kPaths (or an AS number).
  std::optional<std::string> object_path() {
    if (peek().kind != Tok::ident) fail("an object path such as ipv4-addr:value");
    const std::string object = take().text;
    expect(Tok::colon, "\":\" after the object type");
    std::vector<std::string> parts;
    bool plain = true;
    if (peek().kind != Tok::ident && peek().kind != Tok::string) fail("a property name");
    parts.push_back(take().text);
    for (;;) {
      if (peek().kind == Tok::dot) {
        take();
        if (peek().kind != Tok::ident && peek().kind != Tok::string) fail("a property name");
        parts.push_back(take().text);
      } else if (peek().kind == Tok::lbrack &&
                 (t_[i_ + 1].kind == Tok::integer || t_[i_ + 1].kind == Tok::star)) {
        take();
        take();
        expect(Tok::rbrack, "\"]\" closing a list index");
        plain = false;
      } else {
        break;
      }
    }
    if (!plain) return std::nullopt;
    return indicator_type_of(object, parts);
  }

  static std::optional<std::string> indicator_type_of(const std::string& object,
                                                      const std::vector<std::string>& parts) {
    if (object == "autonomous-system" && parts.size() == 1 && parts[0] == "number") {
      return "autonomous-system";
    }
    if (object == "file" && parts.size() == 1 && parts[0] == "name") return "file-name";
    if (object == "file" && parts.size() == 2 && parts[0] == "hashes") {
      std::string h;
      for (char c : parts[1]) {
        if (c != '-') h += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      if (h == "MD5") return "md5";
      if (h == "SHA1") return "sha1";
      if (h == "SHA256") return "sha256";
      return std::nullopt;
    }
    if (parts.size() == 1 && parts[0] == "value") {
      for (const TypePath& p : kPaths) {
        if (p.object == object && p.path == "value") return std::string(p.type);
      }
    }
    return std::nullopt;
  }

  std::vector<Token> t_;
  std::string_view id_;
  std::size_t i_ = 0;
  bool simple_ = true;
  std::vector<PatternTerm> terms_;
};

}  // namespace

std::string stix_string_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string stix_pattern(std::string_view type, std::string_view value) {
  if (type == "autonomous-system") {
    const std::string_view digits =
        value.size() > 2 && (value.substr(0, 2) == "AS") ? value.substr(2) : std::string_view{};
    for (char c : digits) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        pattern_error("(export)", "expected an AS number \"AS<digits>\", found \"" +
                                      escape_text(value, 40) + "\"");
      }
    }
    if (digits.empty()) {
      pattern_error("(export)", "expected an AS number \"AS<digits>\", found \"" +
                                    escape_text(value, 40) + "\"");
    }
    return "[autonomous-system:number = " + std::string(digits) + "]";
  }
  for (const TypePath& p : kPaths) {
    if (p.type == type) {
      return "[" + std::string(p.object) + ":" + std::string(p.path) + " = " +
             stix_string_literal(value) + "]";
    }
  }
  pattern_error("(export)", "expected an indicator type of model/indicator.h, found \"" +
                                escape_text(type, 40) + "\"");
}

ParsedPattern parse_stix_pattern(std::string_view pattern, std::string_view object_id) {
  return Parser(Lexer(pattern, object_id).run(), object_id).run();
}

}  // namespace hotline::interop
