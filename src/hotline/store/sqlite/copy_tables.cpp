#include "hotline/store/sqlite/copy_tables.h"

#include <string>

#include "hotline/common/error.h"

namespace hotline::store::sqlite {
namespace {

std::int64_t max_id(Connection& c, const char* sql) {
  Query q(c, sql, "reading the highest id");
  return q.step() ? q.integer(0) : 0;
}

void require_above(std::int64_t id, std::int64_t highest, const char* what) {
  if (id <= highest) {
    throw Error(ErrorCategory::internal, "store_invalid",
                std::string("Record refused: an imported ") + what + "'s id must be above " +
                    std::to_string(highest) + " (the highest stored), found " + std::to_string(id) +
                    ". Nothing was changed.");
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> list_settings(Connection& c) {
  Query q(c, "SELECT key, value FROM settings ORDER BY key", "listing the settings");
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  return out;
}

void import_event(Connection& c, const EventRecord& e) {
  require_above(e.id, max_id(c, "SELECT COALESCE(MAX(id), 0) FROM events"), "event");
  Query q(c, "INSERT INTO events (id, at, kind, link, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
          "importing an event");
  q.bind(1, e.id).bind(2, e.at).bind(3, e.kind).bind(4, e.link).bind(5, e.detail);
  q.run();
}

void import_escalation(Connection& c, const EscalationRecord& e) {
  // AUTOINCREMENT: sqlite_sequence follows an explicit id above it.
  require_above(e.id, max_id(c, "SELECT COALESCE(MAX(id), 0) FROM escalations"), "escalation");
  Query q(c,
          "INSERT INTO escalations (id, item_id, item_kind, link, trigger_name, at, payload, "
          "webhook_state, attempts, last_error, delivered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
          "?7, ?8, ?9, ?10, ?11)",
          "importing an escalation");
  q.bind(1, e.id).bind(2, e.item_id).bind(3, e.item_kind).bind(4, e.link).bind(5, e.trigger);
  q.bind(6, e.at).bind(7, e.payload).bind(8, e.webhook_state).bind(9, e.attempts);
  q.bind(10, e.last_error).bind_optional(11, e.delivered_at);
  q.run();
}

std::vector<SessionRecord> list_sessions(Connection& c) {
  Query q(c,
          "SELECT id_hash, user_name, csrf_token_hash, created_at, expires_at, last_seen_at, "
          "remote FROM sessions ORDER BY id_hash",
          "listing the sessions");
  std::vector<SessionRecord> out;
  while (q.step()) {
    out.push_back(
        SessionRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6)});
  }
  return out;
}

}  // namespace hotline::store::sqlite
