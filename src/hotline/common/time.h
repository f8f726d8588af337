// Timestamps on the wire: RFC 3339 in UTC with exactly three fractional
// digits, "2026-11-27T09:44:49.123Z". One fixed form, so that a timestamp is
// canonical text and compares correctly as a string.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace hotline {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

std::string format_timestamp(TimePoint t);

// Parses exactly the form above; anything else throws hotline::Error with
// code "timestamp_invalid".
TimePoint parse_timestamp(std::string_view text);

// A day, "2026-03-01" (midnight UTC), or the full form above; anything else
// throws hotline::Error "timestamp_invalid".
TimePoint parse_day_or_timestamp(std::string_view text);

inline TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

}  // namespace hotline
