#include "hotline/store/postgres/audit_tables.h"

#include <string>

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

namespace hotline::store::postgres {

// SQLite's migration 6.
const char* const kAuditSchema = R"sql(
CREATE TABLE audit_trail (
  seq    BIGINT PRIMARY KEY CHECK (seq >= 1),
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  source TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev   TEXT NOT NULL,
  hash   TEXT NOT NULL
);
)sql";

namespace {

constexpr const char* kListAudit =
    "SELECT seq, at, actor, source, action, target, detail, prev, hash FROM audit_trail "
    "WHERE seq > $1 ORDER BY seq LIMIT $2";
constexpr const char* kLastAudit =
    "SELECT seq, at, actor, source, action, target, detail, prev, hash FROM audit_trail "
    "ORDER BY seq DESC LIMIT 1";

AuditRecord read_audit(const pqxx::row& row) {
  AuditRecord r;
  r.seq = integer(row, 0);
  r.at = text(row, 1);
  r.actor = text(row, 2);
  r.source = text(row, 3);
  r.action = text(row, 4);
  r.target = text(row, 5);
  r.detail = text(row, 6);
  r.prev = text(row, 7);
  r.hash = text(row, 8);
  return r;
}

std::int64_t last_seq(Conn& c) {
  auto r = c.exec("reading the audit trail", "SELECT coalesce(max(seq), 0) FROM audit_trail");
  return integer(r[0], 0);
}

}  // namespace

void append_audit(Conn& c, const AuditRecord& r) {
  // One round trip when seq is the next one (the writers' advisory lock keeps
  // it so until commit); the refusal's reason is read only when refused.
  auto inserted =
      c.exec("appending to the audit trail",
             "INSERT INTO audit_trail (seq, at, actor, source, action, target, detail, prev, "
             "hash) SELECT $1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, "
             "$7::text, $8::text, $9::text "
             "WHERE $1::bigint = (SELECT coalesce(max(seq), 0) + 1 FROM audit_trail) "
             "ON CONFLICT DO NOTHING RETURNING 1",
             r.seq, r.at, r.actor, r.source, r.action, r.target, r.detail, r.prev, r.hash);
  if (!inserted.empty()) return;
  const std::int64_t last = last_seq(c);
  if (r.seq >= 1 && r.seq <= last) {
    throw Error(ErrorCategory::conflict, "store_duplicate",
                "Record refused: audit entry " + std::to_string(r.seq) +
                    " already exists. Nothing was changed.");
  }
  throw Error(ErrorCategory::internal, "store_invalid",
              "Record refused: audit entry " + std::to_string(r.seq) +
                  " does not follow the last one (" + std::to_string(last) +
                  "). Nothing was changed.");
}

void append_next_audit(Conn& c, const AuditRecord& r) {
  c.write("appending to the audit trail",
          "INSERT INTO audit_trail (seq, at, actor, source, action, target, detail, prev, hash) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          r.seq, r.at, r.actor, r.source, r.action, r.target, r.detail, r.prev, r.hash);
}

std::vector<AuditRecord> list_audit(Conn& c, std::int64_t after_seq, std::int64_t limit) {
  auto rows = c.exec("reading the audit trail", kListAudit, after_seq, limit);
  std::vector<AuditRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(read_audit(row));
  return out;
}

std::optional<AuditRecord> last_audit(Conn& c) {
  auto rows = c.exec("reading the audit trail", kLastAudit);
  if (rows.empty()) return std::nullopt;
  return read_audit(rows[0]);
}

}  // namespace hotline::store::postgres
