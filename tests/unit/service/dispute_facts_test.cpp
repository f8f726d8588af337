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

namespace hotline::service {
namespace dispute_facts_test {

namespace fs = std::filesystem;
using nlohmann::json;

class InProcessTransport : public link::Transport {
 public:
  InProcessTransport(Node& to, link::LinkContext ctx) : to_(to), ctx_(std::move(ctx)) {}
  Reply post_envelopes(const std::string& batch) override {
    auto out = link::receive_batch(
        *to_.store, ctx_, batch, [] { return now_ms(); },
        [this](store::Transaction& tx, const link::Envelope& e, const std::string& received_at) {
          node::apply_inbound(tx, ctx_, e, received_at);
        });
    return Reply{out.error ? http_status(out.error->category) : 200, out.to_json()};
  }

 private:
  Node& to_;
  link::LinkContext ctx_;
};

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

class DisputeFacts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-dispute-facts-" + crypto::new_id());
    fs::create_directories(dir_);
    init_node(dir_ / "a", "Alpha");
    init_node(dir_ / "b", "Bravo");
    a_ = std::make_unique<Node>(open_node(dir_ / "a"));
    b_ = std::make_unique<Node>(open_node(dir_ / "b"));
    add_peer(*a_, "bravo", "https://127.0.0.1:1", b_->identity.public_key().encoded(), now_ms());
    add_peer(*b_, "alpha", "https://127.0.0.1:2", a_->identity.public_key().encoded(), now_ms());
    link_ = link_context(*a_, find_peer(*a_->store, "bravo")).link;
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    fs::remove_all(dir_);
  }

  void deliver(Node& from, const std::string& to_name, Node& to, const std::string& from_name) {
    auto ctx_from = link_context(from, find_peer(*from.store, to_name));
    auto ctx_to = link_context(to, find_peer(*to.store, from_name));
    link::DeliveryWorker worker(*from.store, ctx_from,
                                std::make_unique<InProcessTransport>(to, ctx_to), {}, nullptr);
    for (int i = 0; i < 20 && worker.deliver_once() > 0; ++i) {
    }
  }
  void a_to_b() { deliver(*a_, "bravo", *b_, "alpha"); }
  void b_to_a() { deliver(*b_, "alpha", *a_, "bravo"); }

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

  fs::path dir_;
  std::unique_ptr<Node> a_, b_;
  std::string link_;
};

TEST_F(DisputeFacts, SettledWithAnAdjustmentGivesBothNodesTheSameFacts) {
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

TEST_F(DisputeFacts, WithdrawnAndFigureDisputesHaveNoAdjustment) {
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

TEST_F(DisputeFacts, AnItemOfAnotherLinkOrUnknownIsRefused) {
  DisputeInput in = timeliness("01930000-0000-7000-8000-0000000000aa");
  EXPECT_EQ(code_of([&] { open_dispute(*a_, "bravo", in, "anne", now_ms()); }), "item_unknown");
  EXPECT_TRUE(facts(*a_, review::Party::a).disputes.empty());
}

// Concurrent actions: bravo accepts version 1 while alpha replaces it with
// version 2. In the agreed order one of them is void on both nodes alike.
TEST_F(DisputeFacts, ConcurrentProposalAndAcceptanceAgreeOnBothNodes) {
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

}  // namespace dispute_facts_test
}  // namespace hotline::service
