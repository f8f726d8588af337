// Thread names are what `top -H` and perf show an operator; Linux keeps 15
// characters, and a longer name must be cut rather than refused.
#include "hotline/common/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace hotline {
namespace thread_name_test {

std::string name_of_this_thread() {
  char buf[32] = {};
  EXPECT_EQ(pthread_getname_np(pthread_self(), buf, sizeof buf), 0);
  return buf;
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
  std::string inside, outside_before = name_of_this_thread();
  std::thread t([&] {
    name_this_thread("delivery");
    inside = name_of_this_thread();
  });
  t.join();
  EXPECT_EQ(inside, "delivery");
  EXPECT_EQ(name_of_this_thread(), outside_before);
}

TEST(ThreadName, LongNamesAreCutToFifteenCharacters) {
  std::string inside;
  std::thread t([&] {
    name_this_thread("operator-io-and-more");
    inside = name_of_this_thread();
  });
  t.join();
  EXPECT_EQ(inside, "operator-io-and");
}

}  // namespace thread_name_test
}  // namespace hotline
