// SQL for the audit trail (audit_trail), as free functions over a
// connection; SqliteTransaction checks the transaction and calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

// seq must be the last seq + 1: store_duplicate for an existing seq,
// store_invalid for any other.
void append_audit(Connection& c, const AuditRecord& record);
std::vector<AuditRecord> list_audit(Connection& c, std::int64_t after_seq, std::int64_t limit);
std::optional<AuditRecord> last_audit(Connection& c);

}  // namespace hotline::store::sqlite
