// hotline backup / restore (service/node_backup.h) on real SQLite files, and
// the resync after a restore (link/resync.h) between two real nodes in one
// process: bad input is refused with its own error and changes nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "hotline/common/error.h"
#include "hotline/crypto/backup_stream.h"
#include "hotline/link/resync.h"
#include "hotline/service/ledger_service.h"
#include "hotline/service/ledger_verify.h"
#include "hotline/service/link_support.h"
#include "hotline/service/node_backup.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace node_backup_test {

namespace fs = std::filesystem;
using store::Direction;

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_all(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

class NodeBackupTest : public testing::TwoNodesInProcess {
 protected:
  void SetUp() override {
    TwoNodesInProcess::SetUp();
    key_file_ = dir_ / "office.key";
    key_ = crypto::create_backup_key_file(key_file_);
    backup_ = dir_ / "bravo.hlb";
  }
  void traffic(const std::string& tag) {
    send_desk_message(*a_, "bravo", "from alpha " + tag, now_ms());
    send_desk_message(*b_, "alpha", "from bravo " + tag, now_ms());
    a_to_b();
    b_to_a();
  }
  std::int64_t last(store::Store& st, Direction d) {
    return st.snapshot([&](store::Transaction& tx) { return tx.last_seq(link_, d); });
  }
  void expect_refused_without_trace(const fs::path& file, const std::string& code) {
    const fs::path target = dir_ / "restored";
    EXPECT_EQ(code_of([&] { restore_node(file, key_, target); }), code);
    EXPECT_FALSE(fs::exists(target));
    for (const auto& e : fs::directory_iterator(dir_)) {
      EXPECT_EQ(e.path().filename().string().rfind(".restore-", 0), std::string::npos)
          << e.path() << " was left behind";
    }
  }

  fs::path key_file_, backup_;
  crypto::BackupKey key_{};
};

TEST_F(NodeBackupTest, RestoresTheNodeItsKeysAndAVerifyingLedger) {
  traffic("1");
  auto made = backup_node(b_->paths.dir, backup_, key_);
  EXPECT_EQ(mode_of(backup_), 0600u);
  EXPECT_EQ(made.header.party, "Bravo");
  EXPECT_EQ(made.header.store, "sqlite");
  EXPECT_EQ(made.header.key_id, crypto::backup_key_id(key_));
  EXPECT_GT(made.header.log_size, 0);
  EXPECT_EQ(read_backup_header(backup_).log_root, made.header.log_root);
  // Nothing of the plaintext identity key is readable in the file.
  EXPECT_EQ(read_all(backup_).find(read_all(b_->paths.identity_key)), std::string::npos);

  const fs::path target = dir_ / "restored";
  fs::create_directories(target);  // empty: accepted
  auto restored = restore_node(backup_, key_, target);
  EXPECT_EQ(restored.links, 1);
  EXPECT_EQ(mode_of(target), 0700u);
  for (const char* f : {"identity.key", "secrets.key", "tls/operator.key", "hotline.db"}) {
    EXPECT_EQ(mode_of(target / f), 0600u) << f;
  }
  EXPECT_EQ(read_all(target / "tls/operator.crt"), read_all(b_->paths.operator_cert));
  EXPECT_EQ(read_all(target / "identity.key"), read_all(b_->paths.identity_key));
  EXPECT_EQ(read_all(target / "secrets.key"), read_all(b_->paths.secrets_key));
  auto node = open_node(target);
  EXPECT_EQ(node.identity.public_key().encoded(), b_->identity.public_key().encoded());
  auto report = verify_ledger(*node.store, node.identity.public_key());
  EXPECT_TRUE(report.ok()) << (report.findings.empty() ? "" : report.findings[0].message);
  EXPECT_EQ(report.log_size, made.header.log_size);
  EXPECT_EQ(last(*node.store, Direction::outbound), last(*b_->store, Direction::outbound));
  EXPECT_EQ(
      node.store->snapshot([&](store::Transaction& tx) { return link::resync_pending(tx, link_); }),
      made.header.log_size);
}

TEST_F(NodeBackupTest, BadBackupsAreRefusedAndLeaveNothing) {
  traffic("1");
  backup_node(b_->paths.dir, backup_, key_);
  const std::string good = read_all(backup_);

  // Another key: named, before anything is decrypted.
  const auto other_file = dir_ / "other.key";
  const auto other = crypto::create_backup_key_file(other_file);
  EXPECT_EQ(code_of([&] { restore_node(backup_, other, dir_ / "restored"); }), "backup_wrong_key");
  EXPECT_FALSE(fs::exists(dir_ / "restored"));

  const auto bad = dir_ / "bad.hlb";
  for (std::size_t cut : {std::size_t{1}, std::size_t{30}, good.size() / 2, good.size() - 40}) {
    write_all(bad, good.substr(0, good.size() - cut));
    expect_refused_without_trace(bad, "backup_truncated");
  }
  // A byte changed in the encrypted part, in the plain header, or added.
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x01;
  write_all(bad, flipped);
  expect_refused_without_trace(bad, "backup_damaged");
  flipped = good;
  const auto at = flipped.find("Bravo");
  ASSERT_NE(at, std::string::npos);
  flipped[at] = 'C';
  write_all(bad, flipped);
  expect_refused_without_trace(bad, "backup_damaged");
  write_all(bad, good + "x");
  expect_refused_without_trace(bad, "backup_damaged");
  write_all(bad, "not a backup at all, just text");
  expect_refused_without_trace(bad, "backup_not_a_backup");

  // A backup of another node than the one expected.
  RestoreOptions expect;
  expect.expect_public_key = a_->identity.public_key().encoded();
  EXPECT_EQ(code_of([&] { restore_node(backup_, key_, dir_ / "restored", expect); }),
            "backup_other_node");
  EXPECT_FALSE(fs::exists(dir_ / "restored"));

  // A target that holds something: refused, untouched.
  fs::create_directories(dir_ / "busy");
  write_all(dir_ / "busy" / "keep.txt", "mine");
  EXPECT_EQ(code_of([&] { restore_node(backup_, key_, dir_ / "busy"); }),
            "restore_target_not_empty");
  EXPECT_EQ(read_all(dir_ / "busy" / "keep.txt"), "mine");
  EXPECT_EQ(code_of([&] { restore_node(backup_, key_, b_->paths.dir); }),
            "restore_target_not_empty");
}

TEST_F(NodeBackupTest, BackupAndKeyFilesAreNeverOverwritten) {
  EXPECT_EQ(code_of([&] { crypto::create_backup_key_file(key_file_); }), "backup_key_exists");
  EXPECT_EQ(mode_of(key_file_), 0600u);
  EXPECT_EQ(crypto::load_backup_key_file(key_file_), key_);
  ::chmod(key_file_.c_str(), 0644);
  EXPECT_EQ(code_of([&] { crypto::load_backup_key_file(key_file_); }), "file_permissions");
  const auto junk = dir_ / "junk.key";
  write_all(junk, "hotline-backup-key-v1 tooshort\n");
  ::chmod(junk.c_str(), 0600);
  EXPECT_EQ(code_of([&] { crypto::load_backup_key_file(junk); }), "backup_key_invalid");

  backup_node(b_->paths.dir, backup_, key_);
  const std::string first = read_all(backup_);
  EXPECT_EQ(code_of([&] { backup_node(b_->paths.dir, backup_, key_); }), "backup_exists");
  EXPECT_EQ(read_all(backup_), first);
  EXPECT_EQ(code_of([&] { backup_node(b_->paths.dir, b_->paths.dir / "x.hlb", key_); }),
            "backup_inside_node");
  EXPECT_FALSE(fs::exists(b_->paths.dir / "x.hlb"));
}

// Bravo restored from an older backup takes back from alpha what it sent
// after the backup, continues its seqs, and gets alpha's envelopes again:
// every envelope once on both sides, both ledgers verify.
TEST_F(NodeBackupTest, RestoredNodeResyncsBothDirections) {
  traffic("before");
  // Queued at the backup, delivered after it: its receipt comes back too.
  send_desk_message(*b_, "alpha", "from bravo, queued at the backup", now_ms());
  backup_node(b_->paths.dir, backup_, key_);
  traffic("after 1");
  traffic("after 2");
  const auto b_sent = last(*b_->store, Direction::outbound);
  const auto a_sent = last(*a_->store, Direction::outbound);
  b_.reset();  // the old bravo is gone
  const fs::path target = dir_ / "bravo2";
  restore_node(backup_, key_, target);
  b_ = std::make_unique<Node>(open_node(target));
  ASSERT_LT(last(*b_->store, Direction::outbound), b_sent);

  auto ctx_a = link_context(*a_, find_peer(*a_->store, "bravo"));
  auto ctx_b = link_context(*b_, find_peer(*b_->store, "alpha"));
  const auto log_size =
      b_->store->snapshot([&](store::Transaction& tx) { return *link::resync_pending(tx, link_); });
  ASSERT_EQ(b_->store->snapshot([&](store::Transaction& tx) { return tx.outbox_length(link_); }),
            1);
  nlohmann::json request{{"after_seq", last(*b_->store, Direction::outbound) - 1},
                         {"log_size", log_size}};
  auto answer = a_->store->transact([&](store::Transaction& tx) {
    note_peer_restored(tx, ctx_a, log_size, now_ms());
    return link::answer_resync(tx, ctx_a, request);
  });
  EXPECT_FALSE(answer["more"].get<bool>());

  // A forged answer (one envelope changed) is refused whole.
  auto forged = answer;
  ASSERT_FALSE(forged["envelopes"].empty());
  std::string text = forged["envelopes"][0].get<std::string>();
  text.replace(text.find("from bravo"), 4, "FROM");
  forged["envelopes"][0] = text;
  EXPECT_EQ(code_of([&] {
              b_->store->transact(
                  [&](store::Transaction& tx) { link::take_resync_answer(tx, ctx_b, forged); });
            }),
            "resync_bad_answer");
  EXPECT_LT(last(*b_->store, Direction::outbound), b_sent);

  b_->store->transact([&](store::Transaction& tx) {
    EXPECT_EQ(link::take_resync_answer(tx, ctx_b, answer).size(), answer["envelopes"].size() - 1);
    link::finish_resync(tx, link_, 0);
  });
  EXPECT_EQ(last(*b_->store, Direction::outbound), b_sent);
  EXPECT_EQ(b_->store->snapshot([&](store::Transaction& tx) { return tx.outbox_length(link_); }),
            0);

  // New traffic both ways: bravo's next seq follows on; alpha's envelopes
  // since the backup come again (seq_gap, then re-queued) and the new one.
  send_desk_message(*a_, "bravo", "from alpha new", now_ms());
  send_desk_message(*b_, "alpha", "from bravo new", now_ms());
  b_to_a();
  // Bravo answers seq_gap; alpha queues everything bravo lost again.
  EXPECT_EQ(code_of([&] { a_to_b(); }), "peer_refused");
  a_to_b();
  EXPECT_EQ(last(*a_->store, Direction::inbound), b_sent + 1);
  EXPECT_EQ(last(*b_->store, Direction::inbound), a_sent + 1);
  for (auto* n : {a_.get(), b_.get()}) {
    auto report = verify_ledger(*n->store, n->identity.public_key());
    EXPECT_TRUE(report.ok()) << n->party << ": "
                             << (report.findings.empty() ? "" : report.findings[0].message);
  }
  EXPECT_EQ(b_->store->snapshot([&](store::Transaction& tx) { return tx.outbox_length(link_); }),
            0);
}

}  // namespace node_backup_test
}  // namespace hotline::service
