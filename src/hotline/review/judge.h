// Judging one alert or request (facts.h) by one deadline rule: the status of
// each deadline, the counted times and the other facts the figures count.
// Internal to the review part; the rules are report.h's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hotline/model/agreement.h"
#include "hotline/review/counting.h"
#include "hotline/review/facts.h"
#include "hotline/review/report.h"

namespace hotline::review::detail {

enum class Status : std::uint8_t { on_time, late, pending, overdue, ended, no_deadline };
inline constexpr std::array<std::string_view, 6> kStatuses{"on_time", "late",  "pending",
                                                           "overdue", "ended", "no_deadline"};
inline constexpr std::array<std::string_view, 3> kDeadlines{"acknowledge", "first_response",
                                                            "final_response"};
inline constexpr std::array<std::string_view, 6> kDeclineReasons{
    "outside_scope", "insufficient_information", "legal_obstacle", "not_competent", "duplicate",
    "other"};

struct DeadlineVerdict {
  Status status = Status::no_deadline;
  std::optional<std::int64_t> minutes;  // the rule's amount, none = no deadline
  Millis due = kNever;                  // kNever: after the counter's span, or never
  std::optional<Millis> at;             // when it was met (the act's sent_at)
  std::optional<Millis> counted_ms;     // counted time from receipt to `at`
  bool adjusted = false;                // an agreed adjustment made it on time
};

struct Verdict {
  std::array<DeadlineVerdict, 3> deadlines;  // as kDeadlines
  bool open = true;                          // no final response, not ended, at the horizon
  bool overdue = false;                      // open with a deadline overdue
  int decline_reason = -1;                   // index in kDeclineReasons, -1 = not declined
  std::optional<Millis> declined_at, withdrawn_at;
  int clarifications = 0;
  std::optional<std::pair<int, int>> rating;  // completeness, usefulness
  bool escalated = false;
  std::vector<model::Pause> pauses;  // the clarification pauses that count
};

// "a_to_b" / "b_to_a" for the direction in which `asker` asks.
std::string direction_name(Party asker);

// Whether an act by `by` counts: inside the cut of its direction, before `horizon`.
bool counts(const std::optional<Act>& act, Party by, const Cut& cut, Millis horizon);
bool counts(const Act& act, Party by, const Cut& cut, Millis horizon);

// Judges `item` (received, so received_at is set) as of `horizon` by `rule`,
// counting time with `counter` (the responder's calendar of that rule).
// `adjusted` names the deadlines an applied adjustment counts as on time.
Verdict judge(const ItemFacts& item, const model::DeadlineRule& rule,
              const CalendarCounter& counter, const Cut& cut, Millis horizon,
              std::span<const std::string_view> adjusted);

}  // namespace hotline::review::detail
