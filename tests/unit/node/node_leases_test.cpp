// Work done once per node: two NodeServers over one node's store (opened
// twice in this process, so they share the default lease table, as two
// `hotline serve` processes share PostgreSQL's advisory locks), delivering
// over real TLS to a third NodeServer (the peer) on 127.0.0.1 with real
// SQLite stores. Only one of the two runs a link's delivery worker and the
// node's jobs; stopping it lets the other take over, and every envelope
// arrives exactly once. The first one's store can lose its leases, as a
// PostgreSQL connection that breaks loses its advisory locks: its worker
// stops and the other takes over. No timed assertion: the waits only guard
// against a hang, and the timings are printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/link/chain_check.h"
#include "hotline/node/node_server.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {
namespace node_leases_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Waits until `done` holds; false after `guard` (a hang, not a slow run).
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds guard = 60s) {
  const auto deadline = Clock::now() + guard;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// The node's real store, whose leases the test can take away: after
// lose_leases() every lease handed out reads held() false, and new ones
// cannot be had (try_lease throws, as on a broken connection) until
// reconnect().
class LosableLeases final : public store::Store {
 public:
  explicit LosableLeases(std::unique_ptr<store::Store> inner) : inner_(std::move(inner)) {}

  std::unique_ptr<store::Lease> try_lease(std::string_view name) override {
    if (down_) throw Error(ErrorCategory::unavailable, "store_io", "the connection is down");
    auto lease = inner_->try_lease(name);
    if (!lease) return nullptr;
    return std::make_unique<Losable>(std::move(lease), *this, generation_.load());
  }
  void wait_for_events(std::int64_t after_id, std::chrono::milliseconds timeout) override {
    inner_->wait_for_events(after_id, timeout);
  }
  std::unique_ptr<store::Transaction> write() override { return inner_->write(); }
  std::unique_ptr<store::Transaction> read() override { return inner_->read(); }
  int schema_version() override { return inner_->schema_version(); }

  void lose_leases() {
    down_ = true;
    ++generation_;
  }
  void reconnect() { down_ = false; }

 protected:
  void write_in_group(const WriteFn& fn) override { inner_->transact(fn); }

 private:
  class Losable final : public store::Lease {
   public:
    Losable(std::unique_ptr<store::Lease> inner, LosableLeases& owner, int generation)
        : inner_(std::move(inner)), owner_(owner), generation_(generation) {}
    bool held() override { return owner_.generation_ == generation_ && inner_->held(); }

   private:
    std::unique_ptr<store::Lease> inner_;
    LosableLeases& owner_;
    const int generation_;
  };

  std::unique_ptr<store::Store> inner_;
  std::atomic<bool> down_{false};
  std::atomic<int> generation_{0};
};

// Samples both servers while it runs: how often both ran the link's worker,
// or both the jobs, at the same moment.
class OverlapWatch {
 public:
  OverlapWatch(NodeServer& a, NodeServer& b, std::string link)
      : a_(a), b_(b), link_(std::move(link)), thread_([this] { run(); }) {}
  ~OverlapWatch() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int samples = 0, both_delivering = 0, both_jobs = 0;

 private:
  void run() {
    while (!stop_) {
      ++samples;
      if (a_.delivering(link_) && b_.delivering(link_)) ++both_delivering;
      if (a_.runs_jobs() && b_.runs_jobs()) ++both_jobs;
      std::this_thread::sleep_for(200us);
    }
  }
  NodeServer& a_;
  NodeServer& b_;
  std::string link_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class NodeLeases : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-node-leases-" + crypto::new_id());
    fs::create_directories(dir_);
    service::init_node(dir_ / "a", "Alpha");
    service::init_node(dir_ / "b", "Bravo");
    a1_ = std::make_unique<service::Node>(service::open_node(dir_ / "a"));
    auto losable = std::make_unique<LosableLeases>(std::move(a1_->store));
    a1_leases_ = losable.get();
    a1_->store = std::move(losable);
    a2_ = std::make_unique<service::Node>(service::open_node(dir_ / "a"));  // the second process
    b_ = std::make_unique<service::Node>(service::open_node(dir_ / "b"));
    NodeServerOptions opt;
    opt.delivery.initial_backoff = 20ms;
    opt.delivery.max_backoff = 200ms;
    server_b_ = std::make_unique<NodeServer>(*b_, opt);
    server_b_->start();
    link_ = service::add_peer(*a1_, "bravo",
                              "https://127.0.0.1:" + std::to_string(server_b_->peer_port()),
                              b_->identity.public_key().encoded(), now_ms())
                .link;
    server_a1_ = std::make_unique<NodeServer>(*a1_, opt);
    server_a1_->start();
    server_a2_ = std::make_unique<NodeServer>(*a2_, opt);
    server_a2_->on_delivered([this](const std::string&, std::int64_t seq) {
      a2_receipted_up_to_ = std::max<std::int64_t>(a2_receipted_up_to_, seq);
    });
    server_a2_->start();
    service::add_peer(*b_, "alpha", "https://127.0.0.1:" + std::to_string(server_a1_->peer_port()),
                      a1_->identity.public_key().encoded(), now_ms());
  }
  void TearDown() override {
    server_a2_.reset();
    server_a1_.reset();
    server_b_.reset();
    a2_.reset();
    a1_.reset();
    b_.reset();
    fs::remove_all(dir_);
  }

  void send(service::Node& from, NodeServer& server, int first, int n) {
    for (int i = first; i < first + n; ++i) {
      service::send_desk_message(from, "bravo", "message " + std::to_string(i), now_ms());
    }
    server.notify(link_);
  }
  std::int64_t outbox() {
    return a1_->store->snapshot([&](store::Transaction& tx) { return tx.outbox_length(link_); });
  }

  // Bravo's inbound desk messages, text -> how many times.
  std::map<std::string, int> received() {
    std::map<std::string, int> out;
    for (const auto& m : b_->store->snapshot(
             [&](store::Transaction& tx) { return tx.list_desk_messages(link_, 100000); })) {
      if (m.direction == store::Direction::inbound) ++out[m.text];
    }
    return out;
  }

  fs::path dir_;
  std::unique_ptr<service::Node> a1_, a2_, b_;
  LosableLeases* a1_leases_ = nullptr;  // a1_'s store
  std::unique_ptr<NodeServer> server_a1_, server_a2_, server_b_;
  std::string link_;
  std::atomic<std::int64_t> a2_receipted_up_to_{0};  // receipts stored by the second
};

TEST_F(NodeLeases, OneWorkerPerLinkAndTheOtherTakesOverExactlyOnce) {
  // The first to start holds both leases; the second runs neither.
  EXPECT_TRUE(server_a1_->delivering(link_));
  EXPECT_TRUE(server_a1_->runs_jobs());
  EXPECT_FALSE(server_a2_->delivering(link_));
  EXPECT_FALSE(server_a2_->runs_jobs());

  OverlapWatch watch(*server_a1_, *server_a2_, link_);
  constexpr int kBatch = 60;
  auto t0 = Clock::now();
  send(*a1_, *server_a1_, 0, kBatch);
  ASSERT_TRUE(wait_for([&] { return outbox() == 0; })) << "outbox " << outbox();
  std::printf("[node_leases] first %d delivered by the first server in %.1f ms\n", kBatch,
              ms_since(t0));
  EXPECT_FALSE(server_a2_->delivering(link_));

  // Queue more, through the second "process", and stop the first at once:
  // whatever it has not delivered, the second must.
  send(*a2_, *server_a2_, kBatch, kBatch);
  t0 = Clock::now();
  server_a1_->stop();
  ASSERT_TRUE(wait_for([&] { return server_a2_->delivering(link_) && server_a2_->runs_jobs(); }));
  std::printf("[node_leases] the second server took both leases %.1f ms after the stop\n",
              ms_since(t0));
  // The second server's jobs send a heartbeat at once: it delivers that at
  // least, whatever the first one still sent before it stopped.
  ASSERT_TRUE(wait_for([&] { return outbox() == 0 && a2_receipted_up_to_ > 0; }))
      << "outbox " << outbox();
  std::printf(
      "[node_leases] all %d delivered %.1f ms after the stop; the second server stored "
      "receipts up to seq %lld\n",
      2 * kBatch, ms_since(t0), static_cast<long long>(a2_receipted_up_to_.load()));
  watch.stop();
  std::printf("[node_leases] %d samples of both servers\n", watch.samples);
  EXPECT_EQ(watch.both_delivering, 0);
  EXPECT_EQ(watch.both_jobs, 0);
  EXPECT_GT(watch.samples, 0);

  server_a2_->stop();
  server_b_->stop();
  auto got = received();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(2 * kBatch));
  for (int i = 0; i < 2 * kBatch; ++i) {
    EXPECT_EQ(got["message " + std::to_string(i)], 1) << "message " << i;
  }
  auto out = a1_->store->snapshot([&](store::Transaction& tx) {
    return link::check_chain(tx, link_, store::Direction::outbound, a1_->identity.public_key(),
                             b_->identity.public_key());
  });
  auto in = b_->store->snapshot([&](store::Transaction& tx) {
    return link::check_chain(tx, link_, store::Direction::inbound, a1_->identity.public_key(),
                             b_->identity.public_key());
  });
  EXPECT_TRUE(out.ok()) << (out.findings.empty() ? "" : out.findings[0]);
  EXPECT_TRUE(in.ok()) << (in.findings.empty() ? "" : in.findings[0]);
  EXPECT_EQ(out.envelopes, in.envelopes);
  EXPECT_GE(in.envelopes, 2 * kBatch);
}

TEST_F(NodeLeases, ALostLeaseStopsTheWorkAndTheOtherTakesOver) {
  ASSERT_TRUE(server_a1_->delivering(link_));
  ASSERT_TRUE(server_a1_->runs_jobs());
  OverlapWatch watch(*server_a1_, *server_a2_, link_);
  constexpr int kBatch = 60;
  send(*a1_, *server_a1_, 0, kBatch);
  const auto t0 = Clock::now();
  a1_leases_->lose_leases();  // while it delivers, most likely
  ASSERT_TRUE(wait_for([&] { return server_a2_->delivering(link_) && server_a2_->runs_jobs(); }));
  std::printf("[node_leases] lost by the first, taken by the second %.1f ms later\n", ms_since(t0));
  EXPECT_FALSE(server_a1_->delivering(link_));
  EXPECT_FALSE(server_a1_->runs_jobs());
  send(*a2_, *server_a2_, kBatch, kBatch);
  ASSERT_TRUE(wait_for([&] { return outbox() == 0 && a2_receipted_up_to_ > 0; }))
      << "outbox " << outbox();
  // Back on line, the first one finds both leases taken and stays idle.
  a1_leases_->reconnect();
  std::this_thread::sleep_for(600ms);  // a few of its monitor ticks
  EXPECT_FALSE(server_a1_->delivering(link_));
  EXPECT_FALSE(server_a1_->runs_jobs());
  watch.stop();
  std::printf("[node_leases] %d samples of both servers\n", watch.samples);
  EXPECT_EQ(watch.both_delivering, 0);
  EXPECT_EQ(watch.both_jobs, 0);

  server_a2_->stop();
  server_a1_->stop();
  server_b_->stop();
  auto got = received();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(2 * kBatch));
  for (int i = 0; i < 2 * kBatch; ++i) {
    EXPECT_EQ(got["message " + std::to_string(i)], 1) << "message " << i;
  }
  auto in = b_->store->snapshot([&](store::Transaction& tx) {
    return link::check_chain(tx, link_, store::Direction::inbound, a1_->identity.public_key(),
                             b_->identity.public_key());
  });
  EXPECT_TRUE(in.ok()) << (in.findings.empty() ? "" : in.findings[0]);
}

}  // namespace node_leases_test
}  // namespace hotline::node
