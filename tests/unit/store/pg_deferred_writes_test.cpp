// Deferred writes in a PostgreSQL group commit (conn.h, Conn::write): a
// write whose result nobody reads waits for the member's next round trip.
// An error the server finds in it must still fail the member that made it,
// and only that one, wherever it stands in the group (first, between two
// others, last), and leave nothing of that member. PostgreSQL only: SQLite
// sends nothing anywhere. The refused write: a setting whose key is too
// large for the settings' index, which no check in the store looks for, so
// the refusal comes from the server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace pg_deferred_writes_test {

using namespace std::chrono_literals;
using hotline::testing::PgTestDatabase;

const std::string kNotUtf8 = "\xff\xfe";

// Random hex (so that compressing it does not make it fit) longer than a
// btree index entry may be.
std::string too_long_a_key() {
  std::string key;
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 6000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    key += "0123456789abcdef"[x & 15];
  }
  return key;
}

class Door {
 public:
  void wait_open() {
    std::unique_lock lock(mu_);
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

class PgDeferredWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PostgresOptions options;
    options.conninfo = db_.conninfo();
    store_ = open_postgres(options);
  }
  std::string setting(const std::string& key) {
    return store_->read()->get_setting(key).value_or("(none)");
  }
  // A caller whose second write the server refuses; returns its error code.
  std::string refused_caller(const std::string& name) {
    try {
      store_->transact([&](Transaction& tx) {
        tx.put_setting(name + ".before", "1");
        tx.put_setting(name + too_long_a_key(), "1");
        tx.put_setting(name + ".after", "1");
      });
    } catch (const Error& e) {
      return e.code();
    }
    return "(none)";
  }

  PgTestDatabase db_;
  std::unique_ptr<Store> store_;
};

// Holds the writer with a first caller while `queue` queues others behind
// it, then lets it go.
template <class Queue>
void behind_a_first_caller(Store& store, Queue queue) {
  Door door;
  std::atomic<bool> inside{false};
  std::thread first([&] {
    store.transact([&](Transaction& tx) {
      tx.put_setting("first", "1");
      inside = true;
      door.wait_open();
    });
  });
  while (!inside) std::this_thread::sleep_for(1ms);
  queue();
  std::this_thread::sleep_for(100ms);  // all queued behind the first caller
  door.open();
  first.join();
}

TEST_F(PgDeferredWritesTest, ARefusedDeferredWriteFailsOnlyItsCallerBetweenTwoOthers) {
  std::string refused;
  std::thread bad, good;
  behind_a_first_caller(*store_, [&] {
    bad = std::thread([&] { refused = refused_caller("bad"); });
    std::this_thread::sleep_for(50ms);  // queued after the refused one
    good = std::thread(
        [&] { store_->transact([](Transaction& tx) { tx.put_setting("good", "1"); }); });
  });
  bad.join();
  good.join();
  EXPECT_EQ(refused, "store_failed");
  EXPECT_EQ(setting("first"), "1");
  EXPECT_EQ(setting("good"), "1");
  EXPECT_EQ(setting("bad.before"), "(none)");
  EXPECT_EQ(setting("bad.after"), "(none)");
}

TEST_F(PgDeferredWritesTest, ARefusedDeferredWriteOfTheLastCallerFailsOnlyIt) {
  std::string refused;
  std::thread bad;
  behind_a_first_caller(*store_,
                        [&] { bad = std::thread([&] { refused = refused_caller("bad"); }); });
  bad.join();
  EXPECT_EQ(refused, "store_failed");
  EXPECT_EQ(setting("first"), "1");
  EXPECT_EQ(setting("bad.before"), "(none)");
}

TEST_F(PgDeferredWritesTest, ARefusedDeferredWriteOfACallerAloneLosesAllOfItAndTheStoreGoesOn) {
  EXPECT_EQ(refused_caller("alone"), "store_failed");
  EXPECT_EQ(setting("alone.before"), "(none)");
  store_->transact([](Transaction& tx) { tx.put_setting("next", "1"); });
  EXPECT_EQ(setting("next"), "1");
}

// What a member reads after its deferred write sees it (the write goes
// with that read's round trip), and a plain write() transaction sends its
// writes at once.
TEST_F(PgDeferredWritesTest, AReadAfterADeferredWriteSeesIt) {
  store_->transact([](Transaction& tx) {
    tx.put_setting("k", "it's \\ 'quoted'");
    EXPECT_EQ(tx.get_setting("k").value_or(""), "it's \\ 'quoted'");
  });
  EXPECT_EQ(setting("k"), "it's \\ 'quoted'");
  // Text that is not UTF-8 is refused at the call, whether deferred or not.
  store_->transact([](Transaction& tx) {
    EXPECT_EQ(error_code([&] { tx.put_setting("t", kNotUtf8); }), "store_invalid");
    tx.put_setting("t", "ok");
  });
  EXPECT_EQ(setting("t"), "ok");
  auto tx = store_->write();
  EXPECT_EQ(error_code([&] { tx->put_setting("w", kNotUtf8); }), "store_invalid");
}

}  // namespace pg_deferred_writes_test
}  // namespace hotline::store::testing
