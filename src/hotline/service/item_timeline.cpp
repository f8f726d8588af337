#include "hotline/service/item_timeline.h"

#include <set>

#include "hotline/common/error.h"
#include "hotline/model/vocabulary.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/need_to_know.h"

namespace hotline::service {
namespace {

using nlohmann::json;

bool comes_before_shared(const LocalAction& a) {
  return a.action == "create" || a.action == "approve";
}

TimelineEntry local_entry(const LocalAction& a) {
  TimelineEntry e;
  e.side = "ours";
  e.actor = a.actor;
  e.action = a.action;
  e.args = a.args;
  e.local = true;
  e.sent_at = a.at;
  return e;
}

TimelineEntry shared_entry(store::Transaction& tx, const store::ItemRecord& rec,
                           const SharedAction& a, const std::set<std::string>& voided) {
  TimelineEntry e;
  e.side = std::string(model::to_string(a.side));
  e.actor = a.actor;
  e.action = a.action;
  e.args = a.args;
  e.envelope = a.envelope;
  e.sent_at = a.sent_at;
  e.void_action = voided.count(a.envelope) != 0;
  auto env = tx.find_envelope(a.envelope);
  if (a.side == model::Side::theirs) {
    if (env) e.received_at = env->received_at;
    return e;
  }
  e.receipt_state = "pending";
  if (env) {
    if (auto r = tx.find_receipt(rec.link, store::Direction::outbound, env->seq)) {
      e.receipt_state = "receipted";
      e.receipt_at = r->received_at;
    }
  }
  return e;
}

Timeline build(store::Transaction& tx, const store::ItemRecord& rec) {
  ItemLog log = item_log_from_json(json::parse(rec.actions));
  std::set<std::string> voided;
  try {
    for (const auto& v : replay(rec.kind, rec.id, log).voided) voided.insert(v.envelope);
  } catch (const Error&) {
    // An item the replay refuses is still shown as recorded.
  }
  Timeline t{rec.id, rec.kind, {}};
  for (const auto& a : log.local) {
    if (comes_before_shared(a)) t.entries.push_back(local_entry(a));
  }
  for (std::size_t i : linearize(log)) {
    t.entries.push_back(shared_entry(tx, rec, log.shared[i], voided));
  }
  for (const auto& a : log.local) {
    if (!comes_before_shared(a)) t.entries.push_back(local_entry(a));
  }
  for (std::size_t i = 0; i < t.entries.size(); ++i) t.entries[i].index = i;
  return t;
}

json opt(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

}  // namespace

Timeline item_timeline(store::Store& store, const std::string& id, const AuditContext* audit_ctx,
                       const std::string* reader, TimePoint now) {
  std::string tlp;
  auto t = store.snapshot([&](store::Transaction& tx) {
    auto rec = tx.find_item(id);
    if (!rec || (reader && !may_read(tx, *rec, *reader))) throw_item_unknown("", id);
    tlp = rec->tlp;
    return build(tx, *rec);
  });
  if (audit_ctx && audits_reads(tlp)) {
    store.transact([&](store::Transaction& tx) {
      audit(tx, *audit_ctx, "item.read", t.item, t.kind + " timeline " + tlp, now);
    });
  }
  return t;
}

json to_json(const TimelineEntry& e) {
  return {{"index", e.index},
          {"side", e.side},
          {"actor", e.actor},
          {"action", e.action},
          {"args", e.args},
          {"envelope", opt(e.envelope)},
          {"local", e.local},
          {"sent_at", e.sent_at},
          {"received_at", opt(e.received_at)},
          {"receipt", {{"state", e.receipt_state}, {"at", opt(e.receipt_at)}}},
          {"void", e.void_action}};
}

}  // namespace hotline::service
