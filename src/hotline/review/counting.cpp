#include "hotline/review/counting.h"

#include <algorithm>

namespace hotline::review::detail {

namespace {

TimePoint tp(Millis ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

constexpr Millis kMinute = 60000;

}  // namespace

CalendarCounter::CalendarCounter(model::WorkingCalendar calendar, Millis span_from, Millis span_to)
    : calendar_(std::move(calendar)), span_to_(span_to) {
  if (calendar_.always) return;
  Millis sum = 0;
  for (const auto& [a, b] : model::working_intervals(calendar_, tp(span_from), tp(span_to))) {
    begin_.push_back(a.time_since_epoch().count());
    end_.push_back(b.time_since_epoch().count());
    before_.push_back(sum);
    sum += end_.back() - begin_.back();
  }
}

Millis CalendarCounter::prefix(Millis x) const {
  const auto it = std::upper_bound(begin_.begin(), begin_.end(), x);
  if (it == begin_.begin()) return 0;
  const auto i = static_cast<std::size_t>(it - begin_.begin()) - 1;
  return before_[i] + std::min(x, end_[i]) - begin_[i];
}

Millis CalendarCounter::due(Millis start, std::int64_t minutes,
                            std::span<const model::Pause> pauses) const {
  if (!pauses.empty() || minutes == 0) {
    const auto d = exact_due(start, minutes, pauses);
    return d && *d <= span_to_ ? *d : kNever;
  }
  if (calendar_.always) {
    const Millis d = start + minutes * kMinute;
    return d <= span_to_ ? d : kNever;
  }
  const Millis target = prefix(start) + minutes * kMinute;
  // The first interval whose end reaches the target.
  std::size_t lo = 0, hi = begin_.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (before_[mid] + end_[mid] - begin_[mid] >= target)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (lo == begin_.size()) return kNever;
  return begin_[lo] + (target - before_[lo]);
}

std::optional<Millis> CalendarCounter::exact_due(Millis start, std::int64_t minutes,
                                                 std::span<const model::Pause> pauses) const {
  const auto d = model::deadline_at(tp(start), minutes, calendar_, pauses);
  if (!d) return std::nullopt;
  return d->time_since_epoch().count();
}

Millis CalendarCounter::counted(Millis start, Millis t,
                                std::span<const model::Pause> pauses) const {
  if (t <= start) return 0;
  if (!pauses.empty()) return model::elapsed_counted(tp(start), tp(t), calendar_, pauses).count();
  if (calendar_.always) return t - start;
  return prefix(t) - prefix(start);
}

}  // namespace hotline::review::detail
