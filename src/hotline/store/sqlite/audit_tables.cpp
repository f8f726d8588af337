#include "hotline/store/sqlite/audit_tables.h"

#include <string>

#include "hotline/common/error.h"

namespace hotline::store::sqlite {
namespace {

constexpr const char* kAuditColumns =
    "SELECT seq, at, actor, source, action, target, detail, prev, hash FROM audit_trail ";

AuditRecord read_audit(const Query& q) {
  AuditRecord r;
  r.seq = q.integer(0);
  r.at = q.text(1);
  r.actor = q.text(2);
  r.source = q.text(3);
  r.action = q.text(4);
  r.target = q.text(5);
  r.detail = q.text(6);
  r.prev = q.text(7);
  r.hash = q.text(8);
  return r;
}

std::int64_t last_seq(Connection& c) {
  Query q(c, "SELECT coalesce(max(seq), 0) FROM audit_trail", "reading the audit trail");
  q.step();
  return q.integer(0);
}

}  // namespace

void append_audit(Connection& c, const AuditRecord& r) {
  const std::int64_t last = last_seq(c);
  if (r.seq >= 1 && r.seq <= last) {
    throw Error(ErrorCategory::conflict, "store_duplicate",
                "Record refused: audit entry " + std::to_string(r.seq) +
                    " already exists. Nothing was changed.");
  }
  if (r.seq != last + 1) {
    throw Error(ErrorCategory::internal, "store_invalid",
                "Record refused: audit entry " + std::to_string(r.seq) +
                    " does not follow the last one (" + std::to_string(last) +
                    "). Nothing was changed.");
  }
  Query q(c,
          "INSERT INTO audit_trail (seq, at, actor, source, action, target, detail, prev, hash) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          "appending to the audit trail");
  q.bind(1, r.seq).bind(2, r.at).bind(3, r.actor).bind(4, r.source).bind(5, r.action);
  q.bind(6, r.target).bind(7, r.detail).bind(8, r.prev).bind(9, r.hash);
  q.run();
}

std::vector<AuditRecord> list_audit(Connection& c, std::int64_t after_seq, std::int64_t limit) {
  Query q(c, (std::string(kAuditColumns) + "WHERE seq > ?1 ORDER BY seq LIMIT ?2").c_str(),
          "reading the audit trail");
  q.bind(1, after_seq).bind(2, limit);
  std::vector<AuditRecord> out;
  while (q.step()) out.push_back(read_audit(q));
  return out;
}

std::optional<AuditRecord> last_audit(Connection& c) {
  Query q(c, (std::string(kAuditColumns) + "ORDER BY seq DESC LIMIT 1").c_str(),
          "reading the audit trail");
  if (!q.step()) return std::nullopt;
  return read_audit(q);
}

}  // namespace hotline::store::sqlite
