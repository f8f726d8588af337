// The timeline of an item (service/item_timeline.h) on two real nodes
// in-process: local actions, both sides' shared actions in the agreed
// order, envelopes, receipts and receive times, a void action, the reader
// rule of TLP:RED, the audit entry, and the time for 50 entries.
#include "hotline/service/item_timeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace item_timeline_test {

using nlohmann::json;

// Each case on both stores: the nodes' records in their SQLite files, or in
// PostgreSQL databases (param true).
class ItemTimeline : public testing::TwoNodesInProcess, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    on_postgres_ = GetParam();
    TwoNodesInProcess::SetUp();
  }

  void settle() {
    for (int i = 0; i < 2; ++i) {
      a_to_b();
      b_to_a();
    }
  }
  void agree() {
    propose_agreement(*a_, "bravo", draft_agreement(*a_, "bravo", now_ms()), now_ms());
    settle();
    accept_agreement(*b_, "alpha", now_ms());
    settle();
  }
  static std::vector<std::string> actions(const Timeline& t) {
    std::vector<std::string> out;
    for (const auto& e : t.entries) out.push_back(e.side + " " + e.action);
    return out;
  }
};

TEST_P(ItemTimeline, BothSidesInTheAgreedOrderWithEnvelopesAndReceipts) {
  agree();
  RequestInput in;
  in.subject = "Subscriber of 198.51.100.7";
  in.details = "details";
  auto r = create_request(*a_, "bravo", in, "alice", std::string("sam"), now_ms());
  const std::string id = r.record.id;
  settle();
  act(*b_, kRequest, id, "acknowledge", json::object(), "bob", now_ms());
  act(*b_, kRequest, id, "request_clarification", {{"question", "Which time zone?"}}, "bob",
      now_ms());
  settle();
  act(*a_, kRequest, id, "give_clarification", {{"answer", "UTC"}}, "alice", now_ms());
  // Both withdraw and decline before seeing each other's: one of them is void.
  act(*a_, kRequest, id, "withdraw", {{"reason", "solved"}}, "alice", now_ms());
  act(*b_, kRequest, id, "decline", {{"reason", "outside_scope"}, {"note", "no"}}, "bob", now_ms());
  settle();

  auto ta = item_timeline(*a_->store, id);
  auto tb = item_timeline(*b_->store, id);
  ASSERT_GE(ta.entries.size(), 7u);
  EXPECT_EQ(ta.kind, "request");
  EXPECT_TRUE(ta.entries[0].local);
  EXPECT_EQ(ta.entries[0].action, "create");
  EXPECT_FALSE(ta.entries[0].envelope.has_value());
  EXPECT_EQ(ta.entries[0].receipt_state, "none");
  // The shared actions: the same order on both nodes, sides swapped.
  std::vector<std::string> shared_a, shared_b;
  for (const auto& e : ta.entries)
    if (!e.local) shared_a.push_back(*e.envelope + " " + e.action);
  for (const auto& e : tb.entries)
    if (!e.local) shared_b.push_back(*e.envelope + " " + e.action);
  EXPECT_EQ(shared_a, shared_b);
  int voided = 0;
  for (std::size_t i = 0; i < ta.entries.size(); ++i) {
    const auto& e = ta.entries[i];
    EXPECT_EQ(e.index, i);
    if (e.local) continue;
    if (e.side == "ours") {
      EXPECT_EQ(e.receipt_state, "receipted") << e.action;
      EXPECT_TRUE(e.receipt_at.has_value());
      EXPECT_FALSE(e.received_at.has_value());
    } else {
      EXPECT_EQ(e.receipt_state, "none");
      EXPECT_TRUE(e.received_at.has_value()) << e.action;
    }
    if (e.void_action) ++voided;
  }
  EXPECT_EQ(voided, 1);
  auto j = to_json(ta.entries[1]);
  for (const char* member : {"index", "side", "actor", "action", "args", "envelope", "local",
                             "sent_at", "received_at", "receipt", "void"}) {
    EXPECT_TRUE(j.contains(member)) << member;
  }
}

TEST_P(ItemTimeline, PendingReceiptNotesLastAndRedForReadersOnly) {
  auto c = open_case(*a_, "bravo", "Breach at the registry", model::Labels{}, "anne", now_ms());
  add_case_note(*a_, c.record.id, "call them tomorrow", "anne", now_ms());
  auto t = item_timeline(*a_->store, c.record.id);
  EXPECT_EQ(actions(t), (std::vector<std::string>{"ours open", "ours note"}));
  EXPECT_EQ(t.entries[0].receipt_state, "pending");
  EXPECT_TRUE(t.entries[1].local);

  AlertInput red;
  red.summary = "Red";
  red.details = "d";
  red.labels.tlp = model::Tlp::red;
  agree();
  auto a = raise_alert(*a_, "bravo", red, "anne", now_ms());
  const std::string anne = "anne", mallory = "mallory";
  EXPECT_EQ(item_timeline(*a_->store, a.record.id, nullptr, &anne).entries.size(), 1u);
  try {
    item_timeline(*a_->store, a.record.id, nullptr, &mallory);
    ADD_FAILURE() << "mallory read a TLP:RED timeline";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "item_unknown");
  }
  // The read is in the audit trail, as a show is.
  AuditContext ctx{"anne", "api 127.0.0.1"};
  item_timeline(*a_->store, a.record.id, &ctx, &anne);
  auto trail = a_->store->snapshot([](store::Transaction& tx) { return tx.list_audit(0, 1000); });
  ASSERT_FALSE(trail.empty());
  EXPECT_EQ(trail.back().action, "item.read");
  EXPECT_EQ(trail.back().detail, "alert timeline TLP:RED");
}

TEST_P(ItemTimeline, FiftyEntriesAllThere) {
  auto c = open_case(*a_, "bravo", "Long case", model::Labels{}, "anne", now_ms());
  for (int i = 0; i < 49; ++i) {
    act(*a_, kCase, c.record.id, "add_entry", {{"text", "entry " + std::to_string(i)}}, "anne",
        now_ms());
  }
  settle();
  const auto start = std::chrono::steady_clock::now();
  auto t = item_timeline(*a_->store, c.record.id);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(t.entries.size(), 50u);
  std::printf("timeline of 50 entries: %.1f ms\n", ms);  // for a person; never asserted
}

std::string store_name(const ::testing::TestParamInfo<bool>& p) {
  return p.param ? "postgres" : "sqlite";
}

INSTANTIATE_TEST_SUITE_P(Stores, ItemTimeline, ::testing::Bool(), store_name);

}  // namespace item_timeline_test
}  // namespace hotline::service
