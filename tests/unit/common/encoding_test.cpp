#include "hotline/common/encoding.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/common/uuid.h"

namespace hotline {
namespace encoding_test {

std::vector<std::uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(Encoding, HexRoundTrip) {
  std::vector<std::uint8_t> v{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(to_hex(v), "007f80ff");
  EXPECT_EQ(from_hex("007F80ff"), v);
}

TEST(Encoding, HexRejectsBadInput) {
  EXPECT_THROW(from_hex("abc"), Error);
  EXPECT_THROW(from_hex("zz"), Error);
}

TEST(Encoding, Base64UrlRfc4648Vectors) {
  // RFC 4648 section 10, without padding.
  EXPECT_EQ(base64url_encode(bytes("")), "");
  EXPECT_EQ(base64url_encode(bytes("f")), "Zg");
  EXPECT_EQ(base64url_encode(bytes("fo")), "Zm8");
  EXPECT_EQ(base64url_encode(bytes("foo")), "Zm9v");
  EXPECT_EQ(base64url_encode(bytes("foob")), "Zm9vYg");
  EXPECT_EQ(base64url_encode(bytes("fooba")), "Zm9vYmE");
  EXPECT_EQ(base64url_encode(bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64url_decode("Zm9vYmE"), bytes("fooba"));
  std::vector<std::uint8_t> hi{0xfb, 0xff};
  EXPECT_EQ(base64url_encode(hi), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), hi);
}

TEST(Encoding, Base64UrlRejectsNonCanonical) {
  EXPECT_THROW(base64url_decode("Zh"), Error);     // trailing bits set
  EXPECT_THROW(base64url_decode("Zm9v="), Error);  // padding
  EXPECT_THROW(base64url_decode("Z"), Error);      // impossible length
  EXPECT_THROW(base64url_decode("Zm+v"), Error);   // standard alphabet
}

TEST(Time, RoundTrip) {
  auto t = parse_timestamp("2026-11-27T09:44:49.123Z");
  EXPECT_EQ(format_timestamp(t), "2026-11-27T09:44:49.123Z");
  EXPECT_EQ(format_timestamp(parse_timestamp("2024-02-29T23:59:59.999Z")),
            "2024-02-29T23:59:59.999Z");
}

TEST(Time, RejectsOtherForms) {
  for (const char* s :
       {"2026-11-27T09:44:49Z", "2026-11-27T09:44:49.123+01:00", "2026-02-30T00:00:00.000Z",
        "2026-11-27 09:44:49.123Z", "2026-11-27T24:00:00.000Z", ""}) {
    EXPECT_THROW(parse_timestamp(s), Error) << s;
  }
}

TEST(Uuid, V7Layout) {
  std::array<std::uint8_t, 10> r{};
  r.fill(0xff);
  auto id = make_uuid_v7(parse_timestamp("2026-11-27T09:44:49.123Z"), r);
  EXPECT_TRUE(is_uuid_v7(id)) << id;
  EXPECT_EQ(id[14], '7');
  EXPECT_EQ(id[19], 'b');
  EXPECT_FALSE(is_uuid_v7("00000000-0000-4000-8000-000000000000"));
}

}  // namespace encoding_test
}  // namespace hotline
