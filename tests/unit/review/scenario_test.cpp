// A month of a link worked out by hand: every expected figure below is
// counted in the comments from the facts, not from the code.
//
// alpha (a) is in Paris, office Mon-Fri 09:00-17:00 (CET = UTC+1 in March
// 2026, so 08:00-16:00Z); bravo (b) is in Shanghai, office Mon-Fri 09:00-18:00
// (UTC+8, so 01:00-10:00Z), holiday Wednesday 2026-03-04. 2026-03-01 is a
// Sunday. Period [2026-03-01, 2026-04-01), previous [2026-01-29, 2026-03-01).
// Cut: 100 in each direction; acts on seq 200 lie beyond it.
//
// Agreement amendment 0 (in force from 2026-01-01): the default matrix, but
// request.information/normal: acknowledge 120, respond 600 office-hours
// minutes. Amendment 1 (in force from 2026-03-16): respond 300.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string_view>

#include "hotline/crypto/canonical_json.h"
#include "review_fixture.h"

namespace hotline::review {
namespace scenario_test {

using namespace review_fixture;
using nlohmann::json;

constexpr std::int64_t kBeyond = 200;

Act at(const char* t, std::int64_t seq = 1) {
  return act(ms(t), seq);
}

ItemFacts item(const char* id, const char* kind, const char* priority, Party asker,
               const char* received) {
  ItemFacts f;
  f.id = id;
  f.kind = kind;
  f.priority = priority;
  f.asker = asker;
  f.sent = act(ms(received) - 1000, 1);
  f.received_at = ms(received);
  return f;
}

model::Agreement amended(std::int64_t respond) {
  auto ag = agreement();
  model::set_rule(ag,
                  {"request.information", "normal", 120, respond, model::Calendar::office_hours});
  return ag;
}

ReviewContext scenario_context() {
  auto c = context(ms("2026-03-01T00:00:00.000Z"), ms("2026-04-01T00:00:00.000Z"), {100, 100});
  c.agreements[0].document = amended(600);
  auto second = amended(300);
  second.amendment = 1;
  second.supersedes = std::string(64, 'a');
  c.agreements.push_back({std::string(64, 'b'), ms("2026-03-16T00:00:00.000Z"), second});
  // T2's removal counts as on time (settled inside the cut); the adjustment
  // of R2 was settled beyond the cut and is not applied.
  c.adjustments.push_back({"T2", "final_response", "D1", "extended by phone to 11:30Z",
                           at("2026-03-25T09:00:00.000Z"), Party::b});
  c.adjustments.push_back({"R2", "final_response", "D9", "not yet agreed",
                           at("2026-03-26T09:00:00.000Z", kBeyond), Party::b});
  // F1 is in flight, so its adjustment changes no figure and is not listed.
  c.adjustments.push_back(
      {"F1", "acknowledge", "D8", "in flight", at("2026-03-26T09:00:00.000Z"), Party::a});
  return c;
}

// a asks b: request.information/normal, judged in bravo's office hours.
std::vector<ItemFacts> a_asks_b() {
  std::vector<ItemFacts> v;
  // R1 Tue 03-03 16:00 CST. Ack due 18:00 CST (10:00Z): done 17:30 CST, on
  // time, 90 min. Respond 600: Tue 120 + Wed holiday + Thu 480 -> Thu 17:00
  // CST (09:00Z). Final Thu 16:00 CST: on time, 120 + 420 = 540 min.
  auto r1 = item("R1", "request.information", "normal", Party::a, "2026-03-03T08:00:00.000Z");
  r1.acknowledged = at("2026-03-03T09:30:00.000Z");
  r1.first_response = r1.final_response = at("2026-03-05T08:00:00.000Z");
  r1.closed = at("2026-03-06T08:00:00.000Z");
  r1.rating = RatingFact{2, 3, at("2026-03-06T08:00:00.000Z")};
  v.push_back(r1);
  // R2 Fri 03-06 16:00 CST, across the weekend. Ack due Fri 18:00 CST; done
  // Mon 09:30 CST: late, 120 + 30 = 150 min. Final due Mon 17:00 CST (Fri 120
  // + Mon 480); done Mon 17:30 CST: late, 120 + 510 = 630 min. Rated 4 / 5.
  auto r2 = item("R2", "request.information", "normal", Party::a, "2026-03-06T08:00:00.000Z");
  r2.acknowledged = at("2026-03-09T01:30:00.000Z");
  r2.first_response = r2.final_response = at("2026-03-09T09:30:00.000Z");
  r2.closed = at("2026-03-10T10:00:00.000Z");
  r2.rating = RatingFact{4, 5, at("2026-03-10T10:00:00.000Z")};
  v.push_back(r2);
  // R3 Tue 03-10 09:00 CST; ack 09:30 (30 min, on time). Clarification asked
  // Tue 10:00 CST, answered Wed 10:00 CST. Final due: Tue 60 + Wed 480 + Thu
  // 60 -> Thu 10:00 CST; done Thu 09:45 CST: on time, 585 min counted.
  auto r3 = item("R3", "request.information", "normal", Party::a, "2026-03-10T01:00:00.000Z");
  r3.acknowledged = at("2026-03-10T01:30:00.000Z");
  r3.clarifications.push_back({at("2026-03-10T02:00:00.000Z"), at("2026-03-11T02:00:00.000Z")});
  r3.first_response = r3.final_response = at("2026-03-12T01:45:00.000Z");
  v.push_back(r3);
  // R4 Tue 03-17 09:00 CST, after the amendment: respond 300 -> due 14:00
  // CST; final 16:00 CST: late (on time under amendment 0), 420 min. Ack
  // 09:10 CST: on time, 10 min.
  auto r4 = item("R4", "request.information", "normal", Party::a, "2026-03-17T01:00:00.000Z");
  r4.acknowledged = at("2026-03-17T01:10:00.000Z");
  r4.first_response = r4.final_response = at("2026-03-17T08:00:00.000Z");
  v.push_back(r4);
  // R5 Wed 03-18 09:00 CST: ack 09:20 (20 min, on time), declined 11:00:
  // both responses ended.
  auto r5 = item("R5", "request.information", "normal", Party::a, "2026-03-18T01:00:00.000Z");
  r5.acknowledged = at("2026-03-18T01:20:00.000Z");
  r5.declined = at("2026-03-18T03:00:00.000Z");
  r5.decline_reason = "legal_obstacle";
  v.push_back(r5);
  // R6 Thu 03-19: withdrawn by alpha before anything: three deadlines ended.
  auto r6 = item("R6", "request.information", "normal", Party::a, "2026-03-19T01:00:00.000Z");
  r6.withdrawn = at("2026-03-19T01:30:00.000Z");
  v.push_back(r6);
  // R7 Fri 03-20 09:00 CST: bravo's acknowledgement and response travel on
  // seq 200, beyond the cut: not done. Ack due 11:00 CST, final due 14:00
  // CST (amendment 1): both overdue at `to`; open and overdue at the end.
  auto r7 = item("R7", "request.information", "normal", Party::a, "2026-03-20T01:00:00.000Z");
  r7.acknowledged = at("2026-03-20T01:05:00.000Z", kBeyond);
  r7.first_response = r7.final_response = at("2026-03-20T02:00:00.000Z", kBeyond);
  v.push_back(r7);
  // R8 Tue 03-31 17:00 CST: ack due Wed 04-01 10:00 CST, after `to`: pending.
  v.push_back(item("R8", "request.information", "normal", Party::a, "2026-03-31T09:00:00.000Z"));
  // P1, previous period, Tue 02-10 09:00 CST: ack 30 min, final 240 min, on time.
  auto p1 = item("P1", "request.information", "normal", Party::a, "2026-02-10T01:00:00.000Z");
  p1.acknowledged = at("2026-02-10T01:30:00.000Z");
  p1.first_response = p1.final_response = at("2026-02-10T05:00:00.000Z");
  v.push_back(p1);
  // Checks sent by alpha (alerts, ack 15 min 24/7): C1 in 10 min, C2 in 20.
  auto c1 = item("C1", "alert", "normal", Party::a, "2026-03-11T03:00:00.000Z");
  c1.check = true;
  c1.acknowledged = at("2026-03-11T03:10:00.000Z");
  v.push_back(c1);
  auto c2 = item("C2", "alert", "urgent", Party::a, "2026-03-12T03:00:00.000Z");
  c2.check = true;
  c2.acknowledged = at("2026-03-12T03:20:00.000Z");
  v.push_back(c2);
  // In flight: no receipt. Not counted anywhere.
  auto f1 = item("F1", "request.information", "normal", Party::a, "2026-03-30T01:00:00.000Z");
  f1.received_at.reset();
  v.push_back(f1);
  return v;
}

// b asks a: judged in alpha's office hours (Paris) or 24/7.
std::vector<ItemFacts> b_asks_a() {
  std::vector<ItemFacts> v;
  // R9 Fri 03-13 16:00 CET (amendment 0). Ack 120: Fri 60 + Mon 60 -> Mon
  // 10:00 CET; done Mon 09:30 CET: on time, 90 min. Final 600: Fri 60 + Mon
  // 480 + Tue 60 -> Tue 10:00 CET (09:00Z); done 08:59:59Z: on time,
  // 599 min 59 s = 35999 s.
  auto r9 = item("R9", "request.information", "normal", Party::b, "2026-03-13T15:00:00.000Z");
  r9.acknowledged = at("2026-03-16T08:30:00.000Z");
  r9.first_response = r9.final_response = at("2026-03-17T08:59:59.000Z");
  v.push_back(r9);
  // Takedowns (urgent: ack 15 min, respond 60 min, 24/7). T1: ack 5 min,
  // removed in 50 min: on time. T2: ack 10 min, removed in 90 min: late,
  // but the agreed adjustment counts the final response on time (the first
  // response stays late).
  auto t1 = item("T1", "request.takedown", "urgent", Party::b, "2026-03-09T10:00:00.000Z");
  t1.acknowledged = at("2026-03-09T10:05:00.000Z");
  t1.first_response = t1.final_response = at("2026-03-09T10:50:00.000Z");
  v.push_back(t1);
  auto t2 = item("T2", "request.takedown", "urgent", Party::b, "2026-03-10T10:00:00.000Z");
  t2.acknowledged = at("2026-03-10T10:10:00.000Z");
  t2.first_response = t2.final_response = at("2026-03-10T11:30:00.000Z");
  v.push_back(t2);
  // Alerts (ack 15 min 24/7). A1 urgent: acknowledged after 20 min (late),
  // escalated at 16 min. A2 urgent: never acknowledged, overdue at `to`.
  // A3 normal: acknowledged in 5 min.
  auto a1 = item("A1", "alert", "urgent", Party::b, "2026-03-05T10:00:00.000Z");
  a1.acknowledged = at("2026-03-05T10:20:00.000Z");
  a1.escalations.push_back(at("2026-03-05T10:16:00.000Z"));
  v.push_back(a1);
  v.push_back(item("A2", "alert", "urgent", Party::b, "2026-03-25T12:00:00.000Z"));
  auto a3 = item("A3", "alert", "normal", Party::b, "2026-03-26T12:00:00.000Z");
  a3.acknowledged = at("2026-03-26T12:05:00.000Z");
  v.push_back(a3);
  return v;
}

std::vector<CaseFacts> cases() {
  // K0: opened and closed in January: not listed, closed at the end.
  CaseFacts k0{"K0", Party::a, at("2026-01-10T10:00:00.000Z"), {}, {}, {}};
  k0.changes.push_back({Party::a, at("2026-01-20T10:00:00.000Z"), true});
  // K1: opened by alpha in the period with R1, R2, R7 and A1; closed 03-28.
  CaseFacts k1{"K1", Party::a, at("2026-03-02T12:00:00.000Z"), {}, {}, {}};
  for (const char* r : {"R1", "R2", "R7"})
    k1.requests.push_back({Party::a, at("2026-03-21T10:00:00.000Z"), r});
  k1.alerts.push_back({Party::b, at("2026-03-21T10:00:00.000Z"), "A1"});
  k1.changes.push_back({Party::a, at("2026-03-28T10:00:00.000Z"), true});
  // K2: opened by bravo in February with R9; still open.
  CaseFacts k2{"K2", Party::b, at("2026-02-15T10:00:00.000Z"), {}, {}, {}};
  k2.requests.push_back({Party::b, at("2026-03-14T10:00:00.000Z"), "R9"});
  return {k0, k1, k2};
}

std::vector<DisputeFacts> disputes() {
  DisputeFacts d1{"D1",
                  "timeliness",
                  Party::a,
                  at("2026-03-20T10:00:00.000Z"),
                  at("2026-03-25T09:00:00.000Z"),
                  std::nullopt,
                  Party::b,
                  Party::a};
  // D2: withdrawn on seq 200, beyond the cut: still open.
  DisputeFacts d2{"D2",         "quality",
                  Party::b,     at("2026-03-27T10:00:00.000Z"),
                  std::nullopt, at("2026-03-28T10:00:00.000Z", kBeyond),
                  Party::a,     Party::b};
  DisputeFacts d3{"D3",         "something else",
                  Party::a,     at("2026-02-20T10:00:00.000Z"),
                  std::nullopt, at("2026-02-22T10:00:00.000Z"),
                  Party::a,     Party::a};
  return {d1, d2, d3};
}

using Wanted = std::function<bool(std::string_view, std::string_view)>;

json make_body(bool reversed, std::vector<Judgement>* judgements = nullptr,
               const std::function<void(std::vector<ItemFacts>&)>& change = {},
               Wanted wanted = {}) {
  ReportBuilder builder(scenario_context(), judgements != nullptr);
  if (wanted) builder.keep_only(std::move(wanted));
  auto items = a_asks_b();
  for (auto& i : b_asks_a()) items.push_back(i);
  if (change) change(items);
  if (reversed) std::reverse(items.begin(), items.end());
  for (const auto& i : items) builder.add(i);
  auto cs = cases();
  auto ds = disputes();
  if (reversed) {
    std::reverse(cs.begin(), cs.end());
    std::reverse(ds.begin(), ds.end());
  }
  for (const auto& c : cs) builder.add(c);
  for (const auto& d : ds) builder.add(d);
  auto body = builder.body();
  if (judgements) *judgements = builder.judgements();
  return body;
}

json deadline(int on_time, int late, int pending, int overdue, int ended, json permille) {
  return {{"on_time", on_time},          {"late", late},   {"pending", pending},
          {"overdue", overdue},          {"ended", ended}, {"no_deadline", 0},
          {"on_time_permille", permille}};
}

json stats(int count, json median, json p90, json mean) {
  return {{"count", count}, {"median_s", median}, {"p90_s", p90}, {"mean_s", mean}};
}

json ratings(int count, int sum, json mean, std::array<int, 5> d) {
  return {{"count", count}, {"sum", sum}, {"mean_centi", mean}, {"distribution", d}};
}

json declined(int legal_obstacle) {
  return {{"total", legal_obstacle},
          {"by_reason",
           {{"outside_scope", 0},
            {"insufficient_information", 0},
            {"legal_obstacle", legal_obstacle},
            {"not_competent", 0},
            {"duplicate", 0},
            {"other", 0}}}};
}

TEST(ReviewScenario, TheHeaderNamesThePeriodTheCutAndTheAgreementsUsed) {
  const auto body = make_body(false);
  EXPECT_EQ(body["format"], "hotline.review/1");
  EXPECT_EQ(body["link"], kLink);
  EXPECT_EQ(body["parties"], json({{"a", {{"name", "alpha"}, {"time_zone", "Europe/Paris"}}},
                                   {"b", {{"name", "bravo"}, {"time_zone", "Asia/Shanghai"}}}}));
  EXPECT_EQ(body["period"],
            json({{"from", "2026-03-01T00:00:00.000Z"}, {"to", "2026-04-01T00:00:00.000Z"}}));
  EXPECT_EQ(body["previous_period"],
            json({{"from", "2026-01-29T00:00:00.000Z"}, {"to", "2026-03-01T00:00:00.000Z"}}));
  EXPECT_EQ(body["cut"], json({{"a_to_b", 100},
                               {"b_to_a", 100},
                               {"agreements", {std::string(64, 'a'), std::string(64, 'b')}},
                               {"tzdb", "test"}}));
  // Only T2's adjustment was settled inside the cut and changed a figure.
  EXPECT_EQ(body["adjustments"], json::parse(R"([{"item":"T2","deadline":"final_response",
      "dispute":"D1","text":"extended by phone to 11:30Z"}])"));
}

TEST(ReviewScenario, AlphasRequestsCountedInBravosOfficeHours) {
  const auto body = make_body(false);
  const auto& dir = body["directions"][0];
  EXPECT_EQ(dir["asker"], "a");
  EXPECT_EQ(dir["responder"], "b");
  ASSERT_EQ(dir["requests"].size(), 1u);
  EXPECT_EQ(dir["requests"][0]["kind"], "request.information");
  EXPECT_EQ(dir["requests"][0]["priority"], "normal");
  // R1..R8. Acknowledge: on time R1 R3 R4 R5, late R2, ended R6, overdue R7,
  // pending R8: 4 * 1000 / 6 = 666. Responses: on time R1 R3, late R2 R4,
  // ended R5 R6, overdue R7, pending R8: 2 * 1000 / 5 = 400.
  // Times to acknowledge (s): 5400 9000 1800 600 1200 -> sorted 600 1200
  // 1800 5400 9000: median 1800, p90 rank ceil(4.5) = 5 -> 9000, mean 3600.
  // Times to respond: 32400 37800 35100 25200 -> median (lower) 32400, p90
  // rank ceil(3.6) = 4 -> 37800, mean 130500 / 4 = 32625.
  // Ratings: R1 (2, 3) and R2 (4, 5) of 8 received: 250 permille.
  const json current = {{"received", 8},
                        {"acknowledge", deadline(4, 1, 1, 1, 1, 666)},
                        {"first_response", deadline(2, 2, 1, 1, 2, 400)},
                        {"final_response", deadline(2, 2, 1, 1, 2, 400)},
                        {"time_to_acknowledge", stats(5, 1800, 9000, 3600)},
                        {"time_to_first_response", stats(4, 32400, 37800, 32625)},
                        {"time_to_final_response", stats(4, 32400, 37800, 32625)},
                        {"open_at_end", 2},  // R7 and R8
                        {"overdue_at_end", 1},
                        {"declined", declined(1)},
                        {"withdrawn", 1},
                        {"clarifications", 1},
                        {"ratings",
                         {{"rated", 2},
                          {"rated_permille", 250},
                          {"completeness", ratings(2, 6, 300, {0, 1, 0, 1, 0})},
                          {"usefulness", ratings(2, 8, 400, {0, 0, 1, 0, 1})}}}};
  EXPECT_EQ(dir["requests"][0]["current"], current) << dir["requests"][0]["current"].dump(1);
  // P1: acknowledged in 30 min, answered in 240 min, both on time.
  const json previous = {{"received", 1},
                         {"acknowledge", deadline(1, 0, 0, 0, 0, 1000)},
                         {"first_response", deadline(1, 0, 0, 0, 0, 1000)},
                         {"final_response", deadline(1, 0, 0, 0, 0, 1000)},
                         {"time_to_acknowledge", stats(1, 1800, 1800, 1800)},
                         {"time_to_first_response", stats(1, 14400, 14400, 14400)},
                         {"time_to_final_response", stats(1, 14400, 14400, 14400)},
                         {"open_at_end", 0},
                         {"overdue_at_end", 0},
                         {"declined", declined(0)},
                         {"withdrawn", 0},
                         {"clarifications", 0},
                         {"ratings",
                          {{"rated", 0},
                           {"rated_permille", 0},
                           {"completeness", ratings(0, 0, nullptr, {0, 0, 0, 0, 0})},
                           {"usefulness", ratings(0, 0, nullptr, {0, 0, 0, 0, 0})}}}};
  EXPECT_EQ(dir["requests"][0]["previous"], previous) << dir["requests"][0]["previous"].dump(1);
  EXPECT_EQ(dir["requests_total"]["current"], current);
  EXPECT_EQ(dir["requests_total"]["previous"], previous);
  // Checks: C1 in 10 min (in time), C2 in 20 (late); not among the alerts.
  EXPECT_EQ(dir["checks"]["current"], json({{"held", 2},
                                            {"answered_in_time", 1},
                                            {"answered_late", 1},
                                            {"unanswered", 0},
                                            {"time_to_answer", stats(2, 600, 1200, 900)}}));
  EXPECT_EQ(dir["alerts"], json::array());
  EXPECT_EQ(dir["alerts_total"]["current"]["raised"], 0);
  EXPECT_EQ(dir["takedown"]["current"], json({{"requests", 0},
                                              {"removed_on_time", 0},
                                              {"removed_late", 0},
                                              {"not_removed", 0},
                                              {"on_time_permille", nullptr}}));
}

TEST(ReviewScenario, BravosRequestsAndAlertsCountedInAlphasOfficeHoursAndDayAndNight) {
  const auto body = make_body(false);
  const auto& dir = body["directions"][1];
  EXPECT_EQ(dir["asker"], "b");
  ASSERT_EQ(dir["requests"].size(), 2u);  // matrix order: information, then takedown
  const auto& info = dir["requests"][0]["current"];
  EXPECT_EQ(info["acknowledge"], deadline(1, 0, 0, 0, 0, 1000));
  EXPECT_EQ(info["final_response"], deadline(1, 0, 0, 0, 0, 1000));
  EXPECT_EQ(info["time_to_acknowledge"], stats(1, 5400, 5400, 5400));
  EXPECT_EQ(info["time_to_final_response"], stats(1, 35999, 35999, 35999));
  EXPECT_EQ(dir["requests"][1]["kind"], "request.takedown");
  EXPECT_EQ(dir["requests"][1]["priority"], "urgent");
  const auto& takedown = dir["requests"][1]["current"];
  EXPECT_EQ(takedown["first_response"], deadline(1, 1, 0, 0, 0, 500));
  EXPECT_EQ(takedown["final_response"], deadline(2, 0, 0, 0, 0, 1000));  // T2 adjusted
  EXPECT_EQ(takedown["time_to_final_response"], stats(2, 3000, 5400, 4200));
  EXPECT_EQ(dir["takedown"]["current"], json({{"requests", 2},
                                              {"removed_on_time", 2},
                                              {"removed_late", 0},
                                              {"not_removed", 0},
                                              {"on_time_permille", 1000}}));
  // Totals over R9, T1, T2: acknowledge 300 600 5400 s; responses 3000
  // 5400 35999 s (mean 44399 / 3 = 14799).
  const auto& total = dir["requests_total"]["current"];
  EXPECT_EQ(total["received"], 3);
  EXPECT_EQ(total["first_response"], deadline(2, 1, 0, 0, 0, 666));
  EXPECT_EQ(total["time_to_acknowledge"], stats(3, 600, 5400, 2100));
  EXPECT_EQ(total["time_to_final_response"], stats(3, 5400, 35999, 14799));
  // Alerts: A1 late (20 min) and escalated, A2 overdue, A3 on time (5 min).
  ASSERT_EQ(dir["alerts"].size(), 2u);
  EXPECT_EQ(dir["alerts"][0]["priority"], "urgent");
  EXPECT_EQ(dir["alerts"][0]["current"], json({{"raised", 2},
                                               {"acknowledge", deadline(0, 1, 0, 1, 0, 0)},
                                               {"time_to_acknowledge", stats(1, 1200, 1200, 1200)},
                                               {"escalated", 1}}));
  EXPECT_EQ(dir["alerts"][1]["current"]["acknowledge"], deadline(1, 0, 0, 0, 0, 1000));
  EXPECT_EQ(dir["alerts_total"]["current"], json({{"raised", 3},
                                                  {"acknowledge", deadline(1, 1, 0, 1, 0, 333)},
                                                  {"time_to_acknowledge", stats(2, 300, 1200, 750)},
                                                  {"escalated", 1}}));
  EXPECT_EQ(dir["checks"]["current"]["held"], 0);
}

TEST(ReviewScenario, DisputesAndCases) {
  const auto body = make_body(false);
  // D1 settled, D2 open (its withdrawal is beyond the cut); D3 (previous
  // period, an unknown ground counts as "other") withdrawn.
  EXPECT_EQ(body["disputes"]["current"], json({{"opened", 2},
                                               {"settled", 1},
                                               {"withdrawn", 0},
                                               {"open_at_end", 1},
                                               {"by_ground",
                                                {{"timeliness", 1},
                                                 {"quality", 1},
                                                 {"attribution", 0},
                                                 {"jurisdiction", 0},
                                                 {"other", 0}}}}));
  EXPECT_EQ(body["disputes"]["previous"]["withdrawn"], 1);
  EXPECT_EQ(body["disputes"]["previous"]["by_ground"]["other"], 1);
  // K1 opened in the period and closed; K2 still open; K0 closed in January
  // (counted at the end, not listed). K1's R7 is not answered inside the cut.
  EXPECT_EQ(body["cases"], json::parse(R"({"opened":1,"open_at_end":1,"closed_at_end":2,"list":[
      {"id":"K1","opened_by":"a","state":"closed","requests":3,"requests_answered":2,
       "alerts":1,"alerts_acknowledged":1},
      {"id":"K2","opened_by":"b","state":"open","requests":1,"requests_answered":1,
       "alerts":0,"alerts_acknowledged":0}]})"));
}

TEST(ReviewScenario, TheOrderOfTheFactsChangesNoByte) {
  EXPECT_EQ(crypto::canonicalize(make_body(false)), crypto::canonicalize(make_body(true)));
}

std::set<std::string> explaining(const json& body, const std::vector<Judgement>& js,
                                 const std::string& path) {
  std::set<std::string> out;
  for (const auto& j : js)
    if (explains(body, j, path)) out.insert(j.item);
  return out;
}

TEST(ReviewScenario, EveryFigureIsExplainedByItsItems) {
  std::vector<Judgement> js;
  const auto body = make_body(false, &js);
  using S = std::set<std::string>;
  EXPECT_EQ(explaining(body, js, "/directions/0/requests/0/current/acknowledge/late"), S{"R2"});
  EXPECT_EQ(explaining(body, js, "/directions/0/requests/0/current/final_response/overdue"),
            S{"R7"});
  EXPECT_EQ(explaining(body, js, "/directions/0/requests/0/current/received").size(), 8u);
  EXPECT_EQ(explaining(body, js, "/directions/0/requests/0/previous/received"), S{"P1"});
  EXPECT_EQ(explaining(body, js, "/directions/0/requests_total/current/declined/total"), S{"R5"});
  EXPECT_EQ(explaining(body, js, "/directions/1/takedown/current/removed_on_time"),
            (S{"T1", "T2"}));
  EXPECT_EQ(explaining(body, js, "/directions/1/alerts_total/current/acknowledge/overdue"),
            S{"A2"});
  EXPECT_EQ(explaining(body, js, "/directions/0/checks/current/answered_late"), S{"C2"});
  EXPECT_EQ(explaining(body, js, "/disputes/current/open_at_end"), S{"D2"});
  EXPECT_EQ(explaining(body, js, "/cases/list/0"), S{"K1"});
  EXPECT_EQ(
      explaining(body, js, "/directions/0/requests/0/current/ratings/completeness/distribution/3"),
      S{"R2"});
  // The judgement of R3 names the times used (the pause moves its deadline).
  const auto r3 = std::find_if(js.begin(), js.end(), [](auto& j) { return j.item == "R3"; });
  ASSERT_NE(r3, js.end());
  EXPECT_EQ(r3->group, "a_to_b/requests/request.information/normal");
  EXPECT_EQ(r3->detail["final_response"]["due"], "2026-03-12T02:00:00.000Z");
  EXPECT_EQ(r3->detail["final_response"]["counted_s"], 35100);
  const auto line = describe(*r3, body);
  EXPECT_NE(line.find("request R3 (alpha asks bravo"), std::string::npos) << line;
  EXPECT_NE(line.find("final response due 2026-03-12T02:00:00.000Z, done "
                      "2026-03-12T01:45:00.000Z (35100 s counted): on time"),
            std::string::npos)
      << line;
  // R4 is judged by amendment 1, whose deadline is 14:00 CST.
  const auto r4 = std::find_if(js.begin(), js.end(), [](auto& j) { return j.item == "R4"; });
  EXPECT_EQ(r4->detail["agreement"], std::string(64, 'b'));
  EXPECT_EQ(r4->detail["final_response"]["due"], "2026-03-17T06:00:00.000Z");
  // The pending R8's deadline after `to` is still named.
  const auto r8 = std::find_if(js.begin(), js.end(), [](auto& j) { return j.item == "R8"; });
  EXPECT_EQ(r8->detail["acknowledge"]["due"], "2026-04-01T02:00:00.000Z");
  EXPECT_EQ(r8->detail["acknowledge"]["status"], "pending");
}

TEST(ReviewScenario, ExplainingOneFigureKeepsOnlyItsGroupsJudgements) {
  std::vector<Judgement> all;
  const auto body = make_body(false, &all);
  for (const std::string path :
       {"/directions/0/requests/0/current/acknowledge/late", "/directions/1/takedown/current",
        "/directions/1/alerts_total/current/escalated", "/disputes/previous/withdrawn",
        "/cases/list/1", "/directions/0/checks/current/held"}) {
    std::vector<Judgement> kept;
    make_body(false, &kept, {}, [&](std::string_view group, std::string_view period) {
      return may_explain(body, group, period, path);
    });
    std::set<std::string> from_all, from_kept;
    for (const auto& j : all)
      if (explains(body, j, path)) from_all.insert(j.item);
    for (const auto& j : kept) {
      EXPECT_TRUE(may_explain(body, j.group, j.period, path)) << path << " " << j.item;
      if (explains(body, j, path)) from_kept.insert(j.item);
    }
    EXPECT_FALSE(from_all.empty()) << path;
    EXPECT_EQ(from_kept, from_all) << path;
    EXPECT_LT(kept.size(), all.size()) << path;
  }
}

TEST(ReviewScenario, CompareBodiesFindsTheOneChangedFigure) {
  const auto mine = make_body(false);
  auto theirs = mine;
  theirs["directions"][1]["alerts"][0]["current"]["escalated"] = 2;
  const auto diffs = compare_bodies(mine, theirs);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "/directions/1/alerts/0/current/escalated");
  EXPECT_EQ(diffs[0].mine, 1);
  EXPECT_EQ(diffs[0].theirs, 2);
  EXPECT_TRUE(compare_bodies(mine, make_body(true)).empty());
  // A member present on one side only is named too.
  theirs = mine;
  theirs["cases"].erase("opened");
  const auto missing = compare_bodies(mine, theirs);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].path, "/cases/opened");
  EXPECT_TRUE(missing[0].theirs.is_null());
}

TEST(ReviewScenario, CompareJudgementsNamesADroppedItemAndAChangedTime) {
  std::vector<Judgement> mine, theirs;
  const auto body = make_body(false, &mine);
  // Their side lacks R1 and holds R2's response 40 min earlier.
  make_body(false, &theirs, [](std::vector<ItemFacts>& items) {
    items.erase(items.begin());  // R1
    items[0].first_response = items[0].final_response = at("2026-03-09T08:50:00.000Z");
  });
  const auto diffs = compare_judgements(mine, theirs, body, "alpha", "bravo");
  std::map<std::string, const ItemDifference*> by_field;
  for (const auto& d : diffs) by_field[d.item + " " + d.field] = &d;
  ASSERT_TRUE(by_field.contains("R1 item")) << diffs.size();
  EXPECT_EQ(by_field["R1 item"]->group, "a_to_b/requests/request.information/normal");
  EXPECT_NE(by_field["R1 item"]->text.find("request R1: alpha counts it in "
                                           "a_to_b/requests/request.information/normal "
                                           "(current period); bravo does not"),
            std::string::npos)
      << by_field["R1 item"]->text;
  ASSERT_TRUE(by_field.contains("R2 final_response"));
  const auto& d = *by_field["R2 final_response"];
  EXPECT_EQ(d.mine["status"], "late");
  EXPECT_EQ(d.theirs["status"], "on_time");
  EXPECT_EQ(d.text,
            "request R2: alpha counts the final response late (sent 2026-03-09T09:30:00.000Z, "
            "due 2026-03-09T09:00:00.000Z); bravo counts it on time (sent "
            "2026-03-09T08:50:00.000Z, due 2026-03-09T09:00:00.000Z)");
  EXPECT_TRUE(by_field.contains("R2 first_response"));
  // Nothing else differs: the two items' fields and the cases' count of
  // answered requests (K1 lists R1).
  for (const auto& x : diffs)
    EXPECT_TRUE(x.item == "R1" || x.item == "R2" || x.item == "K1") << x.text;
}

}  // namespace scenario_test
}  // namespace hotline::review
