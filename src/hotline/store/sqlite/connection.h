// Connection: one sqlite3 handle with its cache of prepared statements, and
// Query, the RAII way to run one of them.
//
// Ownership and threads: the SqliteStore owns its writer connection and a
// pool of reader connections, and lends one to a transaction at a time (a
// read transaction holds its reader until it ends, then gives it back); a
// Checkpointer owns one of its own. A Connection is not thread-safe: one
// thread at a time, the one holding the transaction. A Query borrows a
// cached statement of its Connection and must end (be destroyed) before the
// next Query on the same SQL starts and before the Connection goes.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hotline::store::sqlite {

// Throws the hotline::Error matching SQLite result code `rc` (extended codes
// on). `doing` says what was being done, for the message.
[[noreturn]] void throw_error(int rc, std::string_view detail, const std::filesystem::path& file,
                              std::string_view doing);

class Connection {
 public:
  // Opens `file` read-write (creating it when `create`). No pragmas applied.
  Connection(const std::filesystem::path& file, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results (DDL, pragmas).
  void exec(const char* sql, std::string_view doing);

  // Runs exactly one statement without results through the statement cache:
  // for those run on every transaction ("BEGIN IMMEDIATE", "COMMIT",
  // "SAVEPOINT ..."), which exec() would parse again each time.
  void run(const char* sql, std::string_view doing);

  // The cached prepared statement for `sql`, prepared on first use. `sql`
  // must be exactly one statement.
  sqlite3_stmt* statement(const char* sql);

  [[noreturn]] void fail(int rc, std::string_view doing) const;

  // True when no transaction is open (SQLite's autocommit mode). A write
  // transaction that finds this true was rolled back by SQLite itself (after
  // an I/O error, for example) and must not go on.
  bool in_autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  // Looked up by the SQL text without copying it into a std::string first
  // (a heap allocation per statement run, most SQL being longer than the
  // short-string buffer).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

// One execution of a cached statement: bind, step, read columns. The
// destructor resets the statement and clears its bindings so the next Query
// on it starts clean, whatever happened here.
class Query {
 public:
  Query(Connection& conn, const char* sql, std::string_view doing);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameters are numbered from 1, as in SQL's ?1, ?2 ...
  Query& bind(int index, std::string_view text);
  Query& bind(int index, std::int64_t value);
  Query& bind_optional(int index, const std::optional<std::string>& text);  // NULL when empty
  Query& bind_blob(int index, std::string_view bytes);

  // Advances to the next row; false when there are no more.
  bool step();
  // Steps to the end (statements without results).
  void run();

  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const;
  // A text or blob column without a copy: valid until the next step().
  std::string_view view(int column) const;

 private:
  void check_bind(int rc);

  Connection& conn_;
  sqlite3_stmt* stmt_;
  std::string_view doing_;
};

}  // namespace hotline::store::sqlite
