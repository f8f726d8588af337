// The store's WAL-write VFS (store/sqlite/wal_write_vfs.h) holds WAL frames
// back and writes them together. These tests read the file through SQLite's
// default VFS, as another program would, to show that nothing it holds back
// is ever missing, late or misplaced.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <string>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace wal_write_vfs_test {

std::string big_value(char c, std::size_t n) {
  return std::string(n, c);
}

// Stores `count` settings of `bytes` each, keys prefix-0 .. prefix-(count-1).
void put_many(Store& store, const std::string& prefix, int count, std::size_t bytes) {
  store.transact([&](Transaction& tx) {
    for (int i = 0; i < count; ++i)
      tx.put_setting(prefix + "-" + std::to_string(i), big_value('a' + i % 26, bytes));
  });
}

std::string count_of(RawDb& raw, const std::string& prefix) {
  return raw.value("SELECT count(*) FROM settings WHERE key LIKE '" + prefix + "-%'");
}

std::uintmax_t wal_size(const TempDir& dir) {
  std::error_code ec;
  auto n = std::filesystem::file_size(dir.path() / "hotline.db-wal", ec);
  return ec ? 0 : n;
}

class WalWriteVfsTest : public SqliteStoreTest {};

// A commit is on file when transact() returns: another connection, through
// the default VFS, reads all of it at once.
TEST_F(WalWriteVfsTest, CommitIsReadableByOthersAtOnce) {
  RawDb raw(dir_.db());
  for (int round = 0; round < 20; ++round) {
    const std::string prefix = "r" + std::to_string(round);
    put_many(*store_, prefix, 1 + round, 700);
    EXPECT_EQ(count_of(raw, prefix), std::to_string(1 + round)) << round;
  }
  EXPECT_EQ(raw.value("PRAGMA integrity_check"), "ok");
}

// A commit of many megabytes (past the buffer's 4 MiB and the unix VFS's
// 128 KiB per write) is written whole.
TEST_F(WalWriteVfsTest, LargeCommitsAreWrittenWhole) {
  put_many(*store_, "big", 300, 30'000);  // ~9 MB
  RawDb raw(dir_.db());
  EXPECT_EQ(count_of(raw, "big"), "300");
  EXPECT_EQ(raw.value("SELECT sum(length(value)) FROM settings WHERE key LIKE 'big-%'"),
            std::to_string(300 * 30'000));
  EXPECT_EQ(raw.value("PRAGMA integrity_check"), "ok");
  store_.reset();
  auto again = open_sqlite(dir_.db(), {.create = false});
  EXPECT_EQ(again->read()->get_setting("big-299"), big_value('a' + 299 % 26, 30'000));
}

// A transaction too large for SQLite's page cache writes frames before its
// commit. When it rolls back, those frames must reach the file before the
// write lock is given up: held back any longer, they would land on top of
// what the next writer (here another connection) commits.
TEST_F(WalWriteVfsTest, RolledBackFramesDoNotOutliveTheirTransaction) {
  put_many(*store_, "before", 10, 1000);
  // A reader's snapshot keeps the WAL from starting over, so the other
  // writer's frames go right where the rolled-back ones were.
  RawDb reader(dir_.db());
  reader.exec("BEGIN");
  EXPECT_EQ(count_of(reader, "before"), "10");
  const auto wal_before = wal_size(dir_);
  EXPECT_THROW(store_->transact([&](Transaction& tx) {
    for (int i = 0; i < 400; ++i)
      tx.put_setting("lost-" + std::to_string(i), big_value('x', 20'000));  // ~8 MB
    throw Error(ErrorCategory::internal, "test_abort", "rolled back on purpose");
  }),
               Error);
  // The cache spilled: the WAL grew although nothing was committed.
  EXPECT_GT(wal_size(dir_), wal_before + (1u << 20));
  {
    RawDb raw(dir_.db());
    EXPECT_EQ(count_of(raw, "lost"), "0");
    raw.exec("INSERT INTO settings (key, value) VALUES ('other-writer', 'kept')");
  }
  reader.exec("COMMIT");
  put_many(*store_, "after", 10, 1000);
  RawDb raw(dir_.db());
  EXPECT_EQ(raw.value("SELECT value FROM settings WHERE key = 'other-writer'"), "kept");
  EXPECT_EQ(count_of(raw, "before"), "10");
  EXPECT_EQ(count_of(raw, "after"), "10");
  EXPECT_EQ(count_of(raw, "lost"), "0");
  EXPECT_EQ(raw.value("PRAGMA integrity_check"), "ok");
}

// A write that fails when the held-back frames go to the file fails the
// commit with the store's error, and the commit is not published.
TEST_F(WalWriteVfsTest, AFailedWriteFailsTheCommit) {
  put_many(*store_, "before", 10, 1000);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  // Files may not grow past their present size (the WAL's frames go at its
  // end), so the next commit cannot be written.
  const auto limit = std::max<std::uintmax_t>(
      {wal_size(dir_), std::filesystem::file_size(dir_.db()), std::uintmax_t{1}});
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(limit);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
  std::string code = error_code([&] { put_many(*store_, "refused", 200, 5000); });
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(code == "store_io" || code == "store_full") << code;

  RawDb raw(dir_.db());
  EXPECT_EQ(count_of(raw, "refused"), "0");
  EXPECT_EQ(count_of(raw, "before"), "10");
  // The store works on once the disk has room again.
  put_many(*store_, "after", 10, 1000);
  EXPECT_EQ(count_of(raw, "after"), "10");
  EXPECT_EQ(raw.value("PRAGMA integrity_check"), "ok");
}

}  // namespace wal_write_vfs_test
}  // namespace hotline::store::testing
