// Randomness from the operating system's CSPRNG (through libsodium), and
// wiping secrets from memory.
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

// Overwrites `bytes` with zeros in a way the compiler may not drop
// (sodium_memzero).
void wipe(std::span<std::uint8_t> bytes);

// Wipes a buffer (std::array, std::vector, std::string of bytes) when the
// scope ends, however it ends: for copies of private keys on the stack
// (issue #17, item 9). The buffer must outlive the guard.
template <class Buffer>
class WipeOnExit {
 public:
  explicit WipeOnExit(Buffer& buffer) : buffer_(buffer) {}
  ~WipeOnExit() {
    wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(buffer_.data()),
                                 buffer_.size() * sizeof(*buffer_.data())));
  }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  Buffer& buffer_;
};

}  // namespace hotline::crypto
