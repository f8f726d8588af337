#include "hotline/model/dispute.h"

#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "hotline/common/error.h"

namespace hotline::model {
namespace dispute_test {

using nlohmann::json;
constexpr const char* kId = "01930000-0000-7000-8000-000000000001";
constexpr const char* kItem = "01930000-0000-7000-8000-0000000000aa";
const std::string kDigest(64, 'a');

TimePoint ts(const char* text) {
  return parse_timestamp(text);
}

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

DisputeOpening opening(DisputeGround ground = DisputeGround::timeliness) {
  DisputeOpening o;
  o.title = "Request answered late";
  o.labels.tlp = Tlp::amber;
  o.ground = ground;
  o.subject.item = kItem;
  o.text = "The final response came two days after the deadline.";
  o.lang = "en";
  o.attachments = {{kDigest, 12, "phone-log.txt"}};
  return o;
}

Dispute opened(DisputeGround ground = DisputeGround::timeliness) {
  return open_dispute(kId, Side::ours, opening(ground), "anne", ts("2026-04-01T09:00:00.000Z"));
}

Dispute answered() {
  return answer_dispute(opened(), "liwei", Side::theirs, ts("2026-04-02T09:00:00.000Z"),
                        "The deadline was extended by phone.", "en", {});
}

Dispute proposed(Side by = Side::ours) {
  return propose_settlement(answered(), "sup", by, ts("2026-04-03T09:00:00.000Z"),
                            "Count the request as on time: extended by phone on 2 March.",
                            DeadlineAdjustment{kItem, "final_response"});
}

// The JSON round trip replays the history and gives the same dispute.
void expect_round_trip(const Dispute& d) {
  json j = to_json(d);
  EXPECT_EQ(dispute_from_json(j), d);
  EXPECT_EQ(dispute_from_json(json::parse(j.dump())), d);
}

TEST(Dispute, OpenAnswerProposeAcceptSettles) {
  Dispute d = opened();
  EXPECT_EQ(d.state, DisputeState::open);
  EXPECT_EQ(d.origin, Side::ours);
  ASSERT_EQ(d.positions.size(), 1U);
  EXPECT_EQ(d.positions[0].attachments.size(), 1U);
  d = answered();
  EXPECT_EQ(d.state, DisputeState::answered);
  EXPECT_EQ(d.positions[1].side, Side::theirs);
  d = proposed();
  EXPECT_EQ(d.state, DisputeState::settlement_proposed);
  EXPECT_EQ(d.proposal_version, 1);
  ASSERT_TRUE(d.proposal && d.proposal->adjustment);
  EXPECT_EQ(d.proposal->adjustment->deadline, "final_response");
  d = accept_settlement(d, "boss", Side::theirs, ts("2026-04-04T09:00:00.000Z"), 1);
  EXPECT_EQ(d.state, DisputeState::settled);
  EXPECT_EQ(d.settled_by, "boss");
  ASSERT_TRUE(d.settled_at);
  EXPECT_TRUE(possible_actions(d).empty());
  expect_round_trip(d);
}

TEST(Dispute, ANewProposalReplacesTheOldOneAndAnOldVersionIsRefused) {
  Dispute d = proposed();
  d = propose_settlement(d, "boss", Side::theirs, ts("2026-04-03T10:00:00.000Z"),
                         "Count the first response only.",
                         DeadlineAdjustment{kItem, "first_response"});
  EXPECT_EQ(d.proposal_version, 2);
  EXPECT_EQ(d.proposal->side, Side::theirs);
  EXPECT_EQ(
      code_of([&] { accept_settlement(d, "sup", Side::ours, ts("2026-04-04T00:00:00.000Z"), 1); }),
      "dispute_version");
  EXPECT_EQ(code_of([&] {
              reject_settlement(d, "sup", Side::ours, ts("2026-04-04T00:00:00.000Z"), 1, "no");
            }),
            "dispute_version");
  // The proposer does not accept its own proposal.
  EXPECT_EQ(code_of([&] {
              accept_settlement(d, "boss", Side::theirs, ts("2026-04-04T00:00:00.000Z"), 2);
            }),
            "wrong_side");
  d = accept_settlement(d, "sup", Side::ours, ts("2026-04-04T00:00:00.000Z"), 2);
  EXPECT_EQ(d.state, DisputeState::settled);
  expect_round_trip(d);
}

TEST(Dispute, ARejectedProposalReturnsToAnswered) {
  Dispute d = proposed();
  EXPECT_EQ(code_of([&] {
              reject_settlement(d, "sup", Side::ours, ts("2026-04-04T00:00:00.000Z"), 1, "no");
            }),
            "wrong_side");
  d = reject_settlement(d, "boss", Side::theirs, ts("2026-04-04T00:00:00.000Z"), 1,
                        "We do not agree on the date.");
  EXPECT_EQ(d.state, DisputeState::answered);
  EXPECT_FALSE(d.proposal);
  EXPECT_EQ(d.proposal_version, 1);
  EXPECT_EQ(code_of([&] {
              accept_settlement(d, "boss", Side::theirs, ts("2026-04-04T00:00:00.000Z"), 1);
            }),
            "illegal_transition");
  d = propose_settlement(d, "sup", Side::ours, ts("2026-04-05T00:00:00.000Z"), "Second try.",
                         std::nullopt);
  EXPECT_EQ(d.proposal_version, 2);
  expect_round_trip(d);
}

TEST(Dispute, WithdrawnByTheSideThatOpenedIt) {
  for (const Dispute& from : {opened(), answered(), proposed()}) {
    EXPECT_EQ(code_of([&] {
                withdraw_dispute(from, "liwei", Side::theirs, ts("2026-04-05T00:00:00.000Z"), "x");
              }),
              "wrong_side");
    EXPECT_EQ(code_of([&] {
                withdraw_dispute(from, "anne", Side::ours, ts("2026-04-05T00:00:00.000Z"), " ");
              }),
              "dispute_invalid");
    Dispute d =
        withdraw_dispute(from, "anne", Side::ours, ts("2026-04-05T00:00:00.000Z"), "Resolved.");
    EXPECT_EQ(d.state, DisputeState::withdrawn);
    EXPECT_EQ(d.withdraw_reason, "Resolved.");
    EXPECT_TRUE(possible_actions(d).empty());
    expect_round_trip(d);
  }
}

TEST(Dispute, PositionsAndTranslationsByEitherSide) {
  Dispute d = answered();
  d = add_position(d, "liwei", Side::theirs, ts("2026-04-02T10:00:00.000Z"), "电话延长了期限。",
                   "zh-CN", 1, {});
  d = add_position(d, "anne", Side::ours, ts("2026-04-02T11:00:00.000Z"), "Here is the log.", "en",
                   std::nullopt, {{kDigest, 3, "log.txt"}});
  ASSERT_EQ(d.positions.size(), 4U);
  EXPECT_EQ(d.positions[2].translation_of, std::optional<std::size_t>(1));
  EXPECT_EQ(d.state, DisputeState::answered);
  EXPECT_EQ(code_of([&] {
              add_position(d, "anne", Side::ours, ts("2026-04-02T12:00:00.000Z"), "t", "en", 9, {});
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              add_position(d, "anne", Side::ours, ts("2026-04-02T12:00:00.000Z"), "t", "english!",
                           std::nullopt, {});
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              add_position(d, "anne", Side::ours, ts("2026-04-02T12:00:00.000Z"), "t", "en",
                           std::nullopt, {{"xyz", 1, "a"}});
            }),
            "dispute_invalid");
  // Positions are possible while a proposal is pending too, not after the end.
  Dispute p = proposed();
  EXPECT_EQ(add_position(p, "anne", Side::ours, ts("2026-04-03T10:00:00.000Z"), "More.", "en",
                         std::nullopt, {})
                .state,
            DisputeState::settlement_proposed);
  Dispute s = accept_settlement(p, "boss", Side::theirs, ts("2026-04-04T00:00:00.000Z"), 1);
  EXPECT_EQ(code_of([&] {
              add_position(s, "anne", Side::ours, ts("2026-04-05T00:00:00.000Z"), "t", "en",
                           std::nullopt, {});
            }),
            "illegal_transition");
  expect_round_trip(d);
}

TEST(Dispute, AnswerOnlyByTheOtherSideAndOnlyOnce) {
  Dispute d = opened();
  EXPECT_EQ(code_of([&] {
              answer_dispute(d, "anne", Side::ours, ts("2026-04-02T00:00:00.000Z"), "t", "en", {});
            }),
            "wrong_side");
  EXPECT_EQ(code_of([&] {
              answer_dispute(d, "liwei", Side::theirs, ts("2026-04-02T00:00:00.000Z"), "", "en",
                             {});
            }),
            "dispute_invalid");
  Dispute a = answered();
  EXPECT_EQ(code_of([&] {
              answer_dispute(a, "liwei", Side::theirs, ts("2026-04-02T00:00:00.000Z"), "t", "en",
                             {});
            }),
            "illegal_transition");
}

TEST(Dispute, ProposingNeedsAnAnswerAndAnAdjustmentNeedsTimeliness) {
  EXPECT_EQ(code_of([&] {
              propose_settlement(opened(), "sup", Side::ours, ts("2026-04-02T00:00:00.000Z"), "t",
                                 std::nullopt);
            }),
            "illegal_transition");
  Dispute q = answer_dispute(opened(DisputeGround::quality), "liwei", Side::theirs,
                             ts("2026-04-02T00:00:00.000Z"), "No.", "en", {});
  EXPECT_EQ(code_of([&] {
              propose_settlement(q, "sup", Side::ours, ts("2026-04-03T00:00:00.000Z"), "t",
                                 DeadlineAdjustment{kItem, "acknowledge"});
            }),
            "dispute_invalid");
  EXPECT_EQ(
      propose_settlement(q, "sup", Side::ours, ts("2026-04-03T00:00:00.000Z"), "t", std::nullopt)
          .state,
      DisputeState::settlement_proposed);
  Dispute a = answered();
  EXPECT_EQ(code_of([&] {
              propose_settlement(a, "sup", Side::ours, ts("2026-04-03T00:00:00.000Z"), "t",
                                 DeadlineAdjustment{kItem, "lunch"});
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              propose_settlement(a, "sup", Side::ours, ts("2026-04-03T00:00:00.000Z"), "t",
                                 DeadlineAdjustment{"not-an-id", "acknowledge"});
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              propose_settlement(a, "sup", Side::ours, ts("2026-04-03T00:00:00.000Z"), "  ",
                                 std::nullopt);
            }),
            "dispute_invalid");
}

TEST(Dispute, NothingAfterTheEnd) {
  Dispute s =
      accept_settlement(proposed(), "boss", Side::theirs, ts("2026-04-04T00:00:00.000Z"), 1);
  Dispute w = withdraw_dispute(opened(), "anne", Side::ours, ts("2026-04-04T00:00:00.000Z"), "r");
  for (const Dispute& d : {s, w}) {
    EXPECT_EQ(code_of([&] {
                propose_settlement(d, "sup", Side::ours, ts("2026-04-05T00:00:00.000Z"), "t",
                                   std::nullopt);
              }),
              "illegal_transition");
    EXPECT_EQ(code_of([&] {
                withdraw_dispute(d, "anne", Side::ours, ts("2026-04-05T00:00:00.000Z"), "r");
              }),
              "illegal_transition");
    EXPECT_EQ(code_of([&] {
                reject_settlement(d, "boss", Side::theirs, ts("2026-04-05T00:00:00.000Z"), 1, "");
              }),
              "illegal_transition");
  }
  EXPECT_EQ(code_of([&] {
              accept_settlement(answered(), "boss", Side::theirs, ts("2026-04-05T00:00:00.000Z"),
                                1);
            }),
            "illegal_transition");
}

TEST(Dispute, OpeningIsChecked) {
  auto refused = [](DisputeOpening o) {
    return code_of([&] {
      open_dispute(kId, Side::ours, std::move(o), "anne", ts("2026-04-01T09:00:00.000Z"));
    });
  };
  DisputeOpening o = opening();
  o.title = "";
  EXPECT_EQ(refused(o), "dispute_invalid");
  o = opening();
  o.subject.figure = "/figures/0";  // both an item and a figure
  EXPECT_EQ(refused(o), "dispute_invalid");
  o = opening();
  o.subject.item = "";
  EXPECT_EQ(refused(o), "dispute_invalid");  // neither
  o.subject.figure = "/figures/0";
  EXPECT_EQ(refused(o), "dispute_invalid");  // a figure without its period
  o.subject.period_from = ts("2026-04-01T00:00:00.000Z");
  o.subject.period_to = ts("2026-01-01T00:00:00.000Z");
  EXPECT_EQ(refused(o), "dispute_invalid");  // period backwards
  o.subject.period_to = ts("2026-07-01T00:00:00.000Z");
  o.subject.figure = "figures";
  EXPECT_EQ(refused(o), "dispute_invalid");  // not a pointer
  o.subject.figure = "/figures/a~2";
  EXPECT_EQ(refused(o), "dispute_invalid");
  o.subject.figure = "/figures/a~1b/0";
  Dispute f = open_dispute(kId, Side::theirs, o, "liwei", ts("2026-04-01T09:00:00.000Z"));
  EXPECT_EQ(f.origin, Side::theirs);
  expect_round_trip(f);
  o = opening();
  o.subject.period_from = ts("2026-04-01T00:00:00.000Z");
  EXPECT_EQ(refused(o), "dispute_invalid");  // an item has no period
  o = opening();
  o.text = "";
  EXPECT_EQ(refused(o), "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              open_dispute("nope", Side::ours, opening(), "anne", ts("2026-04-01T09:00:00.000Z"));
            }),
            "dispute_invalid");
}

TEST(Dispute, PossibleActionsBySide) {
  auto names = [](const std::vector<DisputeAction>& v) {
    std::string out;
    for (auto a : v) out += std::string(to_string(a)) + " ";
    return out;
  };
  EXPECT_EQ(names(possible_actions(opened(), Side::ours)), "add_position withdraw ");
  EXPECT_EQ(names(possible_actions(opened(), Side::theirs)), "answer add_position ");
  EXPECT_EQ(names(possible_actions(proposed(), Side::ours)), "add_position propose withdraw ");
  EXPECT_EQ(names(possible_actions(proposed(), Side::theirs)),
            "add_position propose accept reject ");
}

TEST(Dispute, ApplyActionReadsArgumentsStrictly) {
  Dispute d = answered();
  EXPECT_EQ(code_of([&] {
              apply_dispute_action(d, kId, DisputeAction::propose, "sup", Side::ours,
                                   ts("2026-04-03T00:00:00.000Z"), json{{"text", "t"}});
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              apply_dispute_action(std::nullopt, kId, DisputeAction::answer, "x", Side::ours,
                                   ts("2026-04-03T00:00:00.000Z"), json::object());
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              apply_dispute_action(d, kId, DisputeAction::open, "x", Side::ours,
                                   ts("2026-04-03T00:00:00.000Z"), opening_args(opening()));
            }),
            "illegal_transition");
  Dispute p = apply_dispute_action(
      d, kId, DisputeAction::propose, "sup", Side::ours, ts("2026-04-03T09:00:00.000Z"),
      json{{"text", "Count the request as on time: extended by phone on 2 March."},
           {"adjustment", {{"item", kItem}, {"deadline", "final_response"}}}});
  EXPECT_EQ(p, proposed());
  // The same arguments replayed from the other node's point of view give
  // the same dispute with the sides swapped.
  std::optional<Dispute> mirror;
  for (const auto& e : p.history)
    mirror = apply_dispute_action(mirror, kId, e.action, e.actor, opposite(e.side), e.at, e.args);
  EXPECT_EQ(mirror->origin, Side::theirs);
  EXPECT_EQ(mirror->proposal->side, Side::theirs);
  EXPECT_EQ(mirror->positions[1].side, Side::ours);
}

TEST(Dispute, FromJsonRefusesATamperedDocument) {
  json j = to_json(proposed());
  json bad = j;
  bad["state"] = "settled";
  EXPECT_EQ(code_of([&] { dispute_from_json(bad); }), "dispute_invalid");
  bad = j;
  bad.erase("proposal");
  EXPECT_EQ(code_of([&] { dispute_from_json(bad); }), "dispute_invalid");
  bad = j;
  bad["history"] = json::array();
  EXPECT_EQ(code_of([&] { dispute_from_json(bad); }), "dispute_invalid");
}

TEST(Dispute, PositionsBeforeTheAnswerAndTheLimits) {
  // Either side may add positions while the dispute is open, before the
  // answer: the state stays open.
  Dispute d = add_position(opened(), "liwei", Side::theirs, ts("2026-04-01T10:00:00.000Z"),
                           "We are looking into it.", "en", std::nullopt, {});
  EXPECT_EQ(d.state, DisputeState::open);
  d = add_position(d, "anne", Side::ours, ts("2026-04-01T11:00:00.000Z"), "请尽快答复。", "zh-CN",
                   0, {});
  EXPECT_EQ(d.positions.size(), 3U);
  expect_round_trip(d);

  std::vector<PositionFile> many(kMaxPositionFiles + 1, PositionFile{kDigest, 1, "f.txt"});
  EXPECT_EQ(code_of([&] {
              add_position(d, "anne", Side::ours, ts("2026-04-01T12:00:00.000Z"), "t", "en",
                           std::nullopt, many);
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              add_position(d, "anne", Side::ours, ts("2026-04-01T12:00:00.000Z"), "t", "en",
                           std::nullopt, {{kDigest, 1, "two\nlines"}});
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              add_position(d, "anne", Side::ours, ts("2026-04-01T12:00:00.000Z"),
                           std::string(kMaxPositionBytes + 1, 'x'), "en", std::nullopt, {});
            }),
            "dispute_invalid");
  Dispute full = d;
  while (full.positions.size() < kMaxPositions)
    full = add_position(full, "anne", Side::ours, ts("2026-04-01T12:00:00.000Z"), "more", "en",
                        std::nullopt, {});
  EXPECT_EQ(code_of([&] {
              add_position(full, "anne", Side::ours, ts("2026-04-01T13:00:00.000Z"), "one more",
                           "en", std::nullopt, {});
            }),
            "dispute_invalid");
  // A refusal leaves the input as it was.
  EXPECT_EQ(full.positions.size(), kMaxPositions);
}

TEST(Dispute, ReasonsAreChecked) {
  Dispute p = proposed();
  EXPECT_EQ(code_of([&] {
              reject_settlement(p, "boss", Side::theirs, ts("2026-04-04T00:00:00.000Z"), 1,
                                std::string(5000, 'x'));
            }),
            "dispute_invalid");
  EXPECT_EQ(code_of([&] {
              withdraw_dispute(p, "anne", Side::ours, ts("2026-04-04T00:00:00.000Z"),
                               "bad\x1b[2Jescape");
            }),
            "dispute_invalid");
  // An actor is required.
  EXPECT_EQ(code_of([&] {
              withdraw_dispute(p, "", Side::ours, ts("2026-04-04T00:00:00.000Z"), "Resolved.");
            }),
            "dispute_invalid");
}

}  // namespace dispute_test
}  // namespace hotline::model
