// Randomness from the operating system's CSPRNG (through libsodium).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hotline/common/time.h"

namespace hotline::crypto {

// Fills `out` with unpredictable bytes. Never fails once libsodium is up.
void random_bytes(std::span<std::uint8_t> out);

// A new UUIDv7 (RFC 9562) for time `t`: lowercase 8-4-4-4-12 text whose
// first 48 bits are t's Unix milliseconds, so ids sort by creation time.
std::string new_id(TimePoint t = now_ms());

}  // namespace hotline::crypto
