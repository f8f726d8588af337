// alpha -> bravo through a FaultProxy: drops, stalls and cuts while a stream
// is delivered, and one stall longer than the client's timeouts. Nothing may
// be lost or doubled.
#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "link_harness.h"

namespace hotline::it {
namespace link_proxy_test {

class LinkProxy : public TwoNodes {};

TEST_F(LinkProxy, ChaosDuringAStreamLosesNothing) {
  const std::int64_t n = kSanitized ? 1200 : 3000;
  const auto chaos_for = 8s;
  const unsigned seed = 0xc4a05;
  Options o;
  o.proxy_alpha_to_bravo = true;
  ASSERT_NO_FATAL_FAILURE(setup(o));
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));

  auto t0 = Clock::now();
  proxy().start_chaos(250ms, seed);
  std::string producer_error;
  {
    std::jthread producer([&] {
      try {
        // Spread over most of the chaos period.
        enqueue(dir(kAlpha), "bravo", n, 0, 100, kSanitized ? 150ms : 200ms);
      } catch (const std::exception& e) {
        producer_error = e.what();
      }
    });
  }
  ASSERT_TRUE(producer_error.empty()) << producer_error;
  auto left = chaos_for - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  if (left > 0ms) std::this_thread::sleep_for(left);
  auto mid = service::open_node(dir(kBravo));
  auto in_during = link_counts(*mid.store, link_of(*mid.store, "alpha"));
  proxy().stop_chaos();
  std::printf(
      "[proxy] chaos (seed %#x) for %.1f s: %llu connections, %llu bytes; bravo had %lld "
      "inbound when it ended\n",
      seed, seconds_since(t0), static_cast<unsigned long long>(proxy().connections_accepted()),
      static_cast<unsigned long long>(proxy().bytes_forwarded()),
      static_cast<long long>(in_during.last_in));
  EXPECT_GT(proxy().connections_accepted(), 3u) << "the chaos never cut a connection";

  auto t1 = Clock::now();
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", n, kSanitized ? 120s : 90s));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 1, 30s));
  std::printf("[proxy] all delivered %.1f s after the chaos stopped\n", seconds_since(t1));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), msg_texts("alpha", 0, n));
  expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), {});
}

TEST_F(LinkProxy, StallLongerThanTheTimeoutsThenHeal) {
  // The delivery client's timeouts (node/peer_transport.cpp): connect and
  // handshake 3 s, request 10 s (20 s in earlier versions). The stall
  // outlasts them, so alpha's last error must be a timeout.
  const auto stall_for = 24s;
  const std::int64_t first = 100, second = 300;
  Options o;
  o.proxy_alpha_to_bravo = true;
  ASSERT_NO_FATAL_FAILURE(setup(o));
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));

  ASSERT_NO_THROW(enqueue(dir(kAlpha), "bravo", first));
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", first, 30s));

  auto bravo = service::open_node(dir(kBravo));
  auto link = link_of(*bravo.store, "alpha");
  proxy().set_mode(testing::FaultProxy::Mode::stall);
  // A heartbeat whose bytes crossed the proxy just before the stall may still
  // be on its way into bravo's store: count after it has had time to land.
  std::this_thread::sleep_for(1s);
  auto before = link_counts(*bravo.store, link);
  ASSERT_NO_THROW(enqueue(dir(kAlpha), "bravo", second, first));
  auto t0 = Clock::now();

  // While stalled, nothing reaches bravo, and alpha's `peer list` ends up
  // reporting the link as not connected, with the client's error.
  auto entry = nlohmann::json::object();
  while (Clock::now() - t0 < stall_for) {
    std::this_thread::sleep_for(1s);
    entry = peer_entry(kAlpha);
  }
  auto during = link_counts(*bravo.store, link);
  EXPECT_EQ(during.last_in, before.last_in) << "envelopes got through a stalled proxy";
  EXPECT_EQ(entry.value("connected", true), false) << entry.dump(2);
  EXPECT_TRUE(entry["last_error"].is_string() &&
              entry["last_error"].get<std::string>().find("timed out") != std::string::npos)
      << "expected a timeout as alpha's last error: " << entry.dump(2);
  EXPECT_GT(entry.value("queue", 0), 0) << entry.dump(2);

  proxy().set_mode(testing::FaultProxy::Mode::pass);
  auto t1 = Clock::now();
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", first + second, 60s));
  std::printf("[proxy] after a %lld s stall, delivery resumed and finished in %.1f s\n",
              static_cast<long long>(stall_for.count()), seconds_since(t1));
  auto healed = poll_until_connected(kAlpha);
  EXPECT_EQ(healed.value("connected", false), true) << healed.dump(2);

  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 1, 30s));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), msg_texts("alpha", 0, first + second));
  expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), {});
}

}  // namespace link_proxy_test
}  // namespace hotline::it
