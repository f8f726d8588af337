#include "hotline/review/figures.h"

#include <algorithm>

namespace hotline::review::detail {

namespace {

std::int64_t sum_of(const std::vector<std::int64_t>& v) {
  std::int64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

template <typename T, std::size_t N>
void add_all(std::array<T, N>& into, const std::array<T, N>& from) {
  for (std::size_t i = 0; i < N; ++i) into[i] += from[i];
}

}  // namespace

nlohmann::json permille(std::int64_t n, std::int64_t of) {
  if (of == 0) return nullptr;
  return n * 1000 / of;
}

void Durations::add(const DeadlineVerdict& d) {
  if (d.counted_ms) seconds.push_back(*d.counted_ms / 1000);
}

void Durations::merge(const Durations& other) {
  seconds.insert(seconds.end(), other.seconds.begin(), other.seconds.end());
}

nlohmann::json Durations::to_json() {
  const auto n = static_cast<std::int64_t>(seconds.size());
  nlohmann::json j{{"count", n}, {"median_s", nullptr}, {"p90_s", nullptr}, {"mean_s", nullptr}};
  if (n == 0) return j;
  // Selection, not a full sort: linear time for a million items.
  const auto median = seconds.begin() + (n - 1) / 2;
  const auto p90 = seconds.begin() + ((9 * n + 9) / 10 - 1);
  std::nth_element(seconds.begin(), median, seconds.end());
  j["median_s"] = *median;
  std::nth_element(median + 1, p90 > median ? p90 : median + 1, seconds.end());
  j["p90_s"] = p90 > median ? *p90 : *median;
  j["mean_s"] = sum_of(seconds) / n;
  return j;
}

void DeadlineCounts::merge(const DeadlineCounts& other) {
  add_all(by_status, other.by_status);
}

nlohmann::json DeadlineCounts::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < kStatuses.size(); ++i) j[std::string(kStatuses[i])] = by_status[i];
  const auto on_time = (*this)[Status::on_time];
  j["on_time_permille"] =
      permille(on_time, on_time + (*this)[Status::late] + (*this)[Status::overdue]);
  return j;
}

void RatingCounts::add(int value) {
  ++count;
  sum += value;
  ++distribution[static_cast<std::size_t>(value - 1)];
}

void RatingCounts::merge(const RatingCounts& other) {
  count += other.count;
  sum += other.sum;
  add_all(distribution, other.distribution);
}

nlohmann::json RatingCounts::to_json() const {
  nlohmann::json mean = nullptr;
  if (count > 0) mean = sum * 100 / count;
  return {{"count", count}, {"sum", sum}, {"mean_centi", mean}, {"distribution", distribution}};
}

void RequestFigures::add(const Verdict& v) {
  ++received;
  for (std::size_t i = 0; i < 3; ++i) {
    deadlines[i].add(v.deadlines[i]);
    times[i].add(v.deadlines[i]);
  }
  if (v.open) ++open_at_end;
  if (v.overdue) ++overdue_at_end;
  if (v.decline_reason >= 0) ++declined[static_cast<std::size_t>(v.decline_reason)];
  if (v.withdrawn_at) ++withdrawn;
  clarifications += v.clarifications;
  if (v.rating) {
    ++rated;
    completeness.add(v.rating->first);
    usefulness.add(v.rating->second);
  }
}

void RequestFigures::merge(const RequestFigures& other) {
  received += other.received;
  for (std::size_t i = 0; i < 3; ++i) {
    deadlines[i].merge(other.deadlines[i]);
    times[i].merge(other.times[i]);
  }
  open_at_end += other.open_at_end;
  overdue_at_end += other.overdue_at_end;
  add_all(declined, other.declined);
  withdrawn += other.withdrawn;
  clarifications += other.clarifications;
  rated += other.rated;
  completeness.merge(other.completeness);
  usefulness.merge(other.usefulness);
}

nlohmann::json RequestFigures::to_json() {
  nlohmann::json j{{"received", received},
                   {"open_at_end", open_at_end},
                   {"overdue_at_end", overdue_at_end},
                   {"withdrawn", withdrawn},
                   {"clarifications", clarifications}};
  for (std::size_t i = 0; i < 3; ++i) {
    j[std::string(kDeadlines[i])] = deadlines[i].to_json();
    j["time_to_" + std::string(kDeadlines[i])] = times[i].to_json();
  }
  nlohmann::json by_reason = nlohmann::json::object();
  std::int64_t total = 0;
  for (std::size_t i = 0; i < kDeclineReasons.size(); ++i) {
    by_reason[std::string(kDeclineReasons[i])] = declined[i];
    total += declined[i];
  }
  j["declined"] = {{"total", total}, {"by_reason", by_reason}};
  j["ratings"] = {{"rated", rated},
                  {"rated_permille", permille(rated, received)},
                  {"completeness", completeness.to_json()},
                  {"usefulness", usefulness.to_json()}};
  return j;
}

void AlertFigures::add(const Verdict& v) {
  ++raised;
  acknowledge.add(v.deadlines[0]);
  time_to_acknowledge.add(v.deadlines[0]);
  if (v.escalated) ++escalated;
  if (v.deadlines[0].status == Status::no_deadline && v.deadlines[0].at)
    ++acknowledged_without_deadline;
}

void AlertFigures::merge(const AlertFigures& other) {
  raised += other.raised;
  escalated += other.escalated;
  acknowledged_without_deadline += other.acknowledged_without_deadline;
  acknowledge.merge(other.acknowledge);
  time_to_acknowledge.merge(other.time_to_acknowledge);
}

nlohmann::json AlertFigures::to_json() {
  return {{"raised", raised},
          {"acknowledge", acknowledge.to_json()},
          {"time_to_acknowledge", time_to_acknowledge.to_json()},
          {"escalated", escalated}};
}

nlohmann::json AlertFigures::to_check_json() {
  const auto in_time = acknowledge[Status::on_time];
  const auto late = acknowledge[Status::late];
  // An acknowledged check under a rule without an acknowledgement deadline
  // counts as answered in time.
  const auto answered_in_time = in_time + acknowledged_without_deadline;
  return {{"held", raised},
          {"answered_in_time", answered_in_time},
          {"answered_late", late},
          {"unanswered", raised - answered_in_time - late},
          {"time_to_answer", time_to_acknowledge.to_json()}};
}

nlohmann::json takedown_json(const RequestFigures& takedown) {
  const auto& final = takedown.deadlines[2];
  const auto on_time = final[Status::on_time];
  const auto late = final[Status::late];
  return {{"requests", takedown.received},
          {"removed_on_time", on_time},
          {"removed_late", late},
          {"not_removed", takedown.received - on_time - late},
          {"on_time_permille", permille(on_time, takedown.received)}};
}

}  // namespace hotline::review::detail
