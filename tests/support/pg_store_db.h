// A fresh PostgreSQL database for one test that already holds the store's
// schema (every migration, none of a node's rows: no settings, no keys): a
// copy of a template that the store migrated once per cluster and build
// (PgTemplate in pg_test_db.h), instead of an empty database migrated
// again by each test. For the tests that take the migrations as given; the
// tests of opening and migrating (tests/unit/store/open_*_test.cpp) and of
// `hotline init` start from an empty PgTestDatabase.
//
// Threads: as PgTestDatabase. Header-only: for the test binaries that link
// hotline_store (the support library itself links no project library).
#pragma once

#include <memory>
#include <string>

#include "hotline/store/open.h"
#include "support/pg_test_db.h"

namespace hotline::testing {

// The template: an empty database the store opened (and so migrated) and
// closed again.
inline const PgTemplate& migrated_store_template() {
  static const PgTemplate migrated{"store", [](const std::string& conninfo) {
                                     store::PostgresOptions options;
                                     options.conninfo = conninfo;
                                     store::open_postgres(options);  // closed at once
                                   }};
  return migrated;
}

inline std::unique_ptr<PgTestDatabase> migrated_pg_test_database() {
  return std::make_unique<PgTestDatabase>(migrated_store_template());
}

}  // namespace hotline::testing
