// Which stored values are secrets, and sealing them under the office's key
// (crypto/secretbox.h) on the way into a store and unsealing them on the way
// out. Shared by the backends; pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hotline/crypto/secretbox.h"
#include "hotline/store/records.h"

namespace hotline::store {

// The settings whose values are secrets (sealed when a key is given).
inline bool is_secret_setting(std::string_view key) {
  return key == "webhook.secret" || key == "mail.password";
}

// key nullptr: stored as given (tests, tools). Already sealed text and
// empty text pass unchanged.
inline std::optional<std::string> sealed(const crypto::SecretKey* key,
                                         const std::optional<std::string>& text) {
  if (!key || !text || text->empty() || crypto::is_sealed(*text)) return text;
  return crypto::seal(*key, *text);
}

inline std::optional<std::string> unsealed(const crypto::SecretKey* key,
                                           const std::optional<std::string>& text) {
  if (!key || !text || !crypto::is_sealed(*text)) return text;
  return crypto::unseal(*key, *text);
}

inline UserRecord with_secrets_sealed(const crypto::SecretKey* key, UserRecord u) {
  u.totp_secret = sealed(key, u.totp_secret);
  u.totp_pending = sealed(key, u.totp_pending);
  return u;
}

inline UserRecord with_secrets_unsealed(const crypto::SecretKey* key, UserRecord u) {
  u.totp_secret = unsealed(key, u.totp_secret);
  u.totp_pending = unsealed(key, u.totp_pending);
  return u;
}

}  // namespace hotline::store
