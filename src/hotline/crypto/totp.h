// One-time passwords for a second login factor: HOTP (RFC 4226) and TOTP
// (RFC 6238) with the HMAC from OpenSSL, base32 secrets (RFC 4648 section 6)
// and the otpauth:// URI that authenticator apps read from a QR code.
//
// Defaults are what every authenticator app assumes: HMAC-SHA-1, 30-second
// steps from the Unix epoch, 6 digits. SHA-256 and SHA-512 exist for the RFC
// 6238 test vectors and for apps that support them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"

namespace hotline::crypto {

// ---- base32 (RFC 4648 section 6) --------------------------------------------

// Uppercase A-Z2-7 without '=' padding ("foobar" -> "MZXW6YTBOI").
std::string base32_encode(std::span<const std::uint8_t> bytes);

// Decodes unpadded base32; lowercase letters are accepted. Refuses (Error
// "encoding_invalid") '=' padding, spaces, any character outside the
// alphabet, an impossible length (1, 3 or 6 characters past a multiple of 8)
// and non-zero unused trailing bits, so each byte string has one encoding.
std::vector<std::uint8_t> base32_decode(std::string_view text);

// ---- HOTP / TOTP ------------------------------------------------------------

enum class TotpAlgorithm { sha1, sha256, sha512 };

// "SHA1", "SHA256", "SHA512" (the otpauth:// spelling).
std::string_view to_string(TotpAlgorithm a);

struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::sha1;
  int digits = 6;                  // 6 to 8
  std::int64_t step_seconds = 30;  // X in RFC 6238
};

// RFC 4226 HOTP of `counter`, `digits` decimal digits with leading zeros.
std::string hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits = 6,
                 TotpAlgorithm algorithm = TotpAlgorithm::sha1);

// The time step T = floor(unix seconds / step) that `t` falls in (T0 = 0).
std::int64_t totp_step(TimePoint t, const TotpParams& params = {});

// The code an authenticator shows at time `t`.
std::string totp(std::span<const std::uint8_t> key, TimePoint t, const TotpParams& params = {});

// Checks `code` at time `t`, accepting the steps T-1, T and T+1 (clock drift
// of up to one step either way), but only steps after `last_used_step`: a
// code already accepted once (or an older one) is refused, so an overheard
// code cannot be replayed. Returns the matched step, to be remembered as the
// next `last_used_step`; nullopt when the code does not match (wrong length
// or non-digits included). Compares in constant time.
std::optional<std::int64_t> verify_totp(std::span<const std::uint8_t> key, std::string_view code,
                                        TimePoint t, std::int64_t last_used_step,
                                        const TotpParams& params = {});

// A new random secret of 20 bytes (160 bits, RFC 4226's recommendation),
// base32 encoded: 32 characters.
std::string new_totp_secret();

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=...&digits=...&period=...
// (the Key Uri Format of Google Authenticator, read by all common apps), with
// ISSUER and ACCOUNT percent-encoded.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32, const TotpParams& params = {});

}  // namespace hotline::crypto
