#include "hotline/review/judge.h"

#include <algorithm>
#include <vector>

#include "hotline/common/error.h"

namespace hotline::review::detail {

namespace {

std::int64_t cut_of(const Cut& cut, Party by) {
  return by == Party::a ? cut.a_to_b : cut.b_to_a;
}

// The earliest of the acts given (those that count), by sent_at.
std::optional<Millis> earliest(std::initializer_list<std::optional<Millis>> acts) {
  std::optional<Millis> out;
  for (const auto& a : acts)
    if (a && (!out || *a < *out)) out = a;
  return out;
}

int decline_index(std::string_view reason) {
  for (std::size_t i = 0; i < kDeclineReasons.size(); ++i)
    if (kDeclineReasons[i] == reason) return static_cast<int>(i);
  return static_cast<int>(kDeclineReasons.size()) - 1;  // "other"
}

void check_rating(int value) {
  if (value < 1 || value > 5)
    throw Error(ErrorCategory::invalid_input, "review_invalid",
                "a rating is 1 to 5, not " + std::to_string(value));
}

// The clarification pauses that count, and their number.
std::vector<model::Pause> pauses_of(const ItemFacts& item, const Cut& cut, Millis horizon,
                                    int& asked) {
  const Party responder = other(item.asker);
  std::vector<model::Pause> out;
  for (const auto& c : item.clarifications) {
    if (!counts(c.asked, responder, cut, horizon)) continue;
    ++asked;
    model::Pause p{TimePoint(std::chrono::milliseconds(c.asked.at)), std::nullopt};
    if (counts(c.answered, item.asker, cut, horizon))
      p.to = TimePoint(std::chrono::milliseconds(std::max(c.answered->at, c.asked.at)));
    out.push_back(p);
  }
  return out;
}

DeadlineVerdict judge_deadline(Millis start, std::optional<std::int64_t> minutes,
                               std::optional<Millis> act, std::optional<Millis> end,
                               const CalendarCounter& counter, std::span<const model::Pause> pauses,
                               Millis horizon) {
  DeadlineVerdict v;
  v.minutes = minutes;
  const bool met = act && (!end || *act <= *end);
  if (met) {
    v.at = act;
    v.counted_ms = counter.counted(start, *act, pauses);
  }
  if (!minutes) return v;  // no_deadline
  v.due = counter.due(start, *minutes, pauses);
  if (met)
    v.status = *act <= v.due ? Status::on_time : Status::late;
  else if (end)
    v.status = Status::ended;
  else
    v.status = v.due < horizon ? Status::overdue : Status::pending;
  return v;
}

}  // namespace

std::string direction_name(Party asker) {
  return asker == Party::a ? "a_to_b" : "b_to_a";
}

bool counts(const Act& act, Party by, const Cut& cut, Millis horizon) {
  return act.seq <= cut_of(cut, by) && act.at < horizon;
}

bool counts(const std::optional<Act>& act, Party by, const Cut& cut, Millis horizon) {
  return act && counts(*act, by, cut, horizon);
}

Verdict judge(const ItemFacts& item, const model::DeadlineRule& rule,
              const CalendarCounter& counter, const Cut& cut, Millis horizon,
              std::span<const std::string_view> adjusted) {
  const Party responder = other(item.asker);
  const Millis start = *item.received_at;
  auto at = [&](const std::optional<Act>& act, Party by) -> std::optional<Millis> {
    if (!counts(act, by, cut, horizon)) return std::nullopt;
    return act->at;
  };
  Verdict v;
  v.pauses = pauses_of(item, cut, horizon, v.clarifications);
  const auto& pauses = v.pauses;
  const auto acknowledged = at(item.acknowledged, responder);
  const auto first = at(item.first_response, responder);
  const auto final = at(item.final_response, responder);
  v.declined_at = at(item.declined, responder);
  v.withdrawn_at = at(item.withdrawn, item.asker);
  // A request is closed by its asker; an alert by either side, so its close
  // counts only inside the cut of both directions.
  auto closed = at(item.closed, item.asker);
  if (closed && item.kind == "alert" && !counts(item.closed, responder, cut, horizon))
    closed.reset();
  const auto end = earliest({v.declined_at, v.withdrawn_at, closed});
  const std::array<std::optional<Millis>, 3> acts{earliest({acknowledged, first, final}),
                                                  earliest({first, final}), final};
  const std::array<std::optional<std::int64_t>, 3> minutes{
      rule.acknowledge_minutes, rule.respond_minutes, rule.respond_minutes};
  for (std::size_t i = 0; i < 3; ++i) {
    auto& d = v.deadlines[i];
    d = judge_deadline(start, minutes[i], acts[i], end, counter, pauses, horizon);
    if (d.status != Status::no_deadline &&
        std::find(adjusted.begin(), adjusted.end(), kDeadlines[i]) != adjusted.end()) {
      d.status = Status::on_time;
      d.adjusted = true;
    }
    if (d.status == Status::overdue) v.overdue = true;
  }
  v.open = !final && !end;
  v.overdue = v.overdue && v.open;
  if (v.declined_at) v.decline_reason = decline_index(item.decline_reason);
  if (item.rating && counts(item.rating->given, item.asker, cut, horizon)) {
    check_rating(item.rating->completeness);
    check_rating(item.rating->usefulness);
    v.rating = std::make_pair(item.rating->completeness, item.rating->usefulness);
  }
  for (const auto& e : item.escalations)
    if (counts(e, responder, cut, horizon)) v.escalated = true;
  return v;
}

}  // namespace hotline::review::detail
