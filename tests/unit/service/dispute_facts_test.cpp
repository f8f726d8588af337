// Disputes between two real nodes in-process (real stores, signed envelopes
// delivered through the receiver): both nodes replay the same dispute, and
// service::dispute_facts gives both the same facts and adjustments, named by
// party, with the acts' signed sent_at and seq.
#include "hotline/service/dispute_facts.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/crypto/random.h"
#include "hotline/link/delivery.h"
#include "hotline/link/receiver.h"
#include "hotline/node/inbound.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace dispute_facts_test {

namespace fs = std::filesystem;
using nlohmann::json;

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

// Each case on both stores: the nodes' records in their SQLite files, or in
// PostgreSQL databases (param true).
class DisputeFacts : public testing::TwoNodesInProcess, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    on_postgres_ = GetParam();
    TwoNodesInProcess::SetUp();
  }

  DisputeReview facts(Node& n, review::Party ours) {
    return n.store->snapshot(
        [&](store::Transaction& tx) { return dispute_facts(tx, link_, ours); });
  }
  std::int64_t outbound_seq(Node& n, const std::string& type) {
    return n.store->snapshot([&](store::Transaction& tx) {
      std::int64_t seq = 0;
      for (const auto& e : tx.list_envelopes(link_, store::Direction::outbound, 0, 1000))
        if (e.type == type) seq = e.seq;
      return seq;
    });
  }

  // A case both sides hold, for a dispute to be about.
  std::string shared_case() {
    auto c = open_case(*a_, "bravo", "Breach at the registry", model::Labels{}, "anne", now_ms());
    a_to_b();
    return c.record.id;
  }

  DisputeInput timeliness(const std::string& item) {
    DisputeInput in;
    in.title = "Case updates came late";
    in.labels.tlp = model::Tlp::amber;
    in.ground = model::DisputeGround::timeliness;
    in.subject.item = item;
    in.text = "Your final response came two days after the deadline.";
    return in;
  }
};

TEST_P(DisputeFacts, SettledWithAnAdjustmentGivesBothNodesTheSameFacts) {
  const std::string item = shared_case();
  auto d = open_dispute(*a_, "bravo", timeliness(item), "anne", now_ms());
  const std::string id = d.record.id;
  EXPECT_EQ(d.record.kind, "dispute");
  EXPECT_EQ(d.record.state, "open");
  a_to_b();
  EXPECT_EQ(show_item(*b_->store, id, now_ms()).record.state, "open");
  // The side that opened does not answer its own dispute.
  EXPECT_EQ(code_of([&] {
              act(*a_, kDispute, id, "answer",
                  {{"text", "t"}, {"lang", "en"}, {"attachments", json::array()}}, "anne",
                  now_ms());
            }),
            "wrong_side");
  act(*b_, kDispute, id, "answer",
      {{"text", "The deadline was extended by phone on 2 March."},
       {"lang", "en"},
       {"attachments", json::array()}},
      "li", now_ms());
  b_to_a();
  act(*a_, kDispute, id, "propose",
      {{"text", "Count it as on time: extended by phone on 2 March."},
       {"adjustment", {{"item", item}, {"deadline", "final_response"}}}},
      "sup", now_ms());
  a_to_b();
  EXPECT_EQ(code_of([&] {
              act(*b_, kDispute, id, "accept", {{"version", 2}}, "boss", now_ms());
            }),
            "dispute_version");
  act(*b_, kDispute, id, "accept", {{"version", 1}}, "boss", now_ms());
  b_to_a();

  auto va = show_item(*a_->store, id, now_ms());
  auto vb = show_item(*b_->store, id, now_ms());
  EXPECT_EQ(va.record.state, "settled");
  EXPECT_EQ(vb.record.state, "settled");
  EXPECT_EQ(va.document["settled_by"], "boss");
  EXPECT_EQ(va.document["proposal"]["side"], "ours");
  EXPECT_EQ(vb.document["proposal"]["side"], "theirs");

  auto fa = facts(*a_, review::Party::a);
  // Party letters: alpha is "a" and bravo "b", each naming itself `ours`.
  auto fb = facts(*b_, review::Party::b);
  ASSERT_EQ(fa.disputes.size(), 1U);
  EXPECT_EQ(fa.disputes, fb.disputes);
  EXPECT_EQ(fa.adjustments, fb.adjustments);
  const auto& f = fa.disputes[0];
  EXPECT_EQ(f.id, id);
  EXPECT_EQ(f.ground, "timeliness");
  EXPECT_EQ(f.opened_by, review::Party::a);
  EXPECT_EQ(f.opened.seq, outbound_seq(*a_, "dispute.open"));
  ASSERT_TRUE(f.settled);
  EXPECT_EQ(f.settled_by, review::Party::b);
  EXPECT_EQ(f.settled->seq, outbound_seq(*b_, "dispute.accept"));
  EXPECT_FALSE(f.withdrawn);
  ASSERT_EQ(fa.adjustments.size(), 1U);
  EXPECT_EQ(fa.adjustments[0].item, item);
  EXPECT_EQ(fa.adjustments[0].deadline, "final_response");
  EXPECT_EQ(fa.adjustments[0].dispute, id);
  EXPECT_EQ(fa.adjustments[0].text, "Count it as on time: extended by phone on 2 March.");
  EXPECT_EQ(fa.adjustments[0].settled, *f.settled);
  EXPECT_EQ(fa.adjustments[0].settled_by, review::Party::b);
}

TEST_P(DisputeFacts, WithdrawnAndFigureDisputesHaveNoAdjustment) {
  DisputeInput in = timeliness("");
  in.subject.item.clear();
  in.subject.figure = "/figures/a_asks_b/requests/0/acknowledged_in_time";
  in.subject.period_from = parse_timestamp("2026-01-01T00:00:00.000Z");
  in.subject.period_to = parse_timestamp("2026-04-01T00:00:00.000Z");
  in.ground = model::DisputeGround::quality;
  auto d = open_dispute(*b_, "alpha", in, "li", now_ms());
  b_to_a();
  // Only the side that opened it withdraws it.
  EXPECT_EQ(code_of([&] {
              act(*a_, kDispute, d.record.id, "withdraw", {{"reason", "x"}}, "anne", now_ms());
            }),
            "wrong_side");
  act(*b_, kDispute, d.record.id, "withdraw", {{"reason", "Figure corrected."}}, "li", now_ms());
  b_to_a();
  auto fa = facts(*a_, review::Party::a);
  auto fb = facts(*b_, review::Party::b);
  EXPECT_EQ(fa.disputes, fb.disputes);
  ASSERT_EQ(fa.disputes.size(), 1U);
  EXPECT_EQ(fa.disputes[0].opened_by, review::Party::b);
  ASSERT_TRUE(fa.disputes[0].withdrawn);
  EXPECT_EQ(fa.disputes[0].withdrawn_by, review::Party::b);
  EXPECT_EQ(fa.disputes[0].withdrawn->seq, outbound_seq(*b_, "dispute.withdraw"));
  EXPECT_FALSE(fa.disputes[0].settled);
  EXPECT_TRUE(fa.adjustments.empty());
  EXPECT_EQ(show_item(*a_->store, d.record.id, now_ms()).record.state, "withdrawn");
}

TEST_P(DisputeFacts, AnItemOfAnotherLinkOrUnknownIsRefused) {
  DisputeInput in = timeliness("01930000-0000-7000-8000-0000000000aa");
  EXPECT_EQ(code_of([&] { open_dispute(*a_, "bravo", in, "anne", now_ms()); }), "item_unknown");
  EXPECT_TRUE(facts(*a_, review::Party::a).disputes.empty());
}

// Concurrent actions: bravo accepts version 1 while alpha replaces it with
// version 2. In the agreed order one of them is void on both nodes alike.
TEST_P(DisputeFacts, ConcurrentProposalAndAcceptanceAgreeOnBothNodes) {
  const std::string item = shared_case();
  auto d = open_dispute(*a_, "bravo", timeliness(item), "anne", now_ms());
  const std::string id = d.record.id;
  a_to_b();
  act(*b_, kDispute, id, "answer",
      {{"text", "No."}, {"lang", "en"}, {"attachments", json::array()}}, "li", now_ms());
  b_to_a();
  act(*a_, kDispute, id, "propose", {{"text", "First."}, {"adjustment", nullptr}}, "sup", now_ms());
  a_to_b();
  act(*b_, kDispute, id, "accept", {{"version", 1}}, "boss", now_ms());
  act(*a_, kDispute, id, "propose", {{"text", "Second."}, {"adjustment", nullptr}}, "sup",
      now_ms());
  a_to_b();
  b_to_a();
  auto va = show_item(*a_->store, id, now_ms());
  auto vb = show_item(*b_->store, id, now_ms());
  EXPECT_EQ(va.record.state, vb.record.state);
  EXPECT_EQ(va.document["void"].size(), 1U);
  EXPECT_EQ(vb.document["void"].size(), 1U);
  EXPECT_EQ(facts(*a_, review::Party::a).disputes, facts(*b_, review::Party::b).disputes);
}

std::string store_name(const ::testing::TestParamInfo<bool>& p) {
  return p.param ? "postgres" : "sqlite";
}

INSTANTIATE_TEST_SUITE_P(Stores, DisputeFacts, ::testing::Bool(), store_name);

}  // namespace dispute_facts_test
}  // namespace hotline::service
