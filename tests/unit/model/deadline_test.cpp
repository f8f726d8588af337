#include "hotline/model/deadline.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "hotline/common/error.h"

namespace hotline::model {
namespace deadline_test {

using namespace std::chrono;
using std::chrono::minutes;

TimePoint ts(const char* text) {
  return parse_timestamp(text);
}

template <typename F>
void expect_error(const char* code, F&& f) {
  try {
    f();
    ADD_FAILURE() << "expected hotline::Error " << code;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
  }
}

const TimeZone& zone(const std::string& name) {
  static std::map<std::string, TimeZone> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, load_time_zone(name)).first;
  return it->second;
}

WorkingCalendar always(const std::string& tz = "UTC") {
  WorkingCalendar c;
  c.always = true;
  c.zone = zone(tz);
  return c;
}

// Monday to Friday, 09:00-17:00 local.
WorkingCalendar office(const std::string& tz, std::vector<std::string> holidays = {}) {
  WorkingCalendar c;
  c.always = false;
  c.zone = zone(tz);
  c.weekdays = {1, 2, 3, 4, 5};
  c.start_minute = 9 * 60;
  c.end_minute = 17 * 60;
  c.holidays = std::move(holidays);
  return c;
}

std::optional<TimePoint> due(const char* start, std::int64_t mins, const WorkingCalendar& c,
                             const std::vector<Pause>& pauses = {}) {
  return deadline_at(ts(start), mins, c, pauses);
}

std::string str(const std::optional<TimePoint>& t) {
  return t ? format_timestamp(*t) : std::string("nullopt");
}

// ---- 24/7 --------------------------------------------------------------------

TEST(Deadline, AlwaysIsPureUtcArithmeticAcrossDst) {
  for (const char* tz : {"UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe"}) {
    SCOPED_TRACE(tz);
    // Paris spring forward 2026-03-29, fall back 2026-10-25.
    EXPECT_EQ(str(due("2026-03-28T12:00:00.000Z", 1440, always(tz))), "2026-03-29T12:00:00.000Z");
    EXPECT_EQ(str(due("2026-10-24T12:00:00.000Z", 1440, always(tz))), "2026-10-25T12:00:00.000Z");
    EXPECT_EQ(str(due("2026-03-07T23:59:59.123Z", 15, always(tz))), "2026-03-08T00:14:59.123Z");
    EXPECT_EQ(str(due("2026-01-01T00:00:00.000Z", 43200, always(tz))), "2026-01-31T00:00:00.000Z");
  }
}

TEST(Deadline, ZeroMinutesIsTheStart) {
  EXPECT_EQ(str(due("2026-03-21T10:00:00.000Z", 0, office("Europe/Paris"))),
            "2026-03-21T10:00:00.000Z");
  EXPECT_EQ(str(due("2026-03-21T10:00:00.000Z", 0, always())), "2026-03-21T10:00:00.000Z");
}

// ---- office hours --------------------------------------------------------------

TEST(Deadline, OfficeHoursAcrossAWeekend) {
  // Friday 2026-03-20 16:00 CET + 2 h -> Monday 10:00 CET.
  EXPECT_EQ(str(due("2026-03-20T15:00:00.000Z", 120, office("Europe/Paris"))),
            "2026-03-23T09:00:00.000Z");
  // New York, Friday 2026-01-16 16:00 EST + 2 h -> Monday 10:00 EST.
  EXPECT_EQ(str(due("2026-01-16T21:00:00.000Z", 120, office("America/New_York"))),
            "2026-01-19T15:00:00.000Z");
}

TEST(Deadline, MetExactlyAtClosingTimeIsDueAtClosingTime) {
  // Friday 15:00 + 2 h -> Friday 17:00, not Monday 09:00.
  EXPECT_EQ(str(due("2026-03-20T14:00:00.000Z", 120, office("Europe/Paris"))),
            "2026-03-20T16:00:00.000Z");
}

TEST(Deadline, StartOutsideOfficeHoursStartsAtTheNextOpening) {
  const auto paris = office("Europe/Paris");
  // Saturday 10:00 -> clock starts Monday 09:00.
  EXPECT_EQ(str(due("2026-03-21T09:00:00.000Z", 60, paris)), "2026-03-23T09:00:00.000Z");
  // Sunday 23:59.
  EXPECT_EQ(str(due("2026-03-22T22:59:00.000Z", 60, paris)), "2026-03-23T09:00:00.000Z");
  // Monday 07:00 local.
  EXPECT_EQ(str(due("2026-03-23T06:00:00.000Z", 60, paris)), "2026-03-23T09:00:00.000Z");
  // Monday 18:00 local -> Tuesday 10:00.
  EXPECT_EQ(str(due("2026-03-23T17:00:00.000Z", 60, paris)), "2026-03-24T09:00:00.000Z");
  // Exactly at closing (17:00 is outside: end is exclusive).
  EXPECT_EQ(str(due("2026-03-23T16:00:00.000Z", 1, paris)), "2026-03-24T08:01:00.000Z");
}

TEST(Deadline, HolidayOnMonday) {
  // Easter Monday 2026-04-06: Friday 16:00 CEST + 2 h -> Tuesday 10:00 CEST.
  const auto paris = office("Europe/Paris", {"2026-12-25", "2026-04-06"});
  EXPECT_EQ(str(due("2026-04-03T14:00:00.000Z", 120, paris)), "2026-04-07T08:00:00.000Z");
  // Received on the holiday itself.
  EXPECT_EQ(str(due("2026-04-06T10:00:00.000Z", 60, paris)), "2026-04-07T08:00:00.000Z");
  // Holidays are local dates: in New York, a Monday holiday starts at local
  // midnight, which is 05:00Z.
  const auto ny = office("America/New_York", {"2026-01-19"});
  EXPECT_EQ(str(due("2026-01-16T21:00:00.000Z", 120, ny)), "2026-01-20T15:00:00.000Z");
}

TEST(Deadline, SpringForwardKeepsLocalOfficeHours) {
  // Paris: Friday 2026-03-27 16:00 CET (15:00Z) + 2 h -> Monday 10:00 CEST (08:00Z).
  EXPECT_EQ(str(due("2026-03-27T15:00:00.000Z", 120, office("Europe/Paris"))),
            "2026-03-30T08:00:00.000Z");
  // Three full days from Friday 09:00 CET: Fri, Mon, Tue -> Tue 17:00 CEST.
  EXPECT_EQ(str(due("2026-03-27T08:00:00.000Z", 1440, office("Europe/Paris"))),
            "2026-03-31T15:00:00.000Z");
  // New York: Friday 2026-03-06 16:00 EST (21:00Z) -> Monday 10:00 EDT (14:00Z).
  EXPECT_EQ(str(due("2026-03-06T21:00:00.000Z", 120, office("America/New_York"))),
            "2026-03-09T14:00:00.000Z");
}

TEST(Deadline, FallBackKeepsLocalOfficeHours) {
  // Paris: Friday 2026-10-23 16:00 CEST (14:00Z) -> Monday 10:00 CET (09:00Z).
  EXPECT_EQ(str(due("2026-10-23T14:00:00.000Z", 120, office("Europe/Paris"))),
            "2026-10-26T09:00:00.000Z");
  // New York: Friday 2026-10-30 16:00 EDT (20:00Z) -> Monday 10:00 EST (15:00Z).
  EXPECT_EQ(str(due("2026-10-30T20:00:00.000Z", 120, office("America/New_York"))),
            "2026-11-02T15:00:00.000Z");
  // Lord Howe (30-minute change on Sunday 2026-10-04): Friday 09:00 +10:30
  // plus three working days -> Tuesday 17:00 +11.
  EXPECT_EQ(str(due("2026-10-01T22:30:00.000Z", 1440, office("Australia/Lord_Howe"))),
            "2026-10-06T06:00:00.000Z");
}

TEST(Deadline, DstChangeInsideOfficeHoursChangesTheDayLength) {
  WorkingCalendar c = office("Europe/Paris");
  c.weekdays = {1, 2, 3, 4, 5, 6, 7};
  c.start_minute = 60;    // 01:00
  c.end_minute = 4 * 60;  // 04:00
  const std::vector<Pause> none;
  // Sunday 2026-03-29: 01:00 CET .. 04:00 CEST = 2 real hours.
  EXPECT_EQ(
      elapsed_counted(ts("2026-03-28T23:00:00.000Z"), ts("2026-03-29T22:00:00.000Z"), c, none),
      minutes(120));
  // Sunday 2026-10-25: 01:00 CEST .. 04:00 CET = 4 real hours.
  EXPECT_EQ(
      elapsed_counted(ts("2026-10-24T22:00:00.000Z"), ts("2026-10-25T23:00:00.000Z"), c, none),
      minutes(240));
  // An ordinary day: 3 hours.
  EXPECT_EQ(
      elapsed_counted(ts("2026-03-27T23:00:00.000Z"), ts("2026-03-28T23:00:00.000Z"), c, none),
      minutes(180));
}

TEST(Deadline, OfficeOpenAroundTheClockEqualsAlways) {
  std::mt19937_64 rng(7);
  for (const char* tz : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe"}) {
    WorkingCalendar c = office(tz);
    c.weekdays = {1, 2, 3, 4, 5, 6, 7};
    c.start_minute = 0;
    c.end_minute = 1440;
    for (int i = 0; i < 200; ++i) {
      const TimePoint start =
          ts("2026-01-01T00:00:00.000Z") + milliseconds(rng() % (366LL * 86400000));
      const auto m = static_cast<std::int64_t>(rng() % 20000) + 1;
      EXPECT_EQ(deadline_at(start, m, c, {}), deadline_at(start, m, always(tz), {}))
          << tz << " " << format_timestamp(start) << " +" << m;
    }
  }
}

TEST(Deadline, EndMinute1440IsMidnight) {
  WorkingCalendar c = office("Asia/Kolkata");
  c.start_minute = 20 * 60;
  c.end_minute = 1440;
  // Monday 2026-03-23 23:00 IST (17:30Z) + 2 h -> Tuesday 21:00 IST (15:30Z).
  EXPECT_EQ(str(due("2026-03-23T17:30:00.000Z", 120, c)), "2026-03-24T15:30:00.000Z");
  // Ends exactly at midnight: due at local midnight, Tuesday 00:00 IST.
  EXPECT_EQ(str(due("2026-03-23T17:30:00.000Z", 60, c)), "2026-03-23T18:30:00.000Z");
  // Friday 23:00 + 2 h -> Monday 21:00.
  EXPECT_EQ(str(due("2026-03-27T17:30:00.000Z", 120, c)), "2026-03-30T15:30:00.000Z");
}

TEST(Deadline, ThirtyWorkingDaysIsFastAndExact) {
  // 43200 working minutes = 90 days of 8 h = 18 weeks: Monday 2026-01-05
  // 09:00 CET -> Friday 2026-05-08 17:00 CEST.
  const auto paris = office("Europe/Paris");
  EXPECT_EQ(working_minutes_per_day(paris), 480);
  const auto begin = steady_clock::now();
  EXPECT_EQ(str(due("2026-01-05T08:00:00.000Z", 43200, paris)), "2026-05-08T15:00:00.000Z");
  EXPECT_LT(steady_clock::now() - begin, milliseconds(200));
}

// ---- pauses ----------------------------------------------------------------------

TEST(DeadlinePauses, OverlappingAdjacentAndBeforeStart) {
  const TimePoint t = ts("2026-03-02T10:00:00.000Z");
  const auto at = [&](int m) { return t + minutes(m); };
  const auto d = [&](std::vector<Pause> p) { return deadline_at(t, 60, always(), p); };
  EXPECT_EQ(d({}), at(60));
  EXPECT_EQ(d({{at(10), at(20)}, {at(15), at(30)}}), at(80));  // overlapping
  EXPECT_EQ(d({{at(15), at(30)}, {at(10), at(20)}}), at(80));  // any order
  EXPECT_EQ(d({{at(10), at(30)}, {at(12), at(14)}}), at(80));  // nested
  EXPECT_EQ(d({{at(10), at(20)}, {at(20), at(30)}}), at(80));  // adjacent
  EXPECT_EQ(d({{at(10), at(20)}, {at(40), at(45)}}), at(75));  // several
  EXPECT_EQ(d({{at(-120), at(-60)}}), at(60));                 // entirely before start
  EXPECT_EQ(d({{at(-60), at(15)}}), at(75));                   // begins before start
  EXPECT_EQ(d({{at(10), at(10)}}), at(60));                    // empty
  EXPECT_EQ(d({{at(60), at(90)}}), at(60));                    // begins at the deadline
  EXPECT_EQ(d({{at(59), at(90)}}), at(91));
}

TEST(DeadlinePauses, OpenPauseStopsTheClock) {
  const TimePoint t = ts("2026-03-02T10:00:00.000Z");
  const auto at = [&](int m) { return t + minutes(m); };
  EXPECT_EQ(deadline_at(t, 60, always(), std::vector<Pause>{{at(10), std::nullopt}}), std::nullopt);
  EXPECT_EQ(deadline_at(t, 60, always(), std::vector<Pause>{{at(-10), std::nullopt}}),
            std::nullopt);
  // Asked after the deadline had passed: the deadline stays.
  EXPECT_EQ(deadline_at(t, 60, always(), std::vector<Pause>{{at(70), std::nullopt}}), at(60));
  // A closed pause then an open one.
  EXPECT_EQ(
      deadline_at(t, 60, always(), std::vector<Pause>{{at(10), at(20)}, {at(50), std::nullopt}}),
      std::nullopt);
  // Office hours: open pause on Saturday, the deadline would be Monday.
  EXPECT_EQ(deadline_at(ts("2026-03-20T15:00:00.000Z"), 120, office("Europe/Paris"),
                        std::vector<Pause>{{ts("2026-03-21T12:00:00.000Z"), std::nullopt}}),
            std::nullopt);
  // Elapsed time stops growing at the open pause.
  const std::vector<Pause> open{{at(10), std::nullopt}};
  EXPECT_EQ(elapsed_counted(t, at(5), always(), open), minutes(5));
  EXPECT_EQ(elapsed_counted(t, at(500), always(), open), minutes(10));
}

TEST(DeadlinePauses, PausesWithOfficeHours) {
  const auto paris = office("Europe/Paris");
  // Friday 2026-03-20 16:00 CET; clarification from Friday 16:30 to Monday
  // 09:30: 30 min on Friday, 90 on Monday from 09:30 -> Monday 11:00 CET.
  EXPECT_EQ(deadline_at(ts("2026-03-20T15:00:00.000Z"), 120, paris,
                        std::vector<Pause>{
                            {ts("2026-03-20T15:30:00.000Z"), ts("2026-03-23T08:30:00.000Z")}}),
            ts("2026-03-23T10:00:00.000Z"));
  // A pause entirely outside office hours changes nothing.
  EXPECT_EQ(deadline_at(ts("2026-03-20T15:00:00.000Z"), 120, paris,
                        std::vector<Pause>{
                            {ts("2026-03-21T08:00:00.000Z"), ts("2026-03-22T20:00:00.000Z")},
                            {ts("2026-03-20T17:00:00.000Z"), ts("2026-03-21T07:00:00.000Z")}}),
            ts("2026-03-23T09:00:00.000Z"));
  // Several pauses on one working day: Monday 2026-03-02 09:00 CET + 4 h,
  // paused 10:00-11:00, 10:30-12:00 and 13:00-13:30 -> counted 09-10, 12-13,
  // 13:30-15:30 -> 15:30 CET.
  EXPECT_EQ(deadline_at(ts("2026-03-02T08:00:00.000Z"), 240, paris,
                        std::vector<Pause>{
                            {ts("2026-03-02T09:00:00.000Z"), ts("2026-03-02T10:00:00.000Z")},
                            {ts("2026-03-02T09:30:00.000Z"), ts("2026-03-02T11:00:00.000Z")},
                            {ts("2026-03-02T12:00:00.000Z"), ts("2026-03-02T12:30:00.000Z")}}),
            ts("2026-03-02T14:30:00.000Z"));
  // A pause across the deadline's own closing time: Friday 16:00 + 2 h,
  // paused 16:30 Friday .. 09:00 Monday (i.e. exactly the weekend and the
  // rest of Friday) -> Monday 10:30.
  EXPECT_EQ(deadline_at(ts("2026-03-20T15:00:00.000Z"), 120, paris,
                        std::vector<Pause>{
                            {ts("2026-03-20T15:30:00.000Z"), ts("2026-03-23T08:00:00.000Z")}}),
            ts("2026-03-23T09:30:00.000Z"));
}

// ---- elapsed_counted / permille -------------------------------------------------

TEST(DeadlineElapsed, BasicsAndPermille) {
  const auto paris = office("Europe/Paris");
  const std::vector<Pause> none;
  // Friday 16:00 CET .. Monday 10:00 CET = 2 working hours.
  EXPECT_EQ(
      elapsed_counted(ts("2026-03-20T15:00:00.000Z"), ts("2026-03-23T09:00:00.000Z"), paris, none),
      minutes(120));
  // A whole week: 5 x 8 h.
  EXPECT_EQ(
      elapsed_counted(ts("2026-03-16T00:00:00.000Z"), ts("2026-03-23T00:00:00.000Z"), paris, none),
      minutes(2400));
  EXPECT_EQ(
      elapsed_counted(ts("2026-03-23T09:00:00.000Z"), ts("2026-03-20T15:00:00.000Z"), paris, none),
      milliseconds(0));

  const TimePoint t = ts("2026-03-02T10:00:00.000Z");
  EXPECT_EQ(permille_used(t, t, 100, always(), none), 0);
  EXPECT_EQ(permille_used(t, t + minutes(50), 100, always(), none), 500);
  EXPECT_EQ(permille_used(t, t + minutes(80), 100, always(), none), 800);
  EXPECT_EQ(permille_used(t, t + minutes(100) - milliseconds(1), 100, always(), none), 999);
  EXPECT_EQ(permille_used(t, t + minutes(100), 100, always(), none), 1000);
  EXPECT_EQ(permille_used(t, t + minutes(150), 100, always(), none), 1500);
  // Friday 16:00 + 2 h office hours: on Saturday half is used.
  EXPECT_EQ(permille_used(ts("2026-03-20T15:00:00.000Z"), ts("2026-03-21T12:00:00.000Z"), 120,
                          paris, none),
            500);
}

TEST(DeadlineElapsed, ConsistentWithDeadlineForRandomInputs) {
  std::mt19937_64 rng(20260301);
  std::vector<WorkingCalendar> calendars = {
      always("UTC"),
      always("Europe/Paris"),
      office("Europe/Paris",
             {"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-12-25"}),
      office("America/New_York", {"2026-07-03", "2026-11-26"}),
      office("Asia/Kolkata"),
      office("Australia/Lord_Howe")};
  {
    WorkingCalendar c = office("Europe/Paris");
    c.weekdays = {1, 3, 6, 7};
    c.start_minute = 90;
    c.end_minute = 1440;
    calendars.push_back(c);
    c = office("America/New_York");
    c.start_minute = 0;
    c.end_minute = 150;  // 00:00-02:30, across the 02:00 changes
    c.weekdays = {7, 1};
    calendars.push_back(c);
  }
  const TimePoint base = ts("2025-10-01T00:00:00.000Z");
  int checked = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto& c = calendars[rng() % calendars.size()];
    const TimePoint start = base + milliseconds(rng() % (500LL * 86400000));
    const auto m = static_cast<std::int64_t>(rng() % 3 == 0 ? rng() % 43200 + 1 : rng() % 600 + 1);
    std::vector<Pause> pauses;
    const auto n = rng() % 4;
    for (std::uint64_t k = 0; k < n; ++k) {
      const TimePoint from = start - hours(24) + milliseconds(rng() % (20LL * 86400000));
      pauses.push_back({from, from + milliseconds(rng() % (3LL * 86400000))});
    }
    const auto d = deadline_at(start, m, c, pauses);
    ASSERT_TRUE(d.has_value());
    ASSERT_EQ(elapsed_counted(start, *d, c, pauses), minutes(m))
        << format_timestamp(start) << " +" << m << " -> " << format_timestamp(*d);
    // The earliest such instant.
    ASSERT_LT(elapsed_counted(start, *d - milliseconds(1), c, pauses), minutes(m));
    ASSERT_EQ(permille_used(start, *d, m, c, pauses), 1000);
    // Adding an open pause after the deadline changes nothing; before, it stops the clock.
    pauses.push_back({*d, std::nullopt});
    ASSERT_EQ(deadline_at(start, m, c, pauses), d);
    pauses.back().from = *d - milliseconds(1);
    ASSERT_EQ(deadline_at(start, m, c, pauses), std::nullopt);
    ++checked;
  }
  EXPECT_EQ(checked, 3000);
}

// ---- calendar_for and errors ----------------------------------------------------

TEST(DeadlineCalendar, CalendarForCopiesTheReceivingParty) {
  Party p;
  p.name = "Bundeskriminalamt";
  p.time_zone = "Europe/Paris";
  p.office_hours.weekdays = {1, 2, 3, 4};
  p.office_hours.start_minute = 8 * 60;
  p.office_hours.end_minute = 16 * 60 + 30;
  p.office_hours.holidays = {"2026-12-24"};
  DeadlineRule r{"request.information", "normal", 2880, 43200, Calendar::office_hours};
  const WorkingCalendar c = calendar_for(r, p, zone("Europe/Paris"));
  EXPECT_FALSE(c.always);
  EXPECT_EQ(c.zone, zone("Europe/Paris"));
  EXPECT_EQ(c.weekdays, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(c.start_minute, 480);
  EXPECT_EQ(c.end_minute, 990);
  EXPECT_EQ(c.holidays, (std::vector<std::string>{"2026-12-24"}));
  EXPECT_EQ(working_minutes_per_day(c), 510);
  r.calendar = Calendar::always;
  EXPECT_TRUE(calendar_for(r, p, zone("Europe/Paris")).always);
  EXPECT_EQ(working_minutes_per_day(calendar_for(r, p, zone("Europe/Paris"))), 1440);
  r.calendar = Calendar::office_hours;
  expect_error("calendar_invalid", [&] { calendar_for(r, p, zone("America/New_York")); });
}

TEST(DeadlineCalendar, RejectsBadInput) {
  const TimePoint t = ts("2026-03-02T10:00:00.000Z");
  const std::vector<Pause> none;
  expect_error("deadline_invalid", [&] { deadline_at(t, -1, always(), none); });
  expect_error("deadline_invalid", [&] {
    deadline_at(t, 60, always(), std::vector<Pause>{{t + minutes(5), t}});
  });
  expect_error("deadline_invalid", [&] {
    elapsed_counted(t, t + minutes(5), always(), std::vector<Pause>{{t + minutes(5), t}});
  });
  expect_error("deadline_invalid", [&] { permille_used(t, t, 0, always(), none); });
  const auto bad = [&](auto mutate) {
    WorkingCalendar c = office("Europe/Paris");
    mutate(c);
    expect_error("calendar_invalid", [&] { deadline_at(t, 60, c, none); });
    expect_error("calendar_invalid", [&] { elapsed_counted(t, t + hours(1), c, none); });
  };
  bad([](WorkingCalendar& c) { c.weekdays.clear(); });
  bad([](WorkingCalendar& c) { c.weekdays = {0, 1}; });
  bad([](WorkingCalendar& c) { c.weekdays = {8}; });
  bad([](WorkingCalendar& c) { c.start_minute = c.end_minute; });
  bad([](WorkingCalendar& c) { c.start_minute = -1; });
  bad([](WorkingCalendar& c) { c.end_minute = 1441; });
  bad([](WorkingCalendar& c) { c.holidays = {"2026-02-30"}; });
  bad([](WorkingCalendar& c) { c.holidays = {"2026-1-05"}; });
  bad([](WorkingCalendar& c) { c.holidays = {"tomorrow"}; });
}

TEST(DeadlineCalendar, AbsurdCalendarIsReportedNotLooped) {
  WorkingCalendar c = office("UTC");
  c.weekdays = {1};
  c.start_minute = 0;
  c.end_minute = 1;  // one minute a week
  expect_error("deadline_unreachable",
               [&] { deadline_at(ts("2026-03-02T10:00:00.000Z"), kMaxDeadlineMinutes, c, {}); });
}

TEST(DeadlineIntervals, WorkingIntervalsOfAWeekWithAHolidayAndTheClockChange) {
  // Paris, Mon 2026-03-23 .. Mon 2026-03-30 12:00Z, holiday Wednesday 25th;
  // the clocks go forward on Sunday 29th (CET 08:00-16:00Z, then CEST
  // 07:00-15:00Z). Starts inside Monday's hours, ends inside the last Monday's.
  const auto v = working_intervals(office("Europe/Paris", {"2026-03-25"}),
                                   ts("2026-03-23T10:00:00.000Z"), ts("2026-03-30T12:00:00.000Z"));
  std::vector<std::string> got;
  for (const auto& [a, b] : v) got.push_back(format_timestamp(a) + " " + format_timestamp(b));
  EXPECT_EQ(got, (std::vector<std::string>{"2026-03-23T10:00:00.000Z 2026-03-23T16:00:00.000Z",
                                           "2026-03-24T08:00:00.000Z 2026-03-24T16:00:00.000Z",
                                           "2026-03-26T08:00:00.000Z 2026-03-26T16:00:00.000Z",
                                           "2026-03-27T08:00:00.000Z 2026-03-27T16:00:00.000Z",
                                           "2026-03-30T07:00:00.000Z 2026-03-30T12:00:00.000Z"}));
  // Their total is what elapsed_counted counts over the same span.
  std::int64_t total = 0;
  for (const auto& [a, b] : v) total += (b - a).count();
  EXPECT_EQ(total, elapsed_counted(ts("2026-03-23T10:00:00.000Z"), ts("2026-03-30T12:00:00.000Z"),
                                   office("Europe/Paris", {"2026-03-25"}), {})
                       .count());
  // Always: the whole span; an empty span: nothing.
  const auto all =
      working_intervals(always(), ts("2026-03-23T10:00:00.000Z"), ts("2026-03-24T10:00:00.000Z"));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].second - all[0].first, std::chrono::hours(24));
  EXPECT_TRUE(
      working_intervals(always(), ts("2026-03-24T10:00:00.000Z"), ts("2026-03-24T10:00:00.000Z"))
          .empty());
}

}  // namespace deadline_test
}  // namespace hotline::model
