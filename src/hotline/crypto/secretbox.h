// Secrets kept in the database (TOTP seeds, the webhook's HMAC secret) are
// stored sealed: XSalsa20-Poly1305 (libsodium secretbox) under a 32-byte key
// kept in its own file in the node directory (secrets.key, mode 0600), so a
// copy of hotline.db alone does not give them away (issue #17, item 9).
//
// Sealed text: "sb1:" + base64url(24-byte nonce || ciphertext and tag).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace hotline::crypto {

using SecretKey = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kSealedPrefix = "sb1:";

// True when `text` has the sealed form's prefix.
bool is_sealed(std::string_view text);
// A fresh random nonce each time: sealing the same text twice differs.
std::string seal(const SecretKey& key, std::string_view plain);
// Error(internal, "secret_corrupt") when the text was not sealed under `key`
// or was changed.
std::string unseal(const SecretKey& key, std::string_view sealed);

// Reads the key file, or creates it (32 random bytes, mode 0600, never
// replacing one that another process made first). Throws
// Error(internal, "file_permissions") for a file others may read or change,
// "key_invalid" for one that is not 32 bytes, "key_io" for I/O errors.
SecretKey load_or_create_secret_key(const std::filesystem::path& path);

}  // namespace hotline::crypto
