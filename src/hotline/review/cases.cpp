// The shared cases' part of the body: their state at `to` and what was asked
// and given in each (report.h, docs/review.md).
#include <algorithm>
#include <functional>
#include <set>

#include "hotline/review/judgement.h"
#include "hotline/review/state.h"

namespace hotline::review {

namespace {

using detail::counts;

struct CaseSummary {
  bool open = true;
  bool changed_in_period = false;
  std::int64_t requests = 0, answered = 0, alerts = 0, acknowledged = 0;
};

}  // namespace

nlohmann::json ReportBuilder::State::cases_json() {
  if (!cases.empty()) std::sort(item_flags.begin(), item_flags.end());
  auto has = [&](const std::string& id, std::uint8_t flag) {
    const auto h = std::hash<std::string_view>{}(id);
    auto it =
        std::lower_bound(item_flags.begin(), item_flags.end(), std::make_pair(h, std::uint8_t{0}));
    for (; it != item_flags.end() && it->first == h; ++it)
      if (it->second & flag) return true;
    return false;
  };
  const Cut& cut = context.cut;
  const Millis to = context.to, from = context.from;
  std::int64_t opened = 0, open = 0, closed = 0;
  std::vector<std::pair<std::string, nlohmann::json>> rows;
  for (const auto& c : cases) {
    if (!counts(c.opened, c.opened_by, cut, to)) continue;
    CaseSummary s;
    for (const auto& ch : c.changes)
      if (counts(ch.act, ch.by, cut, to)) {
        s.open = !ch.closes;
        if (ch.act.at >= from) s.changed_in_period = true;
      }
    const bool new_case = c.opened.at >= from;
    opened += new_case;
    (s.open ? open : closed) += 1;
    if (!new_case && !s.open && !s.changed_in_period) continue;  // closed before the period
    auto count_links = [&](const std::vector<CaseFacts::Link>& links, std::uint8_t flag,
                           std::int64_t& total, std::int64_t& done) {
      std::set<std::string> seen;
      for (const auto& l : links)
        if (counts(l.act, l.by, cut, to) && seen.insert(l.item).second) {
          ++total;
          done += has(l.item, flag);
        }
    };
    count_links(c.requests, kAnswered, s.requests, s.answered);
    count_links(c.alerts, kAcknowledged, s.alerts, s.acknowledged);
    nlohmann::json row{{"id", c.id},
                       {"opened_by", std::string(to_string(c.opened_by))},
                       {"state", s.open ? "open" : "closed"},
                       {"requests", s.requests},
                       {"requests_answered", s.answered},
                       {"alerts", s.alerts},
                       {"alerts_acknowledged", s.acknowledged}};
    if (keeps("cases", "current")) {
      nlohmann::json d = row;
      d["opened_at"] = detail::timestamp_json(c.opened.at);
      judgements.push_back({c.id, "cases", "current", std::move(d)});
    }
    rows.emplace_back(c.id, std::move(row));
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  nlohmann::json list = nlohmann::json::array();
  for (auto& r : rows) list.push_back(std::move(r.second));
  return {{"opened", opened}, {"open_at_end", open}, {"closed_at_end", closed}, {"list", list}};
}

}  // namespace hotline::review
