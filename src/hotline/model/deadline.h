// Deadline arithmetic: when is an item due, and how much of its time is used.
// Pure: the time is passed in, time zones arrive as TimeZone values (loaded by
// the service layer with load_time_zone()), no clock reads, no I/O.
//
// THE RULE FOR COUNTING DEADLINE MINUTES (copy into docs/protocol.md)
//
// A deadline of N minutes is judged against the agreement in force when the
// item was received; the clock starts at receipt (`start`).
//
// * Calendar "always" (24/7): N minutes of real elapsed time, pure UTC
//   arithmetic. Daylight-saving changes make no difference: 24 h received at
//   Saturday 12:00 before a spring-forward night is due at Sunday 13:00 local.
//
// * Calendar "office_hours": N WORKING minutes, in the receiving party's time
//   zone. Working time is, on every local date whose ISO weekday (1 = Monday ..
//   7 = Sunday) is in `weekdays` and that is not in `holidays`, the span from
//   local start_minute to local end_minute (end_minute 1440 = the following
//   local midnight). Office hours are local wall-clock times: 09:00-17:00
//   stays 09:00-17:00 local across daylight-saving changes, so its UTC span
//   shifts. So "2 days" = 2880 minutes = 6 working days of 8 h, not 2 calendar
//   days; working_minutes_per_day() gives the divisor for showing
//   "2880 min = 6 working days". A working minute is a real minute inside
//   office hours: on a date where a daylight-saving change falls INSIDE office
//   hours (only for offices open at night, e.g. 00:00-24:00) that day has
//   that many more or fewer real working minutes. Local times skipped by a
//   spring-forward change map to the instant after the gap; times that occur
//   twice map to the earlier instant (see TimeZone::local_to_utc).
//   Receipt outside office hours: the clock starts at the next opening.
//
// * Pauses: while a clarification is outstanding ([from, to)) the clock stops
//   in both calendars. Pauses may overlap one another, be adjacent, lie
//   outside office hours or begin before `start` (only the part after `start`
//   matters). An open pause (no `to`) stops the clock for good until it ends.
//
// * The deadline is the earliest instant at which N counted minutes have
//   elapsed. So a deadline met exactly at closing time is due at that closing
//   time (Friday 17:00), not at the next opening; and a deadline of 0 minutes
//   is `start`.
//
// * elapsed_counted(start, deadline_at(start, N)) == N minutes exactly.
//
// Errors (hotline::Error codes):
//   deadline_invalid     negative minutes, a pause with to < from,
//                        permille_used() with minutes <= 0
//   calendar_invalid     office hours with no weekday, a weekday outside 1..7,
//                        not 0 <= start_minute < end_minute <= 1440, a holiday
//                        that is not a valid "YYYY-MM-DD" date;
//                        calendar_for() with a zone named unlike the party's
//   deadline_unreachable an office-hours deadline not reached within 100
//                        years of calendar time (absurd calendars only)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/model/agreement.h"
#include "hotline/model/time_zone.h"

namespace hotline::model {

// How deadline minutes are counted: 24/7, or the receiving party's office
// hours in its own time zone. Fields as in OfficeHours (agreement.h); they are
// ignored when `always`.
struct WorkingCalendar {
  bool always = true;
  TimeZone zone;                             // default UTC
  std::vector<int> weekdays{1, 2, 3, 4, 5};  // ISO: 1 = Monday .. 7 = Sunday
  int start_minute = 9 * 60;                 // local minutes after midnight
  int end_minute = 17 * 60;                  // exclusive, <= 1440
  std::vector<std::string> holidays;         // "YYYY-MM-DD", local dates, any order
};

// The calendar of a deadline rule: always for Calendar::always, otherwise the
// receiving party's office hours in `zone`, which must be the party's zone
// (zone.name() == receiving_party.time_zone, else calendar_invalid).
WorkingCalendar calendar_for(const DeadlineRule& rule, const Party& receiving_party, TimeZone zone);

// A clarification outstanding over [from, to); no `to` = still outstanding.
struct Pause {
  TimePoint from;
  std::optional<TimePoint> to;
};

// The instant at which `minutes` counted minutes have elapsed since `start`
// (see the rule above). nullopt when an open pause stops the clock before the
// deadline is reached; a deadline already reached before an open pause began
// stays where it was.
std::optional<TimePoint> deadline_at(TimePoint start, std::int64_t minutes,
                                     const WorkingCalendar& calendar,
                                     std::span<const Pause> pauses);

// Counted (working, unpaused) time in [start, t); zero if t <= start. For the
// 50 % / 80 % / 100 % escalations and for review metrics.
std::chrono::milliseconds elapsed_counted(TimePoint start, TimePoint t,
                                          const WorkingCalendar& calendar,
                                          std::span<const Pause> pauses);

// elapsed_counted(start, now) in thousandths of a deadline of `minutes`
// (> 0), rounded down; 1000 = due now, above 1000 = overdue. Integers only.
std::int64_t permille_used(TimePoint start, TimePoint now, std::int64_t minutes,
                           const WorkingCalendar& calendar, std::span<const Pause> pauses);

// The counted (working) time of `calendar` inside [from, to), as ascending,
// disjoint [begin, end) intervals in UTC (no pauses): one interval [from, to)
// for an always calendar. For callers that count many items over one span
// (the review report): elapsed_counted and deadline_at without pauses are
// sums over these intervals. Throws calendar_invalid as deadline_at does.
std::vector<std::pair<TimePoint, TimePoint>> working_intervals(const WorkingCalendar& calendar,
                                                               TimePoint from, TimePoint to);

// Nominal working minutes of one working day: end_minute - start_minute
// (1440 for an always calendar). For display: "2880 min = 6 working days".
std::int64_t working_minutes_per_day(const WorkingCalendar& calendar);

}  // namespace hotline::model
