#include "hotline/vault/format.h"

#include <cstring>

#include <sodium.h>

#include "hotline/common/error.h"
#include "hotline/crypto/random.h"

namespace hotline::vault::detail {
namespace {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kNonceBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kTagBytes);
static_assert(kHeaderBytes == 120);

constexpr std::size_t kShaAt = 8;
constexpr std::size_t kSizeAt = 40;
constexpr std::size_t kNonceAt = 48;
constexpr std::size_t kWrappedAt = 72;

void put_u64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}

std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

// AD of the key wrap: magic || sha || size.
std::array<std::uint8_t, 48> wrap_ad(const crypto::Digest& sha, std::int64_t size) {
  std::array<std::uint8_t, 48> ad;
  std::memcpy(ad.data(), kMagic.data(), kMagic.size());
  std::memcpy(ad.data() + 8, sha.data(), sha.size());
  put_u64(ad.data() + 40, static_cast<std::uint64_t>(size));
  return ad;
}

// AD of a chunk: sha || index || size.
std::array<std::uint8_t, 48> chunk_ad(const crypto::Digest& sha, std::int64_t index,
                                      std::int64_t size) {
  std::array<std::uint8_t, 48> ad;
  std::memcpy(ad.data(), sha.data(), sha.size());
  put_u64(ad.data() + 32, static_cast<std::uint64_t>(index));
  put_u64(ad.data() + 40, static_cast<std::uint64_t>(size));
  return ad;
}

}  // namespace

SecretKey::~SecretKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

HeaderBytes seal_header(const crypto::Digest& sha, std::int64_t size, const SecretKey& master,
                        const SecretKey& file_key) {
  HeaderBytes h{};
  std::memcpy(h.data(), kMagic.data(), kMagic.size());
  std::memcpy(h.data() + kShaAt, sha.data(), sha.size());
  put_u64(h.data() + kSizeAt, static_cast<std::uint64_t>(size));
  crypto::random_bytes(std::span<std::uint8_t>(h.data() + kNonceAt, kNonceBytes));
  const auto ad = wrap_ad(sha, size);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(h.data() + kWrappedAt, &clen, file_key.data(),
                                             file_key.size(), ad.data(), ad.size(), nullptr,
                                             h.data() + kNonceAt, master.data());
  if (clen != kKeyBytes + kTagBytes) {
    throw Error(ErrorCategory::internal, "crypto_internal", "vault: unexpected wrapped key length");
  }
  return h;
}

std::string open_header(const HeaderBytes& header, const SecretKey& master, crypto::Digest& sha,
                        std::int64_t& size, SecretKey& file_key) {
  if (std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0) {
    return "it does not start with \"HLVAULT1\" (not a vault file)";
  }
  std::memcpy(sha.data(), header.data() + kShaAt, sha.size());
  const std::uint64_t raw_size = get_u64(header.data() + kSizeAt);
  if (raw_size > static_cast<std::uint64_t>(kMaxPlausibleSize)) {
    return "its header gives an impossible size (" + std::to_string(raw_size) + " bytes)";
  }
  size = static_cast<std::int64_t>(raw_size);
  const auto ad = wrap_ad(sha, size);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          file_key.data(), &mlen, nullptr, header.data() + kWrappedAt, kKeyBytes + kTagBytes,
          ad.data(), ad.size(), header.data() + kNonceAt, master.data()) != 0 ||
      mlen != kKeyBytes) {
    return "its file key does not decrypt with this vault's key (vault.key was replaced, or the "
           "header was altered)";
  }
  return {};
}

void seal_chunk(const SecretKey& file_key, const crypto::Digest& sha, std::int64_t size,
                std::int64_t index, std::span<const std::uint8_t> plain, std::uint8_t* record) {
  crypto::random_bytes(std::span<std::uint8_t>(record, kNonceBytes));
  const auto ad = chunk_ad(sha, index, size);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(record + kNonceBytes, &clen, plain.data(),
                                             plain.size(), ad.data(), ad.size(), nullptr, record,
                                             file_key.data());
}

bool open_chunk(const SecretKey& file_key, const crypto::Digest& sha, std::int64_t size,
                std::int64_t index, std::span<const std::uint8_t> record, std::uint8_t* plain) {
  if (record.size() < static_cast<std::size_t>(kChunkOverhead)) return false;
  const auto ad = chunk_ad(sha, index, size);
  unsigned long long mlen = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             plain, &mlen, nullptr, record.data() + kNonceBytes, record.size() - kNonceBytes,
             ad.data(), ad.size(), record.data(), file_key.data()) == 0;
}

}  // namespace hotline::vault::detail
