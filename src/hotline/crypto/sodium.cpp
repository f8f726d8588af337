#include "hotline/crypto/sodium.h"

#include <sodium.h>

#include "hotline/common/error.h"

namespace hotline::crypto {

void ensure_sodium() {
  // A function-local static is initialised exactly once, even with threads
  // racing here (C++11 "magic statics"). sodium_init() returns 1 when it had
  // already run, which is fine too.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    throw Error(ErrorCategory::internal, "crypto_init",
                "libsodium failed to initialise (no usable random source?)");
  }
}

}  // namespace hotline::crypto
