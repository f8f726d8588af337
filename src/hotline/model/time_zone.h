// Time zones without a time-zone database in the standard library (libstdc++
// 12 has none): a TimeZone is a plain value holding the UTC offset rules of
// one IANA zone, read from a TZif file (RFC 8536).
//
// Pure: every member function is arithmetic on the value. The two functions
// in this file that do I/O are load_time_zone() (reads one file below
// /usr/share/zoneinfo) and tzdb_version(); the service layer calls
// load_time_zone(), caches the zones, and hands TimeZone values to pure code
// (deadline.h). Why this reader and not a library: docs/development.md.
//
// Errors (hotline::Error codes):
//   time_zone_unknown  load_time_zone(): bad name ("..", leading "/", odd
//                      characters) or no such zone file
//   time_zone_invalid  parse_tzif()/from_posix(): malformed TZif data or TZ rule
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"

namespace hotline::model {

// One local time type: "CEST", UTC+2, daylight saving.
struct LocalTimeType {
  std::int32_t offset_seconds = 0;  // east of UTC: Paris summer = +7200
  bool is_dst = false;
  std::string abbreviation;  // "CEST", "+0530", "UTC"
  bool operator==(const LocalTimeType&) const = default;
};

// From `at` (UTC seconds since 1970) on, local time is `type`.
struct Transition {
  std::int64_t at = 0;
  LocalTimeType type;
  bool operator==(const Transition&) const = default;
};

class TimeZone {
 public:
  // UTC.
  TimeZone();
  static TimeZone utc();

  // Parses a TZif file of version 2 or later (RFC 8536): the 64-bit data
  // block and the footer TZ string. Version 1 files and files with leap-second
  // records ("right/..." zones) are rejected. Throws time_zone_invalid.
  static TimeZone parse_tzif(std::string_view bytes, std::string name);

  // A zone given only by a POSIX TZ rule, e.g. "CET-1CEST,M3.5.0,M10.5.0/3",
  // "<+0530>-5:30", "EST5EDT,M3.2.0,M11.1.0", with RFC 8536's extensions
  // (hours -167..167 in rule times). Dates: Mm.w.d (month, week 1..5 with 5 =
  // last, weekday 0 = Sunday), Jn (1..365, 29 February never counted) and n
  // (0..365, counted). Default rule time 02:00:00; a DST name without rule
  // uses the US rule M3.2.0,M11.1.0 (as glibc does). Throws time_zone_invalid.
  static TimeZone from_posix(std::string name, std::string_view rule);

  const std::string& name() const { return name_; }
  // The footer rule as read ("" if none), for diagnostics.
  const std::string& posix_rule() const { return footer_text_; }
  // The explicit transitions of the TZif file, ascending.
  const std::vector<Transition>& transitions() const { return transitions_; }

  // The local time type in force at `utc` (the table, then the footer rule
  // for instants after the last transition, as RFC 8536 says).
  LocalTimeType type_at(TimePoint utc) const;
  std::chrono::seconds offset_at(TimePoint utc) const;

  // Wall-clock time at `utc`: utc + offset.
  std::chrono::local_time<std::chrono::milliseconds> to_local(TimePoint utc) const;

  // The instant at which local wall-clock time reads `minute_of_day` minutes
  // (0 .. 1440; 1440 = midnight at the end of the day) after the start of
  // `date`. A local time that occurs twice (fall back) maps to the earlier
  // instant; one that does not exist (spring forward gap) maps to the instant
  // after the gap, i.e. the moment of the transition (Paris, 29 March 2026,
  // 02:30 -> 01:00:00Z, which reads 03:00 CEST).
  TimePoint local_to_utc(std::chrono::local_days date, int minute_of_day) const;

  // Every change of offset, DST flag or abbreviation with from <= at < to,
  // ascending, from the table and the footer rule alike.
  std::vector<Transition> transitions_between(TimePoint from, TimePoint to) const;

  bool operator==(const TimeZone&) const = default;

  // A parsed POSIX TZ footer (public only so that it can be compared).
  struct RuleDate {
    enum Kind { julian_no_leap, zero_based, month_week_day } kind = month_week_day;
    int day = 0;  // J: 1..365, n: 0..365, M: weekday 0..6
    int month = 0, week = 0;
    std::int32_t time = 7200;  // seconds after local midnight, -167h..167h
    bool operator==(const RuleDate&) const = default;
  };
  struct PosixRule {
    LocalTimeType standard;
    std::optional<LocalTimeType> dst;
    RuleDate start, end;  // dst begins at start (standard time), ends at end (dst time)
    bool operator==(const PosixRule&) const = default;
  };

 private:
  LocalTimeType type_at_seconds(std::int64_t utc_seconds) const;
  std::vector<Transition> transitions_between_seconds(std::int64_t from, std::int64_t to) const;

  std::string name_;
  LocalTimeType initial_;                // before the first transition
  std::vector<Transition> transitions_;  // ascending by `at`
  std::string footer_text_;
  std::optional<PosixRule> footer_;
};

// The one I/O function of the model: reads `zoneinfo_dir / iana_name` and
// parses it. Names must look like IANA names ("Europe/Paris", "UTC",
// "America/Argentina/Buenos_Aires", "Etc/GMT+5"): letters, digits, "/", "_",
// "-", "+", "."; no "..", no leading "/". A bad name, a missing file, a
// directory or a file that is not TZif throws time_zone_unknown; a corrupt
// TZif file throws time_zone_invalid. Debian: package tzdata.
TimeZone load_time_zone(const std::string& iana_name,
                        const std::filesystem::path& zoneinfo_dir = "/usr/share/zoneinfo");

// The version of the time-zone database in `zoneinfo_dir`, e.g. "2025b": the
// "# version" line that starts tzdata.zi (Debian's tzdata has it), else the
// first line of +VERSION; "" if neither says (or says something that is not
// a plain version: digits, a-z, '.', '-', at most 16 characters). Reads the
// files; does not throw.
std::string tzdb_version(const std::filesystem::path& zoneinfo_dir = "/usr/share/zoneinfo");

}  // namespace hotline::model
