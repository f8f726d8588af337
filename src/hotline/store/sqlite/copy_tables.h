// SQL for what copying a whole store needs beyond the other calls
// (Transaction::list_settings, import_event, import_escalation,
// list_sessions), as free functions over a connection; SqliteTransaction
// checks the transaction and calls these.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

// Stored values, as stored (the caller unseals secrets).
std::vector<std::pair<std::string, std::string>> list_settings(Connection& c);
void import_event(Connection& c, const EventRecord& e);
void import_escalation(Connection& c, const EscalationRecord& e);
std::vector<SessionRecord> list_sessions(Connection& c);

}  // namespace hotline::store::sqlite
