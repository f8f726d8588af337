// The link end to end, in one process: two nodes (alpha and bravo), each
// with its own data directory, SQLite store and node::NodeServer (peer
// listener over mutual TLS 1.3 on loopback, delivery worker), peered with
// each other. Heartbeats are set to an hour so they do not interfere.
//
//  - BM_DeskMessageLatency: one desk message at a time, from the moment
//    alpha's service accepts it (service::send_desk_message, then
//    NodeServer::notify) until bravo's signed receipt is verified and stored
//    at alpha (NodeServer::on_delivered). Reports p50/p90/p99/max.
//  - BM_LinkThroughput: one producer thread queues N envelopes as fast as it
//    can (one per transaction, or 100 per transaction) while delivery runs;
//    the time is from the first enqueue to the last receipt stored.
//  - BM_LinkThroughputPg: the same with both nodes on PostgreSQL (a fresh
//    database each on the cluster HOTLINE_BENCH_PG names: bench_pg.h), with
//    "procs" serve processes per node (1 or 2, each its own store and
//    NodeServer in this process); with two, envelopes are queued through
//    the process that does not hold the link's delivery lease.
//  - BM_SendDeskMessageOnly: the accepting side alone (sign, store, queue in
//    one transaction), no delivery: the part of the latency spent at alpha
//    before anything touches the network.
//
// Arg "full": 0 = both stores synchronous=NORMAL, 1 = synchronous=FULL.
// Every benchmark has a fixed iteration count, so the total time does not
// depend on --benchmark_min_time.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_pg.h"
#include "bench_util.h"
#include "hotline/common/thread_name.h"
#include "hotline/link/outbound.h"
#include "hotline/node/node_server.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "support/process.h"

namespace {

using hotline::bench::percentile;
using hotline::bench::process_cpu_s;
using hotline::bench::StoreKind;

namespace node = hotline::node;
namespace service = hotline::service;
using SteadyClock = std::chrono::steady_clock;

// A desk message of realistic size (~300 bytes of text; the envelope is
// ~900 bytes of canonical JSON).
const std::string& message_text() {
  static const std::string text =
      "Since 04:10 UTC we observe about 12k login attempts per minute against "
      "login.tax.example from addresses announced by AS64500 in your "
      "jurisdiction. Please identify the customers behind the listed "
      "addresses and ask their providers to stop the traffic; we will keep "
      "this desk informed of any change in volume or targets.";
  return text;
}

// A loopback port that was free a moment ago (the servers bind it next),
// never the same one twice.
using hotline::testing::free_port;

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "hotline-link-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// How a NodePair stores its records: SQLite (synchronous NORMAL or FULL), or
// PostgreSQL (a fresh database per node on the benchmarks' cluster, always
// synchronous_commit=on) served by one or two "serve processes" per node
// (each its own Node: store connections, writer, leases; NodeServer: peer
// listener, delivery leases, monitor), as `hotline serve` processes sharing
// one database would be.
struct PairSetup {
  StoreKind kind = StoreKind::sqlite;
  bool sync_full = false;
  int processes = 1;
};

// Two peered nodes with running servers; alpha's receipts signal a
// condition variable. Each node's peer record names the other's first
// process (a balancer in front would pick one). Alpha's first process
// starts first, so it takes the link's delivery lease; work is queued
// through the last one (with two processes, not the one that delivers, as
// a request the balancer sent to the other process would be).
class NodePair {
 public:
  explicit NodePair(bool sync_full) : NodePair(PairSetup{StoreKind::sqlite, sync_full, 1}) {}
  explicit NodePair(const PairSetup& setup) {
    auto dir_a = tmp_.path() / "alpha";
    auto dir_b = tmp_.path() / "bravo";
    open_nodes(setup, dir_a, dir_b);
    std::vector<std::uint16_t> ports_a, ports_b;
    for (int i = 0; i < setup.processes; ++i) {
      ports_a.push_back(free_port());
      ports_b.push_back(free_port());
    }
    const auto now = hotline::now_ms();
    auto peer =
        service::add_peer(*a_[0], "bravo", "https://127.0.0.1:" + std::to_string(ports_b[0]),
                          b_[0]->identity.public_key().encoded(), now);
    service::add_peer(*b_[0], "alpha", "https://127.0.0.1:" + std::to_string(ports_a[0]),
                      a_[0]->identity.public_key().encoded(), now);
    link_ = peer.link;

    node::NodeServerOptions opt;
    opt.heartbeat_interval_s = 3600;
    for (std::size_t i = 0; i < a_.size(); ++i) {
      opt.peer_port = ports_a[i];
      servers_a_.push_back(std::make_unique<node::NodeServer>(*a_[i], opt));
      opt.peer_port = ports_b[i];
      servers_b_.push_back(std::make_unique<node::NodeServer>(*b_[i], opt));
      servers_a_.back()->on_delivered([this](const std::string& link, std::int64_t seq) {
        if (link != link_) return;
        {
          std::lock_guard lock(mu_);
          delivered_ = std::max(delivered_, seq);
        }
        cv_.notify_all();
      });
    }
    for (auto& s : servers_b_) s->start();
    for (auto& s : servers_a_) s->start();
    // The monitor sends one heartbeat soon after start; let it through (and
    // the TLS session be set up) before measuring.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    send_and_wait();
  }
  ~NodePair() {
    for (auto& s : servers_a_) s->stop();
    for (auto& s : servers_b_) s->stop();
  }

  // The process through which work is queued (see above).
  service::Node& alpha() { return *a_.back(); }
  node::NodeServer& server_a() { return *servers_a_.back(); }
  // The cluster's write-ahead log so far, in bytes (0 on SQLite).
  double wal_bytes() const { return db_a_ ? db_a_->wal_bytes() : 0; }
  const std::string& link() const { return link_; }

  // Blocks until receipts up to `seq` are stored at alpha (at most `limit`).
  void wait_delivered(std::int64_t seq, std::chrono::seconds limit = std::chrono::seconds(60)) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, limit, [&] { return delivered_ >= seq; })) {
      throw std::runtime_error("no receipt for seq " + std::to_string(seq) + " within " +
                               std::to_string(limit.count()) + " s");
    }
  }

  // One desk message, accepted at alpha and receipted by bravo.
  void send_and_wait(const std::string& text = message_text()) {
    auto e = service::send_desk_message(alpha(), "bravo", text, hotline::now_ms());
    server_a().notify(link_);
    wait_delivered(e.seq);
  }

 private:
  void open_nodes(const PairSetup& setup, const std::filesystem::path& dir_a,
                  const std::filesystem::path& dir_b) {
    if (setup.kind == StoreKind::sqlite) {
      service::init_node(dir_a, "alpha");
      service::init_node(dir_b, "bravo");
      a_.push_back(std::make_unique<service::Node>(service::open_node(dir_a, setup.sync_full)));
      b_.push_back(std::make_unique<service::Node>(service::open_node(dir_b, setup.sync_full)));
      return;
    }
    db_a_ = std::make_unique<hotline::bench::PgBenchDatabase>();
    db_b_ = std::make_unique<hotline::bench::PgBenchDatabase>();
    a_.push_back(std::make_unique<service::Node>(
        hotline::bench::init_pg_node(dir_a, "alpha", db_a_->conninfo())));
    b_.push_back(std::make_unique<service::Node>(
        hotline::bench::init_pg_node(dir_b, "bravo", db_b_->conninfo())));
    for (int i = 1; i < setup.processes; ++i) {
      a_.push_back(std::make_unique<service::Node>(hotline::bench::open_pg_node(dir_a)));
      b_.push_back(std::make_unique<service::Node>(hotline::bench::open_pg_node(dir_b)));
    }
  }

  TempDir tmp_;
  std::unique_ptr<hotline::bench::PgBenchDatabase> db_a_, db_b_;
  std::vector<std::unique_ptr<service::Node>> a_, b_;  // one per serve process
  std::vector<std::unique_ptr<node::NodeServer>> servers_a_, servers_b_;
  std::string link_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::int64_t delivered_ = 0;
};

void set_percentiles(benchmark::State& state, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p90_us"] = percentile(us, 0.90);
  state.counters["p99_us"] = percentile(us, 0.99);
  state.counters["max_us"] = us.empty() ? 0 : us.back();
}

constexpr int kLatencyWarmup = 100;
constexpr int kLatencySamples = 2000;
constexpr int kLargeLatencySamples = 200;

// Arg "bytes": the message text's size (0: the ~300-byte message above; a
// desk message holds at most 16 KiB, which takes two TLS records).
void BM_DeskMessageLatency(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  const std::string text = state.range(1) == 0
                               ? message_text()
                               : std::string(static_cast<std::size_t>(state.range(1)), 'x');
  try {
    NodePair pair(state.range(0) != 0);
    for (int i = 0; i < kLatencyWarmup; ++i) pair.send_and_wait(text);
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(state.max_iterations));
    for (auto _ : state) {
      auto t0 = SteadyClock::now();
      pair.send_and_wait(text);
      std::chrono::duration<double> d = SteadyClock::now() - t0;
      state.SetIterationTime(d.count());
      us.push_back(d.count() * 1e6);
    }
    set_percentiles(state, std::move(us));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Queues `n` envelopes from one thread, `per_tx` per write transaction, and
// waits for the last receipt. Envelopes are desk messages, built exactly as
// service::send_desk_message builds them.
void run_link_throughput(benchmark::State& state, const PairSetup& setup, int per_tx, int n) {
  spdlog::set_level(spdlog::level::warn);
  try {
    NodePair pair(setup);
    auto& node = pair.alpha();
    auto ctx = service::link_context(node, service::find_peer(*node.store, "bravo"));
    for (auto _ : state) {
      std::int64_t last_seq = 0;
      double produce_s = 0;
      const double cpu0 = process_cpu_s();
      const double wal0 = pair.wal_bytes();
      auto t0 = SteadyClock::now();
      std::thread producer([&] {
        hotline::name_this_thread("producer");
        for (int done = 0; done < n;) {
          const int k = std::min(per_tx, n - done);
          if (k == 1) {
            last_seq =
                service::send_desk_message(node, "bravo", message_text(), hotline::now_ms()).seq;
          } else {
            node.store->transact([&](hotline::store::Transaction& tx) {
              for (int i = 0; i < k; ++i) {
                hotline::link::OutboundDraft d;
                d.type = service::kDeskMessage;
                d.body = {{"text", message_text()}};
                auto e = hotline::link::append_outbound(tx, ctx, std::move(d), hotline::now_ms());
                tx.insert_desk_message(hotline::store::DeskMessageRecord{
                    e.id, ctx.link, hotline::store::Direction::outbound, e.seq, message_text(),
                    e.sent_at, std::nullopt});
                last_seq = e.seq;
              }
            });
          }
          pair.server_a().notify(pair.link());
          done += k;
        }
        produce_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
      });
      producer.join();
      // Bounded: at least 60 s, or as long as 500 envelopes/s would take.
      pair.wait_delivered(last_seq, std::chrono::seconds(std::max(60, n / 500)));
      double s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
      state.SetIterationTime(s);
      state.counters["envelopes_per_s"] = n / s;
      state.counters["enqueue_per_s"] = n / produce_s;
      // Cores kept busy on average (2 would be this machine saturated) and
      // CPU per envelope across both nodes.
      const double cpu = process_cpu_s() - cpu0;
      state.counters["cores_busy"] = cpu / s;
      state.counters["cpu_us_per_envelope"] = cpu / n * 1e6;
      // PostgreSQL: the write-ahead log written per envelope, the sending
      // and the receiving node's together (what a standby receives).
      if (setup.kind == StoreKind::postgres) {
        state.counters["wal_bytes_per_envelope"] = (pair.wal_bytes() - wal0) / n;
      }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

void BM_LinkThroughput(benchmark::State& state) {
  run_link_throughput(state, PairSetup{StoreKind::sqlite, state.range(0) != 0, 1},
                      static_cast<int>(state.range(1)), static_cast<int>(state.range(2)));
}

// The same on PostgreSQL (both nodes, each its own database on the
// benchmarks' cluster), with one or two serve processes per node.
void BM_LinkThroughputPg(benchmark::State& state) {
  run_link_throughput(state, PairSetup{StoreKind::postgres, true, static_cast<int>(state.range(0))},
                      static_cast<int>(state.range(1)), static_cast<int>(state.range(2)));
}

// The accepting side alone: sign, store, append, queue (no delivery running).
void BM_SendDeskMessageOnly(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  TempDir tmp;
  auto init_b = service::init_node(tmp.path() / "bravo", "bravo");
  service::init_node(tmp.path() / "alpha", "alpha");
  auto node = service::open_node(tmp.path() / "alpha", state.range(0) != 0);
  service::add_peer(node, "bravo", "https://127.0.0.1:9", init_b.public_key.encoded(),
                    hotline::now_ms());
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    auto t0 = SteadyClock::now();
    benchmark::DoNotOptimize(
        service::send_desk_message(node, "bravo", message_text(), hotline::now_ms()));
    us.push_back(std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count());
  }
  set_percentiles(state, std::move(us));
}

BENCHMARK(BM_DeskMessageLatency)
    ->ArgNames({"full", "bytes"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Iterations(kLatencySamples)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_DeskMessageLatency)
    ->ArgNames({"full", "bytes"})
    ->Args({0, 16000})
    ->Iterations(kLargeLatencySamples)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_LinkThroughput)
    ->ArgNames({"full", "per_tx", "n"})
    ->Args({0, 1, 5000})
    ->Args({0, 100, 10000})
    ->Args({1, 1, 2000})
    ->Args({1, 100, 10000})
    // Sustained: 200,000 envelopes, over 20 s even at 9,000/s, so that WAL
    // checkpoints on both nodes and bravo's receiving work are inside it.
    ->Args({1, 100, 200000})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_LinkThroughputPg)
    ->ArgNames({"procs", "per_tx", "n"})
    ->Args({1, 100, 10000})
    ->Args({2, 100, 10000})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_SendDeskMessageOnly)
    ->ArgName("full")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(2000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
