#include "hotline/common/encoding.h"

#include <array>

#include "hotline/common/error.h"

namespace hotline {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<int, 256> make_b64_table() {
  std::array<int, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kB64[i])] = i;
  return t;
}
constexpr auto kB64Table = make_b64_table();

}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
  // Sized once and written by index: push_back checks capacity per digit,
  // and every hash stored or sent goes through here.
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (auto b : bytes) {
    *p++ = kHex[b >> 4];
    *p++ = kHex[b & 0x0f];
  }
  return out;
}

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                "hex text has an odd number of digits");
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                  "hex text has a character outside 0-9a-f");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  // Sized once and written by index (keys and signatures of every envelope).
  std::string out((bytes.size() * 4 + 2) / 3, '\0');
  char* p = out.data();
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v =
        std::uint32_t{bytes[i]} << 16 | std::uint32_t{bytes[i + 1]} << 8 | bytes[i + 2];
    *p++ = kB64[v >> 18 & 63];
    *p++ = kB64[v >> 12 & 63];
    *p++ = kB64[v >> 6 & 63];
    *p++ = kB64[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    *p++ = kB64[v >> 18 & 63];
    *p++ = kB64[v >> 12 & 63];
  } else if (rest == 2) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16 | std::uint32_t{bytes[i + 1]} << 8;
    *p++ = kB64[v >> 18 & 63];
    *p++ = kB64[v >> 12 & 63];
    *p++ = kB64[v >> 6 & 63];
  }
  return out;
}

std::vector<std::uint8_t> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1)
    throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                "base64url text has an impossible length");
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = kB64Table[static_cast<unsigned char>(c)];
    if (v < 0)
      throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                  "base64url text has a character outside A-Z a-z 0-9 - _");
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits & 0xff));
    }
  }
  // Leftover bits must be zero, so that each byte string has one encoding.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                "base64url text is not in canonical form");
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out = base64url_encode(as_bytes(bytes));
  for (char& c : out) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

}  // namespace hotline
