// Timestamps: the one text form, and a day taken as its midnight UTC.
#include "hotline/common/time.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"

namespace hotline {
namespace time_test {

TEST(ParseDayOrTimestamp, ADayIsItsMidnightUtcAndATimestampIsItself) {
  EXPECT_EQ(parse_day_or_timestamp("2026-03-01"), parse_timestamp("2026-03-01T00:00:00.000Z"));
  EXPECT_EQ(parse_day_or_timestamp("2026-03-01T10:14:05.123Z"),
            parse_timestamp("2026-03-01T10:14:05.123Z"));
}

TEST(ParseDayOrTimestamp, AnythingElseIsRefusedWithTheTimestampCode) {
  for (const char* bad : {"", "2026-3-1", "2026-13-01", "01/03/2026", "2026-03-01T10:14",
                          "2026-03-01 00:00:00.000Z"}) {
    try {
      (void)parse_day_or_timestamp(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "timestamp_invalid") << bad;
    }
  }
}

}  // namespace time_test
}  // namespace hotline
