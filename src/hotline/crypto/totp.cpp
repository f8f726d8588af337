#include "hotline/crypto/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <string>

#include "hotline/common/error.h"
#include "hotline/crypto/random.h"

namespace hotline::crypto {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

const char* digest_name(TotpAlgorithm a) {
  switch (a) {
    case TotpAlgorithm::sha1:
      return "SHA1";
    case TotpAlgorithm::sha256:
      return "SHA256";
    case TotpAlgorithm::sha512:
      return "SHA512";
  }
  return "SHA1";
}

void check_digits(int digits) {
  if (digits < 6 || digits > 8) {
    throw Error(ErrorCategory::invalid_input, "totp_invalid",
                "A one-time code has 6 to 8 digits, not " + std::to_string(digits) + ".");
  }
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

std::vector<std::uint8_t> base32_decode(std::string_view text) {
  // Characters past a multiple of 8 encode 5 bytes per 8; 1, 3 and 6 extra
  // characters cannot come out of an encoder.
  const std::size_t rest = text.size() % 8;
  if (rest == 1 || rest == 3 || rest == 6) {
    throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                "base32 text has an impossible length");
  }
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base32_value(c);
    if (v < 0) {
      throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                  "base32 text has a character outside A-Z and 2-7 (no '=' padding or spaces)");
    }
    buffer = ((buffer << 5) | static_cast<std::uint32_t>(v)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) {
    throw Error(ErrorCategory::invalid_input, "encoding_invalid",
                "base32 text has non-zero trailing bits");
  }
  return out;
}

std::string_view to_string(TotpAlgorithm a) {
  return digest_name(a);
}

std::string hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                 TotpAlgorithm algorithm) {
  check_digits(digits);
  std::array<std::uint8_t, 8> message;
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac;
  std::size_t mac_len = 0;
  static const std::uint8_t kEmpty = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name(algorithm), nullptr,
                key.empty() ? &kEmpty : key.data(), key.size(), message.data(), message.size(),
                mac.data(), mac.size(), &mac_len) == nullptr ||
      mac_len < 20) {
    throw Error(ErrorCategory::internal, "crypto_internal",
                "OpenSSL HMAC failed while computing a one-time code");
  }
  // Dynamic truncation (RFC 4226 section 5.3).
  const std::size_t offset = mac[mac_len - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totp_step(TimePoint t, const TotpParams& params) {
  if (params.step_seconds <= 0)
    throw Error(ErrorCategory::invalid_input, "totp_invalid", "The TOTP step must be positive.");
  const std::int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  // Floor division, also for times before 1970.
  std::int64_t step = seconds / params.step_seconds;
  if (seconds % params.step_seconds != 0 && seconds < 0) --step;
  return step;
}

std::string totp(std::span<const std::uint8_t> key, TimePoint t, const TotpParams& params) {
  return hotp(key, static_cast<std::uint64_t>(totp_step(t, params)), params.digits,
              params.algorithm);
}

std::optional<std::int64_t> verify_totp(std::span<const std::uint8_t> key, std::string_view code,
                                        TimePoint t, std::int64_t last_used_step,
                                        const TotpParams& params) {
  check_digits(params.digits);
  if (code.size() != static_cast<std::size_t>(params.digits)) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t now = totp_step(t, params);
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, so the time taken does not
  // depend on which step (if any) matched.
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {
    if (step < 0) continue;
    const std::string expected =
        hotp(key, static_cast<std::uint64_t>(step), params.digits, params.algorithm);
    const bool equal = CRYPTO_memcmp(expected.data(), code.data(), code.size()) == 0;
    if (equal && step > last_used_step && !matched) matched = step;
  }
  return matched;
}

std::string new_totp_secret() {
  std::array<std::uint8_t, 20> secret;
  random_bytes(secret);
  return base32_encode(secret);
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32, const TotpParams& params) {
  const std::string iss = percent_encode(issuer);
  return "otpauth://totp/" + iss + ":" + percent_encode(account) +
         "?secret=" + std::string(secret_base32) + "&issuer=" + iss +
         "&algorithm=" + std::string(to_string(params.algorithm)) +
         "&digits=" + std::to_string(params.digits) +
         "&period=" + std::to_string(params.step_seconds);
}

}  // namespace hotline::crypto
