// Two real nodes in one process, for service tests that need both ends of a
// link: real stores in a scratch directory, real identities, signed
// envelopes delivered straight into the receiving node's store through the
// real receiver (link::receive_batch and node::apply_inbound), with no
// network in between.
//
// Header only: it uses the service, link and node libraries, which the test
// targets that include it already link. One fixture per test; not
// thread-safe (deliver() runs on the test's thread).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/secretbox.h"
#include "hotline/link/delivery.h"
#include "hotline/link/receiver.h"
#include "hotline/node/inbound.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/open.h"
#include "support/pg_store_db.h"
#include "support/pg_test_db.h"

namespace hotline::testing {

// A link::Transport that hands each batch to the receiving node's store.
// `to` must outlive the transport.
class InProcessTransport : public link::Transport {
 public:
  InProcessTransport(service::Node& to, link::LinkContext ctx) : to_(to), ctx_(std::move(ctx)) {}
  Reply post_envelopes(const std::string& batch) override {
    auto out = link::receive_batch(
        *to_.store, ctx_, batch, [] { return now_ms(); },
        [this](store::Transaction& tx, const link::Envelope& e, const std::string& received_at) {
          node::apply_inbound(tx, ctx_, e, received_at);
        });
    return Reply{out.error ? http_status(out.error->category) : 200, out.to_json()};
  }

 private:
  service::Node& to_;
  link::LinkContext ctx_;
};

// Nodes "Alpha" (a_, its peer named "bravo") and "Bravo" (b_, its peer
// "alpha"), peered with each other; link_ is the link's id. The scratch
// directory is removed after the test.
class TwoNodesInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hotline-two-nodes-" + crypto::new_id());
    std::filesystem::create_directories(dir_);
    service::init_node(dir_ / "a", "Alpha");
    service::init_node(dir_ / "b", "Bravo");
    a_ = std::make_unique<service::Node>(service::open_node(dir_ / "a"));
    b_ = std::make_unique<service::Node>(service::open_node(dir_ / "b"));
    if (on_postgres_) {
      move_to_postgres(*a_);
      move_to_postgres(*b_);
    }
    service::add_peer(*a_, "bravo", "https://127.0.0.1:1", b_->identity.public_key().encoded(),
                      now_ms());
    service::add_peer(*b_, "alpha", "https://127.0.0.1:2", a_->identity.public_key().encoded(),
                      now_ms());
    link_ = service::link_context(*a_, service::find_peer(*a_->store, "bravo")).link;
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    pg_.clear();
    std::filesystem::remove_all(dir_);
  }

  // Sends everything queued at `from` (whose peer `to` is named `to_name`)
  // to `to` (which names `from` `from_name`), in at most 20 batches.
  void deliver(service::Node& from, const std::string& to_name, service::Node& to,
               const std::string& from_name) {
    auto ctx_from = service::link_context(from, service::find_peer(*from.store, to_name));
    auto ctx_to = service::link_context(to, service::find_peer(*to.store, from_name));
    link::DeliveryWorker worker(*from.store, ctx_from,
                                std::make_unique<InProcessTransport>(to, ctx_to), {}, nullptr);
    for (int i = 0; i < 20 && worker.deliver_once() > 0; ++i) {
    }
  }
  void a_to_b() { deliver(*a_, "bravo", *b_, "alpha"); }
  void b_to_a() { deliver(*b_, "alpha", *a_, "bravo"); }

  // The node's store becomes a fresh PostgreSQL database (a copy of the
  // migrated template, support/pg_store_db.h) holding what init wrote (its
  // party, key and creation time); pg_db(n) is the database of the n-th
  // node moved (0: alpha, 1: bravo).
  void move_to_postgres(service::Node& n) {
    auto db = migrated_pg_test_database();
    store::PostgresOptions options;
    options.conninfo = db->conninfo();
    options.secret_key = crypto::load_or_create_secret_key(n.paths.secrets_key);
    auto pg = store::open_postgres(options);
    pg->transact([&](store::Transaction& tx) {
      for (const char* key : {"party", "public_key", "created_at"}) {
        tx.put_setting(key, n.store->read()->get_setting(key).value_or(""));
      }
    });
    n.store = std::move(pg);
    pg_.push_back(std::move(db));
  }
  const PgTestDatabase& pg_db(std::size_t n) const { return *pg_.at(n); }

  // Set by a fixture before SetUp: both nodes keep their records in
  // PostgreSQL instead of their SQLite files.
  bool on_postgres_ = false;
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<PgTestDatabase>> pg_;  // outlive the nodes' stores
  std::unique_ptr<service::Node> a_, b_;
  std::string link_;
};

}  // namespace hotline::testing
