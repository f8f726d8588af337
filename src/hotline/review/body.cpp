// The body of the review report (report.h; its members in docs/review.md):
// the figures accumulated by ReportBuilder::add, the disputes and the cases.
#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include "hotline/common/error.h"
#include "hotline/review/judgement.h"
#include "hotline/review/report.h"
#include "hotline/review/state.h"

namespace hotline::review {

namespace {

using detail::counts;
using detail::timestamp_json;

constexpr std::array<const char*, 2> kPeriods{"current", "previous"};

nlohmann::json party_json(const model::Party& p) {
  return {{"name", p.name}, {"time_zone", p.time_zone}};
}

nlohmann::json adjustment_json(const Adjustment& a) {
  return {{"item", a.item}, {"deadline", a.deadline}, {"dispute", a.dispute}, {"text", a.text}};
}

template <typename Figures>
nlohmann::json pair_json(Figures current, Figures previous) {
  return {{"current", current.to_json()}, {"previous", previous.to_json()}};
}

constexpr std::array<std::string_view, 5> kGrounds{"timeliness", "quality", "attribution",
                                                   "jurisdiction", "other"};

}  // namespace

nlohmann::json ReportBuilder::State::direction_json(std::size_t dir) {
  nlohmann::json request_groups = nlohmann::json::array(), alert_groups = nlohmann::json::array();
  std::array<RequestFigures, 2> total, takedown;
  std::array<AlertFigures, 2> alert_total;
  for (std::size_t k = 1; k < model::kKinds.size(); ++k)
    for (std::size_t p = 0; p < model::kPriorities.size(); ++p) {
      auto& g = this->requests[dir][k][p];
      for (std::size_t per = 0; per < 2; ++per) {
        total[per].merge(g[per]);
        if (model::kKinds[k] == "request.takedown") takedown[per].merge(g[per]);
      }
      if (g[0].received + g[1].received == 0) continue;
      nlohmann::json row = pair_json(std::move(g[0]), std::move(g[1]));
      row["kind"] = model::kKinds[k];
      row["priority"] = model::kPriorities[p];
      request_groups.push_back(std::move(row));
    }
  for (std::size_t p = 0; p < model::kPriorities.size(); ++p) {
    auto& g = alerts[dir][p];
    for (std::size_t per = 0; per < 2; ++per) alert_total[per].merge(g[per]);
    if (g[0].raised + g[1].raised == 0) continue;
    nlohmann::json row = pair_json(std::move(g[0]), std::move(g[1]));
    row["priority"] = model::kPriorities[p];
    alert_groups.push_back(std::move(row));
  }
  const Party asker = dir == 0 ? Party::a : Party::b;
  return {{"asker", std::string(to_string(asker))},
          {"responder", std::string(to_string(other(asker)))},
          {"requests", std::move(request_groups)},
          {"requests_total", pair_json(std::move(total[0]), std::move(total[1]))},
          {"alerts", std::move(alert_groups)},
          {"alerts_total", pair_json(std::move(alert_total[0]), std::move(alert_total[1]))},
          {"takedown",
           {{"current", detail::takedown_json(takedown[0])},
            {"previous", detail::takedown_json(takedown[1])}}},
          {"checks",
           {{"current", checks[dir][0].to_check_json()},
            {"previous", checks[dir][1].to_check_json()}}}};
}

nlohmann::json ReportBuilder::State::directions_json() {
  return nlohmann::json::array({direction_json(0), direction_json(1)});
}

nlohmann::json ReportBuilder::State::disputes_json() {
  struct Counts {
    std::int64_t opened = 0, settled = 0, withdrawn = 0, open = 0;
    std::array<std::int64_t, 5> by_ground{};
  };
  std::array<Counts, 2> c;
  const Cut& cut = context.cut;
  const Millis to = context.to;
  for (const auto& d : disputes) {
    if (!counts(d.opened, d.opened_by, cut, to)) continue;
    const char* period = period_of(d.opened.at);
    if (!period) continue;
    auto& n = c[period[0] == 'c' ? 0 : 1];
    const bool settled = counts(d.settled, d.settled_by, cut, to);
    const bool withdrawn = !settled && counts(d.withdrawn, d.withdrawn_by, cut, to);
    const auto g = static_cast<std::size_t>(
        std::find(kGrounds.begin(), kGrounds.end() - 1, d.ground) - kGrounds.begin());
    ++n.opened;
    ++n.by_ground[g];
    n.settled += settled;
    n.withdrawn += withdrawn;
    n.open += !settled && !withdrawn;
    if (keeps("disputes", period))
      judgements.push_back(
          {d.id,
           "disputes",
           period,
           {{"ground", kGrounds[g]},
            {"opened_by", std::string(to_string(d.opened_by))},
            {"opened_at", timestamp_json(d.opened.at)},
            {"settled_at", settled ? timestamp_json(d.settled->at) : nullptr},
            {"withdrawn_at", withdrawn ? timestamp_json(d.withdrawn->at) : nullptr},
            {"state", settled     ? "settled"
                      : withdrawn ? "withdrawn"
                                  : "open"}}});
  }
  auto json = [](const Counts& n) {
    nlohmann::json grounds = nlohmann::json::object();
    for (std::size_t i = 0; i < kGrounds.size(); ++i)
      grounds[std::string(kGrounds[i])] = n.by_ground[i];
    return nlohmann::json{{"opened", n.opened},
                          {"settled", n.settled},
                          {"withdrawn", n.withdrawn},
                          {"open_at_end", n.open},
                          {"by_ground", grounds}};
  };
  return {{"current", json(c[0])}, {"previous", json(c[1])}};
}

nlohmann::json ReportBuilder::body() {
  auto& s = *state_;
  if (s.body_made)
    throw Error(ErrorCategory::internal, "review_invalid", "the body is made only once");
  s.body_made = true;
  const auto& c = s.context;
  const auto first = s.agreement_at(s.previous_from), last = s.agreement_at(c.to - 1);
  nlohmann::json digests = nlohmann::json::array();
  for (auto i = first; i <= last; ++i) digests.push_back(c.agreements[i].digest);
  const auto& newest = c.agreements[last].document;
  auto adjustments = s.applied;
  std::sort(adjustments.begin(), adjustments.end(), [](const auto& x, const auto& y) {
    return std::tie(x.item, x.deadline, x.dispute, x.text) <
           std::tie(y.item, y.deadline, y.dispute, y.text);
  });
  nlohmann::json applied = nlohmann::json::array();
  for (const auto& a : adjustments)
    if (s.used_adjustments.contains({a.item, a.deadline})) applied.push_back(adjustment_json(a));
  return {{"format", kBodyFormat},
          {"link", c.link},
          {"parties", {{"a", party_json(newest.a)}, {"b", party_json(newest.b)}}},
          {"period", {{"from", timestamp_json(c.from)}, {"to", timestamp_json(c.to)}}},
          {"previous_period",
           {{"from", timestamp_json(s.previous_from)}, {"to", timestamp_json(c.from)}}},
          {"cut",
           {{"a_to_b", c.cut.a_to_b},
            {"b_to_a", c.cut.b_to_a},
            {"agreements", digests},
            {"tzdb", c.tzdb}}},
          {"adjustments", applied},
          {"directions", s.directions_json()},
          {"disputes", s.disputes_json()},
          {"cases", s.cases_json()}};
}

}  // namespace hotline::review
