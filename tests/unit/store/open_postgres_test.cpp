// Opening a PostgreSQL store (open_postgres), what only it has (the cases of
// both stores are in open_test.cpp): an empty database without create is
// "store_missing" and stays empty; an unreachable server is
// "store_unavailable" with a message that names the host and the database
// but never the password; connections that the server dropped (as a
// restart does) are replaced by the next transaction, and a transaction in
// flight is lost whole.
#include <gtest/gtest.h>

#include <vector>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace open_postgres_test {

using hotline::testing::PgTestDatabase;

PostgresOptions options_for(const PgTestDatabase& db, bool create = true) {
  PostgresOptions options;
  options.conninfo = db.conninfo();
  options.create = create;
  return options;
}

std::string table_count(const PgTestDatabase& db) {
  return db.sql("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
}

TEST(OpenPostgresTest, EmptyDatabaseWithoutCreateIsMissing) {
  PgTestDatabase db;
  EXPECT_EQ(error_code([&] { open_postgres(options_for(db, false)); }), "store_missing");
  EXPECT_EQ(table_count(db), "0");  // not even schema_migrations
  // With create it becomes a store.
  EXPECT_GE(open_postgres(options_for(db))->schema_version(), 1);
}

// Nothing listens on port 1 of 127.0.0.1, nor in a socket folder that does
// not exist. The message names the host and the database, never the
// password, whichever form the connection string takes.
TEST(OpenPostgresTest, UnreachableServerIsUnavailableAndThePasswordNeverShown) {
  const std::string secret = "Hunter2-not-for-logs";
  const std::vector<std::string> conninfos = {
      "host=127.0.0.1 port=1 dbname=hotline_nowhere user=hotline password=" + secret +
          " connect_timeout=5",
      "postgresql://hotline:" + secret + "@127.0.0.1:1/hotline_nowhere?connect_timeout=5",
      "host=/nonexistent-socket-dir port=5432 dbname=hotline_nowhere password='" + secret + "'",
  };
  for (const auto& conninfo : conninfos) {
    PostgresOptions options;
    options.conninfo = conninfo;
    try {
      open_postgres(options);
      ADD_FAILURE() << "connected to nothing";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.code(), "store_unavailable") << what;
      EXPECT_NE(what.find("hotline_nowhere"), std::string::npos) << what;
      EXPECT_TRUE(what.find("127.0.0.1") != std::string::npos ||
                  what.find("/nonexistent-socket-dir") != std::string::npos)
          << what;
      EXPECT_EQ(what.find(secret), std::string::npos) << what;
      EXPECT_EQ(what.find("password"), std::string::npos) << what;
    }
  }
}

// What a restart of the server (pg_ctl restart -m fast) does to the clients'
// connections, done to this test's database alone: the server ends every
// session on it (SQLSTATE 57P01). The tests' cluster is shared, so it is not
// restarted itself.
void drop_connections(const PgTestDatabase& db) {
  db.sql("SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname = '" +
         db.name() + "' AND pid <> pg_backend_pid()");
}

TEST(OpenPostgresTest, DroppedConnectionsAreReplacedByTheNextTransaction) {
  PgTestDatabase db;
  auto store = open_postgres(options_for(db));
  store->transact([](Transaction& tx) { tx.put_setting("a", "1"); });
  EXPECT_EQ(store->read()->get_setting("a"), "1");  // a reader in the pool
  drop_connections(db);
  // The writer and the pooled reader broke while idle: the next
  // transactions open new ones.
  store->transact([](Transaction& tx) { tx.put_setting("b", "2"); });
  EXPECT_EQ(store->read()->get_setting("b"), "2");
  drop_connections(db);
  {
    auto tx = store->write();
    tx->put_setting("c", "3");
    tx->commit();
  }
  EXPECT_EQ(store->read()->get_setting("c"), "3");
}

TEST(OpenPostgresTest, ATransactionInFlightIsLostWhole) {
  PgTestDatabase db;
  auto store = open_postgres(options_for(db));
  store->transact([](Transaction& tx) { tx.put_setting("a", "1"); });
  {
    auto tx = store->write();
    tx->put_setting("b", "2");
    drop_connections(db);
    EXPECT_EQ(error_code([&] {
                tx->put_setting("c", "3");
                tx->commit();
              }),
              "store_unavailable");
  }
  // Group commit (transact): the same.
  EXPECT_EQ(error_code([&] {
              store->transact([&](Transaction& tx) {
                tx.put_setting("d", "4");
                drop_connections(db);
                tx.put_setting("e", "5");
              });
            }),
            "store_unavailable");
  // A read in flight too.
  {
    auto tx = store->read();
    EXPECT_EQ(tx->get_setting("a"), "1");
    drop_connections(db);
    EXPECT_EQ(error_code([&] { tx->get_setting("a"); }), "store_unavailable");
  }
  // Nothing of them was saved; the store goes on.
  auto tx = store->read();
  EXPECT_EQ(tx->get_setting("a"), "1");
  for (const char* key : {"b", "c", "d", "e"}) EXPECT_EQ(tx->get_setting(key), std::nullopt) << key;
  tx.reset();
  store->transact([](Transaction& tx2) { tx2.put_setting("f", "6"); });
  EXPECT_EQ(store->read()->get_setting("f"), "6");
}

}  // namespace open_postgres_test
}  // namespace hotline::store::testing
