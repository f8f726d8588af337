// The Merkle log and the event stream across stores: the same leaves give
// the same hashes on SQLite and PostgreSQL; two PostgreSQL store objects on
// one database (two processes of one node) append without gaps or
// duplicates, in commit order, and wake each other's event waiters.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/ledger/memory_tree_storage.h"
#include "hotline/ledger/merkle_tree.h"
#include "store_test_util.h"

namespace hotline::store::testing {
namespace shared_log_test {

using namespace std::chrono_literals;

// The log of a store transaction as the ledger's TreeStorage (read only).
class TxStorage final : public ledger::TreeStorage {
 public:
  explicit TxStorage(Transaction& tx) : tx_(tx) {}
  std::uint64_t size() override { return static_cast<std::uint64_t>(tx_.ledger_size()); }
  std::optional<ledger::Digest> get(int level, std::uint64_t index) override {
    auto hex = tx_.ledger_node(level, static_cast<std::int64_t>(index));
    if (!hex) return std::nullopt;
    return ledger::digest_from_hex(*hex);
  }
  void put(int, std::uint64_t, const ledger::Digest&) override { FAIL() << "read only"; }

 private:
  Transaction& tx_;
};

std::unique_ptr<Store> open_pg(const hotline::testing::PgTestDatabase& db, bool create) {
  PostgresOptions options;
  options.conninfo = db.conninfo();
  options.create = create;
  return open_postgres(options);
}

// Appends the same 300 leaves (envelopes and receipts) to `store` in
// transactions of 1 to 9 appends, some with a refused duplicate in the
// middle, some rolled back whole; returns the canonical bytes of the leaves
// kept, in order.
std::vector<std::string> append_mixed(Store& store) {
  std::vector<std::string> leaves;
  int seq = 0;
  for (int round = 0; leaves.size() < 300; ++round) {
    const int n = 1 + round % 9;
    auto tx = store.write();
    std::vector<std::string> these;
    for (int k = 0; k < n; ++k) {
      auto e = make_envelope("l", Direction::outbound, ++seq);
      e.canonical += std::string(static_cast<std::size_t>(round % 7), ' ');
      EXPECT_EQ(tx->insert_envelope(e), static_cast<std::int64_t>(leaves.size() + these.size()));
      these.push_back(e.canonical);
      if (k == 1 && round % 4 == 0) {
        EXPECT_EQ(error_code([&] { tx->insert_envelope(e); }), "store_duplicate");
      }
      if (seq % 3 == 0) {
        auto r = make_receipt(e, seq);
        EXPECT_EQ(tx->insert_receipt(r), static_cast<std::int64_t>(leaves.size() + these.size()));
        these.push_back(r.canonical);
      }
    }
    if (round % 10 == 5) {
      seq -= n;
      continue;  // rolled back: its leaves and indexes are not used up
    }
    tx->commit();
    leaves.insert(leaves.end(), these.begin(), these.end());
  }
  return leaves;
}

TEST(SharedLogTest, LedgerHashesAreTheSameBytesOnBothStores) {
  FreshStore sqlite(Backend::sqlite);
  FreshStore postgres(Backend::postgres);
  const auto leaves = append_mixed(*sqlite.store);
  ASSERT_EQ(append_mixed(*postgres.store), leaves);

  ledger::MemoryTreeStorage reference_storage;
  ledger::MerkleTree reference(reference_storage);
  for (const auto& leaf : leaves) reference.append(leaf);

  auto a = sqlite.store->read();
  auto b = postgres.store->read();
  const auto n = static_cast<std::int64_t>(leaves.size());
  ASSERT_EQ(a->ledger_size(), n);
  ASSERT_EQ(b->ledger_size(), n);
  EXPECT_EQ(a->list_ledger_leaves(0, 1000), b->list_ledger_leaves(0, 1000));
  int compared = 0;
  for (int level = 0; (std::int64_t{1} << level) <= n; ++level) {
    for (std::int64_t i = 0; (i + 1) << level <= n; ++i) {
      const auto want = to_hex(*reference_storage.get(level, static_cast<std::uint64_t>(i)));
      ASSERT_EQ(a->ledger_node(level, i), want) << "sqlite node " << level << "/" << i;
      ASSERT_EQ(b->ledger_node(level, i), want) << "postgres node " << level << "/" << i;
      ++compared;
    }
    // Nothing past the perfect subtrees is stored.
    const std::int64_t past = n >> level;
    EXPECT_EQ(a->ledger_node(level, past), std::nullopt);
    EXPECT_EQ(b->ledger_node(level, past), std::nullopt);
  }
  EXPECT_GT(compared, 2 * static_cast<int>(n) - 20);
  TxStorage sa(*a), sb(*b);
  ledger::MerkleTree ta(sa), tb(sb);
  EXPECT_EQ(ta.root(), reference.root());
  EXPECT_EQ(tb.root(), reference.root());
  for (std::uint64_t size : {1u, 2u, 3u, 7u, 64u, 100u, 257u}) {
    EXPECT_EQ(tb.root_at(size), reference.root_at(size)) << size;
  }
}

// The stored log checked against a tree built from the stored leaves'
// canonical bytes: every node, and the root.
void expect_log_matches_its_leaves(Store& store) {
  auto tx = store.read();
  ledger::MemoryTreeStorage reference_storage;
  ledger::MerkleTree reference(reference_storage);
  const auto leaves = tx->list_ledger_leaves(0, 100000);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const auto& l = leaves[i];
    ASSERT_EQ(l.index, static_cast<std::int64_t>(i)) << "a gap or a duplicate";
    if (l.kind == "envelope") {
      reference.append(tx->find_envelope_by_seq(l.link, l.direction, l.seq)->canonical);
    } else {
      reference.append(tx->find_receipt(l.link, l.direction, l.seq)->canonical);
    }
  }
  const auto n = static_cast<std::int64_t>(leaves.size());
  for (int level = 0; (std::int64_t{1} << level) <= n; ++level) {
    for (std::int64_t i = 0; (i + 1) << level <= n; ++i) {
      ASSERT_EQ(tx->ledger_node(level, i),
                to_hex(*reference_storage.get(level, static_cast<std::uint64_t>(i))))
          << "node " << level << "/" << i;
    }
  }
  TxStorage storage(*tx);
  EXPECT_EQ(ledger::MerkleTree(storage).root(), reference.root());
}

using SharedLogStoreTest = StoreTest;

// Callers of transact() queued together share one database transaction;
// what one learned of the log and the chain heads serves the next, and is
// forgotten with the writes of a member that throws.
TEST_P(SharedLogStoreTest, GroupMembersThatThrowLeaveTheLogAndChainsWhole) {
  constexpr int kThreads = 6;
  constexpr int kEach = 60;
  std::atomic<int> thrown{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string link = "link-" + std::to_string(t % 3);  // two threads per link
      for (int i = 0; i < kEach; ++i) {
        try {
          store_->transact([&](Transaction& tx) {
            for (int k = 0; k <= i % 3; ++k) {
              auto e = make_envelope(link, Direction::outbound,
                                     tx.chain_head(link, Direction::outbound).seq + 1);
              tx.insert_envelope(e);
              if ((i + t) % 4 == 0) tx.insert_receipt(make_receipt(e, 0));
            }
            if ((i + t) % 5 == 2) throw std::runtime_error("the use case gave up");
          });
        } catch (const std::runtime_error&) {
          ++thrown;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(thrown.load(), 0);
  expect_log_matches_its_leaves(*store_);
  auto tx = store_->read();
  for (int l = 0; l < 3; ++l) {
    const std::string link = "link-" + std::to_string(l);
    const auto all = tx->list_envelopes(link, Direction::outbound, 0, 100000);
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].seq, static_cast<std::int64_t>(i + 1));
    }
    EXPECT_EQ(tx->chain_head(link, Direction::outbound).seq, static_cast<std::int64_t>(all.size()));
  }
}

HOTLINE_BOTH_STORES(SharedLogStoreTest);

// What one transaction appended: its leaf index and its event id.
struct Appended {
  std::int64_t leaf;
  std::int64_t event;
};

TEST(SharedLogTest, TwoStoresOnOneDatabaseAppendInCommitOrder) {
  hotline::testing::PgTestDatabase db;
  auto first = open_pg(db, true);
  auto second = open_pg(db, false);
  constexpr int kThreadsPerStore = 3;
  constexpr int kEach = 40;

  std::mutex mu;
  std::vector<Appended> appended;
  std::atomic<bool> done{false};
  auto writer = [&](Store& store, const std::string& link) {
    for (int i = 0; i < kEach; ++i) {
      const auto a = store.transact([&](Transaction& tx) {
        auto e =
            make_envelope(link, Direction::outbound, tx.last_seq(link, Direction::outbound) + 1);
        const std::int64_t leaf = tx.insert_envelope(e);
        tx.enqueue_outbox(OutboxItem{e.link, e.seq, e.id, 0, std::nullopt});
        const std::int64_t event =
            tx.append_event({0, "2026-11-27T09:00:00.000Z", "test", link, e.id});
        return Appended{leaf, event};
      });
      std::lock_guard lock(mu);
      appended.push_back(a);
    }
  };
  // A reader on the other store, following the events by id as a consumer
  // does: an id committed below its cursor would be missed for good.
  std::vector<std::int64_t> seen;
  auto follower = [&] {
    std::int64_t cursor = 0;
    auto poll = [&] {
      for (const auto& e : first->read()->list_events(cursor, 1000)) {
        seen.push_back(e.id);
        cursor = e.id;
      }
    };
    while (!done.load()) {
      first->wait_for_events(cursor, 200ms);
      poll();
    }
    poll();
  };
  std::thread follow(follower);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadsPerStore; ++t) {
    threads.emplace_back(writer, std::ref(*first), "one-" + std::to_string(t));
    threads.emplace_back(writer, std::ref(*second), "two-" + std::to_string(t));
  }
  for (auto& t : threads) t.join();
  done = true;
  follow.join();

  constexpr int kTotal = 2 * kThreadsPerStore * kEach;
  ASSERT_EQ(appended.size(), static_cast<std::size_t>(kTotal));
  auto tx = second->read();
  ASSERT_EQ(tx->ledger_size(), kTotal);
  const auto leaves = tx->list_ledger_leaves(0, 10 * kTotal);
  ASSERT_EQ(leaves.size(), static_cast<std::size_t>(kTotal));
  for (int i = 0; i < kTotal; ++i) EXPECT_EQ(leaves[i].index, i) << "a gap or a duplicate";
  expect_log_matches_its_leaves(*first);
  // Leaf indexes and event ids were handed out in one order: commit order.
  std::sort(appended.begin(), appended.end(),
            [](const Appended& x, const Appended& y) { return x.leaf < y.leaf; });
  for (std::size_t i = 1; i < appended.size(); ++i) {
    EXPECT_LT(appended[i - 1].event, appended[i].event) << "leaf " << appended[i].leaf;
  }
  // The follower saw every event once, ascending.
  std::vector<std::int64_t> all;
  for (const auto& e : tx->list_events(0, 10 * kTotal)) all.push_back(e.id);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(seen, all);
  // Every link's chain is whole, whichever store wrote it.
  for (int t = 0; t < kThreadsPerStore; ++t) {
    for (const char* who : {"one-", "two-"}) {
      const std::string link = who + std::to_string(t);
      EXPECT_EQ(tx->last_seq(link, Direction::outbound), kEach);
      EXPECT_EQ(tx->outbox_length(link), kEach);
    }
  }
}

// Each store remembers the log's end and the chain heads from one write
// to the next: what the other store appended meanwhile must not be missed.
TEST(SharedLogTest, TwoStoresTakingTurnsOnOneChain) {
  hotline::testing::PgTestDatabase db;
  auto first = open_pg(db, true);
  auto second = open_pg(db, false);
  auto send = [](Store& store, bool receipt) {
    store.transact([&](Transaction& tx) {
      auto e =
          make_envelope("l", Direction::outbound, tx.chain_head("l", Direction::outbound).seq + 1);
      tx.insert_envelope(e);
      if (receipt) tx.insert_receipt(make_receipt(e, 0));
    });
  };
  for (int i = 0; i < 40; ++i) {
    // Runs of 1 to 3 writes by one store, then the other's turn; some
    // plain write() transactions, some rolled back.
    Store& store = (i / 2) % 2 == 0 ? *first : *second;
    for (int k = 0; k <= i % 3; ++k) send(store, (i + k) % 2 == 0);
    if (i % 5 == 0) {
      auto tx = store.write();
      tx->insert_envelope(make_envelope("l", Direction::outbound,
                                        tx->chain_head("l", Direction::outbound).seq + 1));
    }
    if (i % 7 == 0) {
      auto tx = store.write();
      auto e =
          make_envelope("l", Direction::outbound, tx->chain_head("l", Direction::outbound).seq + 1);
      tx->insert_envelope(e);
      tx->commit();
    }
  }
  expect_log_matches_its_leaves(*first);
  auto tx = second->read();
  const auto all = tx->list_envelopes("l", Direction::outbound, 0, 1000);
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq, static_cast<std::int64_t>(i + 1));
  }
}

TEST(SharedLogTest, AnEventCommittedByOneStoreWakesTheOthersWaiter) {
  hotline::testing::PgTestDatabase db;
  auto waiter = open_pg(db, true);
  auto writer = open_pg(db, false);
  auto append = [&](const char* detail) {
    return writer->transact([&](Transaction& tx) {
      return tx.append_event({0, "2026-11-27T09:00:00.000Z", "test", "", detail});
    });
  };
  // Let the waiter's listener start (until then it polls).
  std::this_thread::sleep_for(500ms);
  const std::int64_t first = append("first");

  std::atomic<bool> committed{false};
  std::atomic<bool> woke_before_commit{false};
  std::chrono::steady_clock::duration waited{};
  std::thread t([&] {
    const auto start = std::chrono::steady_clock::now();
    waiter->wait_for_events(first, 20s);
    waited = std::chrono::steady_clock::now() - start;
    woke_before_commit = !committed.load();
  });
  std::this_thread::sleep_for(300ms);
  // Uncommitted, an event wakes nobody: the notification leaves at commit.
  {
    auto tx = writer->write();
    tx->append_event({0, "2026-11-27T09:00:01.000Z", "test", "", "rolled back"});
    std::this_thread::sleep_for(200ms);
  }
  committed = true;
  const std::int64_t second = append("second");
  t.join();
  EXPECT_FALSE(woke_before_commit.load()) << "woken by no commit";
  EXPECT_LT(waited, 5s) << "the notification did not arrive";
  const auto events = waiter->read()->list_events(first, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, second);
  EXPECT_EQ(events[0].detail, "second");
}

}  // namespace shared_log_test
}  // namespace hotline::store::testing
