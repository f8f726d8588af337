#include "hotline/service/dispute_facts.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace {

review::Party party_of(model::Side side, review::Party ours) {
  return side == model::Side::ours ? ours : review::other(ours);
}

review::Act act_of(store::Transaction& tx, const SharedAction& a) {
  auto env = tx.find_envelope(a.envelope);
  if (!env)
    throw Error(ErrorCategory::internal, "store_missing_reference",
                "the envelope " + a.envelope + " of a dispute's '" + a.action + "' is not stored");
  return review::Act{parse_timestamp(a.sent_at).time_since_epoch().count(), env->seq};
}

void add_dispute(store::Transaction& tx, const store::ItemRecord& rec, review::Party ours,
                 DisputeReview& out) {
  const ItemLog log = item_log_from_json(nlohmann::json::parse(rec.actions));
  const Replayed r = replay(kDispute, rec.id, log);
  const auto& d = std::get<model::Dispute>(r.item);
  std::set<std::string> voided;
  for (const auto& v : r.voided) voided.insert(v.envelope);

  review::DisputeFacts f;
  f.id = rec.id;
  f.ground = std::string(model::to_string(d.ground));
  f.opened_by = party_of(d.origin, ours);
  for (std::size_t i : linearize(log)) {
    const SharedAction& a = log.shared[i];
    if (voided.count(a.envelope)) continue;
    if (a.action == "open") {
      f.opened = act_of(tx, a);
    } else if (a.action == "accept") {
      f.settled = act_of(tx, a);
      f.settled_by = party_of(a.side, ours);
    } else if (a.action == "withdraw") {
      f.withdrawn = act_of(tx, a);
      f.withdrawn_by = party_of(a.side, ours);
    }
  }
  if (d.state == model::DisputeState::settled && f.settled && d.proposal &&
      d.proposal->adjustment) {
    out.adjustments.push_back(review::Adjustment{d.proposal->adjustment->item,
                                                 d.proposal->adjustment->deadline, d.id,
                                                 d.proposal->text, *f.settled, f.settled_by});
  }
  out.disputes.push_back(std::move(f));
}

}  // namespace

DisputeReview dispute_facts(store::Transaction& tx, const std::string& link, review::Party ours) {
  DisputeReview out;
  for (const auto& rec : tx.list_items(kDispute, link, 100000000)) add_dispute(tx, rec, ours, out);
  std::sort(out.disputes.begin(), out.disputes.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  std::sort(out.adjustments.begin(), out.adjustments.end(),
            [](const auto& x, const auto& y) { return x.dispute < y.dispute; });
  return out;
}

}  // namespace hotline::service
