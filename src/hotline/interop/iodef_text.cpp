// The text helpers of iodef_xml.h: XML-safe text, base64, xs:dateTime.
#include <array>
#include <charconv>
#include <chrono>

#include "hotline/interop/iodef_xml.h"

namespace hotline::interop::xml {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// XML 1.0 characters, less DEL and the C1 controls (allowed, but
// "discouraged", and a terminal may act on them when the export is printed).
bool xml_char(char32_t cp) {
  if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  if (cp >= 0x7F && cp <= 0x9F) return false;
  return cp != 0xFFFE && cp != 0xFFFF;
}

char32_t decode_at(std::string_view text, std::size_t i, std::size_t len) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + i;
  if (len == 1) return p[0];
  if (len == 2) return (char32_t{p[0]} & 0x1F) << 6 | (p[1] & 0x3F);
  if (len == 3) return (char32_t{p[0]} & 0x0F) << 12 | (char32_t{p[1]} & 0x3F) << 6 | (p[2] & 0x3F);
  return (char32_t{p[0]} & 0x07) << 18 | (char32_t{p[1]} & 0x3F) << 12 |
         (char32_t{p[2]} & 0x3F) << 6 | (p[3] & 0x3F);
}

std::size_t sequence_length(std::string_view text, std::size_t i) {
  auto bad = first_bad_utf8(text.substr(i, 4));
  const auto b = static_cast<unsigned char>(text[i]);
  const std::size_t want = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  if (bad && *bad < want) return 0;
  return want;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string xml_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = sequence_length(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (xml_char(decode_at(text, i, len))) {
      out.append(text.substr(i, len));
    } else {
      out += kReplacement;
    }
    i += len;
  }
  return out;
}

std::string base64_encode(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t n = std::uint32_t{bytes[i]} << 16 |
                            (i + 1 < bytes.size() ? std::uint32_t{bytes[i + 1]} << 8 : 0) |
                            (i + 2 < bytes.size() ? bytes[i + 2] : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') clean += c;
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < clean.size(); i += 4) {
    std::uint32_t n = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = clean[i + k];
      if (c == '=' && i + 4 == clean.size() && k >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      const auto pos = kAlphabet.find(c);
      if (pos == std::string_view::npos || pad > 0) return std::nullopt;
      n = n << 6 | static_cast<std::uint32_t>(pos);
    }
    out.push_back(static_cast<std::uint8_t>(n >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(n >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(n));
  }
  return out;
}

std::optional<TimePoint> parse_datetime(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  int ms = 0;
  if (i < s.size() && s[i] == '.') {
    int scale = 100;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
      ms += (s[i] - '0') * scale;
    }
  }
  int offset_min = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, om)) {
      return std::nullopt;
    }
    offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                        std::chrono::day{unsigned(d)}};
  if (i != s.size() || !ymd.ok() || h > 24 || mi > 59 || sec > 60) return std::nullopt;
  const auto t = std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                 std::chrono::seconds{sec} + std::chrono::milliseconds{ms} -
                 std::chrono::minutes{offset_min};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
}

}  // namespace hotline::interop::xml
