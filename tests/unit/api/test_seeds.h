#pragma once

// Deterministic Ed25519 seeds for the TLS tests of this folder: seed_of(n)
// gives n, n+1, n+2, ... as its 32 bytes, so each n is its own key.

#include <cstddef>
#include <cstdint>

#include "hotline/tls/tls.h"

namespace hotline::test {

inline tls::Ed25519Seed seed_of(std::uint8_t fill) {
  tls::Ed25519Seed s{};
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(fill + i);
  return s;
}

}  // namespace hotline::test
