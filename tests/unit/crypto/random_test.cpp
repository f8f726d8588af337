#include "hotline/crypto/random.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "hotline/common/uuid.h"

namespace hotline::crypto {
namespace random_test {

TEST(Random, BytesDiffer) {
  std::array<std::uint8_t, 32> a{}, b{};
  random_bytes(a);
  random_bytes(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<std::uint8_t, 32>{}));
}

TEST(Random, NewIdIsUuidV7WithTheTime) {
  const TimePoint t = parse_timestamp("2026-11-27T09:44:49.123Z");
  const std::string id = new_id(t);
  EXPECT_TRUE(is_uuid_v7(id)) << id;
  const auto ms = t.time_since_epoch().count();
  char expect[16];
  std::snprintf(expect, sizeof expect, "%012llx", static_cast<unsigned long long>(ms));
  EXPECT_EQ(id.substr(0, 8) + id.substr(9, 4), expect);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(new_id(t));
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_TRUE(is_uuid_v7(new_id()));
}

}  // namespace random_test
}  // namespace hotline::crypto

namespace hotline::crypto {
namespace random_test {

// Issue #17, item 9: copies of private keys are wiped when their scope ends.
TEST(Wipe, WipeOnExitZeroesTheBufferHoweverTheScopeEnds) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(0xA5);
  { WipeOnExit guard(seed); }
  EXPECT_TRUE(std::all_of(seed.begin(), seed.end(), [](std::uint8_t b) { return b == 0; }));
  std::string secret = "totp secret";
  try {
    WipeOnExit guard(secret);
    throw 1;
  } catch (int) {
  }
  EXPECT_EQ(secret, std::string(11, '\0'));
}

}  // namespace random_test
}  // namespace hotline::crypto
