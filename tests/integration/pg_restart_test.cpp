// PostgreSQL restarted under traffic (issue 20, faults): alpha's two serve
// processes (serve_group_harness.h) run on a PostgreSQL cluster of this
// test's own (scripts/pg-cluster in a scratch folder, so that restarting it
// touches no other test), which is stopped and started again, then crashed
// (immediate stop: recovery at the next start) and started again, while API
// clients create alerts through both processes and bravo streams desk
// messages to alpha. The processes reconnect and go on; every call in
// flight got an answer with a clear error or succeeded; every alert is
// whole (readable, delivered to bravo, in the ledger) or absent; the
// ledger verifies.
#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "serve_group_harness.h"

namespace hotline::it {
namespace pg_restart_test {

// A PostgreSQL cluster in a scratch folder of its own, through
// scripts/pg-cluster; removed at the end. Not thread-safe.
class PrivateCluster {
 public:
  PrivateCluster() {
    // The server runs as the postgres account when the tests run as root:
    // it must reach the folder.
    ::chmod(scratch_.path().c_str(), 0711);
    dir_ = scratch_ / "pg";
  }
  ~PrivateCluster() { script("remove"); }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  // Starts it (initdb the first time); returns the maintenance database's
  // connection string.
  std::string start() {
    auto r = script("start");
    if (r.exit_code != 0) throw std::runtime_error("pg-cluster start failed: " + r.err);
    auto line = r.out.substr(0, r.out.find('\n'));
    return line;
  }
  void stop() {
    auto r = script("stop");
    if (r.exit_code != 0) throw std::runtime_error("pg-cluster stop failed: " + r.err);
  }
  // Stops it as a crash would (pg_ctl stop -m immediate: no checkpoint,
  // the server recovers from its log at the next start).
  void crash() {
    auto r = testing::run(
        {"/bin/bash", "-c",
         "PATH=$PATH:/usr/sbin:/sbin; ctl=${PG_BIN:-/usr/lib/postgresql/15/bin}/pg_ctl; "
         "if [ \"$(id -u)\" = 0 ]; then runuser -u postgres -- \"$ctl\" \"$@\"; "
         "else \"$ctl\" \"$@\"; fi",
         "pg_ctl", "stop", "-D", (dir_ / "data").string(), "-m", "immediate", "-w"},
        scratch_ / ("pg-crash-" + std::to_string(++runs_)), std::chrono::seconds(60));
    if (r.exit_code != 0) throw std::runtime_error("pg_ctl stop -m immediate failed: " + r.err);
  }

 private:
  testing::RunResult script(const std::string& cmd) {
    return testing::run({"/bin/bash", HOTLINE_PG_CLUSTER_SCRIPT, cmd, dir_.string()},
                        scratch_ / ("pg-cluster-" + cmd + "-" + std::to_string(++runs_)),
                        std::chrono::seconds(120));
  }

  testing::ScratchDir scratch_;
  fs::path dir_;
  int runs_ = 0;
};

// One API call's outcome, as the client saw it.
struct Outcome {
  int client = 0;
  int phase = 0;  // when it was asked: 0 before the stop, 1 down, 2 after the start
  std::string summary;
  int status = 0;    // 0: no HTTP answer at all
  std::string code;  // the error's code, or the created alert's id
  std::string transport_error;
};

class PgRestart : public ServeGroup {
 protected:
  // Creates alerts through `port` until `stop`; every outcome recorded.
  void create_alerts(std::uint16_t port, const std::string& tok, int client,
                     const std::atomic<bool>& stop_flag) {
    for (int i = 0; !stop_flag; ++i) {
      Outcome o;
      o.client = client;
      o.phase = phase_;
      o.summary = "Restart drill " + std::to_string(client) + "-" + std::to_string(i);
      try {
        auto r =
            api_call(port, "POST", "/v1/alerts", {{"to", "bravo"}, {"summary", o.summary}}, tok);
        o.status = r.status;
        o.code = r.status == 201 ? r.body.value("id", "") : code_of(r);
      } catch (const std::exception& e) {
        o.transport_error = e.what();
      }
      {
        std::lock_guard lock(mu_);
        outcomes_.push_back(o);
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  // Stops the cluster (`crash`: as a crash would), starts it again 1.5 s
  // later, and waits until a call through each process succeeded after
  // the start. Returns whether both did (within a minute).
  bool outage(PrivateCluster& cluster, bool crash, const std::string& maintenance) {
    const char* how = crash ? "crashed" : "stopped";
    const auto t0 = Clock::now();
    phase_ = 1;
    if (crash) {
      cluster.crash();
    } else {
      cluster.stop();
    }
    std::printf("[restart] PostgreSQL %s (%.1f s)\n", how, seconds_since(t0));
    std::this_thread::sleep_for(1500ms);
    std::size_t from = 0;
    {
      std::lock_guard lock(mu_);
      from = outcomes_.size();
    }
    if (cluster.start() != maintenance) ADD_FAILURE() << "the cluster came back elsewhere";
    phase_ = 2;
    std::printf("[restart] PostgreSQL running again after %.1f s\n", seconds_since(t0));
    bool both = testing::eventually(
        [&] {
          std::lock_guard lock(mu_);
          std::set<int> ok_clients;
          for (std::size_t i = from; i < outcomes_.size(); ++i)
            if (outcomes_[i].status == 201) ok_clients.insert(outcomes_[i].client);
          return ok_clients.size() == 2;
        },
        60s);
    std::printf("[restart] both processes created alerts again %.1f s after PostgreSQL %s\n",
                seconds_since(t0), how);
    std::this_thread::sleep_for(1s);  // and go on a while
    return both;
  }

  std::atomic<int> phase_{0};
  std::mutex mu_;
  std::vector<Outcome> outcomes_;  // guarded by mu_
};

TEST_F(PgRestart, ProcessesReconnectAndNothingIsHalfStored) {
  PrivateCluster cluster;
  const auto maintenance = cluster.start();
  {
    pqxx::connection c(maintenance);
    pqxx::nontransaction w(c);
    w.exec("CREATE DATABASE hotline");
  }
  Options opt;
  opt.alpha_store = maintenance + " dbname=hotline";
  ASSERT_NO_FATAL_FAILURE(start_linked(opt));
  const auto ana = token(watch_alpha(), "ana", {service::Role::operator_});
  const std::int64_t n = kSanitized ? 300 : 1000;

  std::atomic<bool> stop_flag{false};
  std::string produce_error;
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < 2; ++c)
      clients.emplace_back([&, c] {
        create_alerts(alpha_[static_cast<std::size_t>(c)].op_port, ana, c, stop_flag);
      });
    std::jthread from_bravo([&] {
      try {
        auto node = service::open_node(bravo_dir_);
        enqueue_batched(node, "alpha", n, 0, 20, 40ms);
      } catch (const std::exception& e) {
        produce_error = e.what();
      }
    });
    // Whatever happens below, the clients stop before they are joined.
    struct StopClients {
      std::atomic<bool>& flag;
      ~StopClients() { flag = true; }
    } stop_clients{stop_flag};
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(outage(cluster, /*crash=*/false, maintenance))
        << "a process did not create alerts again after PostgreSQL's restart";
    EXPECT_TRUE(outage(cluster, /*crash=*/true, maintenance))
        << "a process did not create alerts again after PostgreSQL's crash";
    stop_flag = true;
  }
  ASSERT_TRUE(produce_error.empty()) << produce_error;
  for (auto& p : alpha_) EXPECT_TRUE(p.running()) << p.label << " died with its database";
  // The leases lost with the database's connections are held again, each
  // by one process.
  EXPECT_GE(lease_holder("delivery:", 30s), 0) << lease_report("delivery:");
  EXPECT_GE(lease_holder("jobs", 30s), 0) << lease_report("jobs");

  // Every call got an answer: created, or a clear error.
  std::set<std::string> created, codes;
  int refused = 0;
  int by_phase[3][2] = {};  // [phase][created?]
  for (const auto& o : outcomes_) {
    ++by_phase[o.phase][o.status == 201 ? 1 : 0];
    EXPECT_TRUE(o.transport_error.empty())
        << o.summary << ": no answer (" << o.transport_error << ")";
    if (o.status == 201) {
      created.insert(o.code);
    } else if (o.status != 0) {
      ++refused;
      codes.insert(o.code);
      // 503: the node's database is unavailable for now; retry (a lost
      // connection is no fault of the node's that would call for a 500).
      EXPECT_EQ(o.status, 503) << o.summary << ": " << o.status << " " << o.code;
      EXPECT_FALSE(o.code.empty()) << o.summary << ": " << o.status << " without an error code";
    }
  }
  std::string code_list;
  for (const auto& c : codes) code_list += " " + c;
  std::printf("[restart] %zu calls: %zu created, %d refused (codes:%s)\n", outcomes_.size(),
              created.size(), refused, code_list.c_str());
  std::printf(
      "[restart] created/refused before the stop %d/%d, while down %d/%d, after the start "
      "%d/%d\n",
      by_phase[0][1], by_phase[0][0], by_phase[1][1], by_phase[1][0], by_phase[2][1],
      by_phase[2][0]);

  // Whole or absent: each stored alert is one a client asked for, each
  // created one is stored, and bravo receives exactly the stored ones.
  std::set<std::string> asked;
  for (const auto& o : outcomes_) asked.insert(o.summary);
  ASSERT_TRUE(wait_delivered(alpha_dir_, "bravo", 1, 60s));
  ASSERT_TRUE(wait_delivered(bravo_dir_, "alpha", n, 120s));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  auto at_alpha = watch_alpha().store->snapshot(
      [](store::Transaction& tx) { return tx.list_items("alert", "", 100000); });
  auto at_bravo = watch_bravo().store->snapshot(
      [](store::Transaction& tx) { return tx.list_items("alert", "", 100000); });
  std::set<std::string> alpha_ids, bravo_ids;
  for (const auto& it : at_alpha) {
    alpha_ids.insert(it.id);
    EXPECT_TRUE(asked.count(it.title)) << "an alert nobody asked for: " << it.title;
  }
  for (const auto& it : at_bravo) bravo_ids.insert(it.id);
  for (const auto& id : created) EXPECT_TRUE(alpha_ids.count(id)) << "created but absent: " << id;
  EXPECT_EQ(alpha_ids, bravo_ids) << "the alerts stored at alpha are not those bravo received";
  EXPECT_EQ(alpha_ids.size(), at_alpha.size()) << "an alert stored twice";
  expect_direction_intact(bravo_dir_, "alpha", alpha_dir_, msg_texts("bravo", 0, n));
  expect_direction_intact(alpha_dir_, "bravo", bravo_dir_, {});
  expect_ledger_verifies(alpha_dir_);
  expect_ledger_verifies(bravo_dir_);
}

}  // namespace pg_restart_test
}  // namespace hotline::it
