#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace concurrency_test {

using ConcurrencyTest = StoreTest;

TEST_P(ConcurrencyTest, TwoWritersAndAReaderAllRowsPresent) {
  constexpr int kPerThread = 150;
  std::atomic<bool> writers_done{false};
  std::atomic<int> failures{0};

  auto writer = [&](const std::string& link) {
    try {
      for (int seq = 1; seq <= kPerThread; ++seq) {
        store_->transact([&](Transaction& tx) {
          // Read-modify-write: the next seq comes from the store, so lost
          // updates or interleaved writers would break the sequence.
          const std::int64_t next = tx.last_seq(link, Direction::outbound) + 1;
          auto e = make_envelope(link, Direction::outbound, next);
          tx.insert_envelope(e);
          tx.enqueue_outbox(OutboxItem{e.link, e.seq, e.id, 0, std::nullopt});
        });
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      ++failures;
    }
  };
  // A reader checking that counts only grow and snapshots are consistent
  // (every envelope of a link has its outbox item in the same snapshot).
  auto reader = [&] {
    std::int64_t last = 0;
    while (!writers_done.load()) {
      auto tx = store_->read();
      const std::int64_t n = tx->count_envelopes();
      const std::int64_t queued = tx->outbox_length("a-b") + tx->outbox_length("a-c");
      if (n < last || n != queued) ++failures;
      last = n;
    }
  };

  std::thread r(reader);
  std::thread a(writer, "a-b");
  std::thread b(writer, "a-c");
  a.join();
  b.join();
  writers_done = true;
  r.join();

  EXPECT_EQ(failures.load(), 0);
  auto tx = store_->read();
  EXPECT_EQ(tx->count_envelopes(), 2 * kPerThread);
  for (const char* link : {"a-b", "a-c"}) {
    EXPECT_EQ(tx->last_seq(link, Direction::outbound), kPerThread);
    auto all = tx->list_envelopes(link, Direction::outbound, 0, 1000);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(kPerThread));
    for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(all[i].seq, i + 1);
    EXPECT_EQ(tx->outbox_length(link), kPerThread);
  }
}

TEST_P(ConcurrencyTest, SecondWriterWaitsForTheFirst) {
  auto first = store_->write();
  first->put_setting("owner", "first");
  std::atomic<bool> second_started{false};
  std::thread t([&] {
    store_->transact([&](Transaction& tx) {
      second_started = true;
      // It must see the first writer's committed value, never run beside it.
      EXPECT_EQ(tx.get_setting("owner"), "first");
      tx.put_setting("owner", "second");
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_started.load());
  first->commit();
  first.reset();
  t.join();
  EXPECT_TRUE(second_started.load());
  EXPECT_EQ(store_->read()->get_setting("owner"), "second");
}

HOTLINE_BOTH_STORES(ConcurrencyTest);

}  // namespace concurrency_test
}  // namespace hotline::store::testing
