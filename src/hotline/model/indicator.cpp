#include "hotline/model/indicator.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "hotline/common/ascii.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"

namespace hotline::model {
namespace indicator_impl {  // named: unity builds join this file with others
namespace {

constexpr std::size_t kMaxValue = 2048;
constexpr std::size_t kShownBytes = 80;

[[noreturn]] void invalid(std::string_view type, std::string_view expected,
                          std::string_view found) {
  throw Error(ErrorCategory::invalid_input, "indicator_invalid",
              std::string(type) + " indicator: expected " + std::string(expected) + ", found \"" +
                  escape_text(found, kShownBytes) + "\"");
}

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}
bool is_hex(char ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}
// Printable ASCII or any byte of a multi-byte UTF-8 sequence; no space.
bool is_visible(char ch) {
  auto u = static_cast<unsigned char>(ch);
  return u > 0x20 && u != 0x7f;
}

std::optional<unsigned> parse_uint(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v > max) return std::nullopt;
  return static_cast<unsigned>(v);
}

// ---- addresses --------------------------------------------------------------

struct Network {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // v4 in the first 4 bytes
  unsigned prefix = 0;                    // 32 or 128 for a single address
};

std::optional<Network> parse_network(std::string_view text, bool v6) {
  std::string_view addr = text;
  std::optional<unsigned> prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    prefix = parse_uint(text.substr(slash + 1), v6 ? 128 : 32);
    if (!prefix) return std::nullopt;
  }
  if (addr.empty() || addr.size() > 45) return std::nullopt;
  Network n;
  n.v6 = v6;
  std::string z(addr);
  if (inet_pton(v6 ? AF_INET6 : AF_INET, z.c_str(), n.bytes.data()) != 1) return std::nullopt;
  n.prefix = prefix.value_or(v6 ? 128 : 32);
  return n;
}

bool host_bits_zero(const Network& n) {
  unsigned total = n.v6 ? 128 : 32;
  for (unsigned bit = n.prefix; bit < total; ++bit)
    if (n.bytes[bit / 8] & (0x80u >> (bit % 8))) return false;
  return true;
}

std::string network_text(const Network& n) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(n.v6 ? AF_INET6 : AF_INET, n.bytes.data(), buf, sizeof buf);
  std::string out = buf;
  if (n.prefix != (n.v6 ? 128u : 32u)) out += "/" + std::to_string(n.prefix);
  return out;
}

std::string normalize_address(std::string_view type, std::string_view value, bool v6) {
  auto n = parse_network(value, v6);
  if (!n)
    invalid(type,
            v6 ? "an IPv6 address or range such as 2001:db8::1 or 2001:db8::/32"
               : "an IPv4 address or range such as 192.0.2.1 or 192.0.2.0/24",
            value);
  if (!host_bits_zero(*n))
    invalid(type, "a range whose address has no bits set after the prefix (e.g. 192.0.2.0/24)",
            value);
  return network_text(*n);
}

AddressSpan span_of(const Network& n) {
  AddressSpan s;
  unsigned offset = 0;
  if (!n.v6) {
    s.first[10] = s.first[11] = 0xff;
    std::copy_n(n.bytes.begin(), 4, s.first.begin() + 12);
    offset = 96;
  } else {
    s.first = n.bytes;
  }
  s.last = s.first;
  for (unsigned bit = offset + n.prefix; bit < 128; ++bit)
    s.last[bit / 8] |= static_cast<unsigned char>(0x80u >> (bit % 8));
  return s;
}

// ---- names ------------------------------------------------------------------

// A domain name already lowercased, without a trailing dot: two labels or
// more, each 1..63 of [a-z0-9-_] not starting or ending with '-', the last
// not all digits.
bool is_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t labels = 0;
  std::string_view last;
  while (!d.empty()) {
    auto dot = d.find('.');
    std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    if (!std::all_of(label.begin(), label.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '-' || ch == '_';
        }))
      return false;
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
    if (d.empty()) return false;  // "a..b" or a trailing dot left over
  }
  return labels >= 2 && !std::all_of(last.begin(), last.end(), is_digit);
}

std::string normalize_domain(std::string_view type, std::string_view value) {
  std::string d = ascii_lower(value);
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (!is_domain(d))
    invalid(type,
            "a domain name of two labels or more, letters, digits, '-' and '_' "
            "(IDNA A-labels for other scripts), such as mail.example.org",
            value);
  return d;
}

std::string normalize_url(std::string_view type, std::string_view value) {
  auto sep = value.find("://");
  std::string scheme = ascii_lower(value.substr(0, sep));
  bool known = scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ftps";
  if (sep == std::string_view::npos || !known || value.size() > kMaxValue ||
      !std::all_of(value.begin(), value.end(), is_visible))
    invalid(type, "an absolute http, https, ftp or ftps URL without spaces, up to 2048 bytes",
            value);
  std::string_view rest = value.substr(sep + 3);
  std::size_t host_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, host_end);
  std::size_t at = authority.rfind('@');
  std::string_view userinfo =
      at == std::string_view::npos ? std::string_view{} : authority.substr(0, at + 1);
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.empty() || host.front() == ':') invalid(type, "a URL with a host", value);
  return scheme + "://" + std::string(userinfo) + ascii_lower(host) +
         std::string(rest.substr(host_end));
}

std::string normalize_email(std::string_view type, std::string_view value) {
  auto at = value.rfind('@');
  std::string_view local = value.substr(0, at == std::string_view::npos ? 0 : at);
  bool ok = at != std::string_view::npos && !local.empty() && local.size() <= 64 &&
            std::all_of(local.begin(), local.end(), is_visible);
  std::string domain = ok ? ascii_lower(value.substr(at + 1)) : std::string{};
  if (!ok || !is_domain(domain))
    invalid(type, "an e-mail address such as officer@example.org", value);
  return std::string(local) + "@" + domain;
}

std::string normalize_hash(std::string_view type, std::string_view value, std::size_t digits) {
  if (value.size() != digits || !std::all_of(value.begin(), value.end(), is_hex))
    invalid(type, std::to_string(digits) + " hexadecimal digits", value);
  return ascii_lower(value);
}

std::string normalize_file_name(std::string_view type, std::string_view value) {
  bool ok = !value.empty() && value.size() <= 255 && value != "." && value != ".." &&
            std::none_of(value.begin(), value.end(), [](char ch) {
              auto u = static_cast<unsigned char>(ch);
              return ch == '/' || ch == '\\' || u < 0x20 || u == 0x7f;
            });
  if (!ok)
    invalid(type,
            "a file name without a folder: no '/', '\\' or control character, "
            "not \".\" or \"..\", 1 to 255 bytes",
            value);
  return std::string(value);
}

std::string normalize_asn(std::string_view type, std::string_view value) {
  std::string_view digits = value;
  if (digits.size() > 2 && ascii_lower(digits[0]) == 'a' && ascii_lower(digits[1]) == 's')
    digits.remove_prefix(2);
  auto n = parse_uint(digits, 4294967295u);
  if (!n || *n == 0) invalid(type, "an AS number such as AS64500 (1 to 4294967295)", value);
  return "AS" + std::to_string(*n);
}

}  // namespace
}  // namespace indicator_impl

bool is_indicator_type(std::string_view type) {
  return std::find(kIndicatorTypes.begin(), kIndicatorTypes.end(), type) != kIndicatorTypes.end();
}

std::string normalize_indicator(std::string_view type, std::string_view value) {
  if (!is_indicator_type(type))
    throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                "indicator type: expected one of ipv4-addr, ipv6-addr, domain-name, url, "
                "email-addr, md5, sha1, sha256, file-name, autonomous-system, found \"" +
                    escape_text(type, indicator_impl::kShownBytes) + "\"");
  if (type == "ipv4-addr") return indicator_impl::normalize_address(type, value, false);
  if (type == "ipv6-addr") return indicator_impl::normalize_address(type, value, true);
  if (type == "domain-name") return indicator_impl::normalize_domain(type, value);
  if (type == "url") return indicator_impl::normalize_url(type, value);
  if (type == "email-addr") return indicator_impl::normalize_email(type, value);
  if (type == "md5") return indicator_impl::normalize_hash(type, value, 32);
  if (type == "sha1") return indicator_impl::normalize_hash(type, value, 40);
  if (type == "sha256") return indicator_impl::normalize_hash(type, value, 64);
  if (type == "file-name") return indicator_impl::normalize_file_name(type, value);
  return indicator_impl::normalize_asn(type, value);
}

std::optional<std::string> guess_indicator_type(std::string_view value) {
  constexpr std::array<std::string_view, 9> kOrder{"url",       "email-addr",  "ipv4-addr",
                                                   "ipv6-addr", "md5",         "sha1",
                                                   "sha256",    "domain-name", "autonomous-system"};
  for (std::string_view type : kOrder) {
    if (type == "autonomous-system" && !(value.size() > 2 && ascii_lower(value[0]) == 'a'))
      continue;  // a bare number is not guessed to be an AS
    try {
      normalize_indicator(type, value);
      return std::string(type);
    } catch (const Error&) {
    }
  }
  return std::nullopt;
}

std::optional<AddressSpan> address_span(std::string_view type, std::string_view value) {
  if (type != "ipv4-addr" && type != "ipv6-addr") return std::nullopt;
  auto n = indicator_impl::parse_network(value, type == "ipv6-addr");
  if (!n) return std::nullopt;
  return indicator_impl::span_of(*n);
}

bool indicator_matches(std::string_view indicator_type, std::string_view indicator_value,
                       std::string_view query_type, std::string_view query_value) {
  if (indicator_type != query_type) return false;
  if (indicator_value == query_value) return true;
  if (query_type == "domain-name")
    return query_value.size() > indicator_value.size() && query_value.ends_with(indicator_value) &&
           query_value[query_value.size() - indicator_value.size() - 1] == '.';
  auto range = address_span(indicator_type, indicator_value);
  auto query = address_span(query_type, query_value);
  return range && query && range->first <= query->first && query->last <= range->last;
}

}  // namespace hotline::model
