// The review report's body of one link for one period, computed from this
// node's store: the disputes and agreed adjustments (dispute_facts.h), the
// agreements, cut and zones (review_facts.h) and every item's facts
// (item_facts.h), judged by review::ReportBuilder. The one way a body is
// made: reports, their verification and explanation (review_service.h) and a
// round's agenda (round_support.h) all call it. Shared support
// (docs/architecture.md, "Inside service/").
//
// Thread-safety: runs on the caller's transaction, on the caller's thread;
// the items are judged on a second thread it starts and joins, while the
// caller's thread reads them (the builder sees them in the same order, so
// the body is the same as if one thread did both).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/review/facts.h"
#include "hotline/review/report.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct ReviewBody {
  nlohmann::json body;
  std::vector<review::Judgement> judgements;  // empty unless asked for
};

// Which judgements to keep (review::ReportBuilder::keep_only); empty: all.
using JudgementFilter = std::function<bool(std::string_view group, std::string_view period)>;

// The body of `link` for [from, to) at `cut`, parties named with `ours` as
// our letter, and the judgements when `judgements` (those `filter` accepts).
// Throws review_period_invalid when from >= to, and what the builder and
// the store throw.
ReviewBody compute_review_body(store::Transaction& tx, const std::string& link, review::Party ours,
                               review::Millis from, review::Millis to, const review::Cut& cut,
                               bool judgements, const JudgementFilter& filter = {});

}  // namespace hotline::service
