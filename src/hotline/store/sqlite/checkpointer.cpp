#include "hotline/store/sqlite/checkpointer.h"

#include <utility>

#include "hotline/common/thread_name.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {
namespace {

// PASSIVE: copies what no reader still needs, waits for nobody. A failure
// is left for the next one: the WAL still holds every commit.
void checkpoint(sqlite3* db, const char* name) {
  sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

}  // namespace

Checkpointer::Checkpointer(std::filesystem::path file, std::string sync_pragma)
    : file_(std::move(file)), sync_pragma_(std::move(sync_pragma)) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::attach(Connection& writer) {
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::background_checkpoints() const {
  std::lock_guard lock(mu_);
  return done_;
}

// Runs on the writer's thread right after each commit, with the WAL's size
// in frames (pages). Must be quick and must not throw.
int Checkpointer::on_commit(void* self_ptr, sqlite3* db, const char* name, int frames) {
  auto* self = static_cast<Checkpointer*>(self_ptr);
  // A WAL that shrank was restarted after a complete checkpoint.
  if (frames < self->asked_at_) self->asked_at_ = 0;
  if (frames < self->inline_at_) self->inline_at_ = 0;
  if (frames >= kInlineFrames && frames - self->inline_at_ >= kStartFrames) {
    // The thread does not get the WAL to restart (every checkpoint it runs
    // races new commits): a checkpoint by the writer itself completes, and
    // the next transaction starts the WAL over. Errors are retried later;
    // the commit itself is already durable.
    self->inline_at_ = frames;
    checkpoint(db, name);
    return SQLITE_OK;
  }
  // One background checkpoint per kStartFrames new frames: SQLite's own
  // cadence. (Asking at every commit past kStartFrames, as its autocheckpoint
  // does, would keep the thread busy whenever the WAL cannot restart.)
  if (frames - self->asked_at_ < kStartFrames) return SQLITE_OK;
  self->asked_at_ = frames;
  bool started = true;
  {
    std::lock_guard lock(self->mu_);
    if (self->stopping_) return SQLITE_OK;
    self->wanted_ = true;
    if (!self->thread_.joinable()) {
      try {
        self->thread_ = std::thread([self] {
          name_this_thread("checkpoint");
          self->run();
        });
      } catch (...) {
        self->wanted_ = false;
        started = false;
      }
    }
  }
  if (started) {
    self->cv_.notify_one();
  } else {  // no thread: checkpoint inline, as SQLite would
    checkpoint(db, name);
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  std::unique_ptr<Connection> conn;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    lock.unlock();
    try {
      if (!conn) {
        conn = std::make_unique<Connection>(file_, /*create=*/false);
        conn->exec("PRAGMA busy_timeout = 1000", "setting the busy timeout");
        conn->exec(sync_pragma_.c_str(), "setting the sync mode");
      }
      checkpoint(conn->handle(), "main");
    } catch (...) {
      conn.reset();  // retried at the next request; the inline backstop bounds the WAL
    }
    lock.lock();
    wanted_ = false;
    ++done_;
  }
}

}  // namespace hotline::store::sqlite
