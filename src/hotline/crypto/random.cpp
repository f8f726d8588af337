#include "hotline/crypto/random.h"

#include <array>

#include <sodium.h>

#include "hotline/common/uuid.h"
#include "hotline/crypto/sodium.h"

namespace hotline::crypto {

void random_bytes(std::span<std::uint8_t> out) {
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

std::string new_id(TimePoint t) {
  std::array<std::uint8_t, 10> r;
  random_bytes(r);
  return make_uuid_v7(t, r);
}

void wipe(std::span<std::uint8_t> bytes) {
  sodium_memzero(bytes.data(), bytes.size());
}

}  // namespace hotline::crypto
