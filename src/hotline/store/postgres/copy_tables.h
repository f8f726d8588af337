// SQL for what copying a whole store needs beyond the other calls
// (Transaction::list_settings, import_event, import_escalation,
// list_sessions), as free functions over a connection; PostgresTransaction
// checks the transaction and calls these.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

// Stored values, as stored (the caller unseals secrets).
std::vector<std::pair<std::string, std::string>> list_settings(Conn& c);
void import_event(Conn& c, const EventRecord& e);
void import_escalation(Conn& c, const EscalationRecord& e);
std::vector<SessionRecord> list_sessions(Conn& c);

}  // namespace hotline::store::postgres
