// The state of a ReportBuilder (report.h): the context, the calendars of the
// agreements, and the figures accumulated so far. Internal to the review part.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hotline/review/counting.h"
#include "hotline/review/figures.h"
#include "hotline/review/report.h"

namespace hotline::review {

using detail::AlertFigures;
using detail::CalendarCounter;
using detail::RequestFigures;

struct ReportBuilder::State {
  ReviewContext context;
  bool keep_judgements = false;
  std::function<bool(std::string_view group, std::string_view period)> wanted;  // none = all
  // Whether a judgement of `group` in `period` is kept.
  bool keeps(std::string_view group, std::string_view period) const {
    return keep_judgements && (!wanted || wanted(group, period));
  }
  bool body_made = false;
  Millis previous_from = 0;

  // Per agreement: the rule of each kind x priority, and the office-hours
  // counter of each responder (made when first needed).
  struct Rules {
    std::array<std::array<const model::DeadlineRule*, 2>, 5> rules{};
    std::array<std::unique_ptr<CalendarCounter>, 2> office;
  };
  std::vector<Rules> agreements;
  std::unique_ptr<CalendarCounter> always;

  // Applied adjustments: item id -> the deadlines counted on time.
  std::map<std::string, std::vector<std::string_view>, std::less<>> adjusted;
  std::vector<Adjustment> applied;  // settled inside the cut, before `to`
  // (item, deadline) of the adjustments that changed a counted deadline.
  std::set<std::pair<std::string, std::string_view>> used_adjustments;

  // [direction: asker a, b][kind index (model::kKinds; 0 = alert unused)][priority][period]
  std::array<std::array<std::array<std::array<RequestFigures, 2>, 2>, 5>, 2> requests;
  std::array<std::array<std::array<AlertFigures, 2>, 2>, 2>
      alerts;                                         // [direction][priority][period]
  std::array<std::array<AlertFigures, 2>, 2> checks;  // [direction][period]

  // Hash of each counted item's id -> kAnswered | kAcknowledged (at `to`),
  // for the cases' figures.
  static constexpr std::uint8_t kAnswered = 1, kAcknowledged = 2;
  std::vector<std::pair<std::uint64_t, std::uint8_t>> item_flags;

  std::vector<CaseFacts> cases;
  std::vector<DisputeFacts> disputes;
  std::vector<Judgement> judgements;

  // The index of the agreement in force at `t`.
  std::size_t agreement_at(Millis t) const;
  const CalendarCounter& counter(std::size_t agreement, const model::DeadlineRule& rule,
                                 Party responder);
  // "current", "previous", or nullptr when `t` is outside both periods.
  const char* period_of(Millis t) const;

  nlohmann::json directions_json();
  nlohmann::json direction_json(std::size_t dir);
  nlohmann::json disputes_json();
  nlohmann::json cases_json();
};

}  // namespace hotline::review
