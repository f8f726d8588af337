// Helpers shared by the store tests: a fresh temporary folder per test and
// record factories.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <ostream>
#include <string>

#include "hotline/common/error.h"
#include "hotline/store/open.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"
#include "support/pg_store_db.h"
#include "support/pg_test_db.h"

namespace hotline::store::testing {

// A new empty folder, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hotline-store-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path db() const { return path_ / "hotline.db"; }

 private:
  std::filesystem::path path_;
};

// Direct SQLite access to the file through SQLite's default VFS, to inspect
// or craft it behind the Store.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << sqlite3_errmsg(db_);
  }
  ~RawDb() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (msg ? msg : "?");
    }
    sqlite3_free(msg);
  }
  // How SQLite would run `sql`: EXPLAIN QUERY PLAN's details, one per line.
  std::string plan(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) !=
        SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      out += '\n';
    }
    sqlite3_finalize(stmt);
    return out;
  }
  // First column of the first row as text ("" when no row).
  std::string value(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// A test fixture with a freshly created SQLite store in its own folder, for
// what only the SQLite store has (its file, its WAL, its VFS).
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = open_sqlite(dir_.db()); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// The two implementations of Store.
enum class Backend { sqlite, postgres };

// How GoogleTest (and ctest's test names) print a Backend.
inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::sqlite ? "sqlite" : "postgres");
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "sqlite" : "postgres";
}

// A freshly created store: a SQLite file in its own folder, or a fresh
// PostgreSQL database on the tests' cluster, copied from the migrated
// template (support/pg_store_db.h); opening it finds every migration done.
struct FreshStore {
  explicit FreshStore(Backend backend) {
    if (backend == Backend::sqlite) {
      store = open_sqlite(dir.db());
    } else {
      pg = hotline::testing::migrated_pg_test_database();
      PostgresOptions options;
      options.conninfo = pg->conninfo();
      store = open_postgres(options);
    }
  }
  // Opens the same database again (a second process would).
  std::unique_ptr<Store> reopen() const {
    if (!pg) return open_sqlite(dir.db());
    PostgresOptions options;
    options.conninfo = pg->conninfo();
    options.create = false;
    return open_postgres(options);
  }
  TempDir dir;
  std::unique_ptr<hotline::testing::PgTestDatabase> pg;  // destroyed after store
  std::unique_ptr<Store> store;
};

// A test fixture with a freshly created store of each backend: write tests
// with TEST_P(StoreTest, ...) (or a subclass) and instantiate the suite with
// HOTLINE_BOTH_STORES(Suite).
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    fresh_ = std::make_unique<FreshStore>(GetParam());
    store_ = std::move(fresh_->store);
  }
  void TearDown() override {
    store_.reset();
    fresh_.reset();
  }
  bool postgres() const { return GetParam() == Backend::postgres; }

  std::unique_ptr<FreshStore> fresh_;
  std::unique_ptr<Store> store_;
};

#define HOTLINE_BOTH_STORES(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(Stores, Suite,                                                   \
                           ::testing::Values(::hotline::store::testing::Backend::sqlite,    \
                                             ::hotline::store::testing::Backend::postgres), \
                           ::hotline::store::testing::backend_name)

inline EnvelopeRecord make_envelope(const std::string& link, Direction direction,
                                    std::int64_t seq) {
  EnvelopeRecord e;
  e.id = link + "-" + std::string(to_string(direction)) + "-" + std::to_string(seq);
  e.link = link;
  e.direction = direction;
  e.seq = seq;
  e.digest = std::string(64, static_cast<char>('a' + seq % 6));
  e.type = "alert.raise";
  e.sent_at = "2026-11-27T09:44:49.123Z";
  e.canonical = R"({"body":{"title":"Übung \"Nord\"\n"},"seq":)" + std::to_string(seq) + "}";
  if (direction == Direction::inbound) e.received_at = "2026-11-27T09:44:50.000Z";
  return e;
}

inline ReceiptRecord make_receipt(const EnvelopeRecord& e, std::int64_t ledger_index) {
  ReceiptRecord r;
  r.link = e.link;
  r.direction = e.direction;
  r.seq = e.seq;
  r.envelope_digest = e.digest;
  r.received_at = "2026-11-27T09:44:51.000Z";
  r.ledger_index = ledger_index;
  r.canonical = R"({"receipt":)" + std::to_string(e.seq) + "}";
  return r;
}

// The hotline::Error code fn throws, or "none".
template <class F>
std::string error_code(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

}  // namespace hotline::store::testing
