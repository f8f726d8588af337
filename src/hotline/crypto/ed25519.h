// Ed25519 (RFC 8032) identities: every node is one key pair; it signs
// envelopes, receipts and tree heads, and its public key is pinned by its
// peers. Built on libsodium, whose verification is strict (canonical S,
// canonical R and A, no small-order keys), so a signature is valid on one
// node exactly when it is valid on the other.
//
// Error codes (hotline::Error):
//   key_invalid        bad public key text or private key file content
//   key_missing        private key file does not exist
//   key_permissions    private key file readable or writable by group/others
//   key_exists         save() would overwrite an existing file
//   key_io             any other file system failure (message names the file)
//   signature_invalid  signature text is not base64url of 64 bytes
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace hotline::crypto {

struct PublicKey {
  std::array<std::uint8_t, 32> bytes{};

  // base64url without padding: 43 characters.
  std::string encoded() const;

  // Inverse of encoded(). Also refuses 32 bytes that are not a usable
  // Ed25519 public key (not a canonical point of the prime-order subgroup),
  // since nothing signed could ever verify against it.
  static PublicKey decode(std::string_view text);

  // For reading over the phone when two offices pin each other's keys:
  // "SHA256:" then the first 16 bytes of SHA-256(bytes) as lowercase hex in
  // 8 groups of 4, e.g. "SHA256:1a2b 3c4d 5e6f 7081 92a3 b4c5 d6e7 f809".
  std::string fingerprint() const;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

using Signature = std::array<std::uint8_t, 64>;

class KeyPair {
 public:
  static KeyPair generate();
  // `seed32` is the 32-byte RFC 8032 secret key; anything else: key_invalid.
  static KeyPair from_seed(std::span<const std::uint8_t> seed32);

  // Movable (the secret moves, it is not copied); the destructor wipes it.
  // A moved-from KeyPair must not be used.
  KeyPair(KeyPair&&) noexcept;
  KeyPair& operator=(KeyPair&&) noexcept;
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;
  ~KeyPair();

  const PublicKey& public_key() const { return public_key_; }
  // The 32-byte seed (needed to build the TLS certificate). Valid while
  // this KeyPair lives.
  std::span<const std::uint8_t> seed() const;

  Signature sign(std::string_view message) const;

  // Private key file: two newline-terminated lines,
  //   hotline-ed25519-secret-key-v1
  //   <base64url of the 32-byte seed>
  // save() creates a temporary file in the same folder with mode 0600 from
  // the start (O_CREAT|O_EXCL), writes and fsyncs it, then moves it into
  // place without replacing anything, and fsyncs the folder. An existing
  // file is never overwritten: key_exists.
  void save(const std::filesystem::path& private_key_file) const;

  // Refuses a file that group or others may read or write (key_permissions,
  // naming the file, its mode and the fix), a missing file (key_missing) and
  // content not in the format above (key_invalid).
  static KeyPair load(const std::filesystem::path& private_key_file);

 private:
  struct Secret;
  explicit KeyPair(std::unique_ptr<Secret> secret);

  std::unique_ptr<Secret> secret_;
  PublicKey public_key_;
};

// Strict verification (libsodium crypto_sign_verify_detached).
bool verify(const PublicKey& key, std::string_view message, const Signature& sig);

// base64url without padding: 86 characters.
std::string encode_signature(const Signature& sig);
// Throws signature_invalid unless `text` is base64url of exactly 64 bytes.
Signature decode_signature(std::string_view text);

}  // namespace hotline::crypto
