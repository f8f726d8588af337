#include "hotline/store/sqlite/connection.h"

#include <mutex>
#include <string>

#include "hotline/common/error.h"
#include "hotline/store/sqlite/wal_write_vfs.h"

namespace hotline::store::sqlite {

void throw_error(int rc, std::string_view detail, const std::filesystem::path& file,
                 std::string_view doing) {
  const std::string what = std::string(doing) + " (" + std::string(detail) + ")";
  const std::string where = "the database " + file.string();
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw Error(ErrorCategory::conflict, "store_duplicate",
                  "Already stored: " + what + ". Nothing was changed; look up the stored record.");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      throw Error(ErrorCategory::internal, "store_missing_reference",
                  "Refers to a record that is not stored: " + what + ". Nothing was changed.");
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      throw Error(ErrorCategory::internal, "store_invalid",
                  "Record refused: " + what + ". Nothing was changed.");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(ErrorCategory::unavailable, "store_busy",
                  "Timed out waiting for another process to release " + where + " while " + what +
                      ". Check that no other hotline process uses the same data "
                      "directory, then retry.");
    case SQLITE_FULL:
      throw Error(ErrorCategory::internal, "store_full",
                  "The disk holding " + where + " is full while " + what +
                      ". Free disk space; the transaction was not saved.");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      throw Error(ErrorCategory::internal, "store_corrupt",
                  where + " is not a Hotline database or is damaged: " + what +
                      ". Check the configured path, or restore the file from "
                      "a backup.");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_NOLFS:
      throw Error(ErrorCategory::internal, "store_io",
                  "Could not read or write " + where + " while " + what +
                      ". Check the disk, free space and the permissions of the file "
                      "and its folder.");
    default:
      throw Error(ErrorCategory::internal, "store_failed",
                  "The database failed while " + what + " in " + where +
                      ". Retry; if it persists, report it with this message.");
  }
}

namespace {

// Process-wide SQLite settings. They only take before SQLite initializes
// itself (its first use in the process; wal_write_vfs() is one), so this
// runs first; if something else used SQLite earlier, the defaults stay.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No memory statistics: with them (SQLite's default) every allocation
    // and free SQLite makes takes one process-wide mutex to count it, and
    // the store's threads (writer, readers, checkpointer; two stores in the
    // link benchmark) wake each other through it. Nothing here reads them.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

Connection::Connection(const std::filesystem::path& file, bool create) : file_(file) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, wal_write_vfs());
  if (rc != SQLITE_OK) {
    const std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw_error(rc, detail, file_, "opening it");
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  for (auto& entry : statements_) sqlite3_finalize(entry.second);
  sqlite3_close_v2(db_);
}

void Connection::exec(const char* sql, std::string_view doing) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, doing);
}

void Connection::run(const char* sql, std::string_view doing) {
  sqlite3_stmt* stmt = statement(sql);
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt);
    return;
  }
  // The message first: the reset below would not keep it for every error.
  const std::string detail = sqlite3_errmsg(db_);
  sqlite3_reset(stmt);
  throw_error(rc, detail, file_, doing);
}

sqlite3_stmt* Connection::statement(const char* sql) {
  auto it = statements_.find(std::string_view(sql));
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing a query");
  statements_.emplace(sql, stmt);
  return stmt;
}

void Connection::fail(int rc, std::string_view doing) const {
  // sqlite3_errmsg describes the most recent failure on this handle, which is
  // the one being reported: each connection is used by one thread at a time.
  throw_error(rc, sqlite3_errmsg(db_), file_, doing);
}

Query::Query(Connection& conn, const char* sql, std::string_view doing)
    : conn_(conn), stmt_(conn.statement(sql)), doing_(doing) {}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Query::check_bind(int rc) {
  if (rc != SQLITE_OK) conn_.fail(rc, doing_);
}

Query& Query::bind(int index, std::string_view text) {
  // A null data pointer would bind SQL NULL; an empty string must stay ''.
  const char* data = text.data() ? text.data() : "";
  check_bind(sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Query& Query::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob, not NULL, when empty.
  check_bind(sqlite3_bind_blob64(stmt_, index, bytes.data() ? bytes.data() : "", bytes.size(),
                                 SQLITE_TRANSIENT));
  return *this;
}

Query& Query::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Query& Query::bind_optional(int index, const std::optional<std::string>& text) {
  if (text) return bind(index, std::string_view(*text));
  check_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

bool Query::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.fail(rc, doing_);
}

void Query::run() {
  while (step()) {
  }
}

std::string Query::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::optional<std::string> Query::optional_text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

std::int64_t Query::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string_view Query::view(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

}  // namespace hotline::store::sqlite
