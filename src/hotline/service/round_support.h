// Review rounds (model/review_round.h) as the desk's items of kind "round":
// what the service reads of a round's stored document beside its replay.
// Plain functions over a store transaction or a document; no state, safe
// from any thread that owns its transaction.
//
// - An action item is overdue when it is not done and its due date
//   (YYYY-MM-DD) has passed in UTC: from 00:00Z of the day after.
// - The open action items of a link's earlier rounds (closed: minutes signed
//   by both, not done) come back on the next round's agenda
//   (review::propose_agenda).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/review/agenda.h"
#include "hotline/store/store.h"

namespace hotline::service {

// `item` is one member of a round document's "action_items".
bool action_item_overdue(const nlohmann::json& item, TimePoint now);

// Adds "overdue" to each of the round document's action items and
// "action_items_overdue" (their count); other documents are left alone.
void mark_overdue_action_items(nlohmann::json& document, TimePoint now);

// The action items not done of the link's closed rounds, oldest round
// first, owners named by `ours` and `theirs` (the parties' names).
std::vector<review::OpenActionItem> open_action_items(store::Transaction& tx,
                                                      const std::string& link,
                                                      const std::string& ours,
                                                      const std::string& theirs);

}  // namespace hotline::service
