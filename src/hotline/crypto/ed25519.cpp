#include "hotline/crypto/ed25519.h"

#include <sodium.h>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/sha256.h"
#include "hotline/crypto/sodium.h"

namespace hotline::crypto {

static_assert(crypto_sign_PUBLICKEYBYTES == 32);
static_assert(crypto_sign_SEEDBYTES == 32);
static_assert(crypto_sign_SECRETKEYBYTES == 64);
static_assert(crypto_sign_BYTES == 64);

// The secret lives on the heap so that moving a KeyPair moves a pointer and
// leaves no copies of the seed behind in old stack frames.
struct KeyPair::Secret {
  std::array<std::uint8_t, 32> seed{};
  std::array<std::uint8_t, 64> sk{};  // libsodium's expanded form: seed || public key
  ~Secret() {
    sodium_memzero(seed.data(), seed.size());
    sodium_memzero(sk.data(), sk.size());
  }
};

std::string PublicKey::encoded() const {
  return base64url_encode(bytes);
}

PublicKey PublicKey::decode(std::string_view text) {
  std::vector<std::uint8_t> raw;
  try {
    raw = base64url_decode(text);
  } catch (const Error&) {
    throw Error(ErrorCategory::internal, "key_invalid",
                "public key \"" + std::string(text.substr(0, 60)) +
                    "\" is not valid base64url (expected 43 characters "
                    "of A-Z a-z 0-9 - _)");
  }
  if (raw.size() != 32) {
    throw Error(ErrorCategory::internal, "key_invalid",
                "public key decodes to " + std::to_string(raw.size()) +
                    " bytes; an Ed25519 public key is 32 bytes (43 characters)");
  }
  PublicKey key;
  std::copy(raw.begin(), raw.end(), key.bytes.begin());
  ensure_sodium();
  if (crypto_core_ed25519_is_valid_point(key.bytes.data()) != 1) {
    throw Error(ErrorCategory::internal, "key_invalid",
                "public key " + std::string(text) +
                    " is not a valid Ed25519 public key (not a point of the "
                    "prime-order group); check it was copied correctly");
  }
  return key;
}

std::string PublicKey::fingerprint() const {
  const Digest d = sha256(std::span<const std::uint8_t>(bytes));
  const std::string hex = to_hex(std::span<const std::uint8_t>(d.data(), 16));
  std::string out = "SHA256:";
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (i != 0) out.push_back(' ');
    out.append(hex, i, 4);
  }
  return out;
}

KeyPair::KeyPair(std::unique_ptr<Secret> secret) : secret_(std::move(secret)) {
  std::copy(secret_->sk.begin() + 32, secret_->sk.end(), public_key_.bytes.begin());
}

KeyPair::KeyPair(KeyPair&&) noexcept = default;
KeyPair& KeyPair::operator=(KeyPair&&) noexcept = default;
KeyPair::~KeyPair() = default;

KeyPair KeyPair::generate() {
  std::array<std::uint8_t, 32> seed;
  ensure_sodium();
  randombytes_buf(seed.data(), seed.size());
  KeyPair kp = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return kp;
}

KeyPair KeyPair::from_seed(std::span<const std::uint8_t> seed32) {
  if (seed32.size() != 32) {
    throw Error(ErrorCategory::internal, "key_invalid",
                "an Ed25519 secret key (seed) is 32 bytes, got " + std::to_string(seed32.size()));
  }
  ensure_sodium();
  auto secret = std::make_unique<Secret>();
  std::copy(seed32.begin(), seed32.end(), secret->seed.begin());
  std::array<std::uint8_t, 32> pk;
  if (crypto_sign_seed_keypair(pk.data(), secret->sk.data(), secret->seed.data()) != 0) {
    throw Error(ErrorCategory::internal, "crypto_internal",
                "libsodium could not derive an Ed25519 key pair");
  }
  return KeyPair(std::move(secret));
}

std::span<const std::uint8_t> KeyPair::seed() const {
  return secret_->seed;
}

Signature KeyPair::sign(std::string_view message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_->sk.data());
  return sig;
}

bool verify(const PublicKey& key, std::string_view message, const Signature& sig) {
  ensure_sodium();
  return crypto_sign_verify_detached(sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
}

std::string encode_signature(const Signature& sig) {
  return base64url_encode(sig);
}

Signature decode_signature(std::string_view text) {
  std::vector<std::uint8_t> raw;
  try {
    raw = base64url_decode(text);
  } catch (const Error&) {
    throw Error(ErrorCategory::invalid_input, "signature_invalid",
                "signature is not valid base64url (expected 86 characters of A-Z a-z 0-9 - _)");
  }
  if (raw.size() != 64) {
    throw Error(ErrorCategory::invalid_input, "signature_invalid",
                "signature decodes to " + std::to_string(raw.size()) +
                    " bytes; an Ed25519 signature is 64 bytes");
  }
  Signature sig;
  std::copy(raw.begin(), raw.end(), sig.begin());
  return sig;
}

}  // namespace hotline::crypto
