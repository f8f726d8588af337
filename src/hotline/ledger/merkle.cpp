#include "hotline/ledger/merkle.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::ledger {

Digest leaf_hash(std::string_view leaf_data) {
  // Small leaves (envelopes, receipts) are copied behind the prefix and go
  // through the one-shot function, which reuses a per-thread context; large
  // ones are streamed, where a fresh context costs nothing by comparison.
  constexpr std::size_t kCopyLimit = 4096;
  if (leaf_data.size() <= kCopyLimit) {
    std::array<std::uint8_t, 1 + kCopyLimit> buf;
    buf[0] = 0x00;
    if (!leaf_data.empty()) std::memcpy(buf.data() + 1, leaf_data.data(), leaf_data.size());
    return crypto::sha256(std::span<const std::uint8_t>(buf.data(), 1 + leaf_data.size()));
  }
  crypto::Sha256 h;
  static constexpr std::uint8_t kLeafPrefix = 0x00;
  h.update(std::span<const std::uint8_t>(&kLeafPrefix, 1));
  h.update(leaf_data);
  return h.finish();
}

Digest node_hash(const Digest& left, const Digest& right) {
  // One contiguous 65-byte message through the one-shot function, which
  // reuses a per-thread context: interior nodes are the bulk of all hashing.
  std::array<std::uint8_t, 1 + 2 * sizeof(Digest)> buf;
  buf[0] = 0x01;
  std::memcpy(buf.data() + 1, left.data(), left.size());
  std::memcpy(buf.data() + 1 + left.size(), right.data(), right.size());
  return crypto::sha256(std::span<const std::uint8_t>(buf));
}

Digest empty_root() {
  return crypto::sha256(std::string_view());
}

Digest digest_from_hex(std::string_view hex) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = from_hex(hex);
  } catch (const Error&) {
  }
  if (bytes.size() != sizeof(Digest)) {
    throw Error(ErrorCategory::invalid_input, "ledger_bad_hash",
                "\"" + std::string(hex.substr(0, 80)) + "\" is not a SHA-256 hash");
  }
  Digest d{};
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

}  // namespace hotline::ledger
