#include "hotline/model/check_schedule.h"

#include <chrono>

#include "hotline/common/error.h"

namespace hotline::model {
namespace {

std::chrono::milliseconds period_length(const CheckSchedule& schedule) {
  if (schedule.every_days < 1 || schedule.every_days > 366) {
    throw Error(ErrorCategory::invalid_input, "deadline_invalid",
                "a check period is 1 to 366 days, not " + std::to_string(schedule.every_days));
  }
  return std::chrono::days(schedule.every_days);
}

// Floor division: periods before the origin have negative indexes.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

std::int64_t check_period(const CheckSchedule& schedule, TimePoint origin, TimePoint t) {
  return floor_div((t - origin).count(), period_length(schedule).count());
}

TimePoint check_period_start(const CheckSchedule& schedule, TimePoint origin, std::int64_t index) {
  return origin + index * period_length(schedule);
}

std::optional<TimePoint> check_moment(const CheckSchedule& schedule, TimePoint period_start,
                                      const WorkingCalendar& receiver, std::uint64_t random) {
  if (schedule.every_days == 0) return std::nullopt;
  const auto length = period_length(schedule);
  WorkingCalendar calendar = receiver;
  if (!schedule.office_hours) calendar.always = true;
  const auto counted = elapsed_counted(period_start, period_start + length, calendar, {});
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(counted).count();
  if (minutes <= 0) return std::nullopt;
  const auto minute = static_cast<std::int64_t>(random % static_cast<std::uint64_t>(minutes));
  // The start of working minute `minute`: the end of minute + 1 counted
  // minutes, less one (deadline_at(start, 0) is `start` itself, even outside
  // office hours).
  auto end = deadline_at(period_start, minute + 1, calendar, {});
  if (!end) return std::nullopt;
  return *end - std::chrono::minutes(1);
}

}  // namespace hotline::model
