// Group commit (store.h, transact()): callers that queue while another one
// runs share its transaction, each in a savepoint of its own, and return
// after the one COMMIT. These tests hold a first caller inside its fn while
// others queue behind it, then check what every caller must see whichever
// way the queue formed: its own writes committed when transact() returns, a
// thrower's writes gone and nobody else's, no update lost.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace group_commit_test {

using namespace std::chrono_literals;
using GroupCommitTest = StoreTest;

// A door the first caller waits at, inside its transaction.
class Door {
 public:
  void wait_open() {
    std::unique_lock lock(mu_);
    // Bounded: a broken store must fail the test, not hang it.
    ASSERT_TRUE(cv_.wait_for(lock, 30s, [&] { return open_; }));
  }
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

void wait_until(const std::atomic<bool>& flag) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!flag.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(flag.load());
}

std::string setting(Store& store, const std::string& key) {
  return store.read()->get_setting(key).value_or("(none)");
}

TEST_P(GroupCommitTest, QueuedCallersCommitTogetherAndAThrowerUndoesOnlyItsOwnWrites) {
  Door door;
  std::atomic<bool> first_inside{false};
  std::thread first([&] {
    store_->transact([&](Transaction& tx) {
      tx.put_setting("first", "1");
      first_inside = true;
      door.wait_open();
    });
    EXPECT_EQ(setting(*store_, "first"), "1") << "returned before its commit";
  });
  wait_until(first_inside);

  std::string thrown;
  std::vector<std::thread> queued;
  queued.emplace_back([&] {
    store_->transact([](Transaction& tx) { tx.put_setting("second", "2"); });
    EXPECT_EQ(setting(*store_, "second"), "2") << "returned before its commit";
  });
  queued.emplace_back([&] {
    try {
      store_->transact([](Transaction& tx) {
        tx.put_setting("thrower", "x");
        tx.put_setting("second", "overwritten");
        throw Error(ErrorCategory::conflict, "test_refused", "the use case refused");
      });
    } catch (const Error& e) {
      thrown = e.code();
    }
  });
  queued.emplace_back([&] {
    const int r = store_->transact([](Transaction& tx) {
      tx.put_setting("third", "3");
      return 3;
    });
    EXPECT_EQ(r, 3);
    EXPECT_EQ(setting(*store_, "third"), "3") << "returned before its commit";
  });
  // Nobody can have written yet: the first caller holds the writer.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(setting(*store_, "first"), "(none)");
  EXPECT_EQ(setting(*store_, "third"), "(none)");
  door.open();
  first.join();
  for (auto& t : queued) t.join();

  EXPECT_EQ(thrown, "test_refused");
  EXPECT_EQ(setting(*store_, "first"), "1");
  EXPECT_EQ(setting(*store_, "third"), "3");
  EXPECT_EQ(setting(*store_, "thrower"), "(none)");
  // Before or after the thrower, "second" ends as its own caller wrote it.
  EXPECT_EQ(setting(*store_, "second"), "2");
}

TEST_P(GroupCommitTest, AFirstCallerThatThrowsLeavesTheQueueToCarryOn) {
  Door door;
  std::atomic<bool> first_inside{false};
  std::string thrown;
  std::thread first([&] {
    try {
      store_->transact([&](Transaction& tx) {
        tx.put_setting("first", "1");
        first_inside = true;
        door.wait_open();
        throw Error(ErrorCategory::conflict, "test_refused", "the use case refused");
      });
    } catch (const Error& e) {
      thrown = e.code();
    }
  });
  wait_until(first_inside);
  std::thread second(
      [&] { store_->transact([](Transaction& tx) { tx.put_setting("second", "2"); }); });
  std::this_thread::sleep_for(50ms);
  door.open();
  first.join();
  second.join();
  EXPECT_EQ(thrown, "test_refused");
  EXPECT_EQ(setting(*store_, "first"), "(none)");
  EXPECT_EQ(setting(*store_, "second"), "2");
}

TEST_P(GroupCommitTest, NoIncrementIsLostAmongManyCallersAndPlainWriters) {
  // Read-modify-write of one counter from grouped callers and from plain
  // write() transactions at once: every increment must survive.
  constexpr int kThreads = 6;
  constexpr int kEach = 150;
  auto bump = [](Transaction& tx) {
    const int n = std::stoi(tx.get_setting("counter").value_or("0"));
    tx.put_setting("counter", std::to_string(n + 1));
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (t == 0 && i % 3 == 0) {
          auto tx = store_->write();
          bump(*tx);
          tx->commit();
        } else {
          store_->transact(bump);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(setting(*store_, "counter"), std::to_string(kThreads * kEach));
}

TEST_P(GroupCommitTest, ANestedWriteInsideTransactIsRefusedNotDeadlocked) {
  std::string nested_transact, nested_write;
  store_->transact([&](Transaction& tx) {
    tx.put_setting("outer", "1");
    try {
      store_->transact([](Transaction& inner) { inner.put_setting("inner", "1"); });
    } catch (const Error& e) {
      nested_transact = e.code();
    }
    try {
      store_->write();
    } catch (const Error& e) {
      nested_write = e.code();
    }
  });
  EXPECT_EQ(nested_transact, "store_nested_write");
  EXPECT_EQ(nested_write, "store_nested_write");
  EXPECT_EQ(setting(*store_, "outer"), "1");
  EXPECT_EQ(setting(*store_, "inner"), "(none)");
}

HOTLINE_BOTH_STORES(GroupCommitTest);

}  // namespace group_commit_test
}  // namespace hotline::store::testing
