// The WAL is copied into the database file by the store's own thread
// (sqlite/checkpointer.h): SQLite's inline autocheckpoint is off, so the
// main file only grows if that thread ran.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "hotline/store/sqlite/checkpointer.h"
#include "hotline/store/sqlite/connection.h"
#include "store_test_util.h"

namespace hotline::store::testing {
namespace checkpointer_test {

using namespace std::chrono_literals;

TEST(Checkpointer, CopiesTheWalIntoTheDatabaseInTheBackground) {
  TempDir dir;
  const std::string value(3000, 'v');  // most of a page per row
  constexpr int kRows = 1500;          // well past the 1000-frame mark
  {
    auto store = open_sqlite(dir.db());
    const auto before = std::filesystem::file_size(dir.db());
    for (int i = 0; i < kRows; ++i) {
      store->transact([&](Transaction& tx) { tx.put_setting("row." + std::to_string(i), value); });
    }
    // Well below the size where the writer would checkpoint by itself.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::filesystem::file_size(dir.db()) < before + 1'000'000 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_GE(std::filesystem::file_size(dir.db()), before + 1'000'000)
        << "no background checkpoint copied the WAL";
    // Readers see everything meanwhile.
    EXPECT_EQ(store->read()->get_setting("row.0"), value);
  }
  // And a reopened store too (the last connection's close checkpoints).
  auto again = open_sqlite(dir.db(), SqliteOptions{.create = false});
  EXPECT_EQ(again->read()->get_setting("row." + std::to_string(kRows - 1)), value);
}

TEST(Checkpointer, RunsOnItsOwnThreadOncePerThousandNewFrames) {
  TempDir dir;
  sqlite::Connection writer(dir.db(), /*create=*/true);
  writer.exec("PRAGMA journal_mode = WAL", "test");
  writer.exec("CREATE TABLE t (v TEXT)", "test");
  sqlite::Checkpointer checkpointer(dir.db(), "PRAGMA synchronous = NORMAL");
  checkpointer.attach(writer);
  const std::string value(3000, 'v');
  auto insert = [&](int rows) {
    for (int i = 0; i < rows; ++i) {
      sqlite::Query q(writer, "INSERT INTO t (v) VALUES (?1)", "test");
      q.bind(1, value);
      q.run();  // one commit (autocommit), one or two frames
    }
  };
  insert(100);
  EXPECT_EQ(checkpointer.background_checkpoints(), 0) << "too early: fewer than 1000 frames";
  insert(1500);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (checkpointer.background_checkpoints() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GE(checkpointer.background_checkpoints(), 1);
  EXPECT_GE(std::filesystem::file_size(dir.db()), 1'000'000u) << "the WAL was not copied";
}

}  // namespace checkpointer_test
}  // namespace hotline::store::testing
