#include "hotline/service/round_reminders.h"

#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/link_support.h"
#include "hotline/service/round_support.h"

namespace hotline::service {
namespace {

using nlohmann::json;

struct Reminder {
  store::ItemRecord round;
  std::string peer;
  std::string trigger;
  std::string summary;
  json detail;
};

std::string days_left(TimePoint meeting, TimePoint now) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(meeting - now).count();
  if (hours < 48) return std::to_string(hours) + " h";
  return std::to_string(hours / 24) + " days";
}

// The meeting reminder due for an open round, if any.
void meeting_reminder(const store::ItemRecord& rec, const json& doc, const std::string& peer,
                      TimePoint now, std::vector<Reminder>& out) {
  if (rec.state == "closed" || rec.state == "cancelled") return;
  const TimePoint meeting = parse_timestamp(doc.at("plan").at("meeting_at").get<std::string>());
  if (now >= meeting) return;
  for (int days : kRoundReminderDays) {
    if (now < meeting - std::chrono::hours(24 * days)) continue;
    out.push_back({rec,
                   peer,
                   "round.meeting." + std::to_string(days) + "d",
                   "Review round with " + peer + " in " + days_left(meeting, now) + " (" +
                       doc.at("plan").value("place", "") + ")",
                   {{"meeting_at", doc.at("plan").at("meeting_at")},
                    {"place", doc.at("plan").value("place", "")},
                    {"days_before", days}}});
    return;  // the nearest threshold only
  }
}

void action_reminders(const store::ItemRecord& rec, const json& doc, const std::string& peer,
                      const std::string& party, TimePoint now, std::vector<Reminder>& out) {
  if (rec.state != "closed") return;
  const auto& items = doc.at("action_items");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!action_item_overdue(items[i], now)) continue;
    const bool ours = items[i].value("owner", "") == "ours";
    const std::string n = std::to_string(i + 1);
    out.push_back({rec,
                   peer,
                   "round.action." + n + ".overdue",
                   "Action item " + n + " of the review round with " + peer + " is overdue (" +
                       (ours ? party : peer) + ", due " + items[i].value("due", "") + ")",
                   {{"action_item",
                     {{"index", i},
                      {"owner", ours ? "ours" : "theirs"},
                      {"text", items[i].value("text", "")},
                      {"due", items[i].value("due", "")}}}}});
  }
}

std::vector<Reminder> find_reminders(Node& node, TimePoint now) {
  return node.store->snapshot([&](store::Transaction& tx) {
    std::map<std::string, std::string> peer_of_link;
    for (const auto& p : tx.list_peers()) peer_of_link[p.link] = p.name;
    std::vector<Reminder> out;
    for (const auto& rec : tx.list_items(kRound, "", 100000)) {
      if (rec.state == "cancelled") continue;
      const json doc = json::parse(rec.document);
      const std::string& peer = peer_of_link[rec.link];
      meeting_reminder(rec, doc, peer, now, out);
      action_reminders(rec, doc, peer, node.party, now, out);
    }
    return out;
  });
}

json payload_of(const Reminder& r, const std::string& at) {
  json p = {{"event", "escalation"},
            {"trigger", r.trigger},
            {"at", at},
            {"summary", r.summary},
            {"item",
             {{"kind", r.round.kind},
              {"id", r.round.id},
              {"title", r.round.title},
              {"state", r.round.state}}},
            {"tlp", r.round.tlp},
            {"peer", r.peer}};
  p.update(r.detail);
  return p;
}

std::string key_of(const Reminder& r) {
  return r.round.id + " " + r.trigger;
}

}  // namespace

std::vector<store::EscalationRecord> check_round_reminders(Node& node, TimePoint now,
                                                           std::set<std::string>* known) {
  std::vector<store::EscalationRecord> recorded;
  auto found = find_reminders(node, now);
  if (known) std::erase_if(found, [&](const Reminder& r) { return known->count(key_of(r)) > 0; });
  if (found.empty()) return recorded;
  node.store->transact([&](store::Transaction& tx) {
    const auto url = tx.get_setting("webhook.url");
    const bool has_webhook = url && !url->empty();
    for (const auto& r : found) {
      store::EscalationRecord e;
      e.item_id = r.round.id;
      e.item_kind = r.round.kind;
      e.link = r.round.link;
      e.trigger = r.trigger;
      e.at = format_timestamp(now);
      e.payload = payload_of(r, e.at).dump();
      e.webhook_state = has_webhook ? "pending" : "no_webhook";
      try {
        e.id = tx.insert_escalation(e);
      } catch (const Error& err) {
        if (err.code() == "store_duplicate") continue;  // reminded before
        throw;
      }
      record_event(tx, now, "round_reminder", r.round.link,
                   "round " + r.round.id + ": " + r.trigger + ": " + r.summary);
      recorded.push_back(std::move(e));
    }
  });
  if (known) {
    for (const auto& r : found) known->insert(key_of(r));
  }
  return recorded;
}

}  // namespace hotline::service
