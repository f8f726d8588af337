// Requests created through the operators' HTTP API: what a duty officer's
// "send" costs end to end on the node, and how many a node takes per second.
//
// Setup: two in-process nodes, alpha and bravo (own data directories, SQLite
// stores, node::NodeServer link side running), with an agreement in force
// that does not ask for four-eyes (so a new request is sent at once). Bravo
// then stops: on a real link it is another machine.
// Alpha's operators' API (api::OperatorApi behind net::HttpsServer, real TLS
// on 127.0.0.1) is driven by `clients` threads, each with its own keep-alive
// HttpsClient and API token, each POSTing /v1/requests kRequestsPerClient
// times back to back. One request = parse and check the JSON, authenticate
// the token, replay-check, sign the envelope, store it with the item and its
// Merkle leaf in one SQLite transaction, queue it for bravo, answer 201 with
// the item. Alpha's own background work (delivery retries, escalation
// checks, signed tree heads) runs meanwhile, as on a live node.
//
// BM_CreateRequestViaApiPg and BM_CreateRequestInProcessPg: the same with
// alpha's records on PostgreSQL (bench_pg.h: a fresh database on the cluster
// HOTLINE_BENCH_PG names), the first with one or two serve processes of
// alpha (each its own store, link side and operators' listener; the clients
// spread over them).
//
// Reported: requests/s over the whole run (all clients), and p50/p99/max of
// each request's latency as the client sees it (write to last byte read).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_pg.h"
#include "bench_util.h"
#include "hotline/api/operator_api.h"
#include "hotline/common/thread_name.h"
#include "hotline/common/time.h"
#include "hotline/net/https_client.h"
#include "hotline/net/https_server.h"
#include "hotline/node/node_server.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"
#include "hotline/tls/context.h"
#include "support/process.h"

namespace {

using hotline::bench::percentile;
using hotline::bench::process_cpu_s;

using namespace hotline;
using SteadyClock = std::chrono::steady_clock;

constexpr int kRequestsPerClient = 1000;
constexpr int kWarmup = 50;

template <class Pred>
void wait_for(Pred pred, const char* what) {
  auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (!pred()) {
    if (SteadyClock::now() > deadline) throw std::runtime_error(std::string("timed out: ") + what);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Alpha's records on SQLite, or on PostgreSQL (a fresh database on the
// benchmarks' cluster, bench_pg.h) served by `processes` serve processes
// (each its own Node: store connections and leases; link side; operators'
// API and listener), as `hotline serve` processes sharing one database
// would be. Bravo is on SQLite either way (it stops before the measurement).
class ApiNode {
 public:
  explicit ApiNode(bench::StoreKind kind = bench::StoreKind::sqlite, int processes = 1) {
    auto dir_a = tmp_.path() / "alpha";
    auto dir_b = tmp_.path() / "bravo";
    if (kind == bench::StoreKind::postgres) {
      db_ = std::make_unique<bench::PgBenchDatabase>();
      a_.push_back(
          std::make_unique<service::Node>(bench::init_pg_node(dir_a, "alpha", db_->conninfo())));
      for (int i = 1; i < processes; ++i) {
        a_.push_back(std::make_unique<service::Node>(bench::open_pg_node(dir_a)));
      }
    } else {
      service::init_node(dir_a, "alpha");
      a_.push_back(std::make_unique<service::Node>(service::open_node(dir_a)));
    }
    service::init_node(dir_b, "bravo");
    b_ = std::make_unique<service::Node>(service::open_node(dir_b));
    const auto port_a = testing::free_port(), port_b = testing::free_port();
    const auto now = now_ms();
    auto peer = service::add_peer(*a_[0], "bravo", "https://127.0.0.1:" + std::to_string(port_b),
                                  b_->identity.public_key().encoded(), now);
    auto back = service::add_peer(*b_, "alpha", "https://127.0.0.1:" + std::to_string(port_a),
                                  a_[0]->identity.public_key().encoded(), now);
    node::NodeServerOptions opt;
    opt.heartbeat_interval_s = 3600;
    opt.peer_port = port_b;
    link_b_ = std::make_unique<node::NodeServer>(*b_, opt);
    for (std::size_t i = 0; i < a_.size(); ++i) {
      opt.peer_port = i == 0 ? port_a : testing::free_port();
      links_a_.push_back(std::make_unique<node::NodeServer>(*a_[i], opt));
    }
    link_b_->start();
    for (auto& l : links_a_) l->start();
    agree(peer.link, back.link, now);

    // Bravo is another government's machine: its receiving work must not
    // share these two cores. From here on alpha queues for a peer that is
    // away (its delivery worker retries with backoff), which is what the
    // target counts: stored, signed, ledgered and queued.
    link_b_->stop();

    for (auto& a : a_) start_api(*a);
  }
  ~ApiNode() {
    for (auto& s : servers_) s->stop();
    for (auto& l : links_a_) l->stop();
    link_b_->stop();
  }

  // A token of a new operator (cheap password hashing: sign-in is not measured).
  std::string operator_token(const std::string& name) {
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    service::add_user(*a_[0]->store, name, "", {service::Role::operator_}, "long enough password",
                      now_ms(), cheap);
    return service::create_api_token(*a_[0]->store, name, "bench", now_ms()).token;
  }
  // The operators' listener of process i % processes.
  std::uint16_t port(std::size_t i = 0) const { return servers_[i % servers_.size()]->port(); }
  service::Node& alpha() { return *a_[0]; }
  // The cluster's write-ahead log so far, in bytes (0 on SQLite).
  double wal_bytes() const { return db_ ? db_->wal_bytes() : 0; }

 private:
  // The agreement, without four-eyes: proposed by alpha, accepted by bravo.
  void agree(const std::string& link, const std::string& back_link, TimePoint now) {
    auto doc = service::draft_agreement(*a_[0], "bravo", now);
    doc.four_eyes = false;
    service::propose_agreement(*a_[0], "bravo", doc, now);
    for (auto& l : links_a_) l->notify(link);
    wait_for([&] { return service::agreement_of(*b_->store, back_link).pending.has_value(); },
             "the proposal at bravo");
    service::accept_agreement(*b_, "alpha", now_ms());
    link_b_->notify(back_link);
    wait_for(
        [&] {
          return a_[0]->store->snapshot([&](store::Transaction& tx) {
            return service::agreement_in_force(tx, link).has_value();
          });
        },
        "the acceptance at alpha");
  }

  void start_api(service::Node& a) {
    api::OperatorApiOptions api_opt;
    api_opt.rate_limits = false;
    api_opt.info.party = "alpha";
    apis_.push_back(std::make_unique<api::OperatorApi>(a, api_opt));
    net::ServerOptions so;
    so.name = "operator";
    so.threads = 4;
    so.pin_connections = true;  // as `hotline serve` runs the operators' listener
    auto* api = apis_.back().get();
    servers_.push_back(std::make_unique<net::HttpsServer>(
        tls::operator_server_context(a.paths.operator_cert, a.paths.operator_key), so,
        [api](const net::HttpRequest& r) { return api->handle(r); }));
    servers_.back()->start();
  }

  testing::ScratchDir tmp_;
  std::unique_ptr<bench::PgBenchDatabase> db_;
  std::vector<std::unique_ptr<service::Node>> a_;  // one per serve process
  std::unique_ptr<service::Node> b_;
  std::vector<std::unique_ptr<node::NodeServer>> links_a_;
  std::unique_ptr<node::NodeServer> link_b_;
  std::vector<std::unique_ptr<api::OperatorApi>> apis_;
  std::vector<std::unique_ptr<net::HttpsServer>> servers_;
};

net::HttpRequest new_request(const std::string& token, int i) {
  net::HttpRequest r;
  r.method = "POST";
  r.target = "/v1/requests";
  r.headers["Authorization"] = "Bearer " + token;
  r.headers["Content-Type"] = "application/json";
  r.body =
      nlohmann::json{{"to", "bravo"},
                     {"kind", "information"},
                     {"priority", "normal"},
                     {"labels", {{"tlp", "TLP:AMBER"}}},
                     {"subject", "Subscriber data for 203.0.113.7, request " + std::to_string(i)},
                     {"details",
                      "Seen at 2026-11-27T09:14Z attacking our ministry's mail "
                      "gateway; please identify the subscriber (Art. 18)."}}
          .dump();
  return r;
}

void run_create_requests(benchmark::State& state, bench::StoreKind kind, int processes,
                         int clients) {
  spdlog::set_level(spdlog::level::warn);
  try {
    ApiNode node(kind, processes);
    std::vector<std::string> tokens;
    for (int c = 0; c < clients; ++c)
      tokens.push_back(node.operator_token("op" + std::to_string(c)));
    for (auto _ : state) {
      std::vector<std::vector<double>> us(static_cast<std::size_t>(clients));
      std::atomic<int> failures{0};
      std::mutex first_mu;
      std::string first_failure;
      auto failed = [&](const net::HttpResponse& res) {
        if (failures++ == 0) {
          std::lock_guard lock(first_mu);
          first_failure = std::to_string(res.status) + " " + res.body;
        }
      };
      // Every client warms up, then all start together; nobody spins meanwhile.
      std::latch warmed(clients);
      std::latch go(1);
      std::vector<std::thread> threads;
      for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
          name_this_thread("api-client");
          tls::ClientTlsConfig cfg;
          cfg.insecure_skip_verify = true;  // loopback, the node's self-signed certificate
          net::HttpsClient client(cfg, "127.0.0.1", node.port(static_cast<std::size_t>(c)));
          const auto& token = tokens[static_cast<std::size_t>(c)];
          for (int i = 0; i < kWarmup; ++i) {
            auto res = client.request(new_request(token, i));
            if (res.status != 201) failed(res);
          }
          warmed.count_down();
          go.wait();
          auto& mine = us[static_cast<std::size_t>(c)];
          mine.reserve(kRequestsPerClient);
          for (int i = 0; i < kRequestsPerClient; ++i) {
            auto req = new_request(token, i);
            auto t0 = SteadyClock::now();
            auto res = client.request(req);
            std::chrono::duration<double, std::micro> d = SteadyClock::now() - t0;
            if (res.status != 201) failed(res);
            mine.push_back(d.count());
          }
        });
      }
      warmed.wait();
      const double wal0 = node.wal_bytes();
      const double cpu0 = process_cpu_s();
      auto t0 = SteadyClock::now();
      go.count_down();
      for (auto& t : threads) t.join();
      std::chrono::duration<double> elapsed = SteadyClock::now() - t0;
      const double cpu = process_cpu_s() - cpu0;
      state.SetIterationTime(elapsed.count());
      if (failures > 0) {
        state.SkipWithError(
            (std::to_string(failures.load()) + " requests failed; the first: " + first_failure)
                .c_str());
        break;
      }
      std::vector<double> all;
      for (auto& v : us) all.insert(all.end(), v.begin(), v.end());
      std::sort(all.begin(), all.end());
      state.counters["requests_per_s"] = static_cast<double>(all.size()) / elapsed.count();
      state.counters["p50_us"] = percentile(all, 0.50);
      state.counters["p99_us"] = percentile(all, 0.99);
      state.counters["max_us"] = all.back();
      // Cores kept busy on average (2 would be this machine saturated), and
      // CPU per request, the clients' share included.
      state.counters["cores_busy"] = cpu / elapsed.count();
      state.counters["cpu_us_per_request"] = cpu / static_cast<double>(all.size()) * 1e6;
      if (kind == bench::StoreKind::postgres) {
        state.counters["wal_bytes_per_request"] =
            (node.wal_bytes() - wal0) / static_cast<double>(all.size());
      }
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

void BM_CreateRequestViaApi(benchmark::State& state) {
  run_create_requests(state, bench::StoreKind::sqlite, 1, static_cast<int>(state.range(0)));
}

// The same with alpha on PostgreSQL, served by one or two serve processes
// (client c talks to process c % procs, as a balancer would spread them).
void BM_CreateRequestViaApiPg(benchmark::State& state) {
  run_create_requests(state, bench::StoreKind::postgres, static_cast<int>(state.range(0)),
                      static_cast<int>(state.range(1)));
}

// Where the time goes: the same use case called in process (no TLS, HTTP,
// JSON or token check), one thread.
void run_in_process(benchmark::State& state, bench::StoreKind kind) {
  spdlog::set_level(spdlog::level::warn);
  try {
    ApiNode node(kind);
    service::RequestInput in;
    in.kind = model::RequestKind::information;
    in.subject = "Subscriber data for 203.0.113.7";
    in.details = "Seen at 2026-11-27T09:14Z attacking our ministry's mail gateway.";
    std::vector<double> us;
    for (auto _ : state) {
      auto t0 = SteadyClock::now();
      service::create_request(node.alpha(), "bravo", in, "ana", std::nullopt, now_ms());
      std::chrono::duration<double, std::micro> d = SteadyClock::now() - t0;
      us.push_back(d.count());
    }
    std::sort(us.begin(), us.end());
    state.counters["p50_us"] = percentile(us, 0.50);
    state.counters["p99_us"] = percentile(us, 0.99);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}
void BM_CreateRequestInProcess(benchmark::State& state) {
  run_in_process(state, bench::StoreKind::sqlite);
}
void BM_CreateRequestInProcessPg(benchmark::State& state) {
  run_in_process(state, bench::StoreKind::postgres);
}
BENCHMARK(BM_CreateRequestInProcess)->Iterations(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CreateRequestInProcessPg)->Iterations(1000)->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_CreateRequestViaApi)
    ->ArgNames({"clients"})
    ->Arg(1)
    ->Arg(4)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_CreateRequestViaApiPg)
    ->ArgNames({"procs", "clients"})
    ->Args({1, 1})
    ->Args({1, 4})
    ->Args({2, 1})
    ->Args({2, 4})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
