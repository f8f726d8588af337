#include "hotline/model/review_round.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"

namespace hotline::model {
namespace review_round_test {

using nlohmann::json;
constexpr const char* kId = "01930000-0000-7000-8000-000000000001";

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

RoundPlan plan() {
  RoundPlan p;
  p.title = "Review of the first quarter";
  p.period_from = ts("2026-01-01T00:00:00.000Z");
  p.period_to = ts("2026-04-01T00:00:00.000Z");
  p.meeting_at = ts("2026-04-20T08:00:00.000Z");
  p.place = "Videoconference";
  p.participants = {{"Anne Martin", "head of unit", Side::ours},
                    {"Li Wei", "deputy director", Side::theirs}};
  p.agenda = {{"Request 1234abcd answered 3 days late", "records", "0193-x"},
              {"Contact list update", "party", ""}};
  return p;
}

ReviewRound proposed() {
  return propose_round(kId, Side::ours, plan(), "anne", ts("2026-04-01T09:00:00.000Z"));
}

TEST(ReviewRound, AgendaAgreedMinutesSignedActionItemsDone) {
  ReviewRound r = proposed();
  EXPECT_EQ(r.state, RoundState::proposed);
  EXPECT_TRUE(r.agenda_accepted_ours);
  EXPECT_FALSE(r.agenda_accepted_theirs);

  // The peer edits the agenda: a new version, accepted by them only.
  RoundPlan edited = plan();
  edited.agenda.push_back({"Holidays in May", "party", ""});
  r = edit_agenda(r, "liwei", Side::theirs, ts("2026-04-02T09:00:00.000Z"), edited);
  EXPECT_EQ(r.agenda_version, 2);
  EXPECT_FALSE(r.agenda_accepted_ours);
  EXPECT_TRUE(r.agenda_accepted_theirs);
  // Accepting an old version is refused: it changed since.
  EXPECT_EQ(
      code_of([&] { accept_agenda(r, "anne", Side::ours, ts("2026-04-03T09:00:00.000Z"), 1); }),
      "round_version");
  r = accept_agenda(r, "anne", Side::ours, ts("2026-04-03T09:00:00.000Z"), 2);
  EXPECT_EQ(r.state, RoundState::agenda_agreed);
  EXPECT_EQ(r.plan.agenda.size(), 3u);

  // Minutes with two action items, proposed by us, accepted by them.
  std::vector<ActionItem> items(2);
  items[0].owner = Side::theirs;
  items[0].text = "Name a second contact for nights";
  items[0].due = "2026-05-31";
  items[1].owner = Side::ours;
  items[1].text = "Translate the takedown form";
  items[1].due = "2026-05-15";
  r = propose_minutes(r, "anne", Side::ours, ts("2026-04-20T10:00:00.000Z"), "We met.", items);
  EXPECT_EQ(r.state, RoundState::minutes_proposed);
  EXPECT_EQ(r.minutes_version, 1);
  // Not by the side that wrote them.
  EXPECT_EQ(
      code_of([&] { accept_minutes(r, "bob", Side::ours, ts("2026-04-21T09:00:00.000Z"), 1); }),
      "wrong_side");
  r = accept_minutes(r, "liwei", Side::theirs, ts("2026-04-21T09:00:00.000Z"), 1);
  EXPECT_EQ(r.state, RoundState::closed);
  ASSERT_TRUE(r.closed_at.has_value());

  // Action items: only their owner completes them, once.
  EXPECT_EQ(code_of([&] {
              complete_action_item(r, "anne", Side::ours, ts("2026-05-01T09:00:00.000Z"), 0, "");
            }),
            "wrong_side");
  r = complete_action_item(r, "liwei", Side::theirs, ts("2026-05-02T09:00:00.000Z"), 0,
                           "Zhang Min, +86 10 5555 0000");
  EXPECT_TRUE(r.action_items[0].done);
  EXPECT_FALSE(r.action_items[1].done);
  EXPECT_EQ(code_of([&] {
              complete_action_item(r, "liwei", Side::theirs, ts("2026-05-03T09:00:00.000Z"), 0, "");
            }),
            "round_invalid");
  EXPECT_EQ(code_of([&] {
              complete_action_item(r, "anne", Side::ours, ts("2026-05-03T09:00:00.000Z"), 7, "");
            }),
            "round_invalid");
  // A closed round cannot be cancelled.
  EXPECT_EQ(
      code_of([&] { cancel_round(r, "anne", Side::ours, ts("2026-05-03T09:00:00.000Z"), "x"); }),
      "illegal_transition");

  // The JSON reads back, and the replay checks it.
  json j = to_json(r);
  EXPECT_EQ(round_from_json(j), r);
  json tampered = j;
  tampered["action_items"][1]["done"] = true;
  EXPECT_EQ(code_of([&] { round_from_json(tampered); }), "round_invalid");
}

// The same arguments replayed on the other node give the same round with
// the sides swapped: sides in arguments are relative to the actor.
TEST(ReviewRound, ArgumentsReplayOnThePeerWithSidesSwapped) {
  ReviewRound ours = proposed();
  const RoundEvent& e = ours.history[0];
  ReviewRound theirs =
      apply_round_action(std::nullopt, kId, e.action, e.actor, Side::theirs, e.at, e.args);
  EXPECT_EQ(theirs.origin, Side::theirs);
  ASSERT_EQ(theirs.plan.participants.size(), 2u);
  EXPECT_EQ(theirs.plan.participants[0].side, Side::theirs);  // Anne is the peer's, seen there
  EXPECT_EQ(theirs.plan.participants[1].side, Side::ours);
  EXPECT_TRUE(theirs.agenda_accepted_theirs);
  EXPECT_FALSE(theirs.agenda_accepted_ours);
}

TEST(ReviewRound, BadInputIsRefusedAndChangesNothing) {
  RoundPlan p = plan();
  p.period_to = p.period_from;
  EXPECT_EQ(code_of([&] { propose_round(kId, Side::ours, p, "anne", TimePoint{}); }),
            "round_invalid");
  p = plan();
  p.title = "";
  EXPECT_EQ(code_of([&] { propose_round(kId, Side::ours, p, "anne", TimePoint{}); }),
            "round_invalid");
  p = plan();
  p.agenda[0].source = "rumour";
  EXPECT_EQ(code_of([&] { propose_round(kId, Side::ours, p, "anne", TimePoint{}); }),
            "round_invalid");
  ReviewRound r = proposed();
  const ReviewRound before = r;
  // Minutes before the agenda is agreed.
  EXPECT_EQ(code_of([&] { propose_minutes(r, "anne", Side::ours, TimePoint{}, "x", {}); }),
            "illegal_transition");
  r = accept_agenda(r, "liwei", Side::theirs, TimePoint{}, 1);
  std::vector<ActionItem> items(1);
  items[0].text = "Do it";
  items[0].due = "2026-02-30";
  EXPECT_EQ(code_of([&] { propose_minutes(r, "anne", Side::ours, TimePoint{}, "x", items); }),
            "round_invalid");
  EXPECT_EQ(code_of([&] { propose_minutes(r, "anne", Side::ours, TimePoint{}, "", {}); }),
            "round_invalid");
  EXPECT_EQ(before, proposed());
  // Cancelled: nothing more.
  r = cancel_round(r, "liwei", Side::theirs, TimePoint{}, "Postponed to June");
  EXPECT_EQ(r.state, RoundState::cancelled);
  EXPECT_TRUE(possible_actions(r).empty());
}

}  // namespace review_round_test
}  // namespace hotline::model
