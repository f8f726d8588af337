#include "hotline/render/format.h"

#include <chrono>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/render/labels.h"

namespace hotline::render {

std::string format_count(std::int64_t n) {
  return std::to_string(n);
}

std::string format_permille(Lang lang, std::int64_t permille) {
  std::string sign = permille < 0 ? "-" : "";
  std::int64_t v = permille < 0 ? -permille : permille;
  std::string n = sign + std::to_string(v / 10) + "." + std::to_string(v % 10);
  return fill(label(lang, "percent"), {{"n", n}});
}

std::string format_centi(std::int64_t centi) {
  std::string sign = centi < 0 ? "-" : "";
  std::int64_t v = centi < 0 ? -centi : centi;
  std::string cents = std::to_string(v % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return sign + std::to_string(v / 100) + "." + cents;
}

std::string format_duration(Lang lang, std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  auto unit = [&](const char* key, std::int64_t n) {
    return fill(label(lang, key), {{"n", std::to_string(n)}});
  };
  std::string sep(label(lang, "unit.sep"));
  if (seconds < 60) return unit("unit.s", seconds);
  std::int64_t minutes = seconds / 60;
  if (minutes < 60) return unit("unit.min", minutes);
  // Hours, not days: the seconds are counted time, working time where the
  // agreement counts office hours, and "1 d" would read as a calendar day.
  std::string out = unit("unit.h", minutes / 60);
  if (minutes % 60) out += sep + unit("unit.min", minutes % 60);
  return out;
}

namespace {

std::chrono::year_month_day civil(std::int64_t ms) {
  auto days = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  return std::chrono::year_month_day(days);
}

std::string two(long v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

}  // namespace

std::string iso_date(std::int64_t ms) {
  auto ymd = civil(ms);
  return std::to_string(static_cast<int>(ymd.year())) + "-" +
         two(static_cast<unsigned>(ymd.month())) + "-" + two(static_cast<unsigned>(ymd.day()));
}

std::string format_date(Lang lang, std::int64_t ms) {
  auto ymd = civil(ms);
  unsigned m = static_cast<unsigned>(ymd.month());
  return fill(label(lang, "date"),
              {{"d", std::to_string(static_cast<unsigned>(ymd.day()))},
               {"month", std::string(label(lang, "month." + std::to_string(m)))},
               {"y", std::to_string(static_cast<int>(ymd.year()))}});
}

std::string format_date_time(Lang lang, std::int64_t ms, bool always_time) {
  constexpr std::int64_t kDay = 86400000;
  std::int64_t in_day = ((ms % kDay) + kDay) % kDay;
  if (in_day == 0 && !always_time) return format_date(lang, ms);
  std::int64_t minutes = in_day / 60000;
  std::string time =
      two(static_cast<long>(minutes / 60)) + ":" + two(static_cast<long>(minutes % 60));
  return fill(label(lang, "date_time"), {{"date", format_date(lang, ms)}, {"time", time}});
}

std::int64_t parse_body_time(const std::string& text, const std::string& where) {
  try {
    return parse_timestamp(text).time_since_epoch().count();
  } catch (const Error&) {
    throw Error(ErrorCategory::invalid_input, "review_invalid",
                "the report's " + where + " is not a timestamp");
  }
}

}  // namespace hotline::render
