// TOTP against every test vector of RFC 6238 Appendix B (SHA-1, SHA-256 and
// SHA-512 at the six times), HOTP against RFC 4226 Appendix D, base32
// against RFC 4648 section 10, and the verification window and replay rule.
#include "hotline/crypto/totp.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_util.h"

namespace hotline::crypto {
namespace totp_test {

using testing::error_code_of;

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TimePoint at(std::int64_t unix_seconds) {
  return TimePoint(std::chrono::seconds(unix_seconds));
}

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's
// block-size-appropriate length (20, 32 and 64 bytes; see the RFC's errata).
const std::string kSeed1 = "12345678901234567890";
const std::string kSeed256 = "12345678901234567890123456789012";
const std::string kSeed512 = "1234567890123456789012345678901234567890123456789012345678901234";

struct Vector {
  std::int64_t time;
  std::int64_t step;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

constexpr Vector kRfc6238[] = {
    {59, 0x1, "94287082", "46119246", "90693936"},
    {1111111109, 0x23523EC, "07081804", "68084774", "25091201"},
    {1111111111, 0x23523ED, "14050471", "67062674", "99943326"},
    {1234567890, 0x273EF07, "89005924", "91819424", "93441116"},
    {2000000000, 0x3F940AA, "69279037", "90698825", "38618901"},
    {20000000000, 0x27BC86AA, "65353130", "77737706", "47863826"},
};

TEST(Totp, Rfc6238AppendixBVectors) {
  for (const auto& v : kRfc6238) {
    SCOPED_TRACE(v.time);
    TotpParams p;
    p.digits = 8;
    EXPECT_EQ(totp_step(at(v.time), p), v.step);
    p.algorithm = TotpAlgorithm::sha1;
    EXPECT_EQ(totp(bytes(kSeed1), at(v.time), p), v.sha1);
    p.algorithm = TotpAlgorithm::sha256;
    EXPECT_EQ(totp(bytes(kSeed256), at(v.time), p), v.sha256);
    p.algorithm = TotpAlgorithm::sha512;
    EXPECT_EQ(totp(bytes(kSeed512), at(v.time), p), v.sha512);
  }
}

TEST(Totp, Rfc4226AppendixDHotpValues) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t c = 0; c < 10; ++c) EXPECT_EQ(hotp(bytes(kSeed1), c), expected[c]) << c;
}

TEST(Totp, DefaultsAreSixDigitsThirtySecondsSha1) {
  // The 8-digit SHA-1 value at T=1 is 94287082; 6 digits keep the last six.
  EXPECT_EQ(totp(bytes(kSeed1), at(59)), "287082");
  EXPECT_EQ(totp_step(at(29)), 0);
  EXPECT_EQ(totp_step(at(30)), 1);
  EXPECT_EQ(totp_step(at(-1)), -1);
  EXPECT_EQ(error_code_of([] { hotp(bytes(kSeed1), 0, 5); }), "totp_invalid");
  EXPECT_EQ(error_code_of([] { hotp(bytes(kSeed1), 0, 9); }), "totp_invalid");
}

TEST(Base32, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    SCOPED_TRACE(plain);
    EXPECT_EQ(base32_encode(bytes(plain)), encoded);
    auto back = base32_decode(encoded);
    EXPECT_EQ(std::string(back.begin(), back.end()), plain);
  }
  // Lowercase is read (people type secrets); output is always uppercase.
  auto lower = base32_decode("mzxw6ytboi");
  EXPECT_EQ(std::string(lower.begin(), lower.end()), "foobar");
  EXPECT_EQ(base32_encode(bytes(kSeed1)), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, RefusesPaddingBadCharactersLengthsAndTrailingBits) {
  EXPECT_EQ(error_code_of([] { base32_decode("MY======"); }), "encoding_invalid");
  EXPECT_EQ(error_code_of([] { base32_decode("MZXW6YQ="); }), "encoding_invalid");
  EXPECT_EQ(error_code_of([] { base32_decode("MZXW 6YTB"); }), "encoding_invalid");
  EXPECT_EQ(error_code_of([] { base32_decode("MZXW1YTB"); }), "encoding_invalid");  // '1'
  EXPECT_EQ(error_code_of([] { base32_decode("M"); }), "encoding_invalid");
  EXPECT_EQ(error_code_of([] { base32_decode("MZX"); }), "encoding_invalid");
  EXPECT_EQ(error_code_of([] { base32_decode("MZXW6Y"); }), "encoding_invalid");
  // "MZ" would be 'f' plus two non-zero unused bits.
  EXPECT_EQ(error_code_of([] { base32_decode("MZ"); }), "encoding_invalid");
}

TEST(Totp, SecretsAreRandom160BitBase32) {
  const std::string a = new_totp_secret();
  const std::string b = new_totp_secret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(base32_decode(a).size(), 20u);
}

TEST(Totp, VerifyAcceptsOneStepEitherWayAndNoMore) {
  const auto key = base32_decode(new_totp_secret());
  const TimePoint now = at(1'800'000'015);  // step 60000000
  const std::int64_t step = totp_step(now);
  const auto code_at = [&](std::int64_t s) { return totp(key, at(s * 30)); };
  EXPECT_EQ(verify_totp(key, code_at(step), now, 0), step);
  EXPECT_EQ(verify_totp(key, code_at(step - 1), now, 0), step - 1);
  EXPECT_EQ(verify_totp(key, code_at(step + 1), now, 0), step + 1);
  // Two steps away: refused unless it happens to collide with a nearer code.
  const std::string far_past = code_at(step - 2);
  if (far_past != code_at(step - 1) && far_past != code_at(step) && far_past != code_at(step + 1)) {
    EXPECT_FALSE(verify_totp(key, far_past, now, 0));
  }
  const std::string far_future = code_at(step + 2);
  if (far_future != code_at(step - 1) && far_future != code_at(step) &&
      far_future != code_at(step + 1)) {
    EXPECT_FALSE(verify_totp(key, far_future, now, 0));
  }
}

TEST(Totp, VerifyRefusesReplayAndOlderCodes) {
  const auto key = base32_decode(new_totp_secret());
  const TimePoint now = at(1'800'000'015);
  const std::int64_t step = totp_step(now);
  const std::string code = totp(key, now);
  auto first = verify_totp(key, code, now, 0);
  ASSERT_EQ(first, step);
  // The same code again, even a second later in the same step: refused.
  EXPECT_FALSE(verify_totp(key, code, now + std::chrono::seconds(1), *first));
  // The previous step's code after the current one was used: refused.
  EXPECT_FALSE(verify_totp(key, totp(key, at((step - 1) * 30)), now, *first));
  // The next step's code is still fine.
  EXPECT_EQ(verify_totp(key, totp(key, at((step + 1) * 30)), now, *first), step + 1);
}

TEST(Totp, VerifyRefusesMalformedCodes) {
  const auto key = base32_decode(new_totp_secret());
  const TimePoint now = at(1'800'000'015);
  const std::string code = totp(key, now);
  EXPECT_FALSE(verify_totp(key, "", now, 0));
  EXPECT_FALSE(verify_totp(key, code.substr(0, 5), now, 0));
  EXPECT_FALSE(verify_totp(key, code + "0", now, 0));
  EXPECT_FALSE(verify_totp(key, "12345a", now, 0));
  EXPECT_FALSE(verify_totp(key, " " + code.substr(1), now, 0));
}

TEST(Totp, OtpauthUriForAuthenticatorApps) {
  EXPECT_EQ(otpauth_uri("Hotline CERT-Alpha", "anna.k", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Hotline%20CERT-Alpha:anna.k?secret=JBSWY3DPEHPK3PXP"
            "&issuer=Hotline%20CERT-Alpha&algorithm=SHA1&digits=6&period=30");
  TotpParams p;
  p.algorithm = TotpAlgorithm::sha256;
  p.digits = 8;
  p.step_seconds = 60;
  EXPECT_EQ(otpauth_uri("A&B", "x:y", "MZXW6", p),
            "otpauth://totp/A%26B:x%3Ay?secret=MZXW6&issuer=A%26B&algorithm=SHA256&digits=8"
            "&period=60");
}

}  // namespace totp_test
}  // namespace hotline::crypto
