// SHA-256 (FIPS 180-4) through OpenSSL's EVP interface, which uses the
// CPU's SHA extensions: about five times faster than libsodium's portable
// code. Digests name envelopes (`prev`), attachments and ledger nodes.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace hotline::crypto {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::string_view data);
Digest sha256(std::span<const std::uint8_t> data);

// Incremental hashing for data that arrives in pieces:
//   Sha256 h; h.update(a); h.update(b); Digest d = h.finish();
// equals sha256(a + b). finish() also resets the object so it can hash a new
// message. Movable, not copyable; a moved-from object must not be used.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  void update(std::span<const std::uint8_t> data);
  Digest finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace hotline::crypto
