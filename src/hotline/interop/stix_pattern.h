// STIX 2.1 patterns for case indicators: one pattern per indicator, written
// with the quoting of the STIX patterning grammar, and the simple patterns
// read back.
//
//   "ipv4-addr"   [ipv4-addr:value = '192.0.2.0/24']     (also ipv6-addr,
//                 domain-name, url, email-addr: <type>:value)
//   "md5"         [file:hashes.MD5 = '...']
//   "sha1"        [file:hashes.'SHA-1' = '...']
//   "sha256"      [file:hashes.'SHA-256' = '...']
//   "file-name"   [file:name = '...']
//   "autonomous-system"  [autonomous-system:number = 64500]
//
// Reading accepts one comparison of those forms, or several joined by OR,
// either inside one observation ("[a = 'x' OR b = 'y']") or as observations
// ("[a = 'x'] OR [b = 'y']"); hash names also unquoted or without the dash
// (hashes.SHA256). Any other pattern that is valid STIX patterning (AND,
// FOLLOWEDBY, qualifiers, other operators or properties) is "unsupported":
// not an error, the caller keeps the object as it is. Text that is not a
// pattern at all throws. The values come back as written: the caller
// normalizes them (model/indicator.h).
//
// Errors: hotline::Error "stix_pattern_invalid" naming the object id,
// "pattern", what was expected and what was found (escaped, cut short).
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hotline::interop {

// The pattern of one indicator (a kIndicatorTypes token and its normalized
// value). Throws hotline::Error "stix_pattern_invalid" for a type outside
// the table or an AS value that is not "AS<number>".
std::string stix_pattern(std::string_view type, std::string_view value);

// A STIX string literal: 'text' with ' and \ escaped by a backslash.
std::string stix_string_literal(std::string_view text);

struct PatternTerm {
  std::string type;   // a kIndicatorTypes token
  std::string value;  // as written in the pattern ("AS64500" for an AS)
  bool operator==(const PatternTerm&) const = default;
};

struct ParsedPattern {
  bool supported = false;          // false: valid, but not of the forms above
  std::vector<PatternTerm> terms;  // when supported: one or more
};

// Parses `pattern` (the pattern property of the object `object_id`).
ParsedPattern parse_stix_pattern(std::string_view pattern, std::string_view object_id);

}  // namespace hotline::interop
