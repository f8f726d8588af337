#include "hotline/service/escalation_service.h"

#include <map>
#include <string>

#include "hotline/common/error.h"
#include "hotline/service/deadline_service.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"

namespace hotline::service {
namespace {

bool is_open(const store::ItemRecord& rec) {
  if (rec.kind == kAlert) return rec.state == "raised" || rec.state == "delivered";
  if (rec.kind == kRequest) {
    return rec.state != "draft" && rec.state != "approved" && rec.state != "closed" &&
           rec.state != "declined" && rec.state != "withdrawn";
  }
  return false;
}

struct Due {
  std::string trigger;
  int percent = 0;
  DeadlineView deadline;
};

// Triggers reached by this item now.
std::vector<Due> due_triggers(const std::string& kind, const std::vector<DeadlineView>& ds) {
  std::vector<Due> out;
  for (const auto& d : ds) {
    if (d.status != "running" && d.status != "overdue") continue;
    if (kind == kAlert) {
      // Only the side that has to acknowledge is alarmed.
      if (d.side != model::Side::ours) continue;
      for (int pct : {100, 200}) {
        if (d.permille >= pct * 10)
          out.push_back({"alert.acknowledge." + std::to_string(pct), pct, d});
      }
    } else {
      for (int pct : kRequestThresholds) {
        if (d.permille >= pct * 10) {
          out.push_back({"request." + d.name + "." + std::to_string(pct), pct, d});
        }
      }
    }
  }
  return out;
}

nlohmann::json payload_of(const store::ItemRecord& rec, const std::string& peer, const Due& due,
                          const std::string& at) {
  const bool ours = due.deadline.side == model::Side::ours;
  std::string what =
      rec.kind == kAlert
          ? "Alert not acknowledged " + std::string(due.percent > 100 ? "long after" : "by") +
                " its deadline"
          : "Request: " + std::to_string(due.percent) + "% of the time to " + due.deadline.name +
                " used (" + (ours ? "we must answer " : "waiting for ") + peer + ")";
  return {
      {"event", "escalation"},
      {"trigger", due.trigger},
      {"at", at},
      {"summary", what},
      {"item", {{"kind", rec.kind}, {"id", rec.id}, {"title", rec.title}, {"state", rec.state}}},
      {"tlp", rec.tlp},
      {"peer", peer},
      {"deadline",
       {{"name", due.deadline.name},
        {"minutes", due.deadline.minutes},
        {"start", due.deadline.start},
        {"due_at",
         due.deadline.due_at ? nlohmann::json(*due.deadline.due_at) : nlohmann::json(nullptr)},
        {"permille", due.deadline.permille},
        {"side", ours ? "ours" : "theirs"}}}};
}

}  // namespace

std::vector<store::EscalationRecord> check_escalations(Node& node, TimePoint now) {
  // Find what is due in a snapshot; record in one write transaction.
  struct Found {
    store::ItemRecord rec;
    std::string peer;
    Due due;
  };
  std::vector<Found> found = node.store->snapshot([&](store::Transaction& tx) {
    std::map<std::string, std::string> peer_of_link;
    for (const auto& p : tx.list_peers()) peer_of_link[p.link] = p.name;
    std::vector<Found> out;
    for (const auto& kind : {kAlert, kRequest}) {
      for (const auto& rec : tx.list_items(kind, "", 100000)) {
        if (!is_open(rec)) continue;
        std::vector<DeadlineView> ds;
        try {
          Replayed r =
              replay(rec.kind, rec.id, item_log_from_json(nlohmann::json::parse(rec.actions)));
          ds = deadlines_of(tx, rec.link, r, now);
        } catch (const Error&) {
          continue;  // `show` reports it as the item's deadline_error
        }
        for (auto& d : due_triggers(rec.kind, ds)) out.push_back({rec, peer_of_link[rec.link], d});
      }
    }
    return out;
  });
  std::vector<store::EscalationRecord> recorded;
  if (found.empty()) return recorded;
  std::vector<std::pair<std::string, int>> alert_levels;  // alert id, level
  node.store->transact([&](store::Transaction& tx) {
    const auto url = tx.get_setting("webhook.url");  // `webhook clear` leaves ""
    const bool has_webhook = url && !url->empty();
    for (const auto& f : found) {
      store::EscalationRecord e;
      e.item_id = f.rec.id;
      e.item_kind = f.rec.kind;
      e.link = f.rec.link;
      e.trigger = f.due.trigger;
      e.at = format_timestamp(now);
      e.payload = payload_of(f.rec, f.peer, f.due, e.at).dump();
      e.webhook_state = f.rec.tlp == "TLP:RED" ? "withheld"
                        : has_webhook          ? "pending"
                                               : "no_webhook";
      try {
        e.id = tx.insert_escalation(e);
      } catch (const Error& err) {
        if (err.code() == "store_duplicate") continue;  // recorded before
        throw;
      }
      record_event(tx, now, "escalation", f.rec.link,
                   f.rec.kind + " " + f.rec.id + " (" + f.rec.title + "): " + f.due.trigger +
                       (e.webhook_state == "withheld" ? "; TLP:RED, not sent to the webhook" : ""));
      if (f.rec.kind == kAlert) alert_levels.emplace_back(f.rec.id, f.due.percent / 100);
      recorded.push_back(e);
    }
  });
  // The alert's escalation level is shared with the peer (a separate
  // transaction: act() opens its own). A level already reached is skipped.
  for (const auto& [id, level] : alert_levels) {
    try {
      act(node, kAlert, id, "escalate", {{"level", level}}, "", now);
    } catch (const Error& err) {
      if (err.code() != "illegal_transition" && err.code() != "alert_invalid") throw;
    }
  }
  return recorded;
}

}  // namespace hotline::service
