#include "hotline/crypto/password.h"

#include <sodium.h>

#include <string>

#include "hotline/common/error.h"
#include "hotline/crypto/sodium.h"

namespace hotline::crypto {

static_assert(kDefaultPasswordCost.ops == crypto_pwhash_OPSLIMIT_INTERACTIVE &&
              kDefaultPasswordCost.memory == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(kTestPasswordCost.ops == crypto_pwhash_argon2id_OPSLIMIT_MIN &&
              kTestPasswordCost.memory == crypto_pwhash_argon2id_MEMLIMIT_MIN);

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(ErrorCategory::internal, "crypto_internal",
                "Could not hash a password (argon2id needs " +
                    std::to_string(cost.memory / (1024 * 1024)) +
                    " MiB of memory, which the system refused). Free memory and retry.");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  // crypto_pwhash_str_verify wants a NUL-terminated string of bounded length.
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  if (hash.substr(0, 10) != "$argon2id$") return false;
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, const PasswordCost& cost) {
  ensure_sodium();
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.substr(0, 10) != "$argon2id$") return true;
  const std::string h(hash);
  // 1: different parameters, -1: not a valid hash string for this algorithm.
  return crypto_pwhash_str_needs_rehash(h.c_str(), cost.ops, cost.memory) != 0;
}

}  // namespace hotline::crypto
