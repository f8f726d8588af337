// Review rounds as shared items (service/item_replay.h, round_support.h):
// both nodes replay the same actions to the same round whatever order the
// envelopes crossed in; an action the model refuses where it falls is void
// and changes nothing; action items past their due date show as overdue.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/model/review_round.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/round_support.h"

namespace hotline::service {
namespace round_replay_test {

using model::Side;
using nlohmann::json;

const std::string kId = "01890a5d-ac96-774b-bcce-b302099a8057";

// One action as its author ('A' proposed the round, or 'B') made it.
struct Made {
  char author;
  std::int64_t n, seen;
  std::string envelope, sent_at, action;
  json args;
};

ItemLog log_on(char node, const std::vector<Made>& arrival) {
  ItemLog log;
  for (const auto& m : arrival) {
    SharedAction a;
    a.side = m.author == node ? Side::ours : Side::theirs;
    a.n = m.n;
    a.seen = m.seen;
    a.envelope = m.envelope;
    a.sent_at = m.sent_at;
    a.action = m.action;
    a.actor = std::string(1, m.author) + "-chair";
    a.args = m.args;
    log.shared.push_back(std::move(a));
  }
  return log;
}

json plan(const std::string& place) {
  return {
      {"title", "Review of the third quarter"},
      {"period_from", "2026-07-01T00:00:00.000Z"},
      {"period_to", "2026-10-01T00:00:00.000Z"},
      {"meeting_at", "2026-11-20T09:00:00.000Z"},
      {"place", place},
      {"participants", json::array({{{"name", "Ana"}, {"role", "head of desk"}, {"party", "mine"}},
                                    {{"name", "Bo"}, {"role", "liaison"}, {"party", "yours"}}})},
      {"agenda", json::array({{{"text", "Overdue requests"}, {"source", "party"}, {"ref", ""}}})}};
}

Made propose() {
  return {'A', 0, 0, "e1", "2026-11-01T10:00:00.000Z", "propose", plan("Videoconference")};
}

// A proposes; B accepts version 1 and A edits at the same time (neither saw
// the other): by their signed times B's acceptance comes first, so A's edit
// asks for a new acceptance of version 2.
std::vector<Made> crossing() {
  return {propose(),
          {'B', 0, 1, "e2", "2026-11-02T10:00:00.000Z", "accept_agenda", {{"version", 1}}},
          {'A', 1, 0, "e3", "2026-11-02T11:00:00.000Z", "edit_agenda", plan("Brussels")}};
}

TEST(RoundReplay, BothNodesReachTheSameRoundWhateverTheArrivalOrder) {
  auto moves = crossing();
  Replayed on_a = replay(kRound, kId, log_on('A', moves));
  std::swap(moves[1], moves[2]);
  Replayed on_b = replay(kRound, kId, log_on('B', moves));
  const auto& ra = std::get<model::ReviewRound>(on_a.item);
  const auto& rb = std::get<model::ReviewRound>(on_b.item);
  EXPECT_EQ(on_a.state(), "proposed");
  EXPECT_EQ(on_b.state(), "proposed");
  EXPECT_EQ(ra.agenda_version, 2);
  EXPECT_EQ(rb.agenda_version, 2);
  EXPECT_EQ(ra.plan.place, "Brussels");
  EXPECT_EQ(ra.plan.place, rb.plan.place);
  EXPECT_EQ(ra.plan.agenda, rb.plan.agenda);
  // Ana is A's participant: ours on A, theirs on B.
  ASSERT_EQ(rb.plan.participants.size(), 2u);
  EXPECT_EQ(ra.plan.participants[0].side, Side::ours);
  EXPECT_EQ(rb.plan.participants[0].side, Side::theirs);
  // Sides are seen from each node: A's acceptance of its own edit is
  // "ours" on A and "theirs" on B.
  EXPECT_TRUE(ra.agenda_accepted_ours);
  EXPECT_FALSE(ra.agenda_accepted_theirs);
  EXPECT_TRUE(rb.agenda_accepted_theirs);
  EXPECT_FALSE(rb.agenda_accepted_ours);
  EXPECT_EQ(on_a.title(), "Review of the third quarter");
  EXPECT_EQ(on_a.document()["item_kind"], "round");
  EXPECT_EQ(model::to_string(on_a.labels().tlp), "TLP:AMBER");
}

TEST(RoundReplay, AnAcceptanceOfAnOldVersionIsVoid) {
  // B accepts version 1 after having seen A's edit (version 2): void.
  std::vector<Made> moves = {
      propose(),
      {'A', 1, 0, "e2", "2026-11-02T09:00:00.000Z", "edit_agenda", plan("Brussels")},
      {'B', 0, 2, "e3", "2026-11-02T10:00:00.000Z", "accept_agenda", {{"version", 1}}}};
  Replayed r = replay(kRound, kId, log_on('B', moves));
  ASSERT_EQ(r.voided.size(), 1u);
  EXPECT_EQ(r.voided[0].envelope, "e3");
  EXPECT_EQ(r.voided[0].side, Side::ours);
  ASSERT_TRUE(r.last_error.has_value());
  EXPECT_EQ(r.state(), "proposed");
  EXPECT_FALSE(std::get<model::ReviewRound>(r.item).agenda_accepted_ours);
}

TEST(RoundReplay, ARoundStartsWithProposeAndUnknownActionsAreVoid) {
  std::vector<Made> bad = {
      {'A', 0, 0, "e1", "2026-11-01T10:00:00.000Z", "accept_agenda", {{"version", 1}}}};
  EXPECT_THROW(replay(kRound, kId, log_on('A', bad)), Error);
  std::vector<Made> moves = {propose(),
                             {'B', 0, 1, "e2", "2026-11-02T10:00:00.000Z", "sign", json::object()}};
  Replayed r = replay(kRound, kId, log_on('A', moves));
  ASSERT_EQ(r.voided.size(), 1u);
  EXPECT_NE(r.voided[0].reason.find("sign"), std::string::npos) << r.voided[0].reason;
}

TEST(RoundReplay, MinutesAcceptedCloseTheRoundAndOverdueItemsAreMarked) {
  std::vector<Made> moves = {
      propose(),
      {'B', 0, 1, "e2", "2026-11-02T10:00:00.000Z", "accept_agenda", {{"version", 1}}},
      {'A',
       1,
       1,
       "e3",
       "2026-11-20T12:00:00.000Z",
       "propose_minutes",
       {{"minutes", "Both desks reviewed the quarter."},
        {"action_items",
         json::array(
             {{{"owner", "mine"}, {"text", "Publish the contact list"}, {"due", "2026-12-01"}},
              {{"owner", "yours"},
               {"text", "Answer the two old requests"},
               {"due", "2027-01-15"}}})}}},
      {'B', 1, 2, "e4", "2026-11-21T08:00:00.000Z", "accept_minutes", {{"version", 1}}}};
  Replayed on_b = replay(kRound, kId, log_on('B', moves));
  EXPECT_EQ(on_b.state(), "closed");
  const auto& round = std::get<model::ReviewRound>(on_b.item);
  ASSERT_EQ(round.action_items.size(), 2u);
  EXPECT_EQ(round.action_items[0].owner, Side::theirs);  // A's, seen from B
  EXPECT_EQ(round.action_items[1].owner, Side::ours);

  json doc = on_b.document();
  mark_overdue_action_items(doc, parse_timestamp("2026-12-01T23:59:59.000Z"));
  EXPECT_EQ(doc["action_items_overdue"], 0);
  mark_overdue_action_items(doc, parse_timestamp("2026-12-02T00:00:00.000Z"));
  EXPECT_EQ(doc["action_items_overdue"], 1);
  EXPECT_TRUE(doc["action_items"][0]["overdue"].get<bool>());
  EXPECT_FALSE(doc["action_items"][1]["overdue"].get<bool>());

  // Completed by its owner (A): no longer overdue; B may not complete A's.
  moves.push_back({'B',
                   2,
                   2,
                   "e5",
                   "2026-12-03T08:00:00.000Z",
                   "complete_action_item",
                   {{"index", 0}, {"note", "done"}}});
  Replayed refused = replay(kRound, kId, log_on('B', moves));
  ASSERT_EQ(refused.voided.size(), 1u);
  moves.back() = {'A',
                  2,
                  2,
                  "e5",
                  "2026-12-03T08:00:00.000Z",
                  "complete_action_item",
                  {{"index", 0}, {"note", "Published on both sites"}}};
  Replayed done = replay(kRound, kId, log_on('B', moves));
  EXPECT_TRUE(done.voided.empty());
  doc = done.document();
  mark_overdue_action_items(doc, parse_timestamp("2026-12-04T00:00:00.000Z"));
  EXPECT_EQ(doc["action_items_overdue"], 0);
  EXPECT_TRUE(doc["action_items"][0]["done"].get<bool>());
}

}  // namespace round_replay_test
}  // namespace hotline::service
