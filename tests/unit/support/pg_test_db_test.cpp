// PgTestDatabase (support/pg_test_db.h) against the tests' real PostgreSQL
// cluster: each test database is its own, empty (or a copy of its
// template), and gone afterwards.
#include "support/pg_test_db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

namespace hotline::testing {
namespace pg_test_db_test {

// Runs a query on the cluster's maintenance database; the first column of
// the first row.
std::string on_cluster(const std::string& query) {
  pqxx::connection c(pg_test_cluster());
  pqxx::nontransaction w(c);
  const pqxx::result r = w.exec(query);
  return r.empty() ? "" : r[0][0].c_str();
}

bool exists(const std::string& database) {
  return on_cluster("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'") == "1";
}

const char* kUserTables =
    "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
    "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg_toast%'";

TEST(PgTestDatabaseTest, TwoAreDistinctAndEmpty) {
  PgTestDatabase a;
  PgTestDatabase b;
  EXPECT_NE(a.name(), b.name());
  EXPECT_NE(a.conninfo(), b.conninfo());
  EXPECT_TRUE(exists(a.name()));
  EXPECT_TRUE(exists(b.name()));
  // Connected to the database it names, and it holds nothing of ours.
  EXPECT_EQ(a.sql("SELECT current_database()"), a.name());
  EXPECT_EQ(b.sql("SELECT current_database()"), b.name());
  EXPECT_EQ(a.sql(kUserTables), "0");
  EXPECT_EQ(b.sql(kUserTables), "0");
}

TEST(PgTestDatabaseTest, GoneAfterTheDestructorEvenWithAConnectionOpen) {
  auto db = std::make_unique<PgTestDatabase>();
  const std::string name = db->name();
  ASSERT_TRUE(exists(name));
  // A connection still open (a store not closed) does not keep it.
  pqxx::connection open(db->conninfo());
  EXPECT_TRUE(open.is_open());
  db.reset();
  EXPECT_FALSE(exists(name));
}

TEST(PgTestDatabaseTest, ATableInOneIsNotInTheOther) {
  PgTestDatabase a;
  PgTestDatabase b;
  a.sql("CREATE TABLE t (id integer PRIMARY KEY, v text)");
  a.sql("INSERT INTO t VALUES (1, 'x')");
  EXPECT_EQ(a.sql("SELECT v FROM t WHERE id = 1"), "x");
  EXPECT_EQ(a.sql(kUserTables), "2");  // the table and its primary key's index
  EXPECT_EQ(b.sql(kUserTables), "0");
  EXPECT_EQ(b.sql("SELECT to_regclass('t') IS NULL"), "t");
  EXPECT_THROW(b.sql("SELECT v FROM t"), pqxx::sql_error);
}

TEST(PgTestDatabaseTest, SqlGivesEmptyTextForNoRowAndForNull) {
  PgTestDatabase db;
  EXPECT_EQ(db.sql("SELECT 1 WHERE false"), "");
  EXPECT_EQ(db.sql("SELECT NULL"), "");
  EXPECT_EQ(db.sql("CREATE TABLE u (x integer)"), "");
}

// A template filled with one table and row; how often it was filled in
// this process.
std::atomic<int> fills{0};
const PgTemplate kOneTable{"one_table", [](const std::string& conninfo) {
                             ++fills;
                             pqxx::connection c(conninfo);
                             pqxx::nontransaction w(c);
                             w.exec("CREATE TABLE t (id integer PRIMARY KEY, v text)");
                             w.exec("INSERT INTO t VALUES (1, 'from the template')");
                           }};

TEST(PgTestDatabaseTest, CopiesOfATemplateHoldItsTablesAndAreEachTheirOwn) {
  PgTestDatabase a(kOneTable);
  PgTestDatabase b(kOneTable);
  PgTestDatabase c(kOneTable);
  // Filled at most once (not at all when another test process of this
  // binary made it first, ctest running one process per test).
  EXPECT_LE(fills.load(), 1);
  EXPECT_NE(a.name(), b.name());
  EXPECT_EQ(a.sql("SELECT current_database()"), a.name());
  EXPECT_EQ(a.sql("SELECT v FROM t WHERE id = 1"), "from the template");
  EXPECT_EQ(b.sql("SELECT v FROM t WHERE id = 1"), "from the template");
  a.sql("INSERT INTO t VALUES (2, 'only in a')");
  EXPECT_EQ(a.sql("SELECT count(*) FROM t"), "2");
  EXPECT_EQ(b.sql("SELECT count(*) FROM t"), "1");
  EXPECT_EQ(c.sql("SELECT count(*) FROM t"), "1");
  // The template is finished, and takes no connection that would stop a copy.
  EXPECT_EQ(on_cluster("SELECT count(*) FROM pg_database WHERE datname LIKE "
                       "'hotline\\_tpl\\_one\\_table\\_%' AND datistemplate AND "
                       "NOT datallowconn"),
            "1");
}

TEST(PgTestDatabaseTest, AFillThatFailsLeavesNoTemplateAndIsTriedAgain) {
  int tries = 0;
  const PgTemplate failing{"fails", [&](const std::string& conninfo) {
                             ++tries;
                             {
                               pqxx::connection c(conninfo);
                               pqxx::nontransaction w(c);
                               w.exec("CREATE TABLE half (x integer)");
                             }
                             throw std::runtime_error("the fill failed");
                           }};
  EXPECT_THROW(PgTestDatabase{failing}, std::runtime_error);
  EXPECT_EQ(on_cluster("SELECT count(*) FROM pg_database WHERE datname LIKE "
                       "'hotline\\_tpl\\_fails\\_%'"),
            "0");
  EXPECT_THROW(PgTestDatabase{failing}, std::runtime_error);
  EXPECT_EQ(tries, 2);
}

TEST(PgTestDatabaseTest, ATemplateKeyThatCouldNotNameADatabaseIsRefused) {
  const PgTemplate bad{"no spaces; DROP", [](const std::string&) {}};
  EXPECT_THROW(PgTestDatabase{bad}, std::runtime_error);
}

}  // namespace pg_test_db_test
}  // namespace hotline::testing
