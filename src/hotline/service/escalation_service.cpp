#include "hotline/service/escalation_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <span>
#include <string>
#include <unordered_map>

#include "hotline/common/error.h"
#include "hotline/service/deadline_service.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_support.h"
#include "hotline/service/need_to_know.h"

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

// The shares of a deadline (in %) at which an item of `kind` escalates.
std::span<const int> thresholds(const std::string& kind) {
  if (kind == kAlert) return kAlertThresholds;
  return kRequestThresholds;
}

// Whether `d` can raise an alarm here: its clock runs (not met, stopped or
// paused), and for an alert only on the side that has to acknowledge.
bool alarms(const std::string& kind, const DeadlineView& d) {
  if (d.status != "running" && d.status != "overdue") return false;
  return kind != kAlert || d.side == model::Side::ours;
}

// Triggers reached by this item now.
std::vector<Due> due_triggers(const std::string& kind, const std::vector<DeadlineView>& ds) {
  std::vector<Due> out;
  for (const auto& d : ds) {
    if (!alarms(kind, d)) continue;
    for (int pct : thresholds(kind)) {
      if (d.permille < pct * 10) continue;
      const std::string name = kind == kAlert ? "alert.acknowledge." : "request." + d.name + ".";
      out.push_back({name + std::to_string(pct), pct, d});
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
      // TLP:RED and AMBER+STRICT: no title (need_to_know.h).
      {"item",
       {{"kind", rec.kind},
        {"id", rec.id},
        {"title", withholds_content(rec.tlp) ? nlohmann::json(nullptr) : nlohmann::json(rec.title)},
        {"state", rec.state}}},
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

// An item is looked at again at least this often, whatever its deadlines
// say (an amended agreement, a zone's rules, a clock stepped back).
constexpr std::chrono::milliseconds kMaxUnseen{60'000};

// The earliest moment a trigger not yet reached could be: a deadline needs
// (threshold - used) of its working minutes more, and working time never
// runs faster than the wall clock. Paused, met and stopped deadlines cannot
// move until the item changes.
TimePoint next_look(const std::string& kind, const std::vector<DeadlineView>& ds, TimePoint now) {
  auto gap = kMaxUnseen;
  for (const auto& d : ds) {
    if (!alarms(kind, d)) continue;
    for (int pct : thresholds(kind)) {
      const std::int64_t left = pct * 10 - d.permille - 1;  // permille is rounded down
      if (left < 0) continue;
      gap = std::min(gap, std::chrono::milliseconds{left * d.minutes * 60'000 / 1000});
    }
  }
  return now + gap;
}

// Sent and not yet received by the other side (no receipt): no deadline
// runs yet, they start at receipt (deadline_service.h), and the receipt
// changes the item. A busy desk creates many such items; the watch need not
// read and replay each one as it appears.
bool awaiting_receipt(const store::ItemRecord& rec) {
  return (rec.kind == kAlert && rec.state == "raised") ||
         (rec.kind == kRequest && rec.state == "sent");
}

struct Found {
  store::ItemRecord rec;
  std::string peer;
  Due due;
};

// Records what was found, once per (item, trigger), and raises the alerts'
// shared escalation level.
std::vector<store::EscalationRecord> record_found(Node& node, const std::vector<Found>& found,
                                                  TimePoint now) {
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
                   content_free_note(f.rec, true) + ": " + f.due.trigger +
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

// Finds the due triggers of every open item, or (with a memo) of those that
// changed or whose next trigger may have come.
std::vector<Found> find_due(Node& node, TimePoint now,
                            std::unordered_map<std::string, EscalationWatch::Memo>* memo,
                            std::size_t* examined) {
  std::unordered_map<std::string, EscalationWatch::Memo> next;
  auto found = node.store->snapshot([&](store::Transaction& tx) {
    std::map<std::string, std::string> peer_of_link;
    for (const auto& p : tx.list_peers()) peer_of_link[p.link] = p.name;
    std::vector<Found> out;
    for (const auto& kind : {kAlert, kRequest}) {
      for (const auto& head : tx.list_item_summaries(kind, "", 100000)) {
        if (!is_open(head)) continue;
        if (memo) {
          auto it = memo->find(head.id);
          if (it != memo->end() && it->second.updated_at == head.updated_at &&
              now < it->second.next_look) {
            next.insert(memo->extract(it));
            continue;
          }
          if (it == memo->end() && awaiting_receipt(head)) {
            next[head.id] = {head.updated_at, now + kMaxUnseen};  // looked at within the minute
            continue;
          }
        }
        auto rec = tx.find_item(head.id);
        if (!rec) continue;
        ++*examined;
        std::vector<DeadlineView> ds;
        try {
          Replayed r =
              replay(rec->kind, rec->id, item_log_from_json(nlohmann::json::parse(rec->actions)));
          ds = deadlines_of(tx, rec->link, r, now);
        } catch (const Error&) {
          // `show` reports it as the item's deadline_error.
          next[rec->id] = {rec->updated_at, now + kMaxUnseen};
          continue;
        }
        for (auto& d : due_triggers(rec->kind, ds)) {
          out.push_back({*rec, peer_of_link[rec->link], d});
        }
        next[rec->id] = {rec->updated_at, next_look(rec->kind, ds, now)};
      }
    }
    return out;
  });
  // Only once the snapshot ended well: a memo must never hide what was found
  // but not handed on. Items no longer open are forgotten.
  if (memo) *memo = std::move(next);
  return found;
}

}  // namespace

std::vector<store::EscalationRecord> check_escalations(Node& node, TimePoint now) {
  std::size_t examined = 0;
  return record_found(node, find_due(node, now, nullptr, &examined), now);
}

std::vector<store::EscalationRecord> EscalationWatch::check(Node& node, TimePoint now) {
  std::lock_guard lock(mu_);
  last_examined_ = 0;
  auto found = find_due(node, now, &memo_, &last_examined_);
  try {
    return record_found(node, found, now);
  } catch (...) {
    // What was found but not recorded must be found again next time.
    for (const auto& f : found) memo_.erase(f.rec.id);
    throw;
  }
}

std::size_t EscalationWatch::last_examined() const {
  std::lock_guard lock(mu_);
  return last_examined_;
}

}  // namespace hotline::service
