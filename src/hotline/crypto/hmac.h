// HMAC-SHA-256 (RFC 2104, FIPS 198-1) through OpenSSL's EVP_MAC interface.
// Used to sign escalation webhooks (node/webhook.h) with a shared secret.
#pragma once

#include <string_view>

#include "hotline/crypto/sha256.h"

namespace hotline::crypto {

// HMAC-SHA-256 of `data` under `key` (any length; an empty key is allowed,
// keys longer than 64 bytes are hashed first, as RFC 2104 says). Throws
// hotline::Error "crypto_internal" only if OpenSSL itself fails.
Digest hmac_sha256(std::string_view key, std::string_view data);

// Compares two byte strings in time that depends only on their lengths (not
// on where they differ): for checking a MAC or a signature header. Strings of
// different lengths are unequal.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace hotline::crypto
