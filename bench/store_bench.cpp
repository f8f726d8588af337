// Store write throughput: one envelope stored and queued for delivery per
// item, the work of sending one message. Measured one item per write
// transaction and 100 items per transaction (group commit), with SQLite
// synchronous=NORMAL and FULL, and the same on PostgreSQL; and one item per
// transaction from 4 threads at once through transact() (their
// transactions share commits) on both stores.
//
// The PostgreSQL rows run on the server HOTLINE_BENCH_PG (or HOTLINE_TEST_PG)
// names, a maintenance database as a libpq connection string; without
// either, on a private throwaway cluster started once (tests/support,
// pg_test_db.h). Each benchmark creates a fresh database and drops it
// afterwards.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hotline/store/open.h"
#include "hotline/store/store.h"
#include "support/pg_test_db.h"

namespace {

using hotline::store::Direction;
using hotline::store::EnvelopeRecord;
using hotline::store::OutboxItem;
using hotline::store::SqliteOptions;
using hotline::store::Transaction;

// A database in a fresh temporary folder, removed afterwards.
class BenchDb {
 public:
  explicit BenchDb(SqliteOptions::Sync sync) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "hotline-store-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    store = hotline::store::open_sqlite(dir_ / "bench.db", {.sync = sync});
  }
  ~BenchDb() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<hotline::store::Store> store;

 private:
  std::filesystem::path dir_;
};

// A fresh PostgreSQL database, dropped afterwards; store is empty (and
// error says why) when no server could be had.
class PgBenchDb {
 public:
  PgBenchDb() {
    const char* bench = std::getenv("HOTLINE_BENCH_PG");
    if (bench != nullptr && *bench != '\0') ::setenv("HOTLINE_TEST_PG", bench, 1);
    try {
      db_ = std::make_unique<hotline::testing::PgTestDatabase>();
      hotline::store::PostgresOptions options;
      options.conninfo = db_->conninfo();
      store = hotline::store::open_postgres(options);
    } catch (const std::exception& e) {
      error = std::string("no PostgreSQL: ") + e.what();
    }
  }
  ~PgBenchDb() { store.reset(); }

  std::unique_ptr<hotline::store::Store> store;
  std::string error;

 private:
  std::unique_ptr<hotline::testing::PgTestDatabase> db_;  // outlives store
};

// The store a benchmark runs on: arg 0 SQLite synchronous=NORMAL, 1 SQLite
// synchronous=FULL, 2 PostgreSQL.
struct AnyDb {
  explicit AnyDb(std::int64_t which) {
    if (which == 2) {
      pg = std::make_unique<PgBenchDb>();
      store = pg->store.get();  // null when pg->error says why
    } else {
      sqlite = std::make_unique<BenchDb>(which == 0 ? SqliteOptions::Sync::normal
                                                    : SqliteOptions::Sync::full);
      store = sqlite->store.get();
    }
  }
  std::unique_ptr<BenchDb> sqlite;
  std::unique_ptr<PgBenchDb> pg;
  hotline::store::Store* store = nullptr;
};

// About 1 KiB of canonical JSON, like a small alert.
const std::string& body() {
  static const std::string text = "{\"body\":\"" + std::string(1000, 'x') + "\"}";
  return text;
}

void add_item(Transaction& tx, std::int64_t seq, const std::string& link = "cert-a/cert-b") {
  EnvelopeRecord e;
  e.id = link + "-env-" + std::to_string(seq);
  e.link = link;
  e.direction = Direction::outbound;
  e.seq = seq;
  e.digest = std::string(64, 'a');
  e.type = "alert.raise";
  e.sent_at = "2026-11-27T09:44:49.123Z";
  e.canonical = body();
  tx.insert_envelope(e);
  tx.enqueue_outbox(OutboxItem{e.link, e.seq, e.id, 0, std::nullopt});
}

void send_one_per_transaction(benchmark::State& state, std::int64_t which) {
  AnyDb db(which);
  if (!db.store) return state.SkipWithError(db.pg->error.c_str());
  std::int64_t seq = 0;
  for (auto _ : state) {
    db.store->transact([&](Transaction& tx) { add_item(tx, ++seq); });
  }
  state.SetItemsProcessed(seq);
}

void send_batches_of_100(benchmark::State& state, std::int64_t which) {
  AnyDb db(which);
  if (!db.store) return state.SkipWithError(db.pg->error.c_str());
  std::int64_t seq = 0;
  for (auto _ : state) {
    db.store->transact([&](Transaction& tx) {
      for (int i = 0; i < 100; ++i) add_item(tx, ++seq);
    });
  }
  state.SetItemsProcessed(seq);
}

// Four threads, each sending 250 items on a link of its own, one item per
// transact() call: what several API clients or links at once do.
void BM_StoreSendFourThreads(benchmark::State& state) {
  AnyDb db(state.range(0));
  if (!db.store) return state.SkipWithError(db.pg->error.c_str());
  constexpr int kThreads = 4;
  constexpr int kEach = 250;
  std::int64_t round = 0, items = 0;
  for (auto _ : state) {
    ++round;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string link = "link-" + std::to_string(t);
        for (int i = 1; i <= kEach; ++i) {
          db.store->transact([&](Transaction& tx) { add_item(tx, (round - 1) * kEach + i, link); });
        }
      });
    }
    for (auto& th : threads) th.join();
    items += kThreads * kEach;
  }
  state.SetItemsProcessed(items);
}

// The SQLite rows: arg "full" 0 is synchronous=NORMAL, 1 synchronous=FULL
// (BM_Store...: names kept since before PostgreSQL). The PostgreSQL rows are
// BM_PgStore... (the server's own settings: fsync and synchronous_commit as
// it is configured). The four-thread rows: arg "store" 0 and 1 as "full",
// 2 PostgreSQL.
void BM_StoreSendOnePerTransaction(benchmark::State& state) {
  send_one_per_transaction(state, state.range(0));
}
void BM_StoreSendBatchOf100(benchmark::State& state) {
  send_batches_of_100(state, state.range(0));
}
void BM_PgStoreSendOnePerTransaction(benchmark::State& state) {
  send_one_per_transaction(state, 2);
}
void BM_PgStoreSendBatchOf100(benchmark::State& state) {
  send_batches_of_100(state, 2);
}

BENCHMARK(BM_StoreSendOnePerTransaction)->ArgName("full")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_StoreSendBatchOf100)->ArgName("full")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_PgStoreSendOnePerTransaction)->UseRealTime();
BENCHMARK(BM_PgStoreSendBatchOf100)->UseRealTime();
BENCHMARK(BM_StoreSendFourThreads)->ArgName("store")->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
