// Internal to hotline/crypto: libsodium must be initialised once before any
// other call (it picks implementations and seeds its RNG).
#pragma once

namespace hotline::crypto {

// Initialises libsodium on first use; thread-safe; throws hotline::Error
// "crypto_init" if libsodium cannot start (e.g. no entropy source).
void ensure_sodium();

}  // namespace hotline::crypto
