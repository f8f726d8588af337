#include "hotline/model/check_schedule.h"

#include <gtest/gtest.h>

#include <set>

#include "hotline/common/error.h"

namespace hotline::model {
namespace check_schedule_test {

using namespace std::chrono;

TimePoint ts(const char* text) {
  return parse_timestamp(text);
}

// Paris office hours, Monday to Friday 09:00-17:00, with 1 May a holiday.
WorkingCalendar paris_office() {
  WorkingCalendar c;
  c.always = false;
  c.zone = load_time_zone("Europe/Paris");
  c.holidays = {"2026-05-01"};
  return c;
}

TEST(CheckSchedule, PeriodsCountFromTheOrigin) {
  const CheckSchedule monthly{30, true};
  const TimePoint origin = ts("2026-04-01T00:00:00.000Z");
  EXPECT_EQ(check_period(monthly, origin, origin), 0);
  EXPECT_EQ(check_period(monthly, origin, ts("2026-04-30T23:59:59.999Z")), 0);
  EXPECT_EQ(check_period(monthly, origin, ts("2026-05-01T00:00:00.000Z")), 1);
  EXPECT_EQ(check_period(monthly, origin, ts("2026-03-31T23:59:59.999Z")), -1);
  EXPECT_EQ(check_period_start(monthly, origin, 2), ts("2026-05-31T00:00:00.000Z"));
}

// Within office hours, every moment drawn is a working minute of the
// receiving office and lies inside its period; different draws spread
// over the period.
TEST(CheckSchedule, OfficeHoursMomentsFallInWorkingTime) {
  const CheckSchedule weekly{7, true};
  const auto calendar = paris_office();
  const TimePoint start = ts("2026-04-27T00:00:00.000Z");  // a Monday; Friday 1 May a holiday
  std::set<std::int64_t> days;
  for (std::uint64_t r = 0; r < 2000; r += 7) {
    auto m = check_moment(weekly, start, calendar, r * 2654435761u);
    ASSERT_TRUE(m.has_value());
    ASSERT_GE(*m, start);
    ASSERT_LT(*m, start + std::chrono::days(7));
    const auto local = calendar.zone.to_local(*m);
    const auto day = floor<std::chrono::days>(local);
    const year_month_day ymd{day};
    const weekday wd{day};
    const auto minute = duration_cast<minutes>(local - day).count();
    EXPECT_TRUE(wd != Saturday && wd != Sunday) << format_timestamp(*m);
    EXPECT_FALSE(ymd.month() == May && ymd.day() == std::chrono::day{1}) << format_timestamp(*m);
    EXPECT_GE(minute, 9 * 60) << format_timestamp(*m);
    EXPECT_LT(minute, 17 * 60) << format_timestamp(*m);
    days.insert(day.time_since_epoch().count());
  }
  EXPECT_EQ(days.size(), 4u);  // Monday to Thursday: Friday is the holiday
}

TEST(CheckSchedule, AnyHourUsesEveryMinute) {
  const CheckSchedule daily{1, false};
  const TimePoint start = ts("2026-05-02T00:00:00.000Z");  // a Saturday
  EXPECT_EQ(check_moment(daily, start, paris_office(), 0), start);
  EXPECT_EQ(check_moment(daily, start, paris_office(), 1439), start + minutes(1439));
  EXPECT_EQ(check_moment(daily, start, paris_office(), 1440), start);
}

TEST(CheckSchedule, NoChecksOrNoWorkingTimeMeansNoMoment) {
  EXPECT_FALSE(
      check_moment(CheckSchedule{0, true}, ts("2026-05-04T00:00:00.000Z"), paris_office(), 5));
  // A one-day period on a Sunday has no working minute.
  EXPECT_FALSE(
      check_moment(CheckSchedule{1, true}, ts("2026-05-03T00:00:00.000Z"), paris_office(), 5));
  try {
    (void)check_period(CheckSchedule{367, true}, TimePoint{}, TimePoint{});
    ADD_FAILURE() << "a 367-day period was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "deadline_invalid");
  }
}

}  // namespace check_schedule_test
}  // namespace hotline::model
