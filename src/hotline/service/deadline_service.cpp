#include "hotline/service/deadline_service.h"

#include <map>
#include <mutex>

#include "hotline/common/error.h"
#include "hotline/model/deadline.h"
#include "hotline/service/link_support.h"

namespace hotline::service {
namespace {

using model::Side;

std::optional<std::string> ts(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return format_timestamp(*t);
}

// The party that must meet the deadline: the receiving side of the item.
const model::Party& receiving_party(const model::Agreement& a, const std::string& our_key,
                                    Side receiving) {
  const bool a_is_us = a.a.public_key == our_key;
  const bool want_us = receiving == Side::ours;
  return a_is_us == want_us ? a.a : a.b;
}

DeadlineView compute(const std::string& name, std::int64_t minutes, const model::DeadlineRule& rule,
                     const model::Party& party, Side side, TimePoint start,
                     std::optional<TimePoint> met, bool stopped,
                     const std::vector<model::Pause>& pauses, TimePoint now) {
  model::WorkingCalendar cal = model::calendar_for(rule, party, zone_named(party.time_zone));
  DeadlineView d;
  d.name = name;
  d.minutes = minutes;
  d.calendar = std::string(model::to_string(rule.calendar));
  d.start = format_timestamp(start);
  d.side = side;
  d.due_at = ts(model::deadline_at(start, minutes, cal, pauses));
  d.met_at = ts(met);
  const TimePoint until = met ? *met : now;
  d.permille = minutes > 0 ? model::permille_used(start, until, minutes, cal, pauses) : 1000;
  const bool paused = !pauses.empty() && !pauses.back().to && !met;
  if (met) {
    d.status = d.permille <= 1000 ? "met" : "met_late";
  } else if (stopped) {
    d.status = "stopped";
  } else if (paused) {
    d.status = "paused";
  } else {
    d.status = d.permille >= 1000 ? "overdue" : "running";
  }
  return d;
}

}  // namespace

nlohmann::json to_json(const DeadlineView& d) {
  return {{"name", d.name},
          {"minutes", d.minutes},
          {"calendar", d.calendar},
          {"start", d.start},
          {"due_at", d.due_at ? nlohmann::json(*d.due_at) : nlohmann::json(nullptr)},
          {"met_at", d.met_at ? nlohmann::json(*d.met_at) : nlohmann::json(nullptr)},
          {"permille", d.permille},
          {"status", d.status},
          {"side", model::to_string(d.side)}};
}

std::optional<model::Agreement> agreement_at(store::Transaction& tx, const std::string& link,
                                             TimePoint at) {
  std::optional<store::AgreementRecord> best;
  std::optional<store::AgreementRecord> first;
  for (const auto& a : tx.list_agreements(link)) {
    if (!a.accepted_at || a.state == "proposed") continue;
    if (!first) first = a;
    if (parse_timestamp(*a.accepted_at) <= at && (!best || a.amendment > best->amendment)) best = a;
  }
  if (!best) best = first;
  if (!best) return std::nullopt;
  return parse_agreement(*best);
}

model::TimeZone zone_named(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, model::TimeZone> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  model::TimeZone zone = model::load_time_zone(name);
  cache.emplace(name, zone);
  return zone;
}

std::vector<DeadlineView> deadlines_of(store::Transaction& tx, const std::string& link,
                                       const Replayed& item, TimePoint now) {
  std::vector<DeadlineView> out;
  auto our_key = tx.get_setting("public_key");
  if (const auto* alert = std::get_if<model::Alert>(&item.item)) {
    if (!alert->delivered_at) return out;
    auto agreement = agreement_at(tx, link, *alert->delivered_at);
    if (!agreement) return out;
    const auto& rule = model::rule_for(*agreement, "alert", model::to_string(alert->priority));
    if (!rule.acknowledge_minutes) return out;
    const auto& party = receiving_party(*agreement, our_key.value_or(""), alert->receiving_side());
    out.push_back(compute("acknowledge", *rule.acknowledge_minutes, rule, party,
                          alert->receiving_side(), *alert->delivered_at, alert->acknowledged_at,
                          alert->state == model::AlertState::closed, {}, now));
    return out;
  }
  if (const auto* r = std::get_if<model::Request>(&item.item)) {
    if (!r->received_at) return out;
    auto agreement = agreement_at(tx, link, *r->received_at);
    if (!agreement) return out;
    const auto& rule =
        model::rule_for(*agreement, model::agreement_kind(r->kind), model::to_string(r->priority));
    const auto& party = receiving_party(*agreement, our_key.value_or(""), r->responding_side());
    std::vector<model::Pause> pauses;
    for (const auto& p : r->pauses) pauses.push_back(model::Pause{p.start, p.end});
    using S = model::RequestState;
    const bool ended = r->state == S::declined || r->state == S::withdrawn || r->state == S::closed;
    if (rule.acknowledge_minutes) {
      // Acknowledging is not paused by clarifications (none can be asked
      // before it).
      out.push_back(compute("acknowledge", *rule.acknowledge_minutes, rule, party,
                            r->responding_side(), *r->received_at, r->acknowledged_at, ended, {},
                            now));
    }
    if (rule.respond_minutes) {
      out.push_back(compute("respond", *rule.respond_minutes, rule, party, r->responding_side(),
                            *r->received_at, r->responded_final_at, ended, pauses, now));
    }
  }
  return out;
}

}  // namespace hotline::service
