// ReceiveOrder: a link's batches that arrive together are let into the
// store in seq order, and nothing waits for ever.
#include "hotline/link/receive_order.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace hotline::link {
namespace receive_order_test {

using namespace std::chrono_literals;

// Runs `fn` on its own thread; the future is ready when it returns.
template <class F>
std::future<void> run(F fn) {
  return std::async(std::launch::async, std::move(fn));
}

bool ready(std::future<void>& f, std::chrono::milliseconds within = 0ms) {
  return f.wait_for(within) == std::future_status::ready;
}

TEST(ReceiveOrderTest, ALoneBatchGoesAtOnce) {
  ReceiveOrder order;
  ReceiveOrder::Ticket t(order, "L");
  auto start = std::chrono::steady_clock::now();
  t.wait_turn(500);  // its predecessor is unknown, and nobody else is there
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(ReceiveOrderTest, ALaterBatchWaitsForTheOneBeforeIt) {
  ReceiveOrder order;
  std::vector<int> stored;
  std::mutex mu;
  auto first = std::make_unique<ReceiveOrder::Ticket>(order, "L");  // seq 1..10, still checking
  auto second = run([&] {
    ReceiveOrder::Ticket t(order, "L");
    t.wait_turn(11);
    std::lock_guard lock(mu);
    stored.push_back(11);
    t.stored_through(20);
  });
  EXPECT_FALSE(ready(second, 100ms));  // checked first, but must wait
  first->wait_turn(1);
  {
    std::lock_guard lock(mu);
    stored.push_back(1);
  }
  first->stored_through(10);
  EXPECT_TRUE(ready(second, 2000ms));
  first.reset();
  second.get();
  EXPECT_EQ(stored, (std::vector<int>{1, 11}));
}

TEST(ReceiveOrderTest, WhenAllWaitTheEarliestGoesFirst) {
  ReceiveOrder order;
  std::vector<std::int64_t> went;
  std::mutex mu;
  std::atomic<int> arrived{0};
  auto batch = [&](std::int64_t first, std::int64_t last) {
    return run([&, first, last] {
      ReceiveOrder::Ticket t(order, "L");
      ++arrived;
      while (arrived.load() < 3) std::this_thread::yield();
      t.wait_turn(first);
      {
        std::lock_guard lock(mu);
        went.push_back(first);
      }
      t.stored_through(last);
    });
  };
  auto c = batch(201, 300);
  auto b = batch(101, 200);
  auto a = batch(1, 100);
  a.get();
  b.get();
  c.get();
  EXPECT_EQ(went, (std::vector<std::int64_t>{1, 101, 201}));
}

TEST(ReceiveOrderTest, ARefusedBatchLetsTheNextOneGo) {
  ReceiveOrder order;
  auto first = std::make_unique<ReceiveOrder::Ticket>(order, "L");
  auto second = run([&] {
    ReceiveOrder::Ticket t(order, "L");
    t.wait_turn(11);
  });
  EXPECT_FALSE(ready(second, 100ms));
  first->wait_turn(1);
  first.reset();  // refused: nothing stored
  EXPECT_TRUE(ready(second, 2000ms));
}

TEST(ReceiveOrderTest, OtherLinksDoNotWait) {
  ReceiveOrder order;
  ReceiveOrder::Ticket busy(order, "L1");  // checking for ever
  auto other = run([&] {
    ReceiveOrder::Ticket t(order, "L2");
    t.wait_turn(7);
  });
  EXPECT_TRUE(ready(other, 2000ms));
}

TEST(ReceiveOrderTest, NobodyWaitsLongerThanTheLimit) {
  ReceiveOrder order(50ms);
  ReceiveOrder::Ticket stuck(order, "L");  // never finishes checking
  auto start = std::chrono::steady_clock::now();
  ReceiveOrder::Ticket t(order, "L");
  t.wait_turn(11);
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 5s);
}

// Tells `order` that link "L" is stored up to `seq`, as a batch would.
void store_up_to(ReceiveOrder& order, std::int64_t seq) {
  ReceiveOrder::Ticket t(order, "L");
  t.wait_turn(1);
  t.stored_through(seq);
}

TEST(ReceiveOrderTest, AGapWaitsBrieflyForItsPredecessor) {
  ReceiveOrder order(10s, 5000ms);
  store_up_to(order, 10);
  std::vector<int> went;
  std::mutex mu;
  auto later = run([&] {
    ReceiveOrder::Ticket t(order, "L");
    t.wait_turn(21);  // 11..20 are not here yet
    std::lock_guard lock(mu);
    went.push_back(21);
  });
  std::this_thread::sleep_for(100ms);  // the predecessor arrives late
  {
    ReceiveOrder::Ticket t(order, "L");
    t.wait_turn(11);
    {
      std::lock_guard lock(mu);
      went.push_back(11);
    }
    t.stored_through(20);
  }
  later.get();
  EXPECT_EQ(went, (std::vector<int>{11, 21}));
}

TEST(ReceiveOrderTest, AGapAloneGoesAfterTheGrace) {
  ReceiveOrder order(5s, 100ms);
  store_up_to(order, 10);
  ReceiveOrder::Ticket t(order, "L");
  auto start = std::chrono::steady_clock::now();
  t.wait_turn(21);  // the store step will refuse it with seq_gap
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 3s);
}

}  // namespace receive_order_test
}  // namespace hotline::link
