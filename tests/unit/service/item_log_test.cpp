// The agreed order of both sides' actions on an item (service/item_log.h)
// and replay through the model (item_replay.h): both nodes must reach the
// same state whatever order the envelopes crossed in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/model/labels.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace item_log_test {

using model::Side;

const std::string kId = "01890a5d-ac96-774b-bcce-b302099a8057";

nlohmann::json labels() {
  return model::to_json(model::Labels{});
}

// One action as its author made it: the same on both nodes except `side`.
struct Made {
  Made(char a, std::int64_t n_, std::int64_t s, std::string e, std::string at, std::string act,
       nlohmann::json arg = nlohmann::json::object(), std::string received = "")
      : author(a),
        n(n_),
        seen(s),
        envelope(std::move(e)),
        sent_at(std::move(at)),
        action(std::move(act)),
        args(std::move(arg)),
        received_at(std::move(received)) {}
  char author;  // 'A' (requester) or 'B'
  std::int64_t n, seen;
  std::string envelope, sent_at, action;
  nlohmann::json args;
  std::string received_at;
};

SharedAction as_seen_by(char node, const Made& m) {
  SharedAction a;
  a.side = m.author == node ? Side::ours : Side::theirs;
  a.n = m.n;
  a.seen = m.seen;
  a.envelope = m.envelope;
  a.sent_at = m.sent_at;
  a.received_at = m.received_at;
  a.action = m.action;
  a.actor = std::string(1, m.author) + "-officer";
  a.args = m.args;
  return a;
}

// Node A holds the request's draft; node B received it.
ItemLog log_on(char node, const std::vector<Made>& arrival) {
  ItemLog log;
  if (node == 'A') {
    nlohmann::json def = {{"kind", "preservation"},      {"priority", "normal"},
                          {"labels", labels()},          {"subject", "Keep logs"},
                          {"details", "IP 203.0.113.7"}, {"attachments", nlohmann::json::array()}};
    log.local.push_back({"create", "A-officer", "2026-11-27T10:00:00.000Z", def});
    log.local.push_back(
        {"approve", "A-boss", "2026-11-27T10:00:00.000Z", {{"four_eyes_required", true}}});
  }
  for (const auto& m : arrival) log.shared.push_back(as_seen_by(node, m));
  return log;
}

Made send_made() {
  return Made('A', 0, 0, "e-send", "2026-11-27T10:00:01.000Z", "send",
              {{"kind", "preservation"},
               {"priority", "normal"},
               {"labels", labels()},
               {"subject", "Keep logs"},
               {"details", "IP 203.0.113.7"},
               {"attachments", nlohmann::json::array()}},
              "2026-11-27T10:00:01.100Z");
}
Made ack_made() {
  return Made('B', 0, 1, "e-ack", "2026-11-27T10:05:00.000Z", "acknowledge");
}

std::string state_of(const Replayed& r) {
  return r.state();
}

TEST(ItemLog, JsonRoundTripIsExactAndStrict) {
  ItemLog log = log_on('A', {send_made(), ack_made()});
  EXPECT_EQ(item_log_from_json(to_json(log)), log);
  auto j = to_json(log);
  j["shared"][0]["extra"] = 1;
  EXPECT_THROW(item_log_from_json(j), Error);
}

TEST(ItemLog, CausalOrderWinsOverClocks) {
  // B's ack is stamped earlier than A's send (skewed clock) but had seen it.
  Made ack = ack_made();
  ack.sent_at = "2026-11-27T09:00:00.000Z";
  ItemLog log = log_on('B', {send_made(), ack});
  auto order = linearize(log);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(log.shared[order[0]].action, "send");
  EXPECT_EQ(state_of(replay(kRequest, kId, log)), "acknowledged");
}

TEST(ItemLog, ActionThatSawMissingActionsIsRefused) {
  Made ack = ack_made();
  ack.seen = 2;  // claims to have seen two of A's actions; only one exists
  ItemLog log = log_on('B', {send_made(), ack});
  EXPECT_THROW(linearize(log), Error);
}

TEST(ItemLog, GapInOneSidesNumbersIsRefused) {
  Made ack = ack_made();
  ack.n = 1;
  ItemLog log = log_on('B', {send_made(), ack});
  EXPECT_THROW(linearize(log), Error);
}

// Concurrent withdraw (A) and final response (B): whichever was sent first
// wins, on both nodes, whatever the arrival order; the other is void.
struct Race {
  std::string withdraw_at, respond_at, expected_state, expected_void;
};

class ConcurrentActions : public ::testing::TestWithParam<Race> {};

TEST_P(ConcurrentActions, BothNodesAgree) {
  const Race& race = GetParam();
  Made send = send_made();
  Made ack = ack_made();
  Made withdraw{'A', 1, 1, "e-withdraw", race.withdraw_at, "withdraw", {{"reason", "solved"}}};
  Made respond{'B',
               1,
               1,
               "e-respond",
               race.respond_at,
               "respond_final",
               {{"note", "Preserved"}, {"attachments", nlohmann::json::array()}}};
  // Node A applied its withdraw, then got B's response; B the other way.
  ItemLog on_a = log_on('A', {send, ack, withdraw, respond});
  ItemLog on_b = log_on('B', {send, ack, respond, withdraw});
  Replayed ra = replay(kRequest, kId, on_a);
  Replayed rb = replay(kRequest, kId, on_b);
  EXPECT_EQ(ra.state(), race.expected_state);
  EXPECT_EQ(rb.state(), race.expected_state);
  ASSERT_EQ(ra.voided.size(), 1u);
  ASSERT_EQ(rb.voided.size(), 1u);
  EXPECT_EQ(ra.voided[0].envelope, race.expected_void);
  EXPECT_EQ(rb.voided[0].envelope, race.expected_void);
  // The shared history is the same on both (sides mirrored).
  const auto& ha = std::get<model::Request>(ra.item).history;
  const auto& hb = std::get<model::Request>(rb.item).history;
  ASSERT_GE(ha.size(), 2u);
  EXPECT_EQ(ha.back().action, hb.back().action);
  EXPECT_EQ(ha.back().side, model::opposite(hb.back().side));
}

INSTANTIATE_TEST_SUITE_P(
    ItemLog, ConcurrentActions,
    ::testing::Values(Race{"2026-11-27T10:10:00.000Z", "2026-11-27T10:10:00.500Z", "withdrawn",
                           "e-respond"},
                      Race{"2026-11-27T10:10:01.000Z", "2026-11-27T10:10:00.500Z",
                           "responded_final", "e-withdraw"},
                      // Same millisecond: the smaller envelope id wins
                      // ("e-respond" < "e-withdraw").
                      Race{"2026-11-27T10:10:00.000Z", "2026-11-27T10:10:00.000Z",
                           "responded_final", "e-withdraw"}));

TEST(ItemLog, LaterArrivalCanUnvoidAnEarlierGuess) {
  // B asks for clarification while A withdraws; A first applies its own
  // withdrawal, and B's earlier-sent question arrives after it. The question wins; the withdraw
  // still applies after it (withdraw is possible while a clarification is
  // outstanding), so nothing is void and both end withdrawn.
  Made send = send_made();
  Made ack = ack_made();
  Made question{'B',
                1,
                1,
                "e-q",
                "2026-11-27T10:06:00.000Z",
                "request_clarification",
                {{"question", "Which time zone?"}}};
  Made withdraw{'A', 1, 1, "e-w", "2026-11-27T10:07:00.000Z", "withdraw", {{"reason", "moot"}}};
  ItemLog on_a = log_on('A', {send, ack, withdraw, question});
  ItemLog on_b = log_on('B', {send, ack, question, withdraw});
  Replayed ra = replay(kRequest, kId, on_a);
  Replayed rb = replay(kRequest, kId, on_b);
  EXPECT_EQ(ra.state(), "withdrawn");
  EXPECT_EQ(rb.state(), "withdrawn");
  EXPECT_TRUE(ra.voided.empty());
  EXPECT_TRUE(rb.voided.empty());
  EXPECT_EQ(std::get<model::Request>(ra.item).pauses.size(), 1u);
}

TEST(ItemReplay, WrongSideIsVoidNotApplied) {
  // A (the requester) "acknowledges" its own request: void on both nodes.
  Made send = send_made();
  Made forged{'A', 1, 0, "e-forged", "2026-11-27T10:02:00.000Z", "acknowledge"};
  Replayed rb = replay(kRequest, kId, log_on('B', {send, forged}));
  EXPECT_EQ(rb.state(), "received");
  ASSERT_EQ(rb.voided.size(), 1u);
  EXPECT_NE(rb.voided[0].reason.find("is for the responding side"), std::string::npos)
      << rb.voided[0].reason;
  ASSERT_TRUE(rb.last_error);
  EXPECT_EQ(rb.last_error->code(), "wrong_side");
}

TEST(ItemReplay, BadCreatingActionThrows) {
  Made send = send_made();
  send.args["labels"]["tlp"] = "TLP:WHITE";
  EXPECT_THROW(replay(kRequest, kId, log_on('B', {send})), Error);
}

TEST(ItemReplay, AttachmentsAreCollectedAndChecked) {
  Made send = send_made();
  send.args["attachments"] = nlohmann::json::array(
      {{{"sha256", std::string(64, 'a')}, {"size", 10}, {"name", "logs.txt"}}});
  Replayed rb = replay(kRequest, kId, log_on('B', {send}));
  ASSERT_EQ(rb.attachments.size(), 1u);
  EXPECT_EQ(rb.attachments[0].name, "logs.txt");
  EXPECT_EQ(rb.attachments[0].side, Side::theirs);
  for (const char* bad : {"../etc/passwd", "", "a/b"}) {
    Made s2 = send_made();
    s2.args["attachments"] =
        nlohmann::json::array({{{"sha256", std::string(64, 'a')}, {"size", 10}, {"name", bad}}});
    EXPECT_THROW(replay(kRequest, kId, log_on('B', {s2})), Error) << bad;
  }
  Made s3 = send_made();
  s3.args["attachments"] =
      nlohmann::json::array({{{"sha256", std::string(64, 'A')}, {"size", 10}, {"name", "x"}}});
  EXPECT_THROW(replay(kRequest, kId, log_on('B', {s3})), Error);
}

TEST(ItemReplay, ReceiptTimeMakesTheAlertDeliveredOnBothSides) {
  Made raise{'A',
             0,
             0,
             "e-raise",
             "2026-11-27T10:00:00.000Z",
             "raise",
             {{"priority", "urgent"},
              {"labels", labels()},
              {"summary", "DDoS from your AS"},
              {"details", ""},
              {"attachments", nlohmann::json::array()}},
             ""};
  EXPECT_EQ(replay(kAlert, kId, log_on('A', {raise})).state(), "raised");
  raise.received_at = "2026-11-27T10:00:00.200Z";
  EXPECT_EQ(replay(kAlert, kId, log_on('A', {raise})).state(), "delivered");
  EXPECT_EQ(replay(kAlert, kId, log_on('B', {raise})).state(), "delivered");
  // Escalation is the receiving side's alone.
  Made esc_by_raiser{'A', 1, 0, "e-esc", "2026-11-27T10:20:00.000Z", "escalate", {{"level", 1}}};
  auto r = replay(kAlert, kId, log_on('B', {raise, esc_by_raiser}));
  EXPECT_EQ(std::get<model::Alert>(r.item).escalation_level, 0);
  EXPECT_EQ(r.voided.size(), 1u);
}

}  // namespace item_log_test
}  // namespace hotline::service
