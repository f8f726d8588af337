// hotline backup / restore with two real nodes over real TLS: traffic both
// ways, a backup of bravo while it runs, more traffic both ways, bravo
// stopped for good, restored from the (now older) backup into a new
// directory and started in its place. The restored bravo takes back what it
// had sent after the backup, alpha sends again what bravo lost, and new
// traffic flows: every envelope is there once, in order, and `hotline
// ledger verify` passes on both.
#include <gtest/gtest.h>

#include <fstream>

#include "hotline/link/chain_check.h"
#include "hotline/link/resync.h"
#include "hotline/service/node_backup.h"
#include "link_harness.h"
#include "support/pg_test_db.h"

namespace hotline::it {
namespace backup_restore_test {

class BackupRestore : public TwoNodes {
 protected:
  // As TwoNodes::start, with a signed tree head every second, so that heads
  // of bravo's log beyond the backup reach alpha.
  void start_with_heads(Side s) {
    auto& n = nodes_[s];
    std::vector<std::string> args = {hotline_bin(),
                                     "serve",
                                     "--dir",
                                     n.dir.string(),
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(n.op_port),
                                     "--peer-listen",
                                     "127.0.0.1:" + std::to_string(n.peer_port),
                                     "--heartbeat-interval",
                                     std::to_string(opt_.heartbeat_s),
                                     "--head-interval",
                                     "1"};
    auto prefix = scratch_ / (n.name + "-serve-" + std::to_string(++n.starts));
    n.logs.push_back(fs::path(prefix.string() + ".err"));
    n.proc = std::make_unique<testing::Process>(args, prefix);
    ASSERT_TRUE(wait_ready_(s)) << n.name << " did not come up";
  }
  // Every desk message `side` sent so far arrived (and was receipted).
  void wait_all_delivered(Side s, std::int64_t at_least) {
    ASSERT_TRUE(wait_delivered(dir(s), s == kAlpha ? "bravo" : "alpha", at_least, 30s));
  }
  std::int64_t last_out(Side s) {
    auto n = service::open_node(dir(s));
    return link_counts(*n.store, link_of(*n.store, s == kAlpha ? "bravo" : "alpha")).last_out;
  }
  std::vector<store::EventRecord> events_of(Side s, const std::string& kind) {
    auto n = service::open_node(dir(s));
    std::vector<store::EventRecord> out;
    for (const auto& e :
         n.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 100000); })) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
};

TEST_F(BackupRestore, RestoredNodeGetsEverythingOnceAndTheLinkGoesOn) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  // Again with a head every second.
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));
  ASSERT_NO_FATAL_FAILURE(start_with_heads(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start_with_heads(kBravo));
  const auto key = scratch() / "office-backup.key";
  const auto file = scratch() / "bravo-1.hlb";
  ASSERT_EQ(cli({"backup", "key", "--out", key.string()}).exit_code, 0);

  // Traffic both ways, then the backup while both run.
  enqueue(dir(kAlpha), "bravo", 4, 0);
  enqueue(dir(kBravo), "alpha", 4, 0);
  ASSERT_NO_FATAL_FAILURE(wait_all_delivered(kAlpha, 4));
  ASSERT_NO_FATAL_FAILURE(wait_all_delivered(kBravo, 4));
  auto r = cli(
      {"backup", "--dir", dir(kBravo).string(), "--to", file.string(), "--key-file", key.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto backup_size = service::read_backup_header(file).log_size;

  // More traffic both ways after the backup: bravo will lose it.
  enqueue(dir(kAlpha), "bravo", 5, 4);
  enqueue(dir(kBravo), "alpha", 5, 4);
  ASSERT_NO_FATAL_FAILURE(wait_all_delivered(kAlpha, last_out(kAlpha)));
  ASSERT_NO_FATAL_FAILURE(wait_all_delivered(kBravo, last_out(kBravo)));
  // Alpha holds a head of bravo's log beyond the backup.
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto a = service::open_node(dir(kAlpha));
        auto heads = a.store->snapshot(
            [&](store::Transaction& tx) { return tx.list_tree_heads(link_of(*a.store, "bravo")); });
        return !heads.empty() && heads.back().size > backup_size + 10;
      },
      20s))
      << "no head of bravo's log beyond the backup reached alpha";
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));  // its disk is lost; alpha runs on
  // What alpha holds of bravo's: the restored bravo must take all of it back.
  const auto bravo_sent = [&] {
    auto a = service::open_node(dir(kAlpha));
    return link_counts(*a.store, link_of(*a.store, "bravo")).last_in;
  }();

  // Restored into a new directory (the bad inputs are the unit tests').
  const auto restored = scratch() / "bravo-restored";
  r = cli({"restore", "--from", file.string(), "--key-file", key.string(), "--dir",
           restored.string(), "--node-key", nodes_[kBravo].key});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  r = cli({"ledger", "verify", "--dir", restored.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  {
    auto b = service::open_node(restored);
    EXPECT_LT(link_counts(*b.store, link_of(*b.store, "alpha")).last_out, bravo_sent);
  }

  // Started in place of the old bravo (same peer address).
  nodes_[kBravo].dir = restored;
  ASSERT_NO_FATAL_FAILURE(start_with_heads(kBravo));
  EXPECT_GE(last_out(kBravo), bravo_sent) << "bravo did not take back what it had sent";
  ASSERT_EQ(events_of(kBravo, "link_resynced").size(), 1u);
  ASSERT_TRUE(testing::eventually([&] { return !events_of(kAlpha, "peer_restored").empty(); }, 5s));

  // New traffic both ways.
  enqueue(dir(kAlpha), "bravo", 3, 9);
  enqueue(dir(kBravo), "alpha", 3, 9);
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());

  // Bravo -> alpha: all of it, each once, the same receipts on both sides
  // (those bravo took back are alpha's originals).
  expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), msg_texts("bravo", 0, 12));
  // Alpha -> bravo: the chain is whole on both sides and bravo lists every
  // message once. Alpha keeps the receipts the old bravo signed for what it
  // sent again (the evidence), so the two sides' receipts differ there.
  {
    auto a = service::open_node(dir(kAlpha));
    auto b = service::open_node(dir(kBravo));
    const auto link = link_of(*a.store, "bravo");
    const auto& ak = a.identity.public_key();
    const auto& bk = b.identity.public_key();
    auto out = link::check_chain(*a.store->read(), link, store::Direction::outbound, ak, bk);
    auto in = link::check_chain(*b.store->read(), link, store::Direction::inbound, ak, bk);
    EXPECT_TRUE(out.ok()) << first_findings(out);
    EXPECT_TRUE(in.ok()) << first_findings(in);
    EXPECT_EQ(out.envelopes, in.envelopes);
    std::vector<std::string> texts;
    for (const auto& m : b.store->read()->list_desk_messages(link, 100000)) {
      if (m.direction == store::Direction::inbound) texts.push_back(m.text);
    }
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(texts, msg_texts("alpha", 0, 12));
  }
  for (Side s : {kAlpha, kBravo}) {
    r = cli({"ledger", "verify", "--dir", dir(s).string()});
    EXPECT_EQ(r.exit_code, 0) << nodes_[s].name << ": " << r.err << r.out;
  }
  EXPECT_TRUE(events_of(kAlpha, "ledger_inconsistent").empty());
  r = cli({"ledger", "status", "--json", "--dir", dir(kAlpha).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(nlohmann::json::parse(r.out)["peers"][0].value("superseded", 0), 1) << r.out;
  EXPECT_EQ(events_of(kAlpha, "peer_restored").size(), 1u);
}

// A node whose records are in PostgreSQL: the backup reads them in one
// snapshot, and the restore puts them into another empty database.
TEST_F(BackupRestore, PostgresNodeIsBackedUpAndRestoredIntoPostgres) {
  hotline::testing::PgTestDatabase from_db, to_db;
  const auto node = scratch() / "pg-alpha";
  auto r = cli({"init", "--dir", node.string(), "--party", "alpha", "--store", from_db.conninfo()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto pw = scratch() / "pw";
  std::ofstream(pw) << "a long enough password for alice\n";
  r = cli({"user", "add", "alice", "--role", "operator", "--password-file", pw.string(), "--dir",
           node.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto key = scratch() / "k";
  const auto file = scratch() / "pg-alpha.hlb";
  ASSERT_EQ(cli({"backup", "key", "--out", key.string()}).exit_code, 0);
  r = cli({"backup", "--dir", node.string(), "--to", file.string(), "--key-file", key.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(service::read_backup_header(file).store, "postgresql");

  const auto restored = scratch() / "pg-alpha-restored";
  r = cli({"restore", "--from", file.string(), "--key-file", key.string(), "--dir",
           restored.string(), "--store", to_db.conninfo()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_TRUE(fs::exists(restored / "store.conf"));
  r = cli({"ledger", "verify", "--dir", restored.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  r = cli({"user", "list", "--dir", restored.string()});
  EXPECT_NE(r.out.find("alice"), std::string::npos) << r.err << r.out;
}

// A restored node whose peer cannot be reached does not start: it would
// reuse seqs the peer holds. Nothing is sent, and the link stays marked.
TEST_F(BackupRestore, RestoredNodeWaitsForItsPeerAndSendsNothing) {
  ASSERT_NO_FATAL_FAILURE(setup());  // alpha is never started
  const auto key = scratch() / "k";
  const auto file = scratch() / "bravo.hlb";
  ASSERT_EQ(cli({"backup", "key", "--out", key.string()}).exit_code, 0);
  auto r = cli(
      {"backup", "--dir", dir(kBravo).string(), "--to", file.string(), "--key-file", key.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto restored = scratch() / "bravo-restored";
  r = cli(
      {"restore", "--from", file.string(), "--key-file", key.string(), "--dir", restored.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  r = cli({"serve", "--dir", restored.string(), "--listen", "127.0.0.1:0", "--peer-listen",
           "127.0.0.1:0", "--resync-wait", "1"},
          30s);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.err.find("could not be reached"), std::string::npos) << r.err;
  auto b = service::open_node(restored);
  const auto link = link_of(*b.store, "alpha");
  EXPECT_EQ(link_counts(*b.store, link).last_out, 0);
  EXPECT_TRUE(b.store->snapshot(
      [&](store::Transaction& tx) { return link::resync_pending(tx, link).has_value(); }));
}

}  // namespace backup_restore_test
}  // namespace hotline::it
