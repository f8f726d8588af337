// Canonical JSON for signing: RFC 8785 (JSON Canonicalization Scheme)
// restricted to the float-free subset.
//
// Envelopes and receipts are signed over their canonical bytes, so both
// nodes must turn the same value into the same bytes. RFC 8785 fixes the
// text; leaving out floating-point numbers removes its one hard part (the
// ECMAScript number printer) and every cross-language rounding dispute.
// Integers must fit in ±(2^53-1) so that any JSON reader (including a
// browser's) holds them exactly.
//
// Errors are hotline::Error with these codes:
//   json_float          a number with a fraction or exponent (1.0, 1e2, -0.5)
//   json_integer_range  an integer outside ±(2^53-1)
//   json_invalid_utf8   ill-formed UTF-8, or an escaped lone surrogate
//   json_duplicate_key  a key repeated in one object (compared after unescaping)
//   json_too_deep       more than kMaxDepth nested arrays/objects
//   json_malformed      anything else that is not one JSON value
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hotline::crypto {

// The largest integer magnitude I-JSON (RFC 7493) and RFC 8785 allow: the
// parser refuses and the writer never produces anything beyond ±(2^53 - 1).
inline constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

// Arrays and objects may nest this deep; one more level is json_too_deep.
inline constexpr int kMaxDepth = 64;

// Parses JSON text meant for signing, rejecting everything listed above.
// Whitespace is JSON's (space, tab, LF, CR); no byte-order mark.
// Non-negative integers come back as number_unsigned, negative ones as
// number_integer (as nlohmann::json::parse does). "-0" is the integer 0.
nlohmann::json parse_strict(std::string_view text);

// RFC 8785 serialization: object members sorted by the UTF-16 code units
// of their keys, strings escaped as ECMAScript JSON.stringify does, no
// whitespace. Throws json_float, json_integer_range, json_invalid_utf8 or
// json_too_deep for values that cannot be canonical; json_malformed for
// nlohmann's binary and discarded values.
std::string canonicalize(const nlohmann::json& value);

// Pieces of canonical JSON appended to `out`, for writers of objects whose
// member names are fixed and written in RFC 8785 order by the caller (an
// envelope, a receipt): they make the same bytes as canonicalize() without
// building and copying a JSON tree per object. `depth` is the nesting level
// `value` sits at (0 for a top-level value), so kMaxDepth holds as it would
// for the whole object. Errors as for canonicalize().
void append_canonical(std::string& out, const nlohmann::json& value, int depth);
void append_canonical_string(std::string& out, std::string_view s);
// `lead` as it is (the punctuation and member name before a value, already
// canonical: `,"seq":`), then the value.
void append_canonical_member(std::string& out, std::string_view lead, std::string_view value);
void append_canonical_member(std::string& out, std::string_view lead, std::int64_t value);

// True when `text` is exactly canonicalize(parse_strict(text)); false when
// it differs or does not parse.
bool is_canonical(std::string_view text);

}  // namespace hotline::crypto
