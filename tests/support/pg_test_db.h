// PgTestDatabase: a fresh PostgreSQL database for one test, on the tests'
// throwaway cluster, dropped at the end of the test: empty, or a copy of a
// template database that a filling function (the store's migrations) made
// once per cluster (PgTemplate).
//
// The cluster: under ctest, the one the postgres_start fixture started in
// the build folder (scripts/pg-cluster), which HOTLINE_TEST_PG names (the
// libpq connection string of its maintenance database, "postgres"). A test
// binary run by hand without HOTLINE_TEST_PG starts a private cluster of its
// own, once, in a fresh folder under the temporary directory, the first
// time a test asks for one; a watcher process removes it when the test
// binary ends, however it ends.
//
// Threads: construct and destroy on one thread; conninfo() and name() are
// plain values any thread may read; sql() opens its own connection, so any
// thread may call it.
#pragma once

#include <functional>
#include <string>

namespace hotline::testing {

// A template database, made once per cluster and build: `fill` runs on a
// fresh empty database (its conninfo) and must close every connection it
// opened before it returns (PostgreSQL copies no database that is in use).
// The template is named after `key` (letters, digits and '_', up to 20) and
// the test binary (its size and modification time), so that a cluster
// reused over builds never hands out a template an older build filled. Made
// under an advisory lock of the cluster, so that test processes running at
// once fill it once; marked finished (IS_TEMPLATE) only after `fill` ended.
struct PgTemplate {
  std::string key;
  std::function<void(const std::string& conninfo)> fill;
};

// The libpq connection string of the tests' cluster's maintenance database:
// HOTLINE_TEST_PG, or the private cluster's (started on the first call).
// Throws std::runtime_error when the private cluster does not start.
const std::string& pg_test_cluster();

class PgTestDatabase {
 public:
  // Creates a uniquely named database (pid, a counter, random digits),
  // empty. Throws (pqxx::failure, std::runtime_error) when it cannot.
  PgTestDatabase();
  // The same, but a copy of `from` (CREATE DATABASE ... TEMPLATE), which is
  // made first when the cluster does not have it yet. Throws as above, and
  // what `fill` throws.
  explicit PgTestDatabase(const PgTemplate& from);
  // Drops the database WITH (FORCE): connections still open are ended.
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  // The libpq connection string of this database.
  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }

  // Runs one statement on this database (to inspect or tamper with it
  // behind the store); returns the first column of the first row ("" when
  // there is none, or it is NULL).
  std::string sql(const std::string& statement) const;

 private:
  std::string name_, conninfo_;
};

}  // namespace hotline::testing
