#include "hotline/model/deadline.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "hotline/common/error.h"

namespace hotline::model {

namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::milliseconds;

constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinute = 60000;
constexpr std::int64_t kHorizonDays = 36525;  // 100 years

std::int64_t ms(TimePoint t) {
  return t.time_since_epoch().count();
}

bool parse_date(const std::string& s, local_days& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  const int pos[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < len[k]; ++i) {
      const char c = s[static_cast<std::size_t>(pos[k] + i)];
      if (c < '0' || c > '9') return false;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{v[0]},
                                        std::chrono::month{static_cast<unsigned>(v[1])},
                                        std::chrono::day{static_cast<unsigned>(v[2])}};
  if (!ymd.ok()) return false;
  out = local_days(ymd);
  return true;
}

// Paused intervals after `start`, merged, ascending, disjoint; open = kInf.
std::vector<std::pair<std::int64_t, std::int64_t>> normalize(TimePoint start,
                                                             std::span<const Pause> pauses) {
  std::vector<std::pair<std::int64_t, std::int64_t>> v;
  for (const auto& p : pauses) {
    const std::int64_t to = p.to ? ms(*p.to) : kInf;
    if (to < ms(p.from))
      throw Error(ErrorCategory::invalid_input, "deadline_invalid",
                  "a pause ends before it begins: " + format_timestamp(p.from) + " .. " +
                      format_timestamp(*p.to));
    const std::int64_t from = std::max(ms(p.from), ms(start));
    if (to > from) v.emplace_back(from, to);
  }
  std::sort(v.begin(), v.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& p : v) {
    if (!out.empty() && p.first <= out.back().second)
      out.back().second = std::max(out.back().second, p.second);
    else
      out.push_back(p);
  }
  return out;
}

// Working intervals [a, b) in UTC milliseconds, ascending and disjoint, from
// the one containing or following `from`.
class WorkingIntervals {
 public:
  WorkingIntervals(const WorkingCalendar& c, TimePoint from) : c_(c), from_(ms(from)) {
    if (c_.always) return;
    if (c_.weekdays.empty())
      throw Error(ErrorCategory::invalid_input, "calendar_invalid",
                  "office hours without a weekday");
    for (int d : c_.weekdays) {
      if (d < 1 || d > 7)
        throw Error(ErrorCategory::invalid_input, "calendar_invalid", "weekday out of 1..7");
      working_[d] = true;
    }
    if (c_.start_minute < 0 || c_.start_minute >= c_.end_minute || c_.end_minute > 1440)
      throw Error(ErrorCategory::invalid_input, "calendar_invalid",
                  "office hours must satisfy 0 <= start < end <= 1440");
    for (const auto& h : c_.holidays) {
      local_days d;
      if (!parse_date(h, d))
        throw Error(ErrorCategory::invalid_input, "calendar_invalid",
                    "bad holiday date \"" + h + "\"");
      holidays_.push_back(d);
    }
    std::sort(holidays_.begin(), holidays_.end());
    first_day_ = std::chrono::floor<days>(c_.zone.to_local(from)) - days(1);
    day_ = first_day_;
  }

  // False when there are no more (never for real calendars). Throws
  // deadline_unreachable past the horizon when `bounded`.
  bool next(std::int64_t& a, std::int64_t& b, bool bounded) {
    if (c_.always) {
      if (done_always_) return false;
      done_always_ = true;
      a = from_;
      b = kInf;
      return true;
    }
    for (;;) {
      const local_days d = day_;
      day_ += days(1);
      if (bounded && (d - first_day_).count() > kHorizonDays)
        throw Error(ErrorCategory::conflict, "deadline_unreachable",
                    "the deadline is not reached within 100 years of office hours");
      const unsigned wd = std::chrono::weekday(d).iso_encoding();
      if (!working_[wd]) continue;
      if (std::binary_search(holidays_.begin(), holidays_.end(), d)) continue;
      std::int64_t s = ms(c_.zone.local_to_utc(d, c_.start_minute));
      const std::int64_t e = c_.end_minute == 1440 ? ms(c_.zone.local_to_utc(d + days(1), 0))
                                                   : ms(c_.zone.local_to_utc(d, c_.end_minute));
      s = std::max({s, prev_end_, from_});
      if (e <= s) continue;
      prev_end_ = e;
      a = s;
      b = e;
      return true;
    }
  }

 private:
  const WorkingCalendar& c_;
  std::int64_t from_;
  bool working_[8] = {};
  std::vector<local_days> holidays_;
  local_days first_day_{}, day_{};
  std::int64_t prev_end_ = std::numeric_limits<std::int64_t>::min();
  bool done_always_ = false;
};

// Calls visit(a, b) for every counted piece [a, b) in ascending order until
// visit returns true (stop) or the pieces run out. Returns true if stopped by
// visit, false if an open pause (or the end of working time) ended the walk.
template <typename Visit>
bool walk(TimePoint start, const WorkingCalendar& c, std::span<const Pause> pauses, bool bounded,
          Visit&& visit) {
  const auto paused = normalize(start, pauses);
  WorkingIntervals wi(c, start);
  std::size_t p = 0;
  std::int64_t a = 0, b = 0;
  while (wi.next(a, b, bounded)) {
    std::int64_t cur = a;
    while (cur < b) {
      while (p < paused.size() && paused[p].second <= cur) ++p;
      if (p < paused.size() && paused[p].first <= cur) {
        if (paused[p].second == kInf) return false;  // open pause: clock stopped
        cur = paused[p].second;
        continue;
      }
      const std::int64_t end = p < paused.size() ? std::min(b, paused[p].first) : b;
      if (visit(cur, end)) return true;
      cur = end;
    }
  }
  return false;
}

}  // namespace

WorkingCalendar calendar_for(const DeadlineRule& rule, const Party& receiving_party,
                             TimeZone zone) {
  WorkingCalendar c;
  c.always = rule.calendar == Calendar::always;
  if (!c.always && zone.name() != receiving_party.time_zone)
    throw Error(ErrorCategory::invalid_input, "calendar_invalid",
                "time zone \"" + zone.name() + "\" given for party \"" + receiving_party.name +
                    "\" whose zone is \"" + receiving_party.time_zone + "\"");
  c.zone = std::move(zone);
  c.weekdays = receiving_party.office_hours.weekdays;
  c.start_minute = receiving_party.office_hours.start_minute;
  c.end_minute = receiving_party.office_hours.end_minute;
  c.holidays = receiving_party.office_hours.holidays;
  return c;
}

std::optional<TimePoint> deadline_at(TimePoint start, std::int64_t minutes,
                                     const WorkingCalendar& calendar,
                                     std::span<const Pause> pauses) {
  if (minutes < 0 || minutes > kMaxDeadlineMinutes * 100)
    throw Error(ErrorCategory::invalid_input, "deadline_invalid",
                "deadline minutes out of range: " + std::to_string(minutes));
  std::int64_t remaining = minutes * kMinute;
  if (remaining == 0) {
    normalize(start, pauses);  // still validate
    return start;
  }
  std::optional<TimePoint> result;
  walk(start, calendar, pauses, true, [&](std::int64_t a, std::int64_t b) {
    if (b - a >= remaining) {
      result = TimePoint(milliseconds(a + remaining));
      return true;
    }
    remaining -= b - a;
    return false;
  });
  return result;
}

std::chrono::milliseconds elapsed_counted(TimePoint start, TimePoint t,
                                          const WorkingCalendar& calendar,
                                          std::span<const Pause> pauses) {
  std::int64_t total = 0;
  if (t <= start) {
    normalize(start, pauses);
    return milliseconds(0);
  }
  const std::int64_t limit = ms(t);
  walk(start, calendar, pauses, false, [&](std::int64_t a, std::int64_t b) {
    if (a >= limit) return true;
    total += std::min(b, limit) - a;
    return b >= limit;
  });
  return milliseconds(total);
}

std::int64_t permille_used(TimePoint start, TimePoint now, std::int64_t minutes,
                           const WorkingCalendar& calendar, std::span<const Pause> pauses) {
  if (minutes <= 0)
    throw Error(ErrorCategory::invalid_input, "deadline_invalid",
                "permille_used needs minutes > 0");
  const std::int64_t used = elapsed_counted(start, now, calendar, pauses).count();
  return used * 1000 / (minutes * kMinute);
}

std::vector<std::pair<TimePoint, TimePoint>> working_intervals(const WorkingCalendar& calendar,
                                                               TimePoint from, TimePoint to) {
  std::vector<std::pair<TimePoint, TimePoint>> out;
  WorkingIntervals wi(calendar, from);
  std::int64_t a = 0, b = 0;
  while (wi.next(a, b, false) && a < ms(to))
    out.emplace_back(TimePoint(milliseconds(a)), TimePoint(milliseconds(std::min(b, ms(to)))));
  return out;
}

std::int64_t working_minutes_per_day(const WorkingCalendar& calendar) {
  return calendar.always ? 1440 : calendar.end_minute - calendar.start_minute;
}

}  // namespace hotline::model
