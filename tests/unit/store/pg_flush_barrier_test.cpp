// The PostgreSQL store's two durability modes (store/open.h,
// PostgresOptions::Sync) and its flush barrier (store.h,
// Store::flush_barrier). Normal mode: write transactions commit with
// synchronous_commit off; the barrier returns only once every commit
// before it is flushed. Full mode: every commit keeps the server's
// synchronous_commit. PostgreSQL only: SQLite's commits keep what they
// promise by themselves (its barrier does nothing).
#include <gtest/gtest.h>

#include <string>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace pg_flush_barrier_test {

using hotline::testing::PgTestDatabase;

std::unique_ptr<Store> open_in(const PgTestDatabase& db, PostgresOptions::Sync sync) {
  PostgresOptions options;
  options.conninfo = db.conninfo();
  options.sync = sync;
  return open_postgres(options);
}

// The text of the last statement of the session that holds a transaction
// open on `db` (the store's writer, while a write() is open).
std::string open_transaction_statement(const PgTestDatabase& db) {
  return db.sql("SELECT query FROM pg_stat_activity WHERE datname = '" + db.name() +
                "' AND state = 'idle in transaction' AND pid <> pg_backend_pid()");
}

TEST(PgFlushBarrierTest, NormalModeCommitsWithoutWaitingForTheFlush) {
  auto db = hotline::testing::migrated_pg_test_database();
  auto store = open_in(*db, PostgresOptions::Sync::normal);
  auto tx = store->write();
  EXPECT_NE(open_transaction_statement(*db).find("SET LOCAL synchronous_commit = off"),
            std::string::npos)
      << open_transaction_statement(*db);
  tx->put_setting("a", "1");
  tx->commit();
  EXPECT_EQ(store->read()->get_setting("a"), "1");
}

TEST(PgFlushBarrierTest, FullModeKeepsTheServersSynchronousCommit) {
  auto db = hotline::testing::migrated_pg_test_database();
  auto store = open_in(*db, PostgresOptions::Sync::full);
  auto tx = store->write();
  const std::string begun = open_transaction_statement(*db);
  EXPECT_NE(begun.find("pg_advisory_xact_lock"), std::string::npos) << begun;
  EXPECT_EQ(begun.find("synchronous_commit"), std::string::npos) << begun;
  tx->put_setting("a", "1");
  tx->commit();
  store->flush_barrier();  // nothing to wait for
  EXPECT_EQ(store->read()->get_setting("a"), "1");
}

TEST(PgFlushBarrierTest, TheBarrierReturnsOnceEveryEarlierCommitIsFlushed) {
  auto db = hotline::testing::migrated_pg_test_database();
  auto store = open_in(*db, PostgresOptions::Sync::normal);
  for (int i = 0; i < 20; ++i) {
    store->transact([&](Transaction& tx) { tx.put_setting("k" + std::to_string(i), "v"); });
    const std::string inserted = db->sql("SELECT pg_current_wal_insert_lsn()");
    store->flush_barrier();
    EXPECT_EQ(db->sql("SELECT pg_current_wal_flush_lsn() >= '" + inserted + "'::pg_lsn"), "t")
        << "after commit " << i << ", WAL inserted up to " << inserted;
  }
  store->flush_barrier();  // nothing new: returns at once
}

TEST(PgFlushBarrierTest, TheBarrierReplacesAConnectionThatBroke) {
  auto db = hotline::testing::migrated_pg_test_database();
  auto store = open_in(*db, PostgresOptions::Sync::normal);
  store->transact([](Transaction& tx) { tx.put_setting("a", "1"); });
  EXPECT_EQ(store->read()->get_setting("a"), "1");  // a reader in the pool
  db->sql("SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname = '" +
          db->name() + "' AND pid <> pg_backend_pid()");
  store->flush_barrier();
  store->transact([](Transaction& tx) { tx.put_setting("b", "2"); });
  store->flush_barrier();
  EXPECT_EQ(store->read()->get_setting("b"), "2");
}

}  // namespace pg_flush_barrier_test
}  // namespace hotline::store::testing
