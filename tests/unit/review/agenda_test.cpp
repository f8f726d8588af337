// The agenda a node proposes for a review round (review/agenda.h), from a
// report made by the real builder: a figure that got worse, an overdue and a
// declined request, an alert never acknowledged, an open dispute and an open
// action item each become a point, and long lists are summed up.
#include "hotline/review/agenda.h"

#include <gtest/gtest.h>

#include "review_fixture.h"

namespace hotline::review {
namespace agenda_test {

using namespace review_fixture;

bool has_point(const std::vector<model::AgendaPoint>& points, const std::string& text,
               const std::string& ref = "") {
  for (const auto& p : points) {
    if (p.source == "records" && p.text.find(text) != std::string::npos &&
        (ref.empty() || p.ref == ref))
      return true;
  }
  return false;
}

// An urgent information request from alpha to bravo (24/7: acknowledge 1 h,
// answer 24 h), received at `at`.
ItemFacts request(const std::string& id, const char* at) {
  ItemFacts r;
  r.id = id;
  r.kind = "request.information";
  r.priority = "urgent";
  r.asker = Party::a;
  r.sent = act(ms(at), 1);
  r.received_at = ms(at);
  return r;
}

TEST(Agenda, RecordsBecomePoints) {
  // March 2026, with February as the previous period.
  ReportBuilder builder(context(ms("2026-03-01T00:00:00.000Z"), ms("2026-03-29T00:00:00.000Z")),
                        true);
  // February: acknowledged in time. March: one acknowledged late and one
  // in time. The share acknowledged in time falls from 100 % to 50 %.
  auto feb = request("0193aaaa-feb", "2026-02-10T08:00:00.000Z");
  feb.acknowledged = act(ms("2026-02-10T08:10:00.000Z"), 1);
  feb.final_response = act(ms("2026-02-10T09:00:00.000Z"), 2);
  builder.add(feb);
  auto late = request("0193bbbb-late", "2026-03-10T08:00:00.000Z");
  late.acknowledged = act(ms("2026-03-10T11:00:00.000Z"), 3);
  late.final_response = act(ms("2026-03-10T12:00:00.000Z"), 4);
  builder.add(late);
  // Never answered: overdue at the end of the period.
  auto overdue = request("0193cccc-overdue", "2026-03-20T08:00:00.000Z");
  overdue.acknowledged = act(ms("2026-03-20T08:05:00.000Z"), 5);
  builder.add(overdue);
  // Declined.
  auto declined = request("0193dddd-declined", "2026-03-21T08:00:00.000Z");
  declined.declined = act(ms("2026-03-21T08:30:00.000Z"), 6);
  declined.decline_reason = "legal_obstacle";
  builder.add(declined);
  // An alert from bravo that alpha never acknowledged.
  ItemFacts alert;
  alert.id = "0193eeee-alert";
  alert.kind = "alert";
  alert.priority = "urgent";
  alert.asker = Party::b;
  alert.sent = act(ms("2026-03-22T02:00:00.000Z"), 7);
  alert.received_at = ms("2026-03-22T02:00:01.000Z");
  builder.add(alert);
  const auto body = builder.body();
  const auto judgements = builder.judgements();

  DisputeFacts open;
  open.id = "0193ffff-dispute";
  open.ground = "timeliness";
  open.opened_by = Party::b;
  open.opened = act(ms("2026-03-25T10:00:00.000Z"), 8);
  DisputeFacts settled = open;
  settled.id = "0193ffff-settled";
  settled.settled = act(ms("2026-03-26T10:00:00.000Z"), 9);
  OpenActionItem item{"0193-round-1", 1, "Name a second contact for nights", "bravo", "2026-03-15"};

  const auto points = propose_agenda(body, judgements, {open, settled}, {item});
  EXPECT_TRUE(has_point(points,
                        "requests acknowledged in time fell from 100 % to 50 % (bravo "
                        "answering alpha)"));
  EXPECT_TRUE(has_point(points,
                        "Overdue: information request …-overdue (alpha asked bravo, "
                        "urgent)",
                        "0193cccc-overdue"));
  EXPECT_TRUE(has_point(points,
                        "Declined: information request …declined (alpha asked bravo), "
                        "reason: legal_obstacle"));
  EXPECT_TRUE(has_point(points,
                        "Not acknowledged in time: alert …ee-alert (bravo to alpha, never "
                        "acknowledged)"));
  EXPECT_TRUE(has_point(points,
                        "Open dispute …-dispute (timeliness), opened by bravo on "
                        "2026-03-25"));
  EXPECT_FALSE(has_point(points, "settled"));
  EXPECT_TRUE(has_point(points,
                        "Open action item 2 of round …-round-1 (bravo, due 2026-03-15): "
                        "Name a second contact for nights"));
  // The late request was not overdue and not declined: no point of its own.
  EXPECT_FALSE(has_point(points, "bbbb-late"));
  for (const auto& p : points) EXPECT_LE(p.text.size(), 200u) << p.text;
}

TEST(Agenda, LongListsAreSummedUp) {
  ReportBuilder builder(context(ms("2026-03-01T00:00:00.000Z"), ms("2026-03-29T00:00:00.000Z")),
                        true);
  for (int i = 0; i < 20; ++i) {
    auto r = request("0193-overdue-" + std::to_string(100 + i), "2026-03-20T08:00:00.000Z");
    r.sent.seq = i + 1;
    builder.add(r);
  }
  const auto body = builder.body();
  const auto points = propose_agenda(body, builder.judgements(), {}, {});
  std::size_t overdue = 0;
  for (const auto& p : points) overdue += p.text.rfind("Overdue:", 0) == 0;
  EXPECT_EQ(overdue, kMaxPointsPerKind);
  EXPECT_TRUE(has_point(points, "Further overdue requests: 5, see the report"));
}

}  // namespace agenda_test
}  // namespace hotline::review
