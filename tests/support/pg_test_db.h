// PgTestDatabase: a fresh, empty PostgreSQL database for one test, on the
// tests' throwaway cluster, dropped at the end of the test.
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

#include <string>

namespace hotline::testing {

// The libpq connection string of the tests' cluster's maintenance database:
// HOTLINE_TEST_PG, or the private cluster's (started on the first call).
// Throws std::runtime_error when the private cluster does not start.
const std::string& pg_test_cluster();

class PgTestDatabase {
 public:
  // Creates a uniquely named database (pid, a counter, random digits).
  // Throws (pqxx::failure, std::runtime_error) when it cannot.
  PgTestDatabase();
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
