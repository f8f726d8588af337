// canonicalize: RFC 8785 serialization of the float-free subset.
//
// With floats excluded, RFC 8785 reduces to three rules: no whitespace;
// strings escaped as ECMAScript JSON.stringify does (section 3.2.2.2); and
// object members sorted by the UTF-16 code units of their keys (3.2.3).

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/utf8.h"

namespace hotline::crypto {
namespace {

using nlohmann::json;

// Weight of a code point such that comparing weights orders code points as
// their UTF-16 encodings compare. UTF-16 differs from code point (and UTF-8
// byte) order in one place only: U+E000..U+FFFF are single units above the
// surrogates D800..DFFF that encode U+10000.., so they sort after them.
inline std::uint32_t utf16_weight(char32_t cp) {
  return cp >= 0xE000 && cp <= 0xFFFF ? cp + 0x200000 : cp;
}

// Decodes one code point of a string already known to be well-formed.
inline char32_t next_cp(const unsigned char*& p, const unsigned char* end) {
  if (*p < 0x80) return *p++;
  char32_t cp = 0;
  p += utf8::decode(p, end, &cp);
  return cp;
}

bool utf16_less(const std::string& a, const std::string& b) {
  auto pa = reinterpret_cast<const unsigned char*>(a.data());
  auto pb = reinterpret_cast<const unsigned char*>(b.data());
  const auto ea = pa + a.size();
  const auto eb = pb + b.size();
  while (pa != ea && pb != eb) {
    const char32_t ca = next_cp(pa, ea);
    const char32_t cb = next_cp(pb, eb);
    if (ca != cb) return utf16_weight(ca) < utf16_weight(cb);
  }
  return pa == ea && pb != eb;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void write(const json& v, int depth) {
    switch (v.type()) {
      case json::value_t::null:
        out_ += "null";
        return;
      case json::value_t::boolean:
        out_ += v.get_ref<const json::boolean_t&>() ? "true" : "false";
        return;
      case json::value_t::number_integer:
        write_integer(v.get_ref<const json::number_integer_t&>());
        return;
      case json::value_t::number_unsigned: {
        const auto u = v.get_ref<const json::number_unsigned_t&>();
        if (u > static_cast<std::uint64_t>(kMaxSafeInteger)) range_error(std::to_string(u));
        write_integer(static_cast<std::int64_t>(u));
        return;
      }
      case json::value_t::number_float:
        throw Error(ErrorCategory::invalid_input, "json_float",
                    "cannot canonicalize the floating-point number " + v.dump() +
                        "; signed JSON allows integers only");
      case json::value_t::string:
        write_string(v.get_ref<const json::string_t&>());
        return;
      case json::value_t::array:
        enter(depth);
        write_array(v.get_ref<const json::array_t&>(), depth + 1);
        return;
      case json::value_t::object:
        enter(depth);
        write_object(v.get_ref<const json::object_t&>(), depth + 1);
        return;
      case json::value_t::binary:
      case json::value_t::discarded:
        break;
    }
    throw Error(ErrorCategory::invalid_input, "json_malformed",
                "cannot canonicalize a binary or discarded JSON value");
  }

  void write_integer(std::int64_t i) {
    if (i > kMaxSafeInteger || i < -kMaxSafeInteger) range_error(std::to_string(i));
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, i);
    out_.append(buf, res.ptr);
  }

  // ECMAScript JSON.stringify / RFC 8785 3.2.2.2: escape '"', '\\' and the
  // C0 controls, with the short forms \b \t \n \f \r where they exist and
  // \u00xx (lowercase hex) otherwise. Everything else, including DEL,
  // U+2028 and '/', is written as itself.
  void write_string(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    auto p = reinterpret_cast<const unsigned char*>(s.data());
    const auto end = p + s.size();
    while (p != end) {
      const auto run = p;
      while (p != end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
      out_.append(reinterpret_cast<const char*>(run), p - run);
      if (p == end) break;
      const unsigned char c = *p;
      if (c >= 0x80) {
        char32_t cp;
        const std::size_t len = utf8::decode(p, end, &cp);
        if (len == 0) invalid_utf8(s, p);
        out_.append(reinterpret_cast<const char*>(p), len);
        p += len;
        continue;
      }
      ++p;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\r':
          out_ += "\\r";
          break;
        default: {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out_.append(esc, 6);
        }
      }
    }
    out_.push_back('"');
  }

 private:
  static void enter(int depth) {
    if (depth >= kMaxDepth) {
      throw Error(ErrorCategory::invalid_input, "json_too_deep",
                  "cannot canonicalize: arrays and objects nest more than " +
                      std::to_string(kMaxDepth) + " levels deep");
    }
  }

  [[noreturn]] static void range_error(const std::string& shown) {
    throw Error(
        ErrorCategory::invalid_input, "json_integer_range",
        "cannot canonicalize the integer " + shown + ": outside ±9007199254740991 (±(2^53-1))");
  }

  void write_array(const json::array_t& items, int depth) {
    out_.push_back('[');
    bool first = true;
    for (const auto& item : items) {
      if (!first) out_.push_back(',');
      first = false;
      write(item, depth);
    }
    out_.push_back(']');
  }

  void write_object(const json::object_t& members, int depth) {
    out_.push_back('{');
    // std::map already orders keys by UTF-8 bytes, which is code point
    // order. That equals UTF-16 order unless a key holds a character beyond
    // U+FFFF (a 4-byte sequence, lead byte F0..F4); only then re-sort.
    bool needs_sort = false;
    for (const auto& [key, value] : members) {
      for (unsigned char c : key) {
        if (c >= 0xF0) {
          needs_sort = true;
          break;
        }
      }
      if (needs_sort) break;
    }
    bool first = true;
    auto emit = [&](const std::string& key, const json& value) {
      if (!first) out_.push_back(',');
      first = false;
      write_string(key);
      out_.push_back(':');
      write(value, depth);
    };
    if (!needs_sort) {
      for (const auto& [key, value] : members) emit(key, value);
    } else {
      // Keys are validated before sorting: utf16_less assumes well-formed text.
      for (const auto& [key, value] : members) check_utf8(key);
      std::vector<const json::object_t::value_type*> order;
      order.reserve(members.size());
      for (const auto& member : members) order.push_back(&member);
      std::sort(order.begin(), order.end(),
                [](const auto* a, const auto* b) { return utf16_less(a->first, b->first); });
      for (const auto* m : order) emit(m->first, m->second);
    }
    out_.push_back('}');
  }

  static void check_utf8(std::string_view s) {
    auto p = reinterpret_cast<const unsigned char*>(s.data());
    const auto end = p + s.size();
    while (p != end) {
      if (*p < 0x80) {
        ++p;
        continue;
      }
      char32_t cp;
      const std::size_t len = utf8::decode(p, end, &cp);
      if (len == 0) invalid_utf8(s, p);
      p += len;
    }
  }

  [[noreturn]] static void invalid_utf8(std::string_view s, const unsigned char* at) {
    const auto offset = at - reinterpret_cast<const unsigned char*>(s.data());
    throw Error(ErrorCategory::invalid_input, "json_invalid_utf8",
                "cannot canonicalize a string with ill-formed UTF-8 at byte " +
                    std::to_string(offset) + " of the string");
  }

  std::string& out_;
};

}  // namespace

std::string canonicalize(const nlohmann::json& value) {
  std::string out;
  out.reserve(256);
  Writer(out).write(value, 0);
  return out;
}

void append_canonical(std::string& out, const nlohmann::json& value, int depth) {
  Writer(out).write(value, depth);
}

void append_canonical_string(std::string& out, std::string_view s) {
  Writer(out).write_string(s);
}

void append_canonical_member(std::string& out, std::string_view lead, std::string_view value) {
  out += lead;
  Writer(out).write_string(value);
}

void append_canonical_member(std::string& out, std::string_view lead, std::int64_t value) {
  out += lead;
  Writer(out).write_integer(value);
}

bool is_canonical(std::string_view text) {
  try {
    return canonicalize(parse_strict(text)) == text;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace hotline::crypto
