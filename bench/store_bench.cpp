// Store write throughput: one envelope stored and queued for delivery per
// item, the work of sending one message. Measured one item per write
// transaction and 100 items per transaction (group commit), with SQLite
// synchronous=NORMAL and FULL.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "hotline/store/open.h"
#include "hotline/store/store.h"

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

// About 1 KiB of canonical JSON, like a small alert.
const std::string& body() {
  static const std::string text = "{\"body\":\"" + std::string(1000, 'x') + "\"}";
  return text;
}

void add_item(Transaction& tx, std::int64_t seq) {
  EnvelopeRecord e;
  e.id = "env-" + std::to_string(seq);
  e.link = "cert-a/cert-b";
  e.direction = Direction::outbound;
  e.seq = seq;
  e.digest = std::string(64, 'a');
  e.type = "alert.raise";
  e.sent_at = "2026-11-27T09:44:49.123Z";
  e.canonical = body();
  tx.insert_envelope(e);
  tx.enqueue_outbox(OutboxItem{e.link, e.seq, e.id, 0, std::nullopt});
}

SqliteOptions::Sync sync_of(const benchmark::State& state) {
  return state.range(0) == 0 ? SqliteOptions::Sync::normal : SqliteOptions::Sync::full;
}

void BM_StoreSendOnePerTransaction(benchmark::State& state) {
  BenchDb db(sync_of(state));
  std::int64_t seq = 0;
  for (auto _ : state) {
    db.store->transact([&](Transaction& tx) { add_item(tx, ++seq); });
  }
  state.SetItemsProcessed(seq);
}

void BM_StoreSendBatchOf100(benchmark::State& state) {
  BenchDb db(sync_of(state));
  std::int64_t seq = 0;
  for (auto _ : state) {
    db.store->transact([&](Transaction& tx) {
      for (int i = 0; i < 100; ++i) add_item(tx, ++seq);
    });
  }
  state.SetItemsProcessed(seq);
}

// Arg 0: synchronous=NORMAL, 1: synchronous=FULL.
BENCHMARK(BM_StoreSendOnePerTransaction)->ArgName("full")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_StoreSendBatchOf100)->ArgName("full")->Arg(0)->Arg(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
