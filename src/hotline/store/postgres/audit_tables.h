// SQL for the audit trail (audit_trail), as free functions over a
// connection; PostgresTransaction checks the transaction and calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

// seq must be the last seq + 1: store_duplicate for an existing seq,
// store_invalid for any other.
void append_audit(Conn& c, const AuditRecord& record);
// The same for a record that the caller knows follows the newest entry (it
// read that entry under the writers' lock): a deferred write (Conn::write);
// a duplicate seq is still refused, by the server.
void append_next_audit(Conn& c, const AuditRecord& record);
std::vector<AuditRecord> list_audit(Conn& c, std::int64_t after_seq, std::int64_t limit);
std::optional<AuditRecord> last_audit(Conn& c);

}  // namespace hotline::store::postgres
