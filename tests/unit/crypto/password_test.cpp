// Password hashing: argon2id PHC strings, right and wrong passwords, salts,
// malformed hashes, and the rehash signal when the cost changes.
#include "hotline/crypto/password.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace hotline::crypto {
namespace password_test {

TEST(Password, DefaultCostGivesAnArgon2idStringThatVerifies) {
  const auto start = std::chrono::steady_clock::now();
  const std::string h = hash_password("correct horse battery staple");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(h, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(h, "Correct horse battery staple"));
  EXPECT_FALSE(verify_password(h, ""));
  EXPECT_FALSE(password_needs_rehash(h));
  // Informational: the cost on this machine (see password.h).
  std::printf(
      "argon2id default cost: %lld ms per hash\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

TEST(Password, WrongPasswordIsRefused) {
  const std::string h = hash_password("a long enough password", kTestPasswordCost);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "a long enough password"));
  EXPECT_FALSE(verify_password(h, "a long enough passwore"));
  EXPECT_FALSE(verify_password(h, "a long enough password "));
}

TEST(Password, EachHashHasItsOwnSalt) {
  const std::string a = hash_password("same password here", kTestPasswordCost);
  const std::string b = hash_password("same password here", kTestPasswordCost);
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "same password here"));
  EXPECT_TRUE(verify_password(b, "same password here"));
}

TEST(Password, PasswordsWithNulAndUnicodeBytesAreHashedWhole) {
  const std::string with_nul("abc\0def-ghijkl", 14);
  const std::string h = hash_password(with_nul, kTestPasswordCost);
  EXPECT_TRUE(verify_password(h, with_nul));
  EXPECT_FALSE(verify_password(h, "abc"));
  const std::string u = hash_password("Übung-Passwort-ß", kTestPasswordCost);
  EXPECT_TRUE(verify_password(u, "Übung-Passwort-ß"));
}

TEST(Password, MalformedHashesNeverVerify) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("not a hash", "not a hash"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB", "x"));
  // An argon2i (not id) string is refused even if libsodium could check it.
  EXPECT_FALSE(verify_password("$argon2i$v=19$m=8,t=1,p=1$c29tZXNhbHQ$aGFzaA", "x"));
  EXPECT_FALSE(verify_password(std::string(500, '$'), "x"));
  EXPECT_TRUE(password_needs_rehash("not a hash"));
}

TEST(Password, NeedsRehashWhenTheCostChanges) {
  const std::string cheap = hash_password("a long enough password", kTestPasswordCost);
  EXPECT_FALSE(password_needs_rehash(cheap, kTestPasswordCost));
  EXPECT_TRUE(password_needs_rehash(cheap, kDefaultPasswordCost));
}

}  // namespace password_test
}  // namespace hotline::crypto
