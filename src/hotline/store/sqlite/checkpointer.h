// Checkpointer: WAL checkpoints off the writer's path.
//
// SQLite's default checkpoints the WAL inside the COMMIT that takes it past
// 1000 pages: that commit (and every writer queued behind it) waits for the
// copy into the database file and its fsyncs, several milliseconds. Here the
// writer's commit only notes the WAL's size; a thread of our own, on a
// connection of its own, runs a PASSIVE checkpoint (which never blocks the
// writer or the readers) after every kStartFrames new frames. Such a
// checkpoint races the commits that follow it, so under steady load the WAL
// may never be fully copied and cannot start over: once it passes
// kInlineFrames the writer checkpoints itself (complete, so the next
// transaction restarts the WAL), which keeps the file bounded.
//
// Crash safety is SQLite's: a checkpoint may stop at any point.
//
// Ownership and threads: the SqliteStore owns one, declared before its
// writer connection so that it outlives it (attach() makes the writer's
// commits call into it). The writer's commit hook runs on the thread that
// commits; the checkpoint thread is the Checkpointer's own, with its own
// connection, joined by the destructor. background_checkpoints() is
// thread-safe.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hotline::store::sqlite {

class Connection;

class Checkpointer {
 public:
  static constexpr int kStartFrames = 1000;    // SQLite's own default
  static constexpr int kInlineFrames = 20000;  // ~80 MB of WAL

  // `sync_pragma`: the writer's "PRAGMA synchronous = ..." statement, so a
  // checkpoint syncs as the writer's commits do.
  Checkpointer(std::filesystem::path file, std::string sync_pragma);
  ~Checkpointer();  // waits for a running checkpoint, then stops the thread
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Becomes `writer`'s WAL hook (which turns SQLite's autocheckpoint off).
  void attach(Connection& writer);

  // Checkpoints run by the thread so far (for tests).
  int background_checkpoints() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int frames);
  void run();

  std::filesystem::path file_;
  std::string sync_pragma_;
  // The WAL's size when a checkpoint was last asked of the thread, and when
  // the writer last ran one itself. Touched by the writer's thread only.
  int asked_at_ = 0;
  int inline_at_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stopping_ = false;
  int done_ = 0;
  std::thread thread_;  // started on the first request
};

}  // namespace hotline::store::sqlite
