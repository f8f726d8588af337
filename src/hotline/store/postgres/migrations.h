// The PostgreSQL schema's numbered migrations, recorded in the table
// schema_migrations of the database itself.
//
// Threads: migrate() runs once when the store opens, on the opening thread,
// on a connection of its own; it holds an advisory lock meanwhile, so two
// processes opening one database at once migrate it once.
#pragma once

#include "hotline/store/postgres/conn.h"

namespace hotline::store::postgres {

// The newest migration this build knows.
int latest_schema_version();

// Applies the migrations the database lacks, each in one transaction with
// its record. With create == false an empty database throws
// "store_missing". Throws "store_too_new" when the database records a
// newer version, "store_corrupt" when it holds tables that are not
// Hotline's.
void migrate(Conn& conn, bool create, const std::string& where);

// The highest migration recorded (0: none).
int recorded_schema_version(Conn& conn);

}  // namespace hotline::store::postgres
