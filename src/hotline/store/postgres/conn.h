// Conn: one connection to PostgreSQL (libpqxx 6.4), with the statements it
// has prepared, and what the PostgreSQL store needs of it: statements with
// parameters, errors turned into hotline::Error codes (store.h), and a
// statement that may break a unique key without spoiling the transaction
// (exec_guarded).
//
// Transactions are opened and closed by the store with plain SQL (BEGIN,
// SAVEPOINT, COMMIT) through exec_simple(): libpqxx's own transaction
// classes allow no savepoints within a group, so the store drives them.
//
// Ownership and threads: not thread-safe; one thread at a time uses a Conn
// (the owner of the store transaction that holds it). The connection string
// is kept only to reconnect and is never put in an error message or a log.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hotline/common/error.h"

namespace hotline::store::postgres {

// A statement's parameter as text (PostgreSQL casts it to the column's
// type); nullopt is SQL NULL.
using Param = std::optional<std::string>;

inline Param param(std::string_view v) {
  return std::string(v);
}
inline Param param(const std::string& v) {
  return v;
}
inline Param param(const char* v) {
  return std::string(v);
}
inline Param param(std::int64_t v) {
  return std::to_string(v);
}
inline Param param(int v) {
  return std::to_string(v);
}
inline Param param(std::size_t v) {
  return std::to_string(v);
}
inline Param param(bool v) {
  return std::string(v ? "true" : "false");
}
inline Param param(const std::optional<std::string>& v) {
  return v;
}
inline Param param(std::nullopt_t) {
  return std::nullopt;
}

class Conn {
 public:
  // Connects (throws "store_unavailable" when the server cannot be reached,
  // "store_failed" for anything else, e.g. a wrong password).
  explicit Conn(std::string conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs `sql` (prepared once per connection, then reused) with the given
  // parameters ($1, $2, ...). `doing` says what for, in the error message
  // ("storing an envelope"). On an error the transaction is spoiled
  // (failed() turns true; the store rolls it back) and a hotline::Error is
  // thrown.
  template <class... A>
  pqxx::result exec(const char* doing, std::string_view sql, const A&... args) {
    return exec_params(doing, sql, std::vector<Param>{param(args)...});
  }
  pqxx::result exec_params(const char* doing, std::string_view sql,
                           const std::vector<Param>& params);

  // The same inside a savepoint of its own: a unique, foreign-key or check
  // violation throws its store_* error and leaves the transaction usable
  // (store.h's promise). Costs two extra round trips: the hot paths use
  // INSERT ... ON CONFLICT instead.
  template <class... A>
  pqxx::result exec_guarded(const char* doing, std::string_view sql, const A&... args) {
    return exec_guarded_params(doing, sql, std::vector<Param>{param(args)...});
  }
  pqxx::result exec_guarded_params(const char* doing, std::string_view sql,
                                   const std::vector<Param>& params);

  // A write whose result nobody reads (no RETURNING the caller needs, no
  // row count). While deferring() it is not sent at once: its parameters
  // are quoted as literals (EXECUTE of the statement prepared on this
  // connection) and it waits for the connection's next round
  // trip, which carries every waiting statement and then the next one in
  // one simple-protocol message (PostgreSQL runs them in order and stops
  // at the first error, which then names all of them). Otherwise exec().
  // The store turns deferring on for the members of a group commit, each of
  // which ends with a round trip of its own (postgres_store.cpp), so an
  // error still fails the member that made it.
  template <class... A>
  void write(const char* doing, std::string_view sql, const A&... args) {
    write_params(doing, sql, std::vector<Param>{param(args)...});
  }
  void write_params(const char* doing, std::string_view sql, const std::vector<Param>& params);
  void set_deferring(bool on) { deferring_ = on; }
  bool deferring() const { return deferring_; }
  bool has_deferred() const { return !deferred_.empty(); }

  // Plain SQL without parameters (may hold several statements; simple
  // query protocol), after the deferred writes if any, in one round trip;
  // the result is the last statement's. For BEGIN/COMMIT/SAVEPOINT and the
  // migrations.
  pqxx::result exec_simple(const char* doing, const std::string& sql);

  // Rolls back whatever is open, ignoring errors; clears failed() and
  // drops the deferred writes (they belong to what is undone).
  void rollback_quietly() noexcept;
  // Undoes the open transaction back to the savepoint `name` and releases
  // it; clears failed() and drops the deferred writes. Throws like
  // exec_simple when that fails too.
  void rollback_to(const std::string& name);

  // True once a statement failed in the open transaction (PostgreSQL then
  // refuses every statement until ROLLBACK); cleared by rollback_quietly().
  bool failed() const { return failed_; }
  // False once the connection broke: the store then drops this Conn.
  bool usable() const;

 private:
  [[noreturn]] void fail(const char* doing, const std::exception& e);
  const std::string& prepared_name(std::string_view sql);
  // "EXECUTE name(literals...)" for `sql` prepared on this connection.
  // Text not valid in the connection's encoding is refused ("store_invalid").
  std::string render(const char* doing, std::string_view sql, const std::vector<Param>& params);

  std::string conninfo_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::nontransaction> work_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> name
  bool failed_ = false;
  bool broken_ = false;
  bool deferring_ = false;
  std::string deferred_;        // statements waiting, each ending in ";"
  std::string deferred_doing_;  // what they do, for an error message
};

// The error for a transaction that a failed statement spoiled: when the
// connection broke (the server went away) "store_unavailable", a retry
// later will do; otherwise "store_transaction_aborted".
hotline::Error spoiled_transaction(const Conn& conn);

// Reading a result's fields.
std::string text(const pqxx::row& row, int column);
std::optional<std::string> optional_text(const pqxx::row& row, int column);
std::int64_t integer(const pqxx::row& row, int column);
std::optional<std::int64_t> optional_integer(const pqxx::row& row, int column);

// The host and database a connection string names, for messages (never the
// password or the rest of it).
std::string describe_conninfo(const std::string& conninfo);

}  // namespace hotline::store::postgres
