// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/audit_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void audit_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

const char* const kAuditSchema = "";

void append_audit(Conn& c, const AuditRecord& record) {
  audit_not_yet("append_audit");
}

std::vector<AuditRecord> list_audit(Conn& c, std::int64_t after_seq, std::int64_t limit) {
  audit_not_yet("list_audit");
}

std::optional<AuditRecord> last_audit(Conn& c) {
  audit_not_yet("last_audit");
}

}  // namespace hotline::store::postgres
