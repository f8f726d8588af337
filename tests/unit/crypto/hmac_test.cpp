// HMAC-SHA-256 against RFC 4231 section 4 (test cases 1 to 7).
#include "hotline/crypto/hmac.h"

#include <gtest/gtest.h>

#include <string>

#include "hotline/common/encoding.h"

namespace hotline::crypto {
namespace hmac_test {

std::string bytes(std::size_t n, unsigned char value) {
  return std::string(n, static_cast<char>(value));
}

std::string unhex(std::string_view hex) {
  auto v = from_hex(hex);
  return std::string(v.begin(), v.end());
}

std::string mac_hex(std::string_view key, std::string_view data) {
  return to_hex(hmac_sha256(key, data));
}

TEST(HmacSha256, Rfc4231Case1) {
  EXPECT_EQ(mac_hex(bytes(20, 0x0b), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231Case2KeyShorterThanOutput) {
  EXPECT_EQ(mac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231Case3CombinedKeyAndDataLength) {
  EXPECT_EQ(mac_hex(bytes(20, 0xaa), bytes(50, 0xdd)),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(HmacSha256, Rfc4231Case4) {
  const std::string key = unhex("0102030405060708090a0b0c0d0e0f10111213141516171819");
  ASSERT_EQ(key.size(), 25u);
  EXPECT_EQ(mac_hex(key, bytes(50, 0xcd)),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(HmacSha256, Rfc4231Case5TruncatedTo128Bits) {
  // The RFC gives only the first 128 bits of the output.
  EXPECT_EQ(mac_hex(bytes(20, 0x0c), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
}

TEST(HmacSha256, Rfc4231Case6KeyLargerThanBlock) {
  EXPECT_EQ(mac_hex(bytes(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, Rfc4231Case7KeyAndDataLargerThanBlock) {
  EXPECT_EQ(mac_hex(bytes(131, 0xaa),
                    "This is a test using a larger than block-size key and a larger than "
                    "block-size data. The key needs to be hashed before being used by the HMAC "
                    "algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, EmptyKeyAndData) {
  // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
  EXPECT_EQ(mac_hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256, KeyAndDataMatter) {
  const auto base = hmac_sha256("key-one", "data");
  EXPECT_NE(base, hmac_sha256("key-two", "data"));
  EXPECT_NE(base, hmac_sha256("key-one", "datb"));
  EXPECT_EQ(base, hmac_sha256("key-one", "data"));
  // Binary data with NUL bytes is hashed whole.
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(hmac_sha256("k", with_nul), hmac_sha256("k", "a"));
}

TEST(ConstantTimeEqual, ComparesBytesAndLengths) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("sha256=abc", "sha256=abc"));
  EXPECT_FALSE(constant_time_equal("sha256=abc", "sha256=abd"));
  EXPECT_FALSE(constant_time_equal("sha256=abc", "sha256=ab"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace hmac_test
}  // namespace hotline::crypto
