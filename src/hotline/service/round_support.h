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
// - The agenda a node proposes (records_agenda): the report body of the
//   round's period at the cut this node holds (review_facts.h, with the
//   link's disputes and their adjustments, dispute_facts.h), the judgements
//   of its current period, the open disputes and open action items.
#pragma once

#include <cstdint>
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

// Above this many requests, alerts and checks in the period, the agenda
// names the overdue and declined ones by count only (one point), not one by
// one: listing them keeps a judgement (about 4 KB) per item.
inline constexpr std::int64_t kMaxAgendaJudgedItems = 20000;

// The points review::propose_agenda finds in this node's records of `link`
// for [from, to): worse figures, overdue and declined requests, alerts and
// checks not acknowledged in time, open disputes, open action items of
// earlier rounds (owners named `ours` and `theirs`). `our_key`: this node's
// public key (which party of the agreement we are). Reads the link's facts
// twice when the period is small enough to list its items (the body, then
// the body with its judgements); memory: the body's counters plus at most
// `max_judged` (default kMaxAgendaJudgedItems) judgements.
// Throws agreement_missing (no agreement) and review_period_invalid.
std::vector<model::AgendaPoint> records_agenda(store::Transaction& tx, const std::string& link,
                                               const std::string& our_key, TimePoint from,
                                               TimePoint to, const std::string& ours,
                                               const std::string& theirs,
                                               std::int64_t max_judged = kMaxAgendaJudgedItems);

}  // namespace hotline::service
