// Numbers, shares, durations and dates as people read them, in one
// language. Every number is written with ASCII digits in both languages, in
// the same order, so that the English and the Chinese renderings of a
// report hold the same digit sequences (dates aside: they are marked up as
// dates by the renderers).
//
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hotline/render/render.h"

namespace hotline::render {

std::string format_count(std::int64_t n);  // "1234"
// A permille as a percentage with one decimal: 875 -> "87.5 %" ("87.5%").
std::string format_permille(Lang lang, std::int64_t permille);
// A centi value (mean_centi) with two decimals: 325 -> "3.25".
std::string format_centi(std::int64_t centi);
// Counted seconds: "45 s", "12 min", "3 h 20 min", "52 h 30 min" (rounded
// down to the minute; never days: counted time may be working time). In
// Chinese "3小时20分钟".
std::string format_duration(Lang lang, std::int64_t seconds);
// Milliseconds since the epoch, in UTC: "1 March 2026" / "2026年3月1日".
std::string format_date(Lang lang, std::int64_t ms);
// The same with the time of day when it is not midnight: "1 March 2026,
// 09:30 UTC"; `always_time` shows midnight too.
std::string format_date_time(Lang lang, std::int64_t ms, bool always_time = false);
// "YYYY-MM-DD" of a UTC instant (the machine form of a date, for markup).
std::string iso_date(std::int64_t ms);

// Milliseconds since the epoch of a body timestamp; a malformed one throws
// hotline::Error "review_invalid" naming `where`.
std::int64_t parse_body_time(const std::string& text, const std::string& where);

}  // namespace hotline::render
