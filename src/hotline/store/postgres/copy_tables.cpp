#include "hotline/store/postgres/copy_tables.h"

#include <string>

#include "hotline/common/error.h"

namespace hotline::store::postgres {
namespace {

void require_above(std::int64_t id, std::int64_t highest, const char* what) {
  if (id <= highest) {
    throw Error(ErrorCategory::internal, "store_invalid",
                std::string("Record refused: an imported ") + what + "'s id must be above " +
                    std::to_string(highest) + " (the highest stored), found " + std::to_string(id) +
                    ". Nothing was changed.");
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> list_settings(Conn& c) {
  auto r =
      c.exec("listing the settings", "SELECT key, value FROM settings ORDER BY key COLLATE \"C\"");
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(r.size());
  for (const auto& row : r) out.emplace_back(text(row, 0), text(row, 1));
  return out;
}

// The id is given (OVERRIDING SYSTEM VALUE: an identity column takes it),
// then the column's sequence, if it has one, continues after it.
void import_event(Conn& c, const EventRecord& e) {
  auto r = c.exec("importing an event", "SELECT coalesce(max(id), 0) FROM events");
  require_above(e.id, integer(r[0], 0), "event");
  c.exec("importing an event",
         "INSERT INTO events (id, at, kind, link, detail) OVERRIDING SYSTEM VALUE "
         "VALUES ($1, $2, $3, $4, $5)",
         e.id, e.at, e.kind, e.link, e.detail);
  c.exec("importing an event", "SELECT setval(pg_get_serial_sequence('events', 'id'), $1)", e.id);
}

void import_escalation(Conn& c, const EscalationRecord& e) {
  auto r = c.exec("importing an escalation", "SELECT coalesce(max(id), 0) FROM escalations");
  require_above(e.id, integer(r[0], 0), "escalation");
  c.exec_guarded("importing an escalation",
                 "INSERT INTO escalations (id, item_id, item_kind, link, trigger_name, at, "
                 "payload, webhook_state, attempts, last_error, delivered_at) "
                 "OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 e.id, e.item_id, e.item_kind, e.link, e.trigger, e.at, e.payload, e.webhook_state,
                 e.attempts, e.last_error, e.delivered_at);
  c.exec("importing an escalation",
         "SELECT setval(pg_get_serial_sequence('escalations', 'id'), $1)", e.id);
}

std::vector<SessionRecord> list_sessions(Conn& c) {
  auto r = c.exec("listing the sessions",
                  "SELECT id_hash, user_name, csrf_token_hash, created_at, expires_at, "
                  "last_seen_at, remote FROM sessions ORDER BY id_hash COLLATE \"C\"");
  std::vector<SessionRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    out.push_back(SessionRecord{text(row, 0), text(row, 1), text(row, 2), text(row, 3),
                                text(row, 4), text(row, 5), text(row, 6)});
  }
  return out;
}

}  // namespace hotline::store::postgres
