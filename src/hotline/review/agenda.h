// The agenda a node proposes for a review round, from the records of the
// round's period (docs/review.md, "Review rounds"): the requests overdue or
// declined, the alerts and checks not acknowledged in time, the open
// disputes, the figures that got worse than in the previous period, and the
// open action items of earlier rounds. Pure: it reads a report body and its
// judgements (report.h); the people at both desks then edit the agenda.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/model/review_round.h"
#include "hotline/review/facts.h"
#include "hotline/review/report.h"

namespace hotline::review {

// An action item of an earlier round that is not done.
struct OpenActionItem {
  std::string round;  // the round's id
  std::size_t index = 0;
  std::string text;
  std::string owner;  // the owning party's name
  std::string due;    // YYYY-MM-DD
};

// At most this many points per kind of record; the rest is summed up in one
// point ("and 12 more overdue requests: see the report").
inline constexpr std::size_t kMaxPointsPerKind = 15;

// Points with source "records", in this order: worse figures, overdue
// requests, declined requests, alerts and checks not acknowledged in time,
// open disputes, open action items. `judgements` are those of the body's
// report (keep_judgements); only the current period's are read.
std::vector<model::AgendaPoint> propose_agenda(const nlohmann::json& body,
                                               const std::vector<Judgement>& judgements,
                                               const std::vector<DisputeFacts>& disputes,
                                               const std::vector<OpenActionItem>& action_items);

}  // namespace hotline::review
