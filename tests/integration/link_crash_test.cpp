// Crashes: SIGKILL the sender, then (separately) the receiver, at random
// moments of a stream of desk messages, restarting it each time. After the
// last restart every envelope must be delivered exactly once, and nothing
// stored lost or doubled on either side.
#include <atomic>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "link_harness.h"

namespace hotline::it {
namespace link_crash_test {

class LinkCrash : public TwoNodes {
 protected:
  // alpha streams `n` desk messages to bravo; `victim` is killed `kills`
  // times at random moments and restarted.
  void stream_with_kills(Side victim, unsigned seed) {
    const std::int64_t n = kSanitized ? 1200 : 3000;
    const int kills = 12;
    ASSERT_NO_FATAL_FAILURE(setup());
    ASSERT_NO_FATAL_FAILURE(start(kAlpha));
    ASSERT_NO_FATAL_FAILURE(start(kBravo));
    std::printf("[crash] victim %s, seed %u, %lld messages, %d kills\n", node(victim).name.c_str(),
                seed, static_cast<long long>(n), kills);

    // The stream: bursts of 50 with a pause, so it lasts through the kills.
    auto t0 = Clock::now();
    std::atomic<bool> producing{true};
    std::string producer_error;
    std::jthread producer([&] {  // joins even when an assertion returns early
      try {
        enqueue(dir(kAlpha), "bravo", n, 0, 50, kSanitized ? 60ms : 90ms);
      } catch (const std::exception& e) {
        producer_error = e.what();
      }
      producing = false;
    });

    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay_ms(50, 1000);
    auto watch = service::open_node(dir(kAlpha));
    auto link = link_of(*watch.store, "bravo");
    int during_stream = 0, mid_queue = 0;
    std::string history;
    for (int k = 0; k < kills; ++k) {
      // Shorter gaps while the stream lasts (it may be over in two seconds),
      // so that most kills land in it.
      const int gap = delay_ms(rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(producing ? 50 + gap % 250 : gap));
      // Aim at envelopes in flight: while the stream lasts, wait (briefly)
      // for a moment with a queue. The clock alone missed it when parallel
      // tests slowed the producer and sped nothing else.
      auto before = link_counts(*watch.store, link);
      for (auto aim_until = Clock::now() + 2s;
           producing && before.outbox == 0 && Clock::now() < aim_until;) {
        std::this_thread::sleep_for(5ms);
        before = link_counts(*watch.store, link);
      }
      if (producing) ++during_stream;
      if (before.outbox > 0) ++mid_queue;
      ASSERT_NO_FATAL_FAILURE(kill(victim));
      history += " " + std::to_string(before.receipted_out) + "/" + std::to_string(before.last_out);
      // Every third restart is killed again before it is ready (start-up).
      ASSERT_NO_FATAL_FAILURE(start(victim, /*wait_ready=*/k % 3 != 2));
    }
    producer.join();
    ASSERT_TRUE(producer_error.empty()) << "enqueue failed: " << producer_error;
    ASSERT_TRUE(wait_ready_(victim)) << "the final restart did not come up";
    std::printf("[crash] kills at receipted/stored:%s (%d during the stream, %d with a queue)\n",
                history.c_str(), during_stream, mid_queue);
    EXPECT_GE(mid_queue, 3) << "too few kills hit a non-empty queue for this test to mean much";

    ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", n, kSanitized ? 120s : 60s));
    ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 1, 30s));
    std::printf("[crash] delivered after %.1f s\n", seconds_since(t0));
    ASSERT_NO_FATAL_FAILURE(settle_and_stop());

    auto ab = expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), msg_texts("alpha", 0, n));
    expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), {});
    // Beyond the desk messages, alpha's chain holds its own traffic
    // (heartbeats, ledger heads): at most one heartbeat per start.
    EXPECT_EQ(ab.types["desk.message"], n) << ab.types_str();
    EXPECT_LE(ab.types["link.heartbeat"], node(kAlpha).starts)
        << "more heartbeats than alpha had starts: " << ab.types_str();
    std::printf("[crash] alpha -> bravo: %s\n", ab.types_str().c_str());
  }
};

TEST_F(LinkCrash, SenderKilledAtRandomMoments) {
  stream_with_kills(kAlpha, 0x5eed01);
}

TEST_F(LinkCrash, ReceiverKilledAtRandomMoments) {
  stream_with_kills(kBravo, 0x5eed02);
}

}  // namespace link_crash_test
}  // namespace hotline::it
