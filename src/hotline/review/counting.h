// Counted time for the review report, fast: the deadline arithmetic of
// model/deadline.h over one bounded span, for one working calendar. Items
// without a pause are answered from a table of the calendar's working
// intervals (prefix sums, binary search); items with a pause go to
// model::deadline_at / elapsed_counted. Both give the same instants (the
// unit tests compare them). Internal to the review part.
//
// Ownership: a CalendarCounter owns its calendar and table; it is immutable
// after construction, so const calls are thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "hotline/model/deadline.h"
#include "hotline/review/facts.h"

namespace hotline::review::detail {

// A deadline that falls after the counter's span (or never, behind an open
// pause).
inline constexpr Millis kNever = std::numeric_limits<Millis>::max();

class CalendarCounter {
 public:
  // Counts over [span_from, span_to): due() is exact up to span_to.
  CalendarCounter(model::WorkingCalendar calendar, Millis span_from, Millis span_to);

  const model::WorkingCalendar& calendar() const { return calendar_; }

  // When `minutes` counted minutes have elapsed since `start`: exact when at
  // or before the span's end, else kNever.
  Millis due(Millis start, std::int64_t minutes, std::span<const model::Pause> pauses) const;
  // The exact deadline (model::deadline_at), nullopt behind an open pause.
  std::optional<Millis> exact_due(Millis start, std::int64_t minutes,
                                  std::span<const model::Pause> pauses) const;
  // Counted milliseconds in [start, t); t must lie inside the span.
  Millis counted(Millis start, Millis t, std::span<const model::Pause> pauses) const;

 private:
  // Counted milliseconds in [span_from, x).
  Millis prefix(Millis x) const;

  model::WorkingCalendar calendar_;
  Millis span_to_ = 0;
  std::vector<Millis> begin_, end_, before_;  // intervals and counted time before each
};

}  // namespace hotline::review::detail
