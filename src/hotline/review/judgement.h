// The judgement of one item (report.h's Judgement): the group it counts in
// and the times and statuses behind its figures. Internal to the review part.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hotline/review/judge.h"

namespace hotline::review::detail {

// RFC 3339 text of `t` (format_timestamp), null when none.
nlohmann::json timestamp_json(std::optional<Millis> t);

// The group of an alert or request: "a_to_b/requests/request.information/normal",
// "b_to_a/alerts/urgent", "a_to_b/checks".
std::string item_group(const ItemFacts& item);

Judgement item_judgement(const ItemFacts& item, const Verdict& v, const char* period,
                         const CalendarCounter& counter, const std::string& agreement_digest,
                         const model::DeadlineRule& rule);

}  // namespace hotline::review::detail
