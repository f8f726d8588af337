#include "hotline/model/time_zone.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "hotline/common/error.h"

namespace hotline::model {
namespace time_zone_test {

using namespace std::chrono;

TimePoint ts(const char* text) {
  return parse_timestamp(text);
}

local_days day(int y, unsigned m, unsigned d) {
  return local_days(year_month_day{year{y}, month{m}, std::chrono::day{d}});
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

// ---- a handcrafted TZif file -------------------------------------------------

struct RawType {
  std::int32_t off;
  bool dst;
  std::uint8_t abbr;
};

void put32(std::string& s, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put64(std::string& s, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) s += static_cast<char>((u >> (8 * i)) & 0xff);
}

struct Tzif {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> idx;
  std::vector<RawType> types;
  std::string chars;
  std::string footer;
  std::uint32_t leapcnt = 0;
  bool footer_newlines = true;

  std::string header(std::uint32_t timecnt, std::uint32_t typecnt, std::uint32_t charcnt,
                     std::uint32_t leaps) const {
    std::string s = "TZif";
    s += version;
    s += std::string(15, '\0');
    put32(s, 0);  // isutcnt
    put32(s, 0);  // isstdcnt
    put32(s, leaps);
    put32(s, timecnt);
    put32(s, typecnt);
    put32(s, charcnt);
    return s;
  }

  std::string bytes() const {
    // A minimal version 1 block: one type, "UTC".
    std::string s = header(0, 1, 4, 0);
    put32(s, 0);
    s += '\0';
    s += '\0';
    s += std::string("UTC\0", 4);
    s += header(static_cast<std::uint32_t>(times.size()), static_cast<std::uint32_t>(types.size()),
                static_cast<std::uint32_t>(chars.size()), leapcnt);
    for (auto t : times) put64(s, t);
    for (auto i : idx) s += static_cast<char>(i);
    for (const auto& t : types) {
      put32(s, static_cast<std::uint32_t>(t.off));
      s += static_cast<char>(t.dst ? 1 : 0);
      s += static_cast<char>(t.abbr);
    }
    s += chars;
    for (std::uint32_t i = 0; i < leapcnt; ++i) {
      put64(s, 0);
      put32(s, 1);
    }
    if (footer_newlines) s += "\n" + footer + "\n";
    return s;
  }
};

// "Testland": LMT +0:17:30 until 1900, then TST +1, with TDT +2 from April 2000,
// then the footer rule.
Tzif testland() {
  Tzif t;
  t.chars = std::string("LMT\0TST\0TDT\0", 12);
  t.types = {{1050, false, 0}, {3600, false, 4}, {7200, true, 8}};
  t.times = {-2208988800, 954547200 /* 2000-04-01 */, 972781200 /* 2000-10-29T01Z */};
  t.idx = {1, 2, 1};
  t.footer = "TST-1TDT,M3.5.0,M10.5.0/3";
  return t;
}

TEST(TimeZoneTzif, ParsesHandcraftedFile) {
  const TimeZone z = TimeZone::parse_tzif(testland().bytes(), "Test/Land");
  EXPECT_EQ(z.name(), "Test/Land");
  EXPECT_EQ(z.posix_rule(), "TST-1TDT,M3.5.0,M10.5.0/3");
  ASSERT_EQ(z.transitions().size(), 3u);
  EXPECT_EQ(z.type_at(ts("1890-01-01T00:00:00.000Z")),
            (LocalTimeType{1050, false, "LMT"}));  // before the first: type 0
  EXPECT_EQ(z.type_at(ts("1950-07-01T00:00:00.000Z")), (LocalTimeType{3600, false, "TST"}));
  EXPECT_EQ(z.type_at(ts("2000-06-01T00:00:00.000Z")), (LocalTimeType{7200, true, "TDT"}));
  EXPECT_EQ(z.offset_at(ts("2000-10-29T00:59:59.999Z")), seconds(7200));
  EXPECT_EQ(z.offset_at(ts("2000-10-29T01:00:00.000Z")), seconds(3600));
  // After the last transition: the footer (EU rule).
  EXPECT_EQ(z.offset_at(ts("2001-03-25T00:59:59.999Z")), seconds(3600));
  EXPECT_EQ(z.offset_at(ts("2001-03-25T01:00:00.000Z")), seconds(7200));
  EXPECT_EQ(z.type_at(ts("2001-07-01T00:00:00.000Z")).abbreviation, "TDT");
}

TEST(TimeZoneTzif, EmptyFooterKeepsLastType) {
  Tzif t = testland();
  t.footer = "";
  const TimeZone z = TimeZone::parse_tzif(t.bytes(), "Test/Land");
  EXPECT_EQ(z.posix_rule(), "");
  EXPECT_EQ(z.offset_at(ts("2030-07-01T00:00:00.000Z")), seconds(3600));
}

TEST(TimeZoneTzif, NoTransitionsUsesFooterOrTypeZero) {
  Tzif t;
  t.chars = std::string("XYZ\0", 4);
  t.types = {{-12600, false, 0}};
  t.footer = "XYZ3:30";
  TimeZone z = TimeZone::parse_tzif(t.bytes(), "X");
  EXPECT_EQ(z.offset_at(ts("2026-01-01T00:00:00.000Z")), seconds(-12600));
  t.footer = "";
  z = TimeZone::parse_tzif(t.bytes(), "X");
  EXPECT_EQ(z.offset_at(ts("1800-01-01T00:00:00.000Z")), seconds(-12600));
}

TEST(TimeZoneTzif, AcceptsVersion3And4) {
  for (char v : {'3', '4'}) {
    Tzif t = testland();
    t.version = v;
    EXPECT_EQ(TimeZone::parse_tzif(t.bytes(), "T").offset_at(ts("2000-06-01T00:00:00.000Z")),
              seconds(7200));
  }
}

TEST(TimeZoneTzif, RejectsMalformed) {
  const auto bad = [](const Tzif& t, const char* why) {
    SCOPED_TRACE(why);
    expect_error("time_zone_invalid", [&] { TimeZone::parse_tzif(t.bytes(), "T"); });
  };
  Tzif t = testland();
  t.version = '\0';
  bad(t, "version 1");
  t = testland();
  t.idx[1] = 3;
  bad(t, "type index out of range");
  t = testland();
  t.times[2] = t.times[1];
  bad(t, "times not ascending");
  t = testland();
  t.leapcnt = 1;
  bad(t, "leap seconds");
  t = testland();
  t.types[1].abbr = 12;
  bad(t, "abbreviation index");
  t = testland();
  t.types[0].off = std::numeric_limits<std::int32_t>::min();
  bad(t, "offset -2^31");
  t = testland();
  t.types[0].dst = true;
  {
    std::string b = t.bytes();
    // isdst = 2 for the first type of the 64-bit block.
    const std::size_t pos = b.find(std::string("LMT\0TST", 7)) - 3 * 6 + 4;
    b[pos] = 2;
    expect_error("time_zone_invalid", [&] { TimeZone::parse_tzif(b, "T"); });
  }
  t = testland();
  t.chars = "LMTxTSTxTDTx";
  bad(t, "abbreviations not NUL-terminated");
  t = testland();
  t.footer = "CET-1CEST,M3.5.0";
  bad(t, "bad footer rule");
  t = testland();
  t.footer_newlines = false;
  bad(t, "no footer");
  t = testland();
  t.types.clear();
  t.idx = {};
  t.times = {};
  bad(t, "no types");

  expect_error("time_zone_invalid", [] { TimeZone::parse_tzif("", "T"); });
  expect_error("time_zone_invalid", [] { TimeZone::parse_tzif("TZiX2", "T"); });
  // Every truncation of a valid file is rejected (none crashes).
  const std::string good = testland().bytes();
  for (std::size_t n = 0; n < good.size(); ++n) {
    SCOPED_TRACE(n);
    expect_error("time_zone_invalid", [&] { TimeZone::parse_tzif(good.substr(0, n), "T"); });
  }
  EXPECT_NO_THROW(TimeZone::parse_tzif(good, "T"));
}

// ---- POSIX TZ rules ----------------------------------------------------------

TEST(TimeZonePosix, EuropeanRule) {
  const TimeZone z = TimeZone::from_posix("P", "CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(z.offset_at(ts("2031-03-30T00:59:59.000Z")), seconds(3600));
  EXPECT_EQ(z.offset_at(ts("2031-03-30T01:00:00.000Z")), seconds(7200));
  EXPECT_EQ(z.offset_at(ts("2031-10-26T00:59:59.000Z")), seconds(7200));
  EXPECT_EQ(z.offset_at(ts("2031-10-26T01:00:00.000Z")), seconds(3600));
  EXPECT_EQ(z.type_at(ts("2031-07-01T00:00:00.000Z")), (LocalTimeType{7200, true, "CEST"}));
}

TEST(TimeZonePosix, SouthernHemisphereAndHalfHourDst) {
  // Lord Howe: +10:30, +11 in summer from the first Sunday of October 02:00
  // (standard time) to the first Sunday of April 02:00 (summer time).
  const TimeZone z = TimeZone::from_posix("LH", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  EXPECT_EQ(z.offset_at(ts("2031-01-15T00:00:00.000Z")), seconds(39600));
  EXPECT_EQ(z.offset_at(ts("2031-07-15T00:00:00.000Z")), seconds(37800));
  EXPECT_EQ(z.type_at(ts("2031-07-15T00:00:00.000Z")).abbreviation, "+1030");
  // 2031-04-06 02:00 +11 = 2031-04-05T15:00Z; 2031-10-05 02:00 +10:30 = 15:30Z the day before.
  EXPECT_EQ(z.offset_at(ts("2031-04-05T14:59:59.000Z")), seconds(39600));
  EXPECT_EQ(z.offset_at(ts("2031-04-05T15:00:00.000Z")), seconds(37800));
  EXPECT_EQ(z.offset_at(ts("2031-10-04T15:29:59.000Z")), seconds(37800));
  EXPECT_EQ(z.offset_at(ts("2031-10-04T15:30:00.000Z")), seconds(39600));
}

TEST(TimeZonePosix, JulianAndZeroBasedDaysAndOddTimes) {
  // J60 is always 1 March; 59 (zero-based) is 29 February in a leap year.
  const TimeZone j = TimeZone::from_posix("J", "AAA0BBB,J60/0,J300/0");
  EXPECT_EQ(j.offset_at(ts("2032-02-29T23:59:59.000Z")), seconds(0));
  EXPECT_EQ(j.offset_at(ts("2032-03-01T00:00:00.000Z")), seconds(3600));
  const TimeZone n = TimeZone::from_posix("N", "AAA0BBB,59/0,299/0");
  EXPECT_EQ(n.offset_at(ts("2032-02-28T23:59:59.000Z")), seconds(0));
  EXPECT_EQ(n.offset_at(ts("2032-02-29T00:00:00.000Z")), seconds(3600));
  EXPECT_EQ(n.offset_at(ts("2031-03-01T00:00:00.000Z")), seconds(3600));  // no 29 Feb
  // Negative rule times (Greenland): -1 h on the last Sunday of March.
  const TimeZone g = TimeZone::from_posix("G", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  // 2031-03-30 is the last Sunday: -1:00 local (-02) = 2031-03-29T23:00 local = 01:00Z.
  EXPECT_EQ(g.offset_at(ts("2031-03-30T00:59:59.000Z")), seconds(-7200));
  EXPECT_EQ(g.offset_at(ts("2031-03-30T01:00:00.000Z")), seconds(-3600));
  // Times beyond 24 h (RFC 8536) and DST all year: "EST5EDT,0/0,J365/25".
  const TimeZone a = TimeZone::from_posix("A", "EST5EDT,0/0,J365/25");
  for (const char* t : {"2031-01-01T00:00:00.000Z", "2031-06-01T00:00:00.000Z",
                        "2031-12-31T23:59:59.000Z", "2032-01-01T05:00:00.000Z"})
    EXPECT_EQ(a.offset_at(ts(t)), seconds(-4 * 3600)) << t;
  EXPECT_TRUE(a.transitions_between(ts("2031-01-01T00:00:00.000Z"), ts("2034-01-01T00:00:00.000Z"))
                  .empty());
  // A DST name without rule: the US rule; DST offset defaults to std + 1 h.
  const TimeZone us = TimeZone::from_posix("US", "EST5EDT");
  EXPECT_EQ(us.offset_at(ts("2031-03-09T06:59:59.000Z")), seconds(-5 * 3600));
  EXPECT_EQ(us.offset_at(ts("2031-03-09T07:00:00.000Z")), seconds(-4 * 3600));
  // Explicit seconds in offsets.
  EXPECT_EQ(TimeZone::from_posix("S", "<+0019>-0:19:32").offset_at(ts("2031-01-01T00:00:00.000Z")),
            seconds(19 * 60 + 32));
  EXPECT_EQ(TimeZone::from_posix("S", "<-0330>+3:30").offset_at(ts("2031-01-01T00:00:00.000Z")),
            seconds(-12600));
}

TEST(TimeZonePosix, RejectsBadRules) {
  for (const char* r :
       {"", "C-1", "CET", "CET-1CEST,", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J10",
        "CET-1CEST,J366,J10", "CET-1CEST,366,J10", "CET-25", "<+05", "<+0>5",
        "CET-1CEST,M3.5.0/168,M10.5.0", "CET-1 ", "CET-1CEST,M3.5.0,M10.5.0x", "CET-1:60"}) {
    SCOPED_TRACE(r);
    expect_error("time_zone_invalid", [&] { TimeZone::from_posix("X", r); });
  }
}

// ---- real zones (tzdata) -------------------------------------------------------

TEST(TimeZoneReal, KnownOffsetsAndTransitions) {
  const TimeZone& paris = zone("Europe/Paris");
  EXPECT_EQ(paris.offset_at(ts("2026-01-15T12:00:00.000Z")), seconds(3600));
  EXPECT_EQ(paris.offset_at(ts("2026-07-15T12:00:00.000Z")), seconds(7200));
  auto tr =
      paris.transitions_between(ts("2026-01-01T00:00:00.000Z"), ts("2027-01-01T00:00:00.000Z"));
  ASSERT_EQ(tr.size(), 2u);
  EXPECT_EQ(tr[0].at, ts("2026-03-29T01:00:00.000Z").time_since_epoch().count() / 1000);
  EXPECT_EQ(tr[0].type, (LocalTimeType{7200, true, "CEST"}));
  EXPECT_EQ(tr[1].at, ts("2026-10-25T01:00:00.000Z").time_since_epoch().count() / 1000);

  const TimeZone& ny = zone("America/New_York");
  tr = ny.transitions_between(ts("2026-01-01T00:00:00.000Z"), ts("2027-01-01T00:00:00.000Z"));
  ASSERT_EQ(tr.size(), 2u);
  EXPECT_EQ(tr[0].at, ts("2026-03-08T07:00:00.000Z").time_since_epoch().count() / 1000);
  EXPECT_EQ(tr[1].at, ts("2026-11-01T06:00:00.000Z").time_since_epoch().count() / 1000);
  EXPECT_EQ(tr[1].type, (LocalTimeType{-18000, false, "EST"}));

  const TimeZone& kolkata = zone("Asia/Kolkata");
  EXPECT_EQ(kolkata.offset_at(ts("2026-07-15T12:00:00.000Z")), seconds(19800));
  EXPECT_TRUE(
      kolkata.transitions_between(ts("2000-01-01T00:00:00.000Z"), ts("2050-01-01T00:00:00.000Z"))
          .empty());
  EXPECT_EQ(kolkata.offset_at(ts("1943-01-01T00:00:00.000Z")), seconds(23400));  // war time

  const TimeZone& lh = zone("Australia/Lord_Howe");
  EXPECT_EQ(lh.offset_at(ts("2026-01-15T00:00:00.000Z")), seconds(39600));
  EXPECT_EQ(lh.offset_at(ts("2026-07-15T00:00:00.000Z")), seconds(37800));
  EXPECT_EQ(lh.offset_at(ts("2026-10-03T15:29:59.000Z")), seconds(37800));
  EXPECT_EQ(lh.offset_at(ts("2026-10-03T15:30:00.000Z")), seconds(39600));

  const TimeZone& utc = zone("UTC");
  EXPECT_EQ(utc.offset_at(ts("2026-07-15T00:00:00.000Z")), seconds(0));
  EXPECT_EQ(TimeZone::utc().offset_at(ts("2026-07-15T00:00:00.000Z")), seconds(0));
  EXPECT_EQ(TimeZone::utc().name(), "UTC");
}

// The footer rule and the table (tzdata's "fat" files list transitions up to
// 2037) must agree; after 2037 only the footer speaks.
TEST(TimeZoneReal, FooterAgreesWithTable2030To2040) {
  for (const char* name : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe"}) {
    SCOPED_TRACE(name);
    const TimeZone& full = zone(name);
    const TimeZone rule_only = TimeZone::from_posix(name, full.posix_rule());
    const TimePoint from = ts("2030-01-01T00:00:00.000Z"), to = ts("2041-01-01T00:00:00.000Z");
    const auto a = full.transitions_between(from, to);
    const auto b = rule_only.transitions_between(from, to);
    EXPECT_EQ(a.size(), 22u);
    EXPECT_EQ(a, b);
    for (TimePoint t = from; t < to; t += hours(1))
      ASSERT_EQ(full.type_at(t), rule_only.type_at(t)) << format_timestamp(t);
  }
}

TEST(TimeZoneReal, TableIsUsedBeforeTheLastTransition) {
  // Paris in 1990 (EU rule of the time: last Sunday of September).
  const TimeZone& paris = zone("Europe/Paris");
  EXPECT_EQ(paris.offset_at(ts("1990-09-30T00:59:59.000Z")), seconds(7200));
  EXPECT_EQ(paris.offset_at(ts("1990-09-30T01:00:00.000Z")), seconds(3600));
  // New York before 2007: first Sunday of April.
  const TimeZone& ny = zone("America/New_York");
  EXPECT_EQ(ny.offset_at(ts("2006-03-20T12:00:00.000Z")), seconds(-5 * 3600));
  EXPECT_EQ(ny.offset_at(ts("2006-04-02T07:00:00.000Z")), seconds(-4 * 3600));
}

TEST(TimeZoneLocal, GapsMapAfterTheGapOverlapsToTheEarlierInstant) {
  const TimeZone& paris = zone("Europe/Paris");
  // Spring forward 2026-03-29: 02:00..03:00 does not exist.
  EXPECT_EQ(paris.local_to_utc(day(2026, 3, 29), 2 * 60 + 30), ts("2026-03-29T01:00:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 3, 29), 2 * 60), ts("2026-03-29T01:00:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 3, 29), 119), ts("2026-03-29T00:59:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 3, 29), 3 * 60), ts("2026-03-29T01:00:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 3, 29), 9 * 60), ts("2026-03-29T07:00:00.000Z"));
  // Fall back 2026-10-25: 02:00..03:00 happens twice; the earlier (CEST) wins.
  EXPECT_EQ(paris.local_to_utc(day(2026, 10, 25), 2 * 60 + 30), ts("2026-10-25T00:30:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 10, 25), 2 * 60), ts("2026-10-25T00:00:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 10, 25), 3 * 60), ts("2026-10-25T02:00:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 10, 25), 1440), ts("2026-10-25T23:00:00.000Z"));
  EXPECT_EQ(paris.local_to_utc(day(2026, 10, 25), 0), ts("2026-10-24T22:00:00.000Z"));

  const TimeZone& ny = zone("America/New_York");
  EXPECT_EQ(ny.local_to_utc(day(2026, 3, 8), 2 * 60 + 30), ts("2026-03-08T07:00:00.000Z"));
  EXPECT_EQ(ny.local_to_utc(day(2026, 11, 1), 60 + 30), ts("2026-11-01T05:30:00.000Z"));
  EXPECT_EQ(ny.local_to_utc(day(2026, 11, 1), 2 * 60), ts("2026-11-01T07:00:00.000Z"));

  const TimeZone& lh = zone("Australia/Lord_Howe");  // 30-minute changes
  EXPECT_EQ(lh.local_to_utc(day(2026, 10, 4), 2 * 60 + 15), ts("2026-10-03T15:30:00.000Z"));
  EXPECT_EQ(lh.local_to_utc(day(2026, 10, 4), 2 * 60 + 30), ts("2026-10-03T15:30:00.000Z"));
  EXPECT_EQ(lh.local_to_utc(day(2026, 4, 5), 60 + 45), ts("2026-04-04T14:45:00.000Z"));
  EXPECT_EQ(lh.local_to_utc(day(2026, 4, 5), 2 * 60), ts("2026-04-04T15:30:00.000Z"));

  const TimeZone& kolkata = zone("Asia/Kolkata");
  EXPECT_EQ(kolkata.local_to_utc(day(2026, 1, 1), 0), ts("2025-12-31T18:30:00.000Z"));
}

TEST(TimeZoneLocal, RoundTripsEveryHourOfADecade) {
  for (const char* name :
       {"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}) {
    SCOPED_TRACE(name);
    const TimeZone& z = zone(name);
    int repeated = 0;
    for (TimePoint u = ts("2020-01-01T00:00:00.000Z"); u < ts("2030-01-01T00:00:00.000Z");
         u += minutes(30)) {
      const auto local = z.to_local(u);
      const auto d = floor<days>(local);
      const int minute = static_cast<int>(duration_cast<minutes>(local - d).count());
      const TimePoint back = z.local_to_utc(d, minute);
      if (back != u) {
        // Only the second occurrence of a repeated local time maps elsewhere:
        // to the earlier instant with the same wall-clock reading.
        ASSERT_LT(back, u) << format_timestamp(u);
        ASSERT_EQ(z.to_local(back), local) << format_timestamp(u);
        ++repeated;
      }
    }
    if (std::string(name) == "Europe/Paris" || std::string(name) == "America/New_York") {
      EXPECT_EQ(repeated, 20);  // two half-hours per fall back, 10 years
    }
    if (std::string(name) == "Australia/Lord_Howe") {
      EXPECT_EQ(repeated, 10);  // one half-hour per fall back
    }
  }
}

// ---- loading -----------------------------------------------------------------

TEST(TimeZoneLoad, RejectsBadAndUnknownNames) {
  for (const char* name :
       {"", "/etc/passwd", "../etc/passwd", "Europe/../../etc/passwd", "Europe/..", "..",
        "Europe//Paris", "Europe/Paris/", "Nowhere/City", "Europe", "Europe/Paris\n",
        "Europe/Par is", "Europe\\Paris", "zone.tab", "tzdata.zi", ".hidden", "Europe/.x"}) {
    SCOPED_TRACE(name);
    expect_error("time_zone_unknown", [&] { load_time_zone(name); });
  }
  expect_error("time_zone_unknown", [] { load_time_zone(std::string("UTC\0x", 5)); });
}

TEST(TimeZoneLoad, LoadsFromAGivenDirectory) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("hotline_tz_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "Test");
  {
    std::ofstream(dir / "Test" / "Land", std::ios::binary) << testland().bytes();
    std::ofstream(dir / "Test" / "Broken", std::ios::binary) << testland().bytes().substr(0, 80);
  }
  const TimeZone z = load_time_zone("Test/Land", dir);
  EXPECT_EQ(z.name(), "Test/Land");
  EXPECT_EQ(z, TimeZone::parse_tzif(testland().bytes(), "Test/Land"));
  expect_error("time_zone_invalid", [&] { load_time_zone("Test/Broken", dir); });
  expect_error("time_zone_unknown", [&] { load_time_zone("Test/Missing", dir); });
  std::filesystem::remove_all(dir);
}

TEST(TimeZoneLoad, TzdbVersionFromTzdataZiOrVersionFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("hotline_tzver_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  EXPECT_EQ(tzdb_version(dir), "");
  write("+VERSION", "2030c\n");
  EXPECT_EQ(tzdb_version(dir), "2030c");
  write("tzdata.zi",
        "# version 2031a\r\n# This zic input file is in the public domain.\nR d 1916 o\n");
  EXPECT_EQ(tzdb_version(dir), "2031a");
  write("tzdata.zi", "# version 2031a\x1b[31m\n");  // not a plain version: +VERSION
  EXPECT_EQ(tzdb_version(dir), "2030c");
  write("+VERSION", "");
  EXPECT_EQ(tzdb_version(dir), "");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(tzdb_version(dir), "");

  if (std::filesystem::exists("/usr/share/zoneinfo/tzdata.zi")) {
    const std::string v = tzdb_version();
    EXPECT_TRUE(v.size() >= 5 && std::isdigit(static_cast<unsigned char>(v[0])) &&
                std::islower(static_cast<unsigned char>(v.back())))
        << v;
  }
}

TEST(TimeZoneLoad, LeapSecondZonesAreRejected) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/right/Europe/Paris")) GTEST_SKIP();
  expect_error("time_zone_invalid", [] { load_time_zone("right/Europe/Paris"); });
}

}  // namespace time_zone_test
}  // namespace hotline::model
