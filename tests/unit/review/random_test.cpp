// Many generated histories: the body does not depend on the order in which
// the facts arrive, its counts add up, and the fast counting of the report
// gives the deadlines and counted times of model/deadline.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "hotline/crypto/canonical_json.h"
#include "hotline/model/deadline.h"
#include "review_fixture.h"

namespace hotline::review {
namespace random_test {

using namespace review_fixture;
using nlohmann::json;

constexpr Millis kMin = 60000, kDay = 86400000;

struct History {
  ReviewContext context;
  std::vector<ItemFacts> items;
  std::vector<CaseFacts> cases;
  std::vector<DisputeFacts> disputes;
};

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  History make() {
    History h;
    const Millis from = ms("2026-03-01T00:00:00.000Z") + pick(0, 60) * kDay;
    const Millis length = pick(1, 40) * kDay + pick(0, 1439) * kMin;
    h.context = context(from, from + length, {pick(20, 60), pick(20, 60)});
    h.context.agreements[0].document = agreement_variant();
    if (coin(2)) {
      auto second = agreement_variant();
      second.amendment = 1;
      h.context.agreements.push_back({std::string(64, 'b'), from + pick(-5, 20) * kDay, second});
    }
    h.context.zones.emplace("America/New_York", zone("America/New_York"));
    const int n = static_cast<int>(pick(20, 80));
    for (int i = 0; i < n; ++i) h.items.push_back(item(i, from - length - 2 * kDay, from + length));
    for (int i = 0; i < 4; ++i) h.cases.push_back(a_case(i, h, from));
    for (int i = 0; i < 5; ++i) h.disputes.push_back(dispute(i, from - length, from + length));
    if (!h.items.empty())
      h.context.adjustments.push_back({h.items[0].id, "final_response", "D0", "by phone",
                                       act(from, pick(1, 70)), coin(2) ? Party::a : Party::b});
    return h;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool coin(int one_in) { return pick(1, one_in) == 1; }

  model::Agreement agreement_variant() {
    auto ag = agreement();
    ag.a.time_zone = coin(2) ? "Europe/Paris" : "America/New_York";
    ag.a.office_hours.weekdays =
        coin(3) ? std::vector<int>{1, 2, 3, 4, 5, 6} : std::vector<int>{1, 2, 3, 4, 5};
    ag.b.office_hours.start_minute = static_cast<int>(pick(0, 10)) * 60;
    for (const auto& kind : model::kKinds)
      for (const auto& priority : model::kPriorities) {
        std::optional<std::int64_t> ack = pick(1, 300), respond = pick(300, 3000);
        if (coin(6)) ack.reset();
        if (kind == "alert") respond.reset();
        if (!ack && !respond) ack = 15;
        model::set_rule(ag, {std::string(kind), std::string(priority), ack, respond,
                             coin(2) ? model::Calendar::always : model::Calendar::office_hours});
      }
    return ag;
  }

  std::optional<Act> maybe_act(Millis after, int one_in_missing = 3) {
    if (coin(one_in_missing)) return std::nullopt;
    return Act{after + pick(-2, 6000) * kMin / (coin(3) ? 1 : 10), pick(1, 70)};
  }

  ItemFacts item(int i, Millis lo, Millis hi) {
    ItemFacts f;
    f.id = "item-" + std::to_string(i);
    f.kind = std::string(model::kKinds[static_cast<std::size_t>(pick(0, 4))]);
    f.priority = std::string(model::kPriorities[static_cast<std::size_t>(pick(0, 1))]);
    f.asker = coin(2) ? Party::a : Party::b;
    f.check = f.kind == "alert" && coin(3);
    const Millis received = pick(lo, hi);
    f.sent = Act{received - pick(0, 5000), pick(1, 70)};
    if (!coin(15)) f.received_at = received;
    f.acknowledged = maybe_act(received);
    f.first_response = maybe_act(received);
    if (f.first_response && coin(2))
      f.final_response = f.first_response;
    else
      f.final_response = maybe_act(received, 2);
    for (int c = static_cast<int>(pick(0, 2)); c > 0; --c) {
      if (!coin(2)) continue;
      Clarification cl{*maybe_act(received, 1000), maybe_act(received + 100 * kMin)};
      f.clarifications.push_back(cl);
    }
    if (coin(6)) {
      f.declined = maybe_act(received, 1000);
      f.decline_reason = coin(2) ? "duplicate" : "not_competent";
    }
    if (coin(8)) f.withdrawn = maybe_act(received, 1000);
    if (coin(3)) f.closed = maybe_act(received + 3000 * kMin, 1000);
    if (f.closed && coin(2))
      f.rating = RatingFact{static_cast<int>(pick(1, 5)), static_cast<int>(pick(1, 5)), *f.closed};
    if (f.kind == "alert" && coin(2)) f.escalations.push_back(*maybe_act(received, 1000));
    return f;
  }

  CaseFacts a_case(int i, const History& h, Millis from) {
    CaseFacts c{"case-" + std::to_string(i),
                coin(2) ? Party::a : Party::b,
                Act{from + pick(-30, 20) * kDay, pick(1, 70)},
                {},
                {},
                {}};
    for (int k = 0; k < 4; ++k) {
      const auto& it =
          h.items[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(h.items.size()) - 1))];
      auto& links = it.kind == "alert" ? c.alerts : c.requests;
      links.push_back({c.opened_by, Act{c.opened.at + pick(0, 9) * kDay, pick(1, 70)}, it.id});
    }
    if (coin(2))
      c.changes.push_back({c.opened_by, Act{c.opened.at + pick(0, 20) * kDay, pick(1, 70)}, true});
    return c;
  }

  DisputeFacts dispute(int i, Millis lo, Millis hi) {
    static const char* grounds[] = {"timeliness", "quality", "attribution", "jurisdiction",
                                    "other"};
    DisputeFacts d{"dispute-" + std::to_string(i),
                   grounds[pick(0, 4)],
                   coin(2) ? Party::a : Party::b,
                   Act{pick(lo, hi), pick(1, 70)},
                   std::nullopt,
                   std::nullopt,
                   Party::a,
                   Party::b};
    if (coin(2))
      d.settled = Act{d.opened.at + pick(0, 9) * kDay, pick(1, 70)};
    else if (coin(2))
      d.withdrawn = Act{d.opened.at + pick(0, 9) * kDay, pick(1, 70)};
    return d;
  }

  std::mt19937_64 rng_;
};

json build(const History& h, bool keep, std::vector<Judgement>* js = nullptr) {
  ReportBuilder b(h.context, keep);
  for (const auto& i : h.items) b.add(i);
  for (const auto& c : h.cases) b.add(c);
  for (const auto& d : h.disputes) b.add(d);
  auto body = b.body();
  if (js) *js = b.judgements();
  return body;
}

std::int64_t statuses(const json& d) {
  return d["on_time"].get<std::int64_t>() + d["late"].get<std::int64_t>() +
         d["pending"].get<std::int64_t>() + d["overdue"].get<std::int64_t>() +
         d["ended"].get<std::int64_t>() + d["no_deadline"].get<std::int64_t>();
}

std::int64_t sum(const json& array) {
  std::int64_t s = 0;
  for (const auto& x : array) s += x.get<std::int64_t>();
  return s;
}

void check_request(const json& r, const std::string& where) {
  const auto received = r["received"].get<std::int64_t>();
  for (const char* d : {"acknowledge", "first_response", "final_response"}) {
    EXPECT_EQ(statuses(r[d]), received) << where << " " << d;
    EXPECT_LE(r[std::string("time_to_") + d]["count"].get<std::int64_t>(), received) << where;
  }
  std::int64_t reasons = 0;
  for (const auto& [k, v] : r["declined"]["by_reason"].items()) reasons += v.get<std::int64_t>();
  EXPECT_EQ(r["declined"]["total"], reasons) << where;
  EXPECT_LE(r["overdue_at_end"], r["open_at_end"]) << where;
  EXPECT_LE(r["open_at_end"].get<std::int64_t>(), received) << where;
  for (const char* q : {"completeness", "usefulness"}) {
    EXPECT_EQ(r["ratings"][q]["count"], r["ratings"]["rated"]) << where;
    EXPECT_EQ(sum(r["ratings"][q]["distribution"]), r["ratings"]["rated"]) << where;
  }
}

void check_counts(const json& body) {
  for (const auto& dir : body["directions"])
    for (const char* period : {"current", "previous"}) {
      std::int64_t received = 0, raised = 0;
      for (const auto& g : dir["requests"]) {
        check_request(g[period], g["kind"].get<std::string>() + " " + period);
        received += g[period]["received"].get<std::int64_t>();
      }
      check_request(dir["requests_total"][period], "total");
      EXPECT_EQ(dir["requests_total"][period]["received"], received);
      for (const auto& g : dir["alerts"]) raised += g[period]["raised"].get<std::int64_t>();
      const auto& alerts = dir["alerts_total"][period];
      EXPECT_EQ(alerts["raised"], raised);
      EXPECT_EQ(statuses(alerts["acknowledge"]), raised);
      const auto& t = dir["takedown"][period];
      EXPECT_EQ(t["requests"].get<std::int64_t>(), t["removed_on_time"].get<std::int64_t>() +
                                                       t["removed_late"].get<std::int64_t>() +
                                                       t["not_removed"].get<std::int64_t>());
      const auto& c = dir["checks"][period];
      EXPECT_EQ(c["held"].get<std::int64_t>(), c["answered_in_time"].get<std::int64_t>() +
                                                   c["answered_late"].get<std::int64_t>() +
                                                   c["unanswered"].get<std::int64_t>());
    }
  for (const char* period : {"current", "previous"}) {
    const auto& d = body["disputes"][period];
    EXPECT_EQ(d["opened"].get<std::int64_t>(), sum(d["by_ground"]));
    EXPECT_EQ(d["opened"].get<std::int64_t>(), d["settled"].get<std::int64_t>() +
                                                   d["withdrawn"].get<std::int64_t>() +
                                                   d["open_at_end"].get<std::int64_t>());
  }
}

// The deadlines and counted times of unpaused items, recomputed with model/deadline.h.
int check_against_model(const History& h, const std::vector<Judgement>& js) {
  int checked = 0;
  std::map<std::string, const ItemFacts*> by_id;
  for (const auto& i : h.items) by_id[i.id] = &i;
  for (const auto& j : js) {
    if (!by_id.contains(j.item)) continue;
    const auto& f = *by_id[j.item];
    if (!f.clarifications.empty()) continue;
    const auto& in_force = j.detail["agreement"] == h.context.agreements[0].digest
                               ? h.context.agreements[0]
                               : h.context.agreements.at(1);
    const auto& rule = model::rule_for(in_force.document, f.kind, f.priority);
    const auto& party = f.asker == Party::a ? in_force.document.b : in_force.document.a;
    const auto cal = model::calendar_for(rule, party, h.context.zones.at(party.time_zone));
    const TimePoint start{std::chrono::milliseconds(*f.received_at)};
    for (const char* name : {"acknowledge", "first_response", "final_response"}) {
      const auto& d = j.detail[name];
      if (!d["minutes"].is_null()) {
        const auto due = model::deadline_at(start, d["minutes"].get<std::int64_t>(), cal, {});
        EXPECT_EQ(d["due"], format_timestamp(*due)) << j.item << " " << name;
        ++checked;
      }
      if (!d["at"].is_null()) {
        const auto counted =
            model::elapsed_counted(start, parse_timestamp(d["at"].get<std::string>()), cal, {});
        EXPECT_EQ(d["counted_s"], counted.count() / 1000) << j.item << " " << name;
        ++checked;
      }
    }
  }
  return checked;
}

TEST(ReviewRandom, TwoHundredHistoriesInAnyOrderGiveTheSameBodyAndTheirCountsAddUp) {
  int checked = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Generator g(seed);
    auto h = g.make();
    std::vector<Judgement> js;
    const auto body = build(h, true, &js);
    const auto text = crypto::canonicalize(body);
    auto shuffled = h;
    std::shuffle(shuffled.items.begin(), shuffled.items.end(), g.rng());
    std::shuffle(shuffled.cases.begin(), shuffled.cases.end(), g.rng());
    std::shuffle(shuffled.disputes.begin(), shuffled.disputes.end(), g.rng());
    std::vector<Judgement> js2;
    EXPECT_EQ(crypto::canonicalize(build(shuffled, false, &js2)), text);
    EXPECT_TRUE(js2.empty());
    check_counts(body);
    checked += check_against_model(h, js);
    if (HasFailure()) break;
  }
  EXPECT_GT(checked, 5000);  // deadlines and counted times compared with the model's
}

}  // namespace random_test
}  // namespace hotline::review
