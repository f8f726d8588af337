// The figures of one group (a kind and priority of requests, a priority of
// alerts, the checks) in one period, accumulated item by item from verdicts
// (judge.h), and their JSON members of the body (report.h). Internal to the
// review part.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/review/judge.h"

namespace hotline::review::detail {

// Counted durations in seconds; median, p90 and mean as report.h says.
struct Durations {
  std::vector<std::int64_t> seconds;
  void add(const DeadlineVerdict& d);
  void merge(const Durations& other);
  nlohmann::json to_json();  // reorders `seconds`
};

struct DeadlineCounts {
  std::array<std::int64_t, 6> by_status{};  // as kStatuses
  void add(const DeadlineVerdict& d) { ++by_status[static_cast<std::size_t>(d.status)]; }
  void merge(const DeadlineCounts& other);
  std::int64_t operator[](Status s) const { return by_status[static_cast<std::size_t>(s)]; }
  nlohmann::json to_json() const;
};

struct RatingCounts {
  std::int64_t count = 0, sum = 0;
  std::array<std::int64_t, 5> distribution{};
  void add(int value);
  void merge(const RatingCounts& other);
  nlohmann::json to_json() const;
};

struct RequestFigures {
  std::int64_t received = 0;
  std::array<DeadlineCounts, 3> deadlines;  // as kDeadlines
  std::array<Durations, 3> times;
  std::int64_t open_at_end = 0, overdue_at_end = 0;
  std::array<std::int64_t, 6> declined{};  // as kDeclineReasons
  std::int64_t withdrawn = 0, clarifications = 0, rated = 0;
  RatingCounts completeness, usefulness;
  void add(const Verdict& v);
  void merge(const RequestFigures& other);
  nlohmann::json to_json();
};

struct AlertFigures {
  std::int64_t raised = 0, escalated = 0;
  std::int64_t acknowledged_without_deadline = 0;  // the rule sets no acknowledgement deadline
  DeadlineCounts acknowledge;
  Durations time_to_acknowledge;
  void add(const Verdict& v);
  void merge(const AlertFigures& other);
  nlohmann::json to_json();
  // The communication checks' members (CHECK) from the same counts.
  nlohmann::json to_check_json();
};

// TAKEDOWN from the request.takedown groups of one period.
nlohmann::json takedown_json(const RequestFigures& takedown);

// floor(n * 1000 / of), null when of is 0.
nlohmann::json permille(std::int64_t n, std::int64_t of);

}  // namespace hotline::review::detail
