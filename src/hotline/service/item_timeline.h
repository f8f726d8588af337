// The timeline of one shared item (alert, request, case, dispute, round):
// every action in its log, in the agreed order (item_log.h linearize), with
// what the link knows of each: the envelope that carried it, when it was
// sent, when this node received it (the peer's actions) or when the peer's
// signed receipt says it arrived (ours), and whether the replay found it
// void. The web app's item screen shows it; the HTTP API serves it
// (GET /v1/{kind}/{id}/timeline).
//
// Order: the local actions that come before the shared ones when replayed
// (a request's draft "create" and "approve"), then the shared actions in the
// agreed order, then the other local actions (a case's private notes), as
// item_log.h applies them.
//
// Thread-safety: free functions over a Store (thread-safe); no state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct TimelineEntry {
  std::size_t index = 0;
  std::string side;  // "ours" or "theirs" (local actions: "ours")
  std::string actor;
  std::string action;
  nlohmann::json args = nlohmann::json::object();  // as recorded
  std::optional<std::string> envelope;             // none for a local action
  bool local = false;
  std::string sent_at;  // the envelope's signed sent_at; a local action's time
  // The peer's actions: when this node stored the envelope (our clock).
  std::optional<std::string> received_at;
  // Our shared actions: "receipted" (at: the time the peer's signed receipt
  // gives) or "pending"; the peer's and local actions: "none".
  std::string receipt_state = "none";
  std::optional<std::string> receipt_at;
  bool void_action = false;  // refused by the replay where it falls
};

struct Timeline {
  std::string item, kind;
  std::vector<TimelineEntry> entries;
};

// The timeline of item `id` (the full id). `reader`: the API's user (a
// TLP:RED item they may not read is item_unknown, as show_item says);
// nullptr: anyone. Given an audit context, the read of an item labelled
// TLP:AMBER, TLP:AMBER+STRICT or TLP:RED is recorded as "item.read" (detail
// "<kind> timeline <tlp>"), as a show is.
Timeline item_timeline(store::Store& store, const std::string& id,
                       const AuditContext* audit = nullptr, const std::string* reader = nullptr,
                       TimePoint now = now_ms());

nlohmann::json to_json(const TimelineEntry& entry);

}  // namespace hotline::service
