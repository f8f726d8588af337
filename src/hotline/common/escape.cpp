#include "hotline/common/escape.h"

#include <cstdint>
#include <cstdio>

namespace hotline {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (at(i + k) & 0x3F);
  }
  const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// The code point of a valid sequence of length n at s[i].
std::uint32_t code_point(std::string_view s, std::size_t i, std::size_t n) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  if (n == 1) return at(i);
  std::uint32_t cp = at(i) & (0xFFu >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (at(i + k) & 0x3F);
  return cp;
}

// C0, DEL, C1, and the bidirectional embeddings, overrides and isolates.
bool unsafe_code_point(std::uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

void append_hex(std::string& out, const char* format, std::uint32_t v) {
  char buf[12];
  std::snprintf(buf, sizeof buf, format, static_cast<unsigned>(v));
  out += buf;
}

std::string escape(std::string_view s, std::size_t max_bytes, bool keep_lines) {
  const bool cut = s.size() > max_bytes;
  if (cut) s = s.substr(0, max_bytes);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      append_hex(out, "\\x%02x", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    const std::uint32_t cp = code_point(s, i, n);
    if (keep_lines && (cp == '\n' || cp == '\t')) {
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (!keep_lines && (cp == '\\' || cp == '"')) {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp < 0x80 && unsafe_code_point(cp)) {
      append_hex(out, "\\x%02x", cp);
    } else if (unsafe_code_point(cp)) {
      append_hex(out, "\\u%04X", cp);
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  if (cut) out += "...";
  return out;
}

}  // namespace

std::string escape_text(std::string_view s, std::size_t max_bytes) {
  return escape(s, max_bytes, false);
}

std::string escape_lines(std::string_view s) {
  return escape(s, kEscapeUnlimited, true);
}

bool has_unsafe_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return true;
    const std::uint32_t cp = code_point(s, i, n);
    if (cp != '\n' && cp != '\t' && unsafe_code_point(cp)) return true;
    i += n;
  }
  return false;
}

void html_escape_into(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  html_escape_into(out, s);
  return out;
}

}  // namespace hotline
