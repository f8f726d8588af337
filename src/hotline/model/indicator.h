// Indicators of compromise: what a case's indicators may be, their one
// written form, and how a value looked up matches them. Pure: no I/O, no
// clock. The type tokens are STIX 2.1's cyber-observable names where STIX has
// one, so export and import map one to one.
//
//   type token           value (normalized form)
//   "ipv4-addr"          "192.0.2.1" or a range "192.0.2.0/24" (host bits zero)
//   "ipv6-addr"          RFC 5952 text "2001:db8::1" or "2001:db8::/32"
//   "domain-name"        "mail.example.org": lowercase, no trailing dot, two
//                        labels or more of [a-z0-9-_] (IDNA A-labels
//                        "xn--..." for other scripts), 1..253 bytes
//   "url"                absolute http, https, ftp or ftps URL; scheme and host
//                        lowercased, the rest as given (no spaces, no controls)
//   "email-addr"         "local@example.org": the domain part lowercased
//   "md5" "sha1" "sha256"  32, 40, 64 lowercase hex digits (a file's hash)
//   "file-name"          a file name without a directory: no '/', '\\', NUL
//                        or control character, not "." or "..", 1..255 bytes
//   "autonomous-system"  "AS64500" (1..4294967295)
//
// Errors: hotline::Error "indicator_invalid" naming the type, what was
// expected and what was found (the found text escaped and cut short).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "hotline/common/time.h"
#include "hotline/model/labels.h"

namespace hotline::model {

inline constexpr std::array<std::string_view, 10> kIndicatorTypes{
    "ipv4-addr", "ipv6-addr", "domain-name", "url",       "email-addr",
    "md5",       "sha1",      "sha256",      "file-name", "autonomous-system"};

bool is_indicator_type(std::string_view type);

// The normalized form of `value` as an indicator of `type` (table above), or
// throws indicator_invalid. Accepted beyond the normal form: uppercase hex,
// uppercase domains and schemes, a trailing dot on a domain, "as64500" or
// "64500" for an AS, IPv6 in any RFC 4291 text form, a range whose host bits
// are set (refused: "192.0.2.1/24" is ambiguous, say "192.0.2.0/24").
std::string normalize_indicator(std::string_view type, std::string_view value);

// The type a bare value most likely is ("198.51.100.7" -> "ipv4-addr",
// "https://x" -> "url", 64 hex -> "sha256", "a@b.org" -> "email-addr",
// "AS64500" -> "autonomous-system", "evil.example" -> "domain-name"); nullopt
// when none fits. File names and bare numbers are never guessed.
std::optional<std::string> guess_indicator_type(std::string_view value);

// Whether looking up `query` (type, normalized value) finds the indicator
// (type, normalized value):
// - the same type and value;
// - a domain finds the indicator of any domain it is a subdomain of
//   ("a.evil.example" finds "evil.example", not "notevil.example");
// - an address finds every range of its family that contains it, and a
//   range finds the ranges that contain it whole;
// - a URL's or an e-mail address's host finds nothing by itself here (the
//   caller may look the host up as a domain).
bool indicator_matches(std::string_view indicator_type, std::string_view indicator_value,
                       std::string_view query_type, std::string_view query_value);

// A network range, for stores that index ranges: the first and last address
// as 16 bytes each (IPv4 mapped into ::ffff:0:0/96), big-endian, so that
// "contains" is a byte-wise comparison. nullopt for types other than
// ipv4-addr and ipv6-addr.
struct AddressSpan {
  std::array<unsigned char, 16> first{};
  std::array<unsigned char, 16> last{};
};
std::optional<AddressSpan> address_span(std::string_view type, std::string_view value);

}  // namespace hotline::model
