#include "hotline/node/refusal_tally.h"

#include <gtest/gtest.h>

namespace hotline::node {
namespace refusal_tally_test {

using namespace std::chrono_literals;

// A thousand throwaway keys cost one event per interval, with the count and
// a sample; the first refusal after a quiet spell is reported at once.
TEST(RefusalTally, OneEventPerIntervalWithCountAndSample) {
  RefusalTally tally(60s);
  auto t = RefusalTally::Clock::now();
  EXPECT_FALSE(tally.due(t));
  tally.count("key-0");
  auto first = tally.due(t);
  ASSERT_TRUE(first);
  EXPECT_NE(first->find("key-0"), std::string::npos) << *first;

  int events = 0;
  for (int i = 1; i <= 1000; ++i) {
    tally.count("key-" + std::to_string(i));
    tally.count("key-" + std::to_string(i));                         // each key twice
    if (tally.due(t + std::chrono::milliseconds(i * 10))) ++events;  // 10 s in all
  }
  EXPECT_EQ(events, 0) << "within the interval nothing more is recorded";
  auto next = tally.due(t + 61s);
  ASSERT_TRUE(next);
  EXPECT_NE(next->find("2000 TLS handshakes refused"), std::string::npos) << *next;
  EXPECT_NE(next->find("1000 distinct"), std::string::npos) << *next;
  EXPECT_NE(next->find("key-1, key-2, key-3, key-4, key-5"), std::string::npos) << *next;
  EXPECT_EQ(next->find("key-6"), std::string::npos) << "the sample is bounded";
  EXPECT_FALSE(tally.due(t + 200s)) << "nothing refused since";
}

}  // namespace refusal_tally_test
}  // namespace hotline::node
