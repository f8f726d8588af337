#include "hotline/common/ascii.h"

#include <gtest/gtest.h>

namespace ascii_test {
namespace {

using hotline::ascii_lower;
using hotline::trim_blanks;

TEST(Ascii, LowersOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lower("Application/TAXII+JSON;Version=2.1"),
            "application/taxii+json;version=2.1");
  EXPECT_EQ(ascii_lower("ÄB 文"), "Äb 文");  // UTF-8 bytes untouched
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_lower('@'), '@');
}

TEST(Ascii, TrimsSpacesAndTabsAtTheEnds) {
  EXPECT_EQ(trim_blanks(" \t gzip, br \t"), "gzip, br");
  EXPECT_EQ(trim_blanks("   "), "");
  EXPECT_EQ(trim_blanks("a\nb"), "a\nb");
}

}  // namespace
}  // namespace ascii_test
