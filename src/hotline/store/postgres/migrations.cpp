#include "hotline/store/postgres/migrations.h"

#include <iterator>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/store/postgres/indicator_tables.h"
#include "hotline/store/postgres/schema.h"

namespace hotline::store::postgres {
namespace {

struct Migration {
  int version;
  const char* description;
  std::string sql;
};

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
))sql";

// Migration 1 is the schema of SQLite's migration 17, in PostgreSQL's
// terms, made of the groups' parts (schema.h).
std::vector<Migration> all_migrations() {
  return {
      {1, "the schema of Hotline's SQLite store at its migration 17",
       std::string(kCreateMigrationsTable) + ";\n" + kSettingsSchema + kLinkSchema + kLedgerSchema +
           kItemSchema + kReviewSchema + kUserSchema + kAuditSchema},
      {2, "failed sign-ins shared by the node's processes (SQLite's 18)", kSignInFailuresSchema},
      {3, "the index of every case's indicators (SQLite's 19)", kCaseIndicatorSchema},
      {4, "escalation e-mails (SQLite's 20)", kEscalationMailSchema},
  };
}

// Held while migrating: a second process opening the database waits.
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(7261700001)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(7261700001)";

bool has_migrations_table(Conn& conn) {
  auto r = conn.exec("reading the schema version",
                     "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                     "current_schema() AND tablename = 'schema_migrations'");
  return integer(r[0], 0) != 0;
}

std::int64_t count_tables(Conn& conn) {
  auto r = conn.exec("checking the database is Hotline's",
                     "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                     "current_schema()");
  return integer(r[0], 0);
}

void refuse_foreign_or_newer(Conn& conn, int current, bool create, const std::string& where) {
  if (current == 0 && count_tables(conn) != 0) {
    throw Error(ErrorCategory::internal, "store_corrupt",
                "The PostgreSQL " + where +
                    " holds tables but is not a Hotline database (it has no schema_migrations "
                    "table). Check the connection string.");
  }
  if (current == 0 && !create) {
    throw Error(ErrorCategory::not_found, "store_missing",
                "The PostgreSQL " + where +
                    " holds no Hotline node. Check the connection string, or create the node "
                    "with: hotline init --store ...");
  }
  const int latest = latest_schema_version();
  if (current > latest) {
    throw Error(ErrorCategory::internal, "store_too_new",
                "This database (PostgreSQL " + where +
                    ") was written by a newer Hotline (schema version " + std::to_string(current) +
                    "; this build understands up to " + std::to_string(latest) +
                    "). Install the newer hotline, or restore a backup made with this version.");
  }
}

void apply(Conn& conn, const Migration& m) {
  const std::string doing = "applying schema migration " + std::to_string(m.version);
  conn.exec_simple(doing.c_str(), "BEGIN");
  try {
    conn.exec_simple(doing.c_str(), m.sql);
    conn.exec("recording a schema migration",
              "INSERT INTO schema_migrations (version, description, applied_at) "
              "VALUES ($1, $2, $3)",
              m.version, m.description, format_timestamp(now_ms()));
    conn.exec_simple(doing.c_str(), "COMMIT");
  } catch (...) {
    conn.rollback_quietly();
    throw;
  }
}

}  // namespace

int latest_schema_version() {
  return all_migrations().back().version;
}

int recorded_schema_version(Conn& conn) {
  if (!has_migrations_table(conn)) return 0;
  auto r = conn.exec("reading the schema version",
                     "SELECT coalesce(max(version), 0) FROM schema_migrations");
  return static_cast<int>(integer(r[0], 0));
}

void migrate(Conn& conn, bool create, const std::string& where) {
  conn.exec_simple("waiting for another process's schema upgrade", kMigrationLock);
  try {
    const int current = recorded_schema_version(conn);
    refuse_foreign_or_newer(conn, current, create, where);
    for (const Migration& m : all_migrations()) {
      if (m.version > current) apply(conn, m);
    }
  } catch (...) {
    if (conn.usable()) conn.rollback_quietly();
    try {
      if (conn.usable()) conn.exec_simple("ending the schema upgrade", kMigrationUnlock);
    } catch (...) {
    }
    throw;
  }
  conn.exec_simple("ending the schema upgrade", kMigrationUnlock);
}

}  // namespace hotline::store::postgres
