// Integration test harness for a node run by several `hotline serve`
// processes on one PostgreSQL database: node alpha (its records in a fresh
// database of the tests' PostgreSQL, tests/support/pg_test_db.h) served by
// two or more processes on one data directory, each with its own operators'
// and peer ports, and a peer bravo (SQLite, one process) that reaches alpha
// through a TCP balancer (FaultProxy with several targets: round robin with
// failover), as a load balancer in front of the processes would.
//
// Which process holds a lease (the link's delivery worker, the node's jobs)
// is read from each process's log: the last of event=lease_taken /
// lease_released / lease_lost for it.
//
// Header-only (see link_harness.h). Single-threaded fixture: its methods run
// on the test's thread; enqueue_batched may run on other threads with their
// own Node.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_harness.h"
#include "hotline/link/outbound.h"
#include "hotline/service/link_support.h"
#include "support/pg_test_db.h"

namespace hotline::it {

// Queues desk messages with indices [first, first + n) for `peer` in the
// node's store, `per_tx` of them per write transaction (as bench/link_bench
// does: the fast way to a long stream), the k-th transaction not before
// k * `period` from the start, so that the stream lasts about
// n / per_tx * period (or longer on a slow machine) however fast the store
// is. The texts are msg_text(party, i).
inline void enqueue_batched(service::Node& node, const std::string& peer, std::int64_t n,
                            std::int64_t first, std::int64_t per_tx,
                            std::chrono::milliseconds period) {
  const auto ctx = service::link_context(node, service::find_peer(*node.store, peer));
  const auto t0 = Clock::now();
  for (std::int64_t done = 0, batch = 0; done < n; ++batch) {
    std::this_thread::sleep_until(t0 + batch * period);
    const std::int64_t k = std::min(per_tx, n - done);
    node.store->transact([&](store::Transaction& tx) {
      for (std::int64_t i = first + done; i < first + done + k; ++i) {
        const std::string text = msg_text(node.party, i);
        link::OutboundDraft d;
        d.type = service::kDeskMessage;
        d.body = {{"text", text}};
        auto e = link::append_outbound(tx, ctx, std::move(d), now_ms());
        tx.insert_desk_message(store::DeskMessageRecord{e.id, ctx.link, store::Direction::outbound,
                                                        e.seq, text, e.sent_at, std::nullopt});
      }
    });
    done += k;
  }
}

// One JSON call to a node's operators' API on `port` (real TLS, loopback);
// a body that is not JSON reads as discarded (the restart test's answers
// may be cut short).
inline ApiReply api_call(std::uint16_t port, const std::string& method, const std::string& target,
                         const nlohmann::json& body = nullptr, const std::string& token = "",
                         std::map<std::string, std::string> headers = {}) {
  return api_call_on(port, /*lenient=*/true, method, target, body, token, std::move(headers));
}

// The state of one lease in a log: the last of its taken/released/lost lines.
enum class LeaseState { never, taken, released, lost };

inline LeaseState lease_state_in(const std::string& log, const std::string& lease_prefix,
                                 int* takes = nullptr) {
  LeaseState st = LeaseState::never;
  int taken = 0;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    auto at = line.find(" lease=" + lease_prefix);
    if (at == std::string::npos) continue;
    if (line.find("event=lease_taken") != std::string::npos) {
      st = LeaseState::taken;
      ++taken;
    } else if (line.find("event=lease_released") != std::string::npos) {
      st = LeaseState::released;
    } else if (line.find("event=lease_lost") != std::string::npos) {
      st = LeaseState::lost;
    }
  }
  if (takes) *takes = taken;
  return st;
}

struct ServeGroupOptions {
  int alpha_procs = 2;
  std::int64_t heartbeat_s = 3600;  // only the heartbeat at each start
  std::int64_t head_interval_s = 60;
  // alpha's store: a libpq connection string; empty: a fresh database on
  // the tests' PostgreSQL (PgTestDatabase); "sqlite": SQLite in its
  // directory (one process only: to compare with, and to try the harness).
  std::string alpha_store;
};

class ServeGroup : public ::testing::Test {
 public:
  using Options = ServeGroupOptions;
  static constexpr const char* kPassword = "correct horse battery staple";

  // One `hotline serve` process of a node.
  struct Proc {
    std::string label;  // "alpha#1"
    fs::path dir;
    std::uint16_t op_port = 0, peer_port = 0;
    std::unique_ptr<testing::Process> proc;
    std::vector<fs::path> logs;  // stderr of every run, oldest first
    int starts = 0;

    bool running() const { return proc && proc->running(); }
    // This run's log (stderr).
    std::string log() const { return logs.empty() ? "" : testing::read_file(logs.back()); }
  };

 protected:
  void TearDown() override {
    if (HasFailure()) dump_logs();
    for (auto& p : alpha_) p.proc.reset();  // SIGKILL whatever still runs
    bravo_.proc.reset();
    balancer_.reset();
  }

  // Inits alpha (on PostgreSQL) and bravo (SQLite), the balancer in front of
  // alpha's peer ports, and peers them. Call first in each test.
  void setup(Options opt = {}) {
    opt_ = opt;
    if (opt.alpha_store.empty()) {
      db_.emplace();
      opt_.alpha_store = db_->conninfo();
    }
    alpha_dir_ = scratch_ / "alpha";
    bravo_dir_ = scratch_ / "bravo";
    std::vector<std::string> init_alpha = {"init", "--dir", alpha_dir_.string(), "--party",
                                           "alpha"};
    if (opt_.alpha_store != "sqlite") {
      init_alpha.push_back("--store");
      init_alpha.push_back(opt_.alpha_store);
    }
    auto r = cli(init_alpha);
    ASSERT_EQ(r.exit_code, 0) << "init alpha (store " << opt_.alpha_store << "): " << r.err
                              << r.out;
    r = cli({"init", "--dir", bravo_dir_.string(), "--party", "bravo"});
    ASSERT_EQ(r.exit_code, 0) << "init bravo: " << r.err << r.out;
    alpha_.clear();
    alpha_.resize(static_cast<std::size_t>(opt.alpha_procs));
    std::vector<std::uint16_t> alpha_peer_ports;
    for (std::size_t i = 0; i < alpha_.size(); ++i) {
      alpha_[i].label = "alpha#" + std::to_string(i + 1);
      alpha_[i].dir = alpha_dir_;
      alpha_[i].op_port = free_port();
      alpha_[i].peer_port = free_port();
      alpha_peer_ports.push_back(alpha_[i].peer_port);
    }
    bravo_.label = "bravo";
    bravo_.dir = bravo_dir_;
    bravo_.op_port = free_port();
    bravo_.peer_port = free_port();
    balancer_ = std::make_unique<testing::FaultProxy>(alpha_peer_ports);
    alpha_key_ = service::read_public_key(alpha_dir_).encoded();
    bravo_key_ = service::read_public_key(bravo_dir_).encoded();
    r = cli({"peer", "add", "--dir", alpha_dir_.string(), "--name", "bravo", "--url",
             "https://127.0.0.1:" + std::to_string(bravo_.peer_port), "--key", bravo_key_});
    ASSERT_EQ(r.exit_code, 0) << "peer add bravo: " << r.err << r.out;
    r = cli({"peer", "add", "--dir", bravo_dir_.string(), "--name", "alpha", "--url",
             "https://127.0.0.1:" + std::to_string(balancer_->port()), "--key", alpha_key_});
    ASSERT_EQ(r.exit_code, 0) << "peer add alpha: " << r.err << r.out;
  }

  testing::RunResult cli(std::vector<std::string> args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    args.insert(args.begin(), hotline_bin());
    auto prefix = scratch_ / ("cli-" + std::to_string(++cli_runs_));
    return testing::run(std::move(args), prefix, timeout);
  }

  // `hotline ARGS --dir DIR`, which must succeed; returns its output.
  std::string ok(const fs::path& dir, std::vector<std::string> args) {
    std::string what;
    for (const auto& a : args) what += a + " ";
    args.push_back("--dir");
    args.push_back(dir.string());
    auto r = cli(std::move(args));
    EXPECT_EQ(r.exit_code, 0) << "hotline " << what << "--dir " << dir << "\n" << r.err << r.out;
    return r.out;
  }

  // Starts one process and (wait_ready) waits until it wrote run/serve.json
  // with its pid. Processes of one directory are started one at a time, so
  // the file names the one just started.
  void start(Proc& p, bool wait_ready = true) {
    ASSERT_FALSE(p.running()) << p.label << " is already running";
    std::vector<std::string> args = {hotline_bin(),
                                     "serve",
                                     "--dir",
                                     p.dir.string(),
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(p.op_port),
                                     "--peer-listen",
                                     "127.0.0.1:" + std::to_string(p.peer_port),
                                     "--heartbeat-interval",
                                     std::to_string(opt_.heartbeat_s),
                                     "--head-interval",
                                     std::to_string(opt_.head_interval_s)};
    std::string name = p.label;
    std::replace(name.begin(), name.end(), '#', '-');
    auto prefix = scratch_ / (name + "-serve-" + std::to_string(++p.starts));
    p.logs.push_back(fs::path(prefix.string() + ".err"));
    p.proc = std::make_unique<testing::Process>(args, prefix);
    if (wait_ready) {
      ASSERT_TRUE(wait_ready_(p)) << p.label << " did not come up";
    }
  }

  bool wait_ready_(Proc& p, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto status = p.dir / "run" / "serve.json";
    const std::string pid = "\"pid\": " + std::to_string(p.proc->pid());
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (!p.proc->running()) {
        std::printf("[%s] serve exited early:\n%s\n", p.label.c_str(),
                    tail_lines(p.proc->err(), 40).c_str());
        return false;
      }
      std::error_code ec;
      if (fs::exists(status, ec) && testing::read_file(status).find(pid) != std::string::npos)
        return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  void start_all() {
    for (auto& p : alpha_) ASSERT_NO_FATAL_FAILURE(start(p));
    ASSERT_NO_FATAL_FAILURE(start(bravo_));
  }

  // SIGTERM and a clean exit (code 0) within 20 s.
  void stop(Proc& p) {
    ASSERT_TRUE(p.proc) << p.label << " was never started";
    if (!p.running()) return;
    p.proc->signal(SIGTERM);
    auto code = p.proc->wait_for(20s);
    if (!code) {
      p.proc->signal(SIGKILL);
      p.proc->wait_for(5s);
      FAIL() << p.label << " did not stop within 20 s of SIGTERM";
    }
    EXPECT_EQ(*code, 0) << p.label << " exited with " << *code << " after SIGTERM";
  }

  void stop_all() {
    for (auto& p : alpha_) ASSERT_NO_FATAL_FAILURE(stop(p));
    ASSERT_NO_FATAL_FAILURE(stop(bravo_));
  }

  // SIGKILL: no chance to clean up.
  void kill(Proc& p) {
    ASSERT_TRUE(p.proc);
    p.proc->signal(SIGKILL);
    ASSERT_TRUE(p.proc->wait_for(10s).has_value()) << p.label << " survived SIGKILL";
  }

  // Everything up and the default agreement in force on both: alpha
  // proposes (through its first process's directory, as the CLI does),
  // bravo accepts.
  void start_linked(Options opt = {}) {
    ASSERT_NO_FATAL_FAILURE(setup(opt));
    ASSERT_NO_FATAL_FAILURE(start_all());
    ok(alpha_dir_, {"agreement", "propose", "--peer", "bravo"});
    ASSERT_TRUE(testing::eventually(
        [&] {
          return cli({"agreement", "accept", "--dir", bravo_dir_.string(), "--peer", "alpha"})
                     .exit_code == 0;
        },
        20s))
        << "the proposal never reached bravo";
    ASSERT_TRUE(testing::eventually(
        [&] {
          return watch_alpha().store->snapshot([&](store::Transaction& tx) {
            return service::agreement_in_force(tx, link_of(*watch_alpha().store, "bravo"))
                .has_value();
          });
        },
        20s))
        << "the acceptance never reached alpha";
  }

  // alpha's node opened in this process (once: each opening holds
  // PostgreSQL connections).
  service::Node& watch_alpha() {
    if (!alpha_node_) alpha_node_ = std::make_unique<service::Node>(service::open_node(alpha_dir_));
    return *alpha_node_;
  }
  service::Node& watch_bravo() {
    if (!bravo_node_) bravo_node_ = std::make_unique<service::Node>(service::open_node(bravo_dir_));
    return *bravo_node_;
  }

  // The alpha process whose log says it holds the lease (name starting with
  // `lease_prefix`), waiting up to `timeout` for exactly one running holder;
  // -1 when there is none (or more than one: printed).
  int lease_holder(const std::string& lease_prefix, std::chrono::milliseconds timeout = 15s) {
    int found = -1;
    testing::eventually(
        [&] {
          int holders = 0;
          for (std::size_t i = 0; i < alpha_.size(); ++i) {
            if (alpha_[i].running() &&
                lease_state_in(alpha_[i].log(), lease_prefix) == LeaseState::taken) {
              ++holders;
              found = static_cast<int>(i);
            }
          }
          if (holders > 1) {
            std::printf("[lease] %d processes say they hold %s\n", holders, lease_prefix.c_str());
            found = -1;
          }
          return holders == 1;
        },
        timeout);
    return found;
  }

  // Every process's lease state for `lease_prefix`, for messages.
  std::string lease_report(const std::string& lease_prefix) {
    std::string s;
    for (const auto& p : alpha_) {
      int takes = 0;
      auto st = lease_state_in(p.log(), lease_prefix, &takes);
      static const char* names[] = {"never", "taken", "released", "lost"};
      s += p.label + (p.running() ? "" : " (down)") + ": " + names[static_cast<int>(st)] + " (" +
           std::to_string(takes) + " takes); ";
    }
    return s;
  }

  std::pair<LinkCounts, LinkCounts> both_counts() {
    auto& a = watch_alpha();
    auto& b = watch_bravo();
    return {link_counts(*a.store, link_of(*a.store, "bravo")),
            link_counts(*b.store, link_of(*b.store, "alpha"))};
  }
  static bool settled(const std::pair<LinkCounts, LinkCounts>& c) {
    return c.first.outbox == 0 && c.second.outbox == 0 && c.first.last_out == c.second.last_in &&
           c.second.last_out == c.first.last_in;
  }

  // As TwoNodes::settle_and_stop, for every process: waits until nothing
  // is queued either way and both sides hold what the other sent, stops
  // them all, and starts them again (at most 3 rounds) if something was
  // queued in between.
  void settle_and_stop(std::chrono::milliseconds timeout = 90s) {
    for (int round = 0; round < 3; ++round) {
      auto deadline = Clock::now() + timeout;
      auto prev = both_counts();
      while (true) {
        std::this_thread::sleep_for(300ms);
        auto now = both_counts();
        if (settled(now) && now == prev) break;
        prev = now;
        ASSERT_LT(Clock::now(), deadline) << "the link never settled: alpha " << now.first.str()
                                          << "; bravo " << now.second.str();
      }
      ASSERT_NO_FATAL_FAILURE(stop_all());
      auto after = both_counts();
      if (settled(after)) return;
      std::printf("[settle] something was queued while stopping (alpha %s; bravo %s); again\n",
                  after.first.str().c_str(), after.second.str().c_str());
      ASSERT_NO_FATAL_FAILURE(start_all());
    }
    FAIL() << "the nodes kept queueing envelopes while being stopped";
  }

  // `hotline ledger verify` passes on the node in `dir`.
  void expect_ledger_verifies(const fs::path& dir) {
    auto r = cli({"ledger", "verify", "--dir", dir.string()});
    EXPECT_EQ(r.exit_code, 0) << "ledger verify " << dir << ":\n" << r.out << r.err;
  }

  // A user with `roles` on the node in `dir` and an API token for it.
  std::string token(service::Node& n, const std::string& name, std::vector<service::Role> roles) {
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    service::add_user(*n.store, name, "", roles, kPassword, now_ms(), cheap);
    return service::create_api_token(*n.store, name, "test", now_ms()).token;
  }

  void dump_logs() {
    std::vector<const Proc*> all;
    for (const auto& p : alpha_) all.push_back(&p);
    all.push_back(&bravo_);
    for (const auto* p : all) {
      std::printf("==== %s: %d serve run(s), logs in %s\n", p->label.c_str(), p->starts,
                  scratch_.path().c_str());
      std::size_t shown = 0;
      for (const auto& path : p->logs) {
        std::istringstream in(testing::read_file(path));
        for (std::string line; std::getline(in, line);) {
          if ((line.find("level=warning") != std::string::npos ||
               line.find("level=error") != std::string::npos ||
               line.find("level=critical") != std::string::npos ||
               line.find("event=lease_") != std::string::npos) &&
              ++shown <= 60)
            std::printf("  [%s] %s\n", path.filename().c_str(), line.c_str());
        }
      }
      if (!p->logs.empty()) {
        std::printf("---- tail of %s\n%s\n", p->logs.back().filename().c_str(),
                    tail_lines(testing::read_file(p->logs.back()), 30).c_str());
      }
    }
    std::fflush(stdout);
  }

  testing::ScratchDir scratch_;
  std::optional<testing::PgTestDatabase> db_;
  Options opt_;
  fs::path alpha_dir_, bravo_dir_;
  std::string alpha_key_, bravo_key_;
  std::vector<Proc> alpha_;
  Proc bravo_;
  std::unique_ptr<testing::FaultProxy> balancer_;
  std::unique_ptr<service::Node> alpha_node_, bravo_node_;
  int cli_runs_ = 0;
};

}  // namespace hotline::it
