// Numbered schema migrations for the SQLite backend.
//
// Invariants: versions start at 1 and increase by one; a released migration
// is never edited, only followed by a new one. Each applied migration is
// recorded in schema_migrations(version, description, applied_at), so the
// highest recorded version is the schema the file holds.
#pragma once

#include <span>

#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

struct Migration {
  int version;
  const char* description;
  const char* sql;  // one or more statements
};

// All migrations this build knows, ascending.
std::span<const Migration> migrations();

// The highest version in migrations().
int latest_schema_version();

// Brings the database on `conn` up to latest_schema_version() in one
// transaction (all or nothing). Throws "store_too_new" when the file records
// a newer version, "store_corrupt" when it is a SQLite file of something else.
void migrate(Connection& conn);

// The highest recorded version (0 for an empty file). Needs an open
// transaction or runs in its own.
int recorded_schema_version(Connection& conn);

}  // namespace hotline::store::sqlite
