#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/time.h"
#include "hotline/ledger/memory_tree_storage.h"
#include "hotline/ledger/merkle.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/store/sqlite/link_tables.h"
#include "hotline/store/sqlite/migrations.h"

#include "store_test_util.h"

namespace hotline::store::testing {
namespace open_test {

TEST(OpenTest, WalModeOnAndForeignKeysEnforced) {
  TempDir dir;
  auto store = open_sqlite(dir.db());
  store->transact([](Transaction& tx) { tx.put_setting("a", "1"); });
  RawDb raw(dir.db());
  EXPECT_EQ(raw.value("PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "hotline.db-wal"));
  // foreign_keys is per connection, so check the Store's connections by
  // effect: a dangling reference must be refused, on a write and a reopen.
  auto dangling = [&](Store& s) {
    return error_code([&] {
      s.transact([](Transaction& tx) {
        tx.enqueue_outbox(OutboxItem{"a-b", 1, "missing", 0, {}});
      });
    });
  };
  EXPECT_EQ(dangling(*store), "store_missing_reference");
  store.reset();
  auto again = open_sqlite(dir.db(), {.create = false, .sync = SqliteOptions::Sync::full});
  EXPECT_EQ(dangling(*again), "store_missing_reference");
}

TEST(OpenTest, MissingFileWithoutCreate) {
  TempDir dir;
  EXPECT_EQ(error_code([&] { open_sqlite(dir.db(), {.create = false}); }), "store_missing");
  EXPECT_FALSE(std::filesystem::exists(dir.db()));
}

TEST(OpenTest, MissingFolderIsAnIoError) {
  TempDir dir;
  EXPECT_EQ(error_code([&] { open_sqlite(dir.path() / "no-such-dir" / "x.db"); }), "store_io");
}

TEST(OpenTest, NotADatabaseRefused) {
  TempDir dir;
  {
    std::ofstream f(dir.db(), std::ios::binary);
    f << "this is not a database, it is a text file that someone put here by mistake.\n";
    for (int i = 0; i < 100; ++i) f << "padding padding padding padding padding\n";
  }
  try {
    open_sqlite(dir.db());
    FAIL() << "opened a text file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "store_corrupt");
    EXPECT_NE(std::string(e.what()).find(dir.db().string()), std::string::npos) << e.what();
  }
}

// A store written before migration 7 (receipts in a WITHOUT ROWID table)
// is upgraded on open: its receipts are all still there, byte for byte, in
// the rowid table, and new ones go in beside them.
TEST(OpenTest, Migration7KeepsEveryReceipt) {
  TempDir dir;
  {
    RawDb raw(dir.db());
    raw.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT "
        "NULL, applied_at TEXT NOT NULL)");
    for (const auto& m : sqlite::migrations()) {
      if (m.version > 6) break;
      raw.exec(m.sql);
      raw.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) +
               ", 'test', '2026-01-01T00:00:00.000Z')");
    }
    ASSERT_NE(
        raw.value("SELECT sql FROM sqlite_schema WHERE name = 'receipts'").find("WITHOUT ROWID"),
        std::string::npos);
    for (int seq = 1; seq <= 3; ++seq) {
      const std::string n = std::to_string(seq);
      raw.exec("INSERT INTO envelopes VALUES ('id-" + n + "', 'L', 'inbound', " + n + ", '" +
               std::string(64, 'a') + "', 'desk.message', '2026-01-01T00:00:00.000Z', '{}', " +
               "'2026-01-01T00:00:01.000Z')");
      raw.exec("INSERT INTO receipts VALUES ('L', 'inbound', " + n + ", '" + std::string(64, 'a') +
               "', '2026-01-01T00:00:01.000Z', " + std::to_string(2 * seq) +
               ", '{\"receipt\":" + n + "}')");
    }
  }
  auto store = open_sqlite(dir.db(), {.create = false});
  EXPECT_GE(store->schema_version(), 7);
  for (int seq = 1; seq <= 3; ++seq) {
    auto r = store->read()->find_receipt("L", Direction::inbound, seq);
    ASSERT_TRUE(r) << seq;
    EXPECT_EQ(r->canonical, "{\"receipt\":" + std::to_string(seq) + "}");
    EXPECT_EQ(r->ledger_index, 2 * seq);
  }
  RawDb raw(dir.db());
  EXPECT_EQ(
      raw.value("SELECT sql FROM sqlite_schema WHERE name = 'receipts'").find("WITHOUT ROWID"),
      std::string::npos);
  EXPECT_EQ(raw.value("SELECT count(*) FROM sqlite_schema WHERE name = 'receipts_rowid'"), "0");
  // The primary key still refuses a second receipt for the same envelope.
  auto e = store->read()->find_envelope("id-2");
  ASSERT_TRUE(e);
  EXPECT_EQ(error_code([&] {
              store->transact([&](Transaction& tx) { tx.insert_receipt(make_receipt(*e, 9)); });
            }),
            "store_duplicate");
}

// Every stored node of the log, level 0 (the leaves) included, as the
// store answers it, against the tree recomputed from the leaf hashes.
void expect_log_matches_leaves(Store& store) {
  auto tx = store.read();
  const std::int64_t size = tx->ledger_size();
  std::vector<ledger::Digest> hashes;
  for (const auto& leaf : tx->list_ledger_leaves(0, static_cast<std::size_t>(size)))
    hashes.push_back(ledger::digest_from_hex(leaf.leaf_hash));
  ASSERT_EQ(static_cast<std::int64_t>(hashes.size()), size);
  ledger::MemoryTreeStorage memory;
  ledger::MerkleTree tree(memory);
  tree.append_leaf_hashes(hashes);
  for (int level = 0; (size >> level) > 0; ++level) {
    for (std::int64_t i = 0; i < (size >> level); ++i) {
      auto stored = tx->ledger_node(level, i);
      ASSERT_TRUE(stored) << level << "/" << i;
      EXPECT_EQ(*stored, to_hex(*memory.get(level, static_cast<std::uint64_t>(i))))
          << level << "/" << i;
    }
    EXPECT_FALSE(tx->ledger_node(level, size >> level)) << level;
  }
}

// A store written before migration 8 kept every leaf hash twice (in
// ledger_leaves and as level 0 of ledger_nodes). Opening it drops the copy;
// the tree reads the same, and appends carry on from it.
TEST(OpenTest, Migration8KeepsLevelZeroOnce) {
  TempDir dir;
  {
    auto store = open_sqlite(dir.db());
    store->transact([](Transaction& tx) {
      for (int seq = 1; seq <= 11; ++seq)
        tx.insert_envelope(make_envelope("L", Direction::outbound, seq));
    });
  }
  {
    // Make it the store an older hotline wrote: level 0 stored in
    // ledger_nodes as well, migration 8 not applied.
    RawDb raw(dir.db());
    raw.exec(
        "INSERT INTO ledger_nodes (level, idx, hash) SELECT 0, idx, leaf_hash FROM "
        "ledger_leaves");
    raw.exec("DELETE FROM schema_migrations WHERE version >= 8");
    raw.exec("DROP INDEX agreements_in_force");  // nor migration 9
    ASSERT_EQ(raw.value("SELECT count(*) FROM ledger_nodes WHERE level = 0"), "11");
  }
  auto store = open_sqlite(dir.db(), {.create = false});
  EXPECT_GE(store->schema_version(), 8);
  RawDb raw(dir.db());
  EXPECT_EQ(raw.value("SELECT count(*) FROM ledger_nodes WHERE level = 0"), "0");
  EXPECT_EQ(raw.value("SELECT count(*) FROM ledger_nodes"), "8");  // 5 + 2 + 1 for 11 leaves
  expect_log_matches_leaves(*store);
  store->transact([](Transaction& tx) {
    for (int seq = 12; seq <= 17; ++seq)
      tx.insert_envelope(make_envelope("L", Direction::outbound, seq));
  });
  EXPECT_EQ(raw.value("SELECT count(*) FROM ledger_nodes WHERE level = 0"), "0");
  expect_log_matches_leaves(*store);
}

// A store written before migration 10 has ledger_leaves with its UNIQUE
// constraint (and index), and the outbox an index on envelope_id. Opening
// it rebuilds the table without them and drops the other: every
// leaf is still there, the tree reads the same, appends carry on, and a
// second copy of an envelope is still refused without a second leaf.
TEST(OpenTest, Migration10KeepsEveryLeaf) {
  TempDir dir;
  {
    auto store = open_sqlite(dir.db());
    store->transact([](Transaction& tx) {
      for (int seq = 1; seq <= 11; ++seq) {
        const auto e = make_envelope("L", Direction::inbound, seq);
        tx.insert_envelope(e);
        tx.insert_receipt(make_receipt(e, 2 * (seq - 1)));
      }
    });
  }
  {
    RawDb raw(dir.db());
    raw.exec(std::string(R"sql(
CREATE TABLE old_leaves (
  idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
  kind      TEXT NOT NULL CHECK (kind IN ('envelope', 'receipt')),
  link      TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq       INTEGER NOT NULL,
  leaf_hash TEXT NOT NULL,
  UNIQUE (kind, link, direction, seq)
);
INSERT INTO old_leaves SELECT * FROM ledger_leaves;
DROP TABLE ledger_leaves;
ALTER TABLE old_leaves RENAME TO ledger_leaves;
CREATE INDEX outbox_envelope ON outbox (envelope_id);
DELETE FROM schema_migrations WHERE version >= 10;
)sql"));
    ASSERT_EQ(raw.value("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'ledger_leaves' AND "
                        "type = 'index'"),
              "1");
  }
  auto store = open_sqlite(dir.db(), {.create = false});
  EXPECT_GE(store->schema_version(), 10);
  RawDb raw(dir.db());
  EXPECT_EQ(raw.value("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'ledger_leaves' AND "
                      "type = 'index'"),
            "0");
  EXPECT_EQ(raw.value("SELECT count(*) FROM sqlite_schema WHERE name = 'ledger_leaves_new'"), "0");
  EXPECT_EQ(raw.value("SELECT count(*) FROM sqlite_schema WHERE name = 'outbox_envelope'"), "0");
  EXPECT_EQ(raw.value("SELECT count(*) FROM ledger_leaves"), "22");
  EXPECT_EQ(raw.value("SELECT group_concat(kind || seq, ' ') FROM (SELECT kind, seq FROM "
                      "ledger_leaves WHERE idx < 4 ORDER BY idx)"),
            "envelope1 receipt1 envelope2 receipt2");
  expect_log_matches_leaves(*store);
  const auto again = make_envelope("L", Direction::inbound, 5);
  EXPECT_EQ(
      error_code([&] { store->transact([&](Transaction& tx) { tx.insert_envelope(again); }); }),
      "store_duplicate");
  EXPECT_EQ(store->read()->ledger_size(), 22);
  store->transact([](Transaction& tx) {
    for (int seq = 12; seq <= 14; ++seq)
      tx.insert_envelope(make_envelope("L", Direction::inbound, seq));
  });
  EXPECT_EQ(store->read()->ledger_size(), 25);
  expect_log_matches_leaves(*store);
}

// Each request created looks up the agreement in force inside its write
// transaction; the lookup must not read agreement documents (their rows run
// over several pages). Also after an upgrade from schema version 8.
TEST(OpenTest, AgreementInForceIsFoundThroughItsIndexAlone) {
  TempDir dir;
  { auto store = open_sqlite(dir.db()); }
  {
    RawDb raw(dir.db());
    raw.exec("DROP INDEX agreements_in_force");
    raw.exec("DELETE FROM schema_migrations WHERE version >= 9");
    EXPECT_EQ(raw.plan(sqlite::kAgreementInForceSql).find("COVERING INDEX"), std::string::npos);
  }
  auto store = open_sqlite(dir.db(), {.create = false});
  EXPECT_GE(store->schema_version(), 9);
  RawDb raw(dir.db());
  EXPECT_NE(raw.plan(sqlite::kAgreementInForceSql).find("USING COVERING INDEX agreements_in_force"),
            std::string::npos)
      << raw.plan(sqlite::kAgreementInForceSql);
}

// A store written before migration 13 knew each acceptance only by its
// envelope: opening it reads the acceptance envelope's signed sent_at back
// as the agreement's entry into force (and leaves a proposal without one).
TEST(OpenTest, Migration13ReadsEachAcceptanceBackFromItsEnvelope) {
  TempDir dir;
  {
    auto store = open_sqlite(dir.db());
    store->transact([](Transaction& tx) {
      for (const char* digest : {"d1", "d2"}) {
        AgreementRecord a;
        a.digest = digest;
        a.link = "L";
        a.document = "{}";
        a.proposed_by = "k";
        a.proposer_sig = "s";
        a.state = "proposed";
        a.proposed_at = "2026-01-01T00:00:00.000Z";
        if (std::string(digest) == "d1") {
          a.acceptor_sig = "t";
          a.state = "accepted";
          a.accepted_at = "2026-01-02T10:00:00.500Z";  // the proposer's clock
        }
        tx.put_agreement(a);
      }
      auto e = make_envelope("L", Direction::inbound, 1);
      e.type = "agreement.accept";
      e.sent_at = "2026-01-02T10:00:00.000Z";
      e.canonical = R"({"body":{"digest":"d1","signature":"t"},"seq":1})";
      tx.insert_envelope(e);
    });
  }
  {
    RawDb raw(dir.db());
    raw.exec("DROP TABLE agreement_entries");
    raw.exec("DELETE FROM schema_migrations WHERE version >= 13");
  }
  auto store = open_sqlite(dir.db(), {.create = false});
  EXPECT_GE(store->schema_version(), 13);
  auto tx = store->read();
  EXPECT_EQ(tx->find_agreement("d1")->in_force_from, "2026-01-02T10:00:00.000Z");
  EXPECT_FALSE(tx->find_agreement("d2")->in_force_from.has_value());
}

// ---- on both stores ----------------------------------------------------------

// A store's database reached behind the store, to inspect or craft it: a
// SQLite file in its own folder, or a fresh PostgreSQL database.
class RawStoreDb {
 public:
  explicit RawStoreDb(Backend backend) {
    if (backend == Backend::postgres) pg_ = std::make_unique<hotline::testing::PgTestDatabase>();
  }
  std::unique_ptr<Store> open(bool create = true) const {
    if (!pg_) return open_sqlite(dir_.db(), {.create = create});
    PostgresOptions options;
    options.conninfo = pg_->conninfo();
    options.create = create;
    return open_postgres(options);
  }
  void exec(const std::string& sql) const {
    if (pg_) {
      pg_->sql(sql);
    } else {
      RawDb(dir_.db()).exec(sql);
    }
  }
  std::string value(const std::string& sql) const {
    return pg_ ? pg_->sql(sql) : RawDb(dir_.db()).value(sql);
  }
  std::string count_tables(const std::string& name = "%") const {
    return value(pg_ ? "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                       "current_schema() AND tablename LIKE '" +
                           name + "'"
                     : "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE '" +
                           name + "'");
  }
  // What messages name it by.
  std::string where() const { return pg_ ? pg_->name() : dir_.db().string(); }

 private:
  TempDir dir_;
  std::unique_ptr<hotline::testing::PgTestDatabase> pg_;
};

class OpenBothTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = raw_.open(); }
  void TearDown() override { store_.reset(); }
  bool postgres() const { return GetParam() == Backend::postgres; }

  RawStoreDb raw_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(OpenBothTest, NewDatabaseRecordsMigrations) {
  EXPECT_GE(store_->schema_version(), 1);
  EXPECT_EQ(raw_.value("SELECT max(version) FROM schema_migrations"),
            std::to_string(store_->schema_version()));
  EXPECT_EQ(raw_.value("SELECT count(*) FROM schema_migrations"),
            std::to_string(store_->schema_version()));
  if (!postgres()) {
    EXPECT_EQ(raw_.value("SELECT description FROM schema_migrations WHERE version = 1"),
              "settings, envelopes, outbox, receipts");
  }
  // applied_at is a canonical timestamp.
  EXPECT_NO_THROW(parse_timestamp(raw_.value("SELECT applied_at FROM schema_migrations")));
}

TEST_P(OpenBothTest, ReopenKeepsDataAndMigratesNothingTwice) {
  UserRecord u;
  u.name = "anna";
  u.roles = {"admin"};
  u.password_hash = "$argon2id$x";
  u.created_at = u.updated_at = "2026-11-27T09:00:00.000Z";
  AuditRecord a{1, "2026-11-27T09:00:00.000Z", "anna", "cli", "user.add", "anna", "", "0", "h"};
  store_->transact([&](Transaction& tx) {
    tx.put_setting("party.name", "CERT-A");
    tx.insert_user(u);
    tx.append_audit(a);
  });
  const std::string applied = raw_.value("SELECT max(applied_at) FROM schema_migrations");
  store_.reset();
  auto store = raw_.open(false);
  EXPECT_EQ(store->read()->get_setting("party.name"), "CERT-A");
  EXPECT_EQ(store->read()->find_user("anna"), u);
  EXPECT_EQ(store->read()->last_audit(), a);
  EXPECT_EQ(raw_.value("SELECT count(*) FROM schema_migrations"),
            std::to_string(store->schema_version()));
  EXPECT_EQ(raw_.value("SELECT max(applied_at) FROM schema_migrations"), applied);
}

TEST_P(OpenBothTest, TooNewRefusedAndNothingChanged) {
  store_.reset();
  raw_.exec(
      "INSERT INTO schema_migrations VALUES (999, 'from the future', "
      "'2030-01-01T00:00:00.000Z')");
  const std::string tables = raw_.count_tables();
  const std::string versions = raw_.value("SELECT count(*) FROM schema_migrations");
  for (bool create : {true, false}) {
    try {
      raw_.open(create);
      FAIL() << "opened a database from a newer build";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "store_too_new");
      EXPECT_NE(std::string(e.what()).find("schema version 999"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("Install the newer hotline"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find(raw_.where()), std::string::npos) << e.what();
    }
  }
  // Nothing was changed by the refused opens.
  EXPECT_EQ(raw_.value("SELECT max(version) FROM schema_migrations"), "999");
  EXPECT_EQ(raw_.value("SELECT count(*) FROM schema_migrations"), versions);
  EXPECT_EQ(raw_.count_tables(), tables);
}

TEST_P(OpenBothTest, ForeignDatabaseRefused) {
  RawStoreDb foreign(GetParam());
  foreign.exec("CREATE TABLE photos (id BIGINT PRIMARY KEY, name TEXT)");
  for (bool create : {true, false}) {
    try {
      foreign.open(create);
      FAIL() << "opened somebody else's database";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "store_corrupt");
      EXPECT_NE(std::string(e.what()).find(foreign.where()), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(foreign.count_tables(), "1");
  EXPECT_EQ(foreign.count_tables("schema_migrations"), "0");
}

// Several processes (threads here, each with a store of its own) open one
// new database at once: one migrates, the others wait for it and find the
// schema done; every one of them works.
TEST_P(OpenBothTest, OpenedAtOnceMigratesOnce) {
  store_.reset();
  RawStoreDb fresh(GetParam());
  constexpr int kOpeners = 6;
  std::vector<std::unique_ptr<Store>> stores(kOpeners);
  std::vector<std::string> errors(kOpeners);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kOpeners) std::this_thread::yield();
      try {
        stores[i] = fresh.open();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kOpeners; ++i) {
    ASSERT_EQ(errors[i], "") << i;
    ASSERT_TRUE(stores[i]);
  }
  EXPECT_EQ(fresh.value("SELECT count(*) FROM schema_migrations"),
            std::to_string(stores[0]->schema_version()));
  for (int i = 0; i < kOpeners; ++i) {
    stores[i]->transact([&](Transaction& tx) { tx.put_setting("k" + std::to_string(i), "v"); });
  }
  EXPECT_EQ(fresh.value("SELECT count(*) FROM settings"), std::to_string(kOpeners));
}

// Appends learn the log's right edge as they go (LogFrontier): every stored
// node still equals the tree recomputed from the leaves, across
// transactions of every size, a transaction that fails half-way, and a
// duplicate refused in the middle of one.
TEST_P(OpenBothTest, LogNodesMatchTheLeavesAcrossTransactions) {
  auto& store = store_;
  int seq = 0;
  auto append = [&](int n) {
    store->transact([&](Transaction& tx) {
      for (int i = 0; i < n; ++i)
        tx.insert_envelope(make_envelope("L", Direction::outbound, ++seq));
    });
  };
  append(1);
  append(37);
  const int before_failure = seq;
  EXPECT_THROW(store->transact([&](Transaction& tx) {
    for (int i = 0; i < 5; ++i)
      tx.insert_envelope(make_envelope("L", Direction::outbound, before_failure + 1 + i));
    throw Error(ErrorCategory::internal, "test_abort", "rolled back on purpose");
  }),
               Error);
  append(100);
  store->transact([&](Transaction& tx) {
    tx.insert_envelope(make_envelope("L", Direction::outbound, ++seq));
    // The same envelope again is refused; the transaction goes on.
    EXPECT_THROW(tx.insert_envelope(make_envelope("L", Direction::outbound, seq)), Error);
    for (int i = 0; i < 9; ++i) tx.insert_envelope(make_envelope("L", Direction::outbound, ++seq));
  });
  EXPECT_EQ(store->read()->ledger_size(), 148);
  expect_log_matches_leaves(*store);
}

HOTLINE_BOTH_STORES(OpenBothTest);

}  // namespace open_test
}  // namespace hotline::store::testing
