#include <sqlite3.h>

#include <string>
#include <system_error>

#include "hotline/common/error.h"
#include "hotline/store/backup.h"

namespace hotline::store {
namespace {

// Closes both connections (and, on failure, removes the half-written copy).
struct Pair {
  sqlite3* from = nullptr;
  sqlite3* to = nullptr;
  ~Pair() {
    sqlite3_close_v2(to);
    sqlite3_close_v2(from);
  }
};

[[noreturn]] void fail(int rc, sqlite3* db, const std::filesystem::path& file,
                       const std::string& doing) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  const char* code = primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? "store_busy"
                     : primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR ||
                             primary == SQLITE_FULL || primary == SQLITE_READONLY
                         ? "store_io"
                         : "store_failed";
  throw Error(ErrorCategory::internal, code,
              "The online backup of " + file.string() + " failed while " + doing + ": " + detail);
}

}  // namespace

void backup_sqlite(const std::filesystem::path& db, const std::filesystem::path& out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db, ec)) {
    throw Error(ErrorCategory::not_found, "store_missing",
                "There is no database at " + db.string() + " to back up.");
  }
  bool done = false;
  struct Cleanup {
    const std::filesystem::path& out;
    bool& done;
    ~Cleanup() {
      std::error_code e;
      if (!done) std::filesystem::remove(out, e);
    }
  } cleanup{out, done};
  Pair p;  // closed before cleanup runs
  int rc =
      sqlite3_open_v2(db.c_str(), &p.from, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) fail(rc, p.from, db, "opening it");
  sqlite3_busy_timeout(p.from, 10000);
  if (std::filesystem::exists(out, ec)) {
    throw Error(ErrorCategory::conflict, "store_exists", out.string() + " exists already");
  }
  rc = sqlite3_open_v2(out.c_str(), &p.to,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) fail(rc, p.to, out, "creating the copy");
  sqlite3_backup* b = sqlite3_backup_init(p.to, "main", p.from, "main");
  if (b == nullptr) fail(sqlite3_errcode(p.to), p.to, db, "starting the backup");
  // -1: every page in one step, so in one read transaction of the source.
  rc = sqlite3_backup_step(b, -1);
  const int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) fail(rc, p.to, db, "copying its pages");
  if (finish != SQLITE_OK) fail(finish, p.to, db, "finishing the copy");
  // The copy is one file: no write-ahead log beside it.
  rc = sqlite3_exec(p.to, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, p.to, out, "closing the copy's log");
  done = true;
}

}  // namespace hotline::store
