// Hex and base64url (RFC 4648 section 5, no padding) for keys, digests and
// signatures. Decoders are strict: any character outside the alphabet, a
// wrong length or (base64url) non-zero trailing bits throws hotline::Error
// with code "encoding_invalid".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hotline {

std::string to_hex(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> from_hex(std::string_view hex);

std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> base64url_decode(std::string_view text);

// Base64 (RFC 4648 section 4, "+/" and "=" padding), as MIME bodies and SMTP
// AUTH use it. No line breaks.
std::string base64_encode(std::string_view bytes);

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace hotline
