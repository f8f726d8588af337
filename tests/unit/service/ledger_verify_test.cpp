// `hotline ledger verify` as a library: two nodes exchange real traffic
// in-process (desk messages both ways, signed heads, one audit), then the
// tamper suite edits a node's SQLite file directly, the way an insider with
// the sqlite3 shell would, and each edit must be caught under its own code.
// Also the export, and inclusion proofs made and checked offline.
#include "hotline/service/ledger_verify.h"
#include "hotline/common/error_category.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/ledger/merkle.h"
#include "hotline/ledger/proof_verify.h"
#include "hotline/ledger/tree_head.h"
#include "hotline/link/delivery.h"
#include "hotline/link/receipt.h"
#include "hotline/link/receiver.h"
#include "hotline/node/inbound.h"
#include "hotline/service/ledger_export.h"
#include "hotline/service/ledger_service.h"
#include "hotline/service/link_service.h"
#include "hotline/store/open.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace ledger_verify_test {

namespace fs = std::filesystem;
using nlohmann::json;

void exec_sql(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg << "\n" << sql;
}

std::string query_text(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    if (auto* t = sqlite3_column_text(st, 0)) out = reinterpret_cast<const char*>(t);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

std::string codes(const LedgerReport& r) {
  std::string s;
  for (const auto& f : r.findings) s += "\n  " + f.code + ": " + f.message;
  return s.empty() ? " (none)" : s;
}

class LedgerVerifyTest : public testing::TwoNodesInProcess {
 protected:
  // Real traffic both ways, heads published and exchanged, bravo audits
  // alpha once, then a little more traffic after the heads.
  void traffic() {
    for (int i = 1; i <= 3; ++i)
      send_desk_message(*a_, "bravo", "message " + std::to_string(i) + " from alpha", now_ms());
    for (int i = 1; i <= 2; ++i)
      send_desk_message(*b_, "alpha", "message " + std::to_string(i) + " from bravo", now_ms());
    deliver(*a_, "bravo", *b_, "alpha");
    deliver(*b_, "alpha", *a_, "bravo");
    publish_tree_head(*a_, now_ms());
    publish_tree_head(*b_, now_ms());
    deliver(*a_, "bravo", *b_, "alpha");
    deliver(*b_, "alpha", *a_, "bravo");
    auto ctx_b = link_context(*b_, find_peer(*b_->store, "alpha"));
    if (auto plan = plan_audit(*b_->store, link_)) {
      auto answer = answer_proof_request(*a_->store, audit_request(*plan));
      auto findings = judge_audit(*b_->store, ctx_b, *plan, answer, now_ms());
      ASSERT_TRUE(findings.empty()) << findings.front();
    }
    send_desk_message(*a_, "bravo", "message 4 from alpha, after the heads", now_ms());
    deliver(*a_, "bravo", *b_, "alpha");
  }

  fs::path db_b() const { return dir_ / "b" / "hotline.db"; }

  // Closes bravo's store (as a tamperer with the sqlite3 shell would find
  // it), applies `sql`, and verifies the file afresh.
  LedgerReport tamper_b(const std::string& sql) {
    auto key = b_->identity.public_key();
    b_->store.reset();
    exec_sql(db_b(), sql);
    auto st = store::open_sqlite(db_b());
    auto report = verify_ledger(*st, key);
    // HOTLINE_TEST_VERBOSE=1 shows what an auditor would read for each case.
    if (std::getenv("HOTLINE_TEST_VERBOSE")) std::printf("findings:%s\n", codes(report).c_str());
    return report;
  }

  std::string inbound_leaf(int seq) const {
    return query_text(db_b(),
                      "SELECT idx FROM ledger_leaves WHERE kind='envelope' AND direction='inbound' "
                      "AND seq=" +
                          std::to_string(seq));
  }
};

TEST_F(LedgerVerifyTest, CleanNodesVerify) {
  traffic();
  for (Node* n : {a_.get(), b_.get()}) {
    auto r = verify_ledger(*n->store, n->identity.public_key());
    EXPECT_TRUE(r.ok()) << n->party << codes(r);
    EXPECT_GT(r.log_size, 10);
    EXPECT_GE(r.envelopes, 6);
    EXPECT_GE(r.receipts, 6);
    EXPECT_EQ(r.own_heads, 1);
    EXPECT_EQ(r.peer_heads, 1);
    EXPECT_EQ(r.links, 1);
  }
  auto s = ledger_status(*b_->store);
  ASSERT_EQ(s.peers.size(), 1u);
  ASSERT_TRUE(s.peers[0].latest);
  EXPECT_EQ(s.peers[0].latest->status, "ok");  // bravo audited alpha's head
  ASSERT_TRUE(s.own_head);
  EXPECT_LT(s.own_head->size, s.log_size);
}

TEST_F(LedgerVerifyTest, EmptyNodeVerifies) {
  auto r = verify_ledger(*a_->store, a_->identity.public_key());
  EXPECT_TRUE(r.ok()) << codes(r);
  EXPECT_EQ(r.log_size, 0);
}

TEST_F(LedgerVerifyTest, ChangedBodyIsCaught) {
  traffic();
  auto r = tamper_b(
      "UPDATE envelopes SET canonical = replace(canonical, 'message 2 from alpha', "
      "'message 2 from ALPHA') WHERE direction = 'inbound' AND seq = 2");
  EXPECT_TRUE(r.has("leaf_hash_mismatch")) << codes(r);
  EXPECT_TRUE(r.has("chain")) << codes(r);  // digest and signature no longer match
}

TEST_F(LedgerVerifyTest, ChangedReceiptIsCaught) {
  traffic();
  auto r = tamper_b(
      "UPDATE receipts SET canonical = replace(canonical, '\"index\":', '\"index\":1') "
      "WHERE direction = 'inbound' AND seq = 1");
  EXPECT_TRUE(r.has("leaf_hash_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, DeletedEnvelopeIsCaught) {
  traffic();
  auto r = tamper_b("DELETE FROM envelopes WHERE direction = 'inbound' AND seq = 2");
  EXPECT_TRUE(r.has("leaf_item_missing")) << codes(r);
  EXPECT_TRUE(r.has("chain")) << codes(r);  // the gap in the chain
}

TEST_F(LedgerVerifyTest, DeletedReceiptIsCaught) {
  traffic();
  auto r = tamper_b("DELETE FROM receipts WHERE direction = 'outbound' AND seq = 1");
  EXPECT_TRUE(r.has("leaf_item_missing")) << codes(r);
  EXPECT_TRUE(r.has("chain")) << codes(r);  // "no receipt"
}

TEST_F(LedgerVerifyTest, DeletedLeafIsCaught) {
  traffic();
  auto idx = inbound_leaf(1);
  auto r = tamper_b("DELETE FROM ledger_leaves WHERE idx = " + idx);
  EXPECT_TRUE(r.has("leaf_missing")) << codes(r);
  EXPECT_TRUE(r.has("item_not_in_log")) << codes(r);
}

TEST_F(LedgerVerifyTest, ExtraEnvelopeWithoutLeafIsCaught) {
  traffic();
  auto r = tamper_b(
      "INSERT INTO envelopes (id, link, direction, seq, digest, type, sent_at, canonical, "
      "received_at) SELECT id || '-copy', link, direction, 99, digest, type, sent_at, canonical, "
      "received_at FROM envelopes WHERE direction = 'inbound' AND seq = 1");
  EXPECT_TRUE(r.has("item_not_in_log")) << codes(r);
  EXPECT_TRUE(r.has("chain")) << codes(r);
}

TEST_F(LedgerVerifyTest, ExtraEnvelopeOnAnUnknownLinkIsCaught) {
  traffic();
  auto r = tamper_b(
      "INSERT INTO envelopes (id, link, direction, seq, digest, type, sent_at, canonical, "
      "received_at) SELECT id || '-copy', 'ffffffffffffffffffffffffffffffff', direction, seq, "
      "digest, type, sent_at, canonical, received_at FROM envelopes WHERE direction = 'inbound' "
      "AND seq = 1");
  EXPECT_TRUE(r.has("store_extra_envelopes")) << codes(r);
}

TEST_F(LedgerVerifyTest, SwappedEnvelopesAreCaught) {
  traffic();
  // Reorder two received envelopes: swap their bytes and digests.
  auto r = tamper_b(
      "CREATE TEMP TABLE t AS SELECT seq, canonical, digest FROM envelopes WHERE direction = "
      "'inbound' AND seq IN (1, 2);"
      "UPDATE envelopes SET canonical = (SELECT canonical FROM t WHERE t.seq = 3 - envelopes.seq), "
      "digest = (SELECT digest FROM t WHERE t.seq = 3 - envelopes.seq) WHERE direction = "
      "'inbound' AND seq IN (1, 2);");
  EXPECT_TRUE(r.has("leaf_hash_mismatch")) << codes(r);
  EXPECT_TRUE(r.has("chain")) << codes(r);
}

TEST_F(LedgerVerifyTest, SwappedLeavesAreCaught) {
  traffic();
  auto i = inbound_leaf(1);
  auto j = inbound_leaf(2);
  ASSERT_FALSE(i.empty());
  ASSERT_FALSE(j.empty());
  // Swap the two leaf rows whole (each still matches its item, and level 0
  // of the tree is the leaf row itself): the order is still wrong.
  auto r = tamper_b("UPDATE ledger_leaves SET idx = 1000000 WHERE idx = " + i +
                    ";UPDATE ledger_leaves SET idx = " + i + " WHERE idx = " + j +
                    ";UPDATE ledger_leaves SET idx = " + j + " WHERE idx = 1000000;");
  EXPECT_TRUE(r.has("leaf_out_of_order")) << codes(r);
  EXPECT_TRUE(r.has("receipt_index_mismatch")) << codes(r);
  EXPECT_TRUE(r.has("node_mismatch")) << codes(r);
  EXPECT_TRUE(r.has("head_root_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, BackDatedEnvelopeIsCaught) {
  traffic();
  auto r = tamper_b(
      "UPDATE envelopes SET received_at = '2020-01-01T00:00:00.000Z' WHERE direction = "
      "'inbound' AND seq = 1");
  ASSERT_TRUE(r.has("received_at_mismatch")) << codes(r);
  EXPECT_EQ(r.total_findings(), 1) << codes(r);
  EXPECT_NE(r.findings[0].message.find("2020-01-01T00:00:00.000Z"), std::string::npos);
}

TEST_F(LedgerVerifyTest, ReceivedAtOnAnOutboundEnvelopeMustBeThePeersReceipt) {
  traffic();
  auto r = tamper_b(
      "UPDATE envelopes SET received_at = '2020-01-01T00:00:00.000Z' WHERE direction = "
      "'outbound' AND seq = 1");
  EXPECT_TRUE(r.has("received_at_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, BackDatedReceiptColumnIsCaught) {
  traffic();
  auto r = tamper_b(
      "UPDATE receipts SET received_at = '2020-01-01T00:00:00.000Z' WHERE direction = "
      "'inbound' AND seq = 1");
  EXPECT_TRUE(r.has("received_at_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, BackDatedDeskMessageIsCaught) {
  traffic();
  auto r = tamper_b(
      "UPDATE desk_messages SET received_at = '2020-01-01T00:00:00.000Z' WHERE direction = "
      "'inbound' AND seq = 1");
  EXPECT_TRUE(r.has("received_at_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, TruncatedLogIsCaught) {
  traffic();
  // Remove the last leaves, their items and their tree nodes cleanly, to
  // below the size of our signed head: only the head can tell.
  auto head_size = std::stoll(query_text(db_b(), "SELECT max(size) FROM tree_heads WHERE link=''"));
  auto keep = std::to_string(head_size - 2);
  std::string sql;
  sql +=
      "DELETE FROM envelopes WHERE EXISTS (SELECT 1 FROM ledger_leaves l WHERE l.idx >= " + keep +
      " AND l.kind = 'envelope' AND l.link = envelopes.link AND l.direction = "
      "envelopes.direction AND l.seq = envelopes.seq);";
  sql += "DELETE FROM receipts WHERE EXISTS (SELECT 1 FROM ledger_leaves l WHERE l.idx >= " + keep +
         " AND l.kind = 'receipt' AND l.link = receipts.link AND l.direction = receipts.direction "
         "AND l.seq = receipts.seq);";
  sql += "DELETE FROM outbox;";
  sql += "DELETE FROM ledger_leaves WHERE idx >= " + keep + ";";
  sql += "DELETE FROM ledger_nodes WHERE ((idx + 1) << level) > " + keep + ";";
  auto r = tamper_b(sql);
  EXPECT_TRUE(r.has("head_beyond_log")) << codes(r);
  EXPECT_FALSE(r.has("node_extra")) << codes(r);
}

TEST_F(LedgerVerifyTest, CarelessTruncationLeavesNodesBehind) {
  traffic();
  auto r = tamper_b("DELETE FROM ledger_leaves WHERE idx >= 3");
  EXPECT_TRUE(r.has("node_extra")) << codes(r);
  EXPECT_TRUE(r.has("item_not_in_log")) << codes(r);
}

TEST_F(LedgerVerifyTest, ChangedTreeNodeIsCaught) {
  traffic();
  auto r = tamper_b("UPDATE ledger_nodes SET hash = '" + std::string(64, 'a') +
                    "' WHERE level = 1 AND idx = 0");
  EXPECT_TRUE(r.has("node_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, ReplacedOwnHeadIsCaught) {
  traffic();
  auto r = tamper_b("UPDATE tree_heads SET root = '" + std::string(64, 'b') + "' WHERE link = ''");
  EXPECT_TRUE(r.has("head_bad_signature")) << codes(r);
  EXPECT_TRUE(r.has("head_root_mismatch")) << codes(r);
}

TEST_F(LedgerVerifyTest, HeadSignedByAnotherKeyIsCaught) {
  traffic();
  // A head with the right root, validly signed, but by someone else.
  auto head = b_->store->snapshot([](store::Transaction& tx) { return *latest_own_head(tx); });
  auto other = crypto::KeyPair::generate();
  auto root = from_hex(head.root);
  ledger::TreeHead th{static_cast<std::uint64_t>(head.size), {}, head.time};
  std::copy(root.begin(), root.end(), th.root.begin());
  auto sth = ledger::sign_tree_head(th, other);
  auto r = tamper_b("UPDATE tree_heads SET key = '" + sth.key + "', signature = '" + sth.sig +
                    "' WHERE link = ''");
  EXPECT_TRUE(r.has("head_wrong_key")) << codes(r);
}

TEST_F(LedgerVerifyTest, ReplacedPeerHeadIsCaught) {
  traffic();
  auto r = tamper_b("UPDATE tree_heads SET root = '" + std::string(64, 'c') + "' WHERE link = '" +
                    link_ + "'");
  EXPECT_TRUE(r.has("peer_head_bad_signature")) << codes(r);
}

TEST_F(LedgerVerifyTest, InconsistentPeerHeadIsReported) {
  traffic();
  auto r = tamper_b("UPDATE tree_heads SET status = 'inconsistent' WHERE link = '" + link_ + "'");
  EXPECT_TRUE(r.has("peer_head_inconsistent")) << codes(r);
}

TEST_F(LedgerVerifyTest, ExportHoldsEveryLeafAndHead) {
  traffic();
  std::stringstream out;
  auto s = export_ledger(*b_, out, now_ms());
  EXPECT_TRUE(s.signed_new_head);  // the log had grown since the last head
  EXPECT_EQ(s.missing_items, 0);
  std::vector<json> lines;
  std::string line;
  while (std::getline(out, line)) lines.push_back(json::parse(line));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0]["type"], "node");
  auto size = lines[0]["log_size"].get<std::int64_t>();
  EXPECT_EQ(s.leaves, size);
  std::int64_t leaves = 0, heads = 0;
  for (const auto& j : lines) {
    if (j["type"] == "leaf") {
      EXPECT_EQ(j["index"].get<std::int64_t>(), leaves++);
      auto canonical = j["canonical"].get<std::string>();
      EXPECT_EQ(j["leaf_hash"], to_hex(ledger::leaf_hash(canonical)));
      auto sig = crypto::decode_signature(j["sig"].get<std::string>());
      auto key = crypto::PublicKey::decode(j["signer"].get<std::string>());
      if (j["batch"].is_null()) {
        EXPECT_TRUE(crypto::verify(key, j["signed"].get<std::string>(), sig));
      } else {
        // A receipt signed with its batch: "signed" is its leaf, "sig" the root's.
        EXPECT_EQ(j["kind"], "receipt");
        std::vector<ledger::Digest> path;
        for (const auto& h : j["batch"]["path"])
          path.push_back(ledger::digest_from_hex(h.get<std::string>()));
        const auto n = j["batch"]["size"].get<std::int64_t>();
        auto root = ledger::root_from_inclusion(ledger::leaf_hash(j["signed"].get<std::string>()),
                                                j["batch"]["position"].get<std::uint64_t>(),
                                                static_cast<std::uint64_t>(n), path);
        ASSERT_TRUE(root);
        EXPECT_TRUE(crypto::verify(key, link::batch_signing_input(to_hex(*root), n), sig));
      }
    } else if (j["type"] == "head") {
      ++heads;
      if (j["link"] == "") {
        EXPECT_LE(j["size"].get<std::int64_t>(), size);
      }
    }
  }
  EXPECT_EQ(leaves, size);
  EXPECT_EQ(heads, 3);  // two of ours (one new), one of alpha's
  // The newest head covers the whole log.
  auto r = verify_ledger(*b_->store, b_->identity.public_key());
  EXPECT_TRUE(r.ok()) << codes(r);
}

TEST_F(LedgerVerifyTest, ExportRefusesToSignOverATamperedLog) {
  traffic();
  b_->store.reset();
  exec_sql(db_b(), "UPDATE ledger_nodes SET hash = '" + std::string(64, 'a') + "'");
  b_ = std::make_unique<Node>(open_node(dir_ / "b"));
  std::stringstream out;
  try {
    export_ledger(*b_, out, now_ms());
    FAIL() << "export signed a head over a tampered log";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "ledger_head_invalid");
  }
  // Without a new head, the export goes ahead (the auditor will see it).
  EXPECT_NO_THROW(export_ledger(*b_, out, now_ms(), false));
}

TEST_F(LedgerVerifyTest, ProofOfAnEnvelopeChecksOffline) {
  traffic();
  // The last message came after the last head: proving it signs a new one.
  auto messages = list_desk_messages(*b_->store, "alpha", 10);
  ASSERT_FALSE(messages.empty());
  std::string id = messages.back().message.envelope_id;
  auto proof = prove_envelope(*b_, id, now_ms());
  auto c = check_proof(proof, b_->identity.public_key());
  EXPECT_TRUE(c.ok) << c.failure;
  EXPECT_EQ(c.passed.size(), 4u);
  EXPECT_EQ(c.envelope_id, id);

  // An outbound one too (found by searching the log).
  auto outbound = messages.front().message.direction == store::Direction::outbound
                      ? messages.front().message.envelope_id
                      : std::string();
  for (const auto& m : messages)
    if (m.message.direction == store::Direction::outbound) outbound = m.message.envelope_id;
  ASSERT_FALSE(outbound.empty());
  EXPECT_TRUE(check_proof(prove_envelope(*b_, outbound, now_ms())).ok);

  // Another signer, a changed envelope, a changed path, a changed head.
  auto wrong_key = check_proof(proof, a_->identity.public_key());
  EXPECT_FALSE(wrong_key.ok);
  EXPECT_NE(wrong_key.failure.find("not by the expected key"), std::string::npos);
  auto changed = proof;
  auto text = changed["canonical"].get<std::string>();
  text.replace(text.find("message"), 7, "MESSAGE");
  changed["canonical"] = text;
  EXPECT_FALSE(check_proof(changed).ok);
  if (!proof["proof"].empty()) {
    auto bad_path = proof;
    bad_path["proof"][0] = std::string(64, '0');
    auto c2 = check_proof(bad_path);
    EXPECT_FALSE(c2.ok);
    EXPECT_NE(c2.failure.find("inclusion proof"), std::string::npos) << c2.failure;
  }
  auto bad_head = proof;
  bad_head["head"]["time"] = "2020-01-01T00:00:00.000Z";
  auto c3 = check_proof(bad_head);
  EXPECT_FALSE(c3.ok);
  EXPECT_FALSE(check_proof(json::array()).ok);

  try {
    prove_envelope(*b_, "no-such-id", now_ms());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "ledger_unknown_item");
  }
}

}  // namespace ledger_verify_test
}  // namespace hotline::service
