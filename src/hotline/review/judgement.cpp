#include "hotline/review/judgement.h"

#include "hotline/common/time.h"

namespace hotline::review::detail {

namespace {

nlohmann::json deadline_json(const ItemFacts& item, const Verdict& v, std::size_t i,
                             const CalendarCounter& counter) {
  const auto& d = v.deadlines[i];
  nlohmann::json due = nullptr;
  if (d.minutes) {
    if (d.due != kNever)
      due = timestamp_json(d.due);
    else
      due = timestamp_json(counter.exact_due(*item.received_at, *d.minutes, v.pauses));
  }
  nlohmann::json counted = nullptr;
  if (d.counted_ms) counted = *d.counted_ms / 1000;
  return {{"minutes", d.minutes ? nlohmann::json(*d.minutes) : nlohmann::json(nullptr)},
          {"due", due},
          {"at", timestamp_json(d.at)},
          {"status", std::string(kStatuses[static_cast<std::size_t>(d.status)])},
          {"counted_s", counted},
          {"adjusted", d.adjusted}};
}

}  // namespace

nlohmann::json timestamp_json(std::optional<Millis> t) {
  if (!t) return nullptr;
  return format_timestamp(TimePoint(std::chrono::milliseconds(*t)));
}

std::string item_group(const ItemFacts& item) {
  const std::string dir = direction_name(item.asker);
  if (item.kind != "alert") return dir + "/requests/" + item.kind + "/" + item.priority;
  if (item.check) return dir + "/checks";
  return dir + "/alerts/" + item.priority;
}

Judgement item_judgement(const ItemFacts& item, const Verdict& v, const char* period,
                         const CalendarCounter& counter, const std::string& agreement_digest,
                         const model::DeadlineRule& rule) {
  nlohmann::json d{
      {"kind", item.kind},
      {"priority", item.priority},
      {"asker", std::string(to_string(item.asker))},
      {"agreement", agreement_digest},
      {"calendar", std::string(model::to_string(rule.calendar))},
      {"received_at", timestamp_json(item.received_at)},
      {"declined",
       v.decline_reason < 0
           ? nlohmann::json(nullptr)
           : nlohmann::json(kDeclineReasons[static_cast<std::size_t>(v.decline_reason)])},
      {"declined_at", timestamp_json(v.declined_at)},
      {"withdrawn_at", timestamp_json(v.withdrawn_at)},
      {"clarifications", v.clarifications},
      {"open_at_end", v.open},
      {"overdue_at_end", v.overdue},
      {"escalated", v.escalated}};
  d["rating"] = nullptr;
  if (v.rating) d["rating"] = {{"completeness", v.rating->first}, {"usefulness", v.rating->second}};
  for (std::size_t i = 0; i < kDeadlines.size(); ++i)
    d[std::string(kDeadlines[i])] = deadline_json(item, v, i, counter);
  return Judgement{item.id, item_group(item), period, std::move(d)};
}

}  // namespace hotline::review::detail
