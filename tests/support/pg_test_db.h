// PgTestDatabase: a fresh, empty PostgreSQL database for one test, on the
// throwaway cluster that the tests' fixture started (HOTLINE_TEST_PG names
// its maintenance database, as a libpq connection string), dropped at the
// end of the test.
//
// Threads: construct and destroy on one thread; conninfo() is a plain value
// any thread may read.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <string>

namespace hotline::testing {

class PgTestDatabase {
 public:
  PgTestDatabase() {
    const char* base = std::getenv("HOTLINE_TEST_PG");
    if (base == nullptr || *base == '\0') {
      throw std::runtime_error(
          "HOTLINE_TEST_PG is not set: run the tests with ctest (which starts a PostgreSQL "
          "cluster), or start one with scripts/pg-cluster and set HOTLINE_TEST_PG");
    }
    base_ = base;
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "hotline_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
            std::to_string(rd() % 100000);
    run_on_base("CREATE DATABASE " + name_);
    conninfo_ = base_ + " dbname=" + name_;
  }
  ~PgTestDatabase() {
    try {
      run_on_base("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }

  // Runs one statement on this database (to inspect or tamper with it
  // behind the store); returns the first column of the first row ("" when
  // there is none).
  std::string sql(const std::string& statement) const {
    pqxx::connection c(conninfo_);
    pqxx::nontransaction w(c);
    auto r = w.exec(statement);
    if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return "";
    return r[0][0].c_str();
  }

 private:
  void run_on_base(const std::string& statement) const {
    pqxx::connection c(base_);
    pqxx::nontransaction w(c);
    w.exec(statement);
  }

  std::string base_, name_, conninfo_;
};

}  // namespace hotline::testing
