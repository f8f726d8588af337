// Internal to hotline/vault: the on-disk format described in vault.h
// (header layout, key wrapping, chunk sealing). No file I/O here.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hotline/crypto/sha256.h"
#include "hotline/vault/sizes.h"

namespace hotline::vault::detail {

inline constexpr std::string_view kMagic = "HLVAULT1";
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::int64_t kHeaderBytes = 8 + 32 + 8 + kNonceBytes + kKeyBytes + kTagBytes;
inline constexpr std::int64_t kChunkOverhead = kNonceBytes + kTagBytes;
inline constexpr std::int64_t kFullRecordBytes = kChunkSize + kChunkOverhead;
// Far above any max_size; keeps every offset computation inside int64.
inline constexpr std::int64_t kMaxPlausibleSize = std::int64_t{1} << 50;

// 32 secret bytes, wiped when destroyed. Not copyable, not movable.
class SecretKey {
 public:
  SecretKey() { bytes_.fill(0); }
  ~SecretKey();
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  static constexpr std::size_t size() { return kKeyBytes; }

 private:
  std::array<std::uint8_t, kKeyBytes> bytes_;
};

using HeaderBytes = std::array<std::uint8_t, kHeaderBytes>;

// Number of chunks of an attachment of `size` bytes.
inline std::int64_t chunk_count(std::int64_t size) {
  return (size + kChunkSize - 1) / kChunkSize;
}
// Plaintext length of chunk `index`.
inline std::int64_t chunk_length(std::int64_t size, std::int64_t index) {
  const std::int64_t rest = size - index * kChunkSize;
  return rest < kChunkSize ? rest : kChunkSize;
}
// File offset where chunk `index` starts (also the length of a file that
// holds chunks 0..index-1).
inline std::int64_t record_offset(std::int64_t size, std::int64_t index) {
  const std::int64_t n = chunk_count(size);
  if (index < n) return kHeaderBytes + index * kFullRecordBytes;
  return kHeaderBytes +
         (n == 0 ? 0 : (n - 1) * kFullRecordBytes + chunk_length(size, n - 1) + kChunkOverhead);
}
// Length of the complete file.
inline std::int64_t file_length(std::int64_t size) {
  return record_offset(size, chunk_count(size));
}

// A new header for (sha, size) wrapping `file_key` under `master`.
HeaderBytes seal_header(const crypto::Digest& sha, std::int64_t size, const SecretKey& master,
                        const SecretKey& file_key);

// Parses and authenticates a header. On success fills sha, size, file_key
// and returns an empty string; otherwise returns why it is not valid.
std::string open_header(const HeaderBytes& header, const SecretKey& master, crypto::Digest& sha,
                        std::int64_t& size, SecretKey& file_key);

// Encrypts chunk `index` (plain.size() == chunk_length(size, index)) into
// `record`, which must hold plain.size() + kChunkOverhead bytes.
void seal_chunk(const SecretKey& file_key, const crypto::Digest& sha, std::int64_t size,
                std::int64_t index, std::span<const std::uint8_t> plain, std::uint8_t* record);

// Authenticates and decrypts a record of chunk `index` into `plain`
// (record.size() - kChunkOverhead bytes). False if it does not authenticate.
[[nodiscard]] bool open_chunk(const SecretKey& file_key, const crypto::Digest& sha,
                              std::int64_t size, std::int64_t index,
                              std::span<const std::uint8_t> record, std::uint8_t* plain);

}  // namespace hotline::vault::detail
