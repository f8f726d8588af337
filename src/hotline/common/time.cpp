#include "hotline/common/time.h"

#include <cstdio>

#include "hotline/common/error.h"

namespace hotline {

std::string format_timestamp(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()),
                static_cast<long>(hms.subseconds().count()));
  return buf;
}

TimePoint parse_timestamp(std::string_view s) {
  using namespace std::chrono;
  auto fail = [&]() -> TimePoint {
    throw Error(ErrorCategory::invalid_input, "timestamp_invalid",
                "timestamp '" + std::string(s.substr(0, 40)) +
                    "' is not in the form YYYY-MM-DDTHH:MM:SS.mmmZ (UTC, milliseconds)");
  };
  // 0123456789012345678901234
  // 2026-11-27T09:44:49.123Z
  if (s.size() != 24) return fail();
  const char* pattern = "dddd-dd-ddTdd:dd:dd.dddZ";
  for (std::size_t i = 0; i < 24; ++i) {
    if (pattern[i] == 'd') {
      if (s[i] < '0' || s[i] > '9') return fail();
    } else if (s[i] != pattern[i]) {
      return fail();
    }
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  year_month_day ymd{year{num(0, 4)}, month{static_cast<unsigned>(num(5, 2))},
                     day{static_cast<unsigned>(num(8, 2))}};
  int hh = num(11, 2), mm = num(14, 2), ss = num(17, 2), ms = num(20, 3);
  if (!ymd.ok() || hh > 23 || mm > 59 || ss > 59) return fail();
  return TimePoint{sys_days{ymd}.time_since_epoch() + hours{hh} + minutes{mm} + seconds{ss} +
                   milliseconds{ms}};
}

TimePoint parse_day_or_timestamp(std::string_view text) {
  if (text.size() == 10) return parse_timestamp(std::string(text) + "T00:00:00.000Z");
  return parse_timestamp(text);
}

}  // namespace hotline
