#include "hotline/store/postgres/conn.h"

#include <libpq-fe.h>

#include <string>
#include <utility>

#include "hotline/common/error.h"

namespace hotline::store::postgres {
namespace {

// The server's first line ("ERROR:  duplicate key value violates unique
// constraint ..."): its DETAIL lines may quote stored values, which do not
// belong in an error message.
std::string first_line(const char* what) {
  std::string s(what);
  const auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  if (s.size() > 300) s.resize(300);
  return s;
}

Error unavailable(const std::string& doing, const std::string& why) {
  return Error(ErrorCategory::unavailable, "store_unavailable",
               "The PostgreSQL server could not be reached while " + doing + " (" + why +
                   "); nothing of this transaction was saved. Retry in a moment.");
}

// Parameters go to libpq as C strings, and PostgreSQL's text holds no NUL
// byte: a value with one would be cut short without a word. Refused before
// the statement (the transaction stays usable; SQLite would have kept it).
std::vector<const char*> pointers(const char* doing, const std::vector<Param>& params) {
  std::vector<const char*> out;
  out.reserve(params.size());
  for (const auto& p : params) {
    if (p && p->find('\0') != std::string::npos) {
      throw Error(ErrorCategory::internal, "store_invalid",
                  std::string("Record refused: ") + doing +
                      " (a text holds a NUL byte, which PostgreSQL cannot store). Nothing was "
                      "changed.");
    }
    out.push_back(p ? p->c_str() : nullptr);
  }
  return out;
}

}  // namespace

Conn::Conn(std::string conninfo) : conninfo_(std::move(conninfo)) {
  try {
    conn_ = std::make_unique<pqxx::connection>(conninfo_);
    // A broken connection must not be reopened behind our back in the middle
    // of a transaction (its statements would then run outside it).
    // Deprecated in libpqxx 6 but still honoured, and needed (see above).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    work_ = std::make_unique<pqxx::nontransaction>(*conn_, "hotline");
    work_->exec("SET application_name TO 'hotline'");
  } catch (const pqxx::broken_connection& e) {
    throw unavailable("connecting to " + describe_conninfo(conninfo_), first_line(e.what()));
  } catch (const std::exception& e) {
    throw Error(ErrorCategory::internal, "store_failed",
                "Could not open a connection to PostgreSQL at " + describe_conninfo(conninfo_) +
                    ": " + first_line(e.what()));
  }
}

Conn::~Conn() {
  try {
    work_.reset();
    conn_.reset();
  } catch (...) {
  }
}

bool Conn::usable() const {
  return !broken_ && conn_ && conn_->is_open();
}

void Conn::fail(const char* doing, const std::exception& e) {
  failed_ = true;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    broken_ = true;
    throw unavailable(doing, first_line(e.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    broken_ = true;
    throw Error(ErrorCategory::unavailable, "store_in_doubt",
                std::string("The connection to PostgreSQL broke while ") + doing +
                    ": the server may or may not have saved the transaction. Check before "
                    "retrying.");
  }
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  const std::string state = sql ? sql->sqlstate() : "";
  const std::string line = first_line(e.what());
  // Every error of the server carries a SQLSTATE; one without is libpq's
  // own, about the connection: the server went away under the statement
  // (a crash or an immediate shutdown: "server closed the connection
  // unexpectedly", while the connection still reads as open). Dropped, so
  // that the next transaction opens a fresh one.
  if (sql != nullptr && state.empty()) {
    broken_ = true;
    throw unavailable(doing, line);
  }
  const std::string msg = std::string("PostgreSQL refused ") + doing + ": " + line;
  if (state == "23505") throw Error(ErrorCategory::conflict, "store_duplicate", msg);
  if (state == "23503") throw Error(ErrorCategory::internal, "store_missing_reference", msg);
  if (state == "23514" || state == "23502" || state.rfind("22", 0) == 0) {
    throw Error(ErrorCategory::internal, "store_invalid", msg);
  }
  if (state == "53100") throw Error(ErrorCategory::internal, "store_full", msg);
  if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014") {
    throw Error(ErrorCategory::unavailable, "store_busy", msg);
  }
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
    broken_ = true;
    throw unavailable(doing, line);
  }
  throw Error(ErrorCategory::internal, "store_failed", msg);
}

const std::string& Conn::prepared_name(std::string_view sql) {
  auto it = prepared_.find(std::string(sql));
  if (it != prepared_.end()) return it->second;
  std::string name = "h" + std::to_string(prepared_.size() + 1);
  conn_->prepare(name, std::string(sql));
  return prepared_.emplace(std::string(sql), std::move(name)).first->second;
}

pqxx::result Conn::exec_params(const char* doing, std::string_view sql,
                               const std::vector<Param>& params) {
  if (!deferred_.empty()) {
    pointers(doing, params);  // refused before anything is sent, as below
    return exec_simple(doing, render(doing, sql, params));
  }
  try {
    const auto ptrs = pointers(doing, params);
    const std::string& name = prepared_name(sql);
    return work_->exec_prepared(name, pqxx::prepare::make_dynamic_params(ptrs));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail(doing, e);
  }
}

void Conn::write_params(const char* doing, std::string_view sql, const std::vector<Param>& params) {
  if (!deferring_) {
    exec_params(doing, sql, params);
    return;
  }
  pointers(doing, params);
  std::string statement = render(doing, sql, params);
  deferred_.reserve(deferred_.size() + statement.size() + 2);
  deferred_ += statement;
  deferred_ += ";\n";
  if (deferred_doing_.find(doing) != std::string::npos) return;  // each named once
  if (!deferred_doing_.empty()) deferred_doing_ += ", ";
  deferred_doing_ += doing;
}

// The statement is prepared on this connection (once; a round trip the
// first time) and run by name, so that the server does not plan it again.
// A literal is escaped by libpq for this connection (standard_conforming_strings
// as the server has it) and cast by the server to the parameter's type, as
// exec() would.
std::string Conn::render(const char* doing, std::string_view sql,
                         const std::vector<Param>& params) {
  const std::string& name = prepared_name(sql);
  try {
    conn_->prepare_now(name);
  } catch (const std::exception& e) {
    fail(doing, e);
  }
  std::string out = "EXECUTE " + name;
  for (std::size_t i = 0; i < params.size(); ++i) {
    out += i == 0 ? "(" : ", ";
    const Param& p = params[i];
    try {
      out += p ? work_->quote(*p) : std::string("NULL");
    } catch (const std::exception& e) {  // not text in the connection's encoding
      throw Error(ErrorCategory::internal, "store_invalid",
                  std::string("Record refused: ") + doing + " (" + first_line(e.what()) +
                      "). Nothing was changed.");
    }
  }
  if (!params.empty()) out += ")";
  return out;
}

pqxx::result Conn::exec_guarded_params(const char* doing, std::string_view sql,
                                       const std::vector<Param>& params) {
  // The deferred writes first, on their own: an error of theirs is not
  // this statement's to recover from.
  if (!deferred_.empty()) exec_simple(doing, "");
  exec_simple(doing, "SAVEPOINT hotline_statement");
  try {
    auto result = exec_params(doing, sql, params);
    exec_simple(doing, "RELEASE hotline_statement");
    return result;
  } catch (const Error& e) {
    const std::string& code = e.code();
    const bool recoverable =
        code == "store_duplicate" || code == "store_missing_reference" || code == "store_invalid";
    if (recoverable && !broken_) rollback_to("hotline_statement");  // the transaction goes on
    throw;
  }
}

pqxx::result Conn::exec_simple(const char* doing, const std::string& sql) {
  if (deferred_.empty()) {
    try {
      return work_->exec(sql);
    } catch (const std::exception& e) {
      fail(doing, e);
    }
  }
  std::string batch = std::move(deferred_);
  std::string what = std::move(deferred_doing_);
  deferred_.clear();
  deferred_doing_.clear();
  batch += sql;
  if (!sql.empty()) what += std::string(", then ") + doing;
  try {
    return work_->exec(batch);
  } catch (const std::exception& e) {
    fail(what.c_str(), e);
  }
}

void Conn::rollback_quietly() noexcept {
  failed_ = false;
  deferred_.clear();
  deferred_doing_.clear();
  if (broken_ || !conn_) return;
  try {
    work_->exec("ROLLBACK");
  } catch (...) {
    broken_ = true;  // cannot tell the state: drop the connection
  }
}

void Conn::rollback_to(const std::string& name) {
  failed_ = false;
  deferred_.clear();
  deferred_doing_.clear();
  exec_simple("undoing a part of a transaction", "ROLLBACK TO " + name + "; RELEASE " + name);
}

Error spoiled_transaction(const Conn& conn) {
  if (!conn.usable()) {
    return Error(ErrorCategory::unavailable, "store_unavailable",
                 "The connection to the PostgreSQL server broke during this transaction; nothing "
                 "of it was saved. Retry in a moment.");
  }
  return Error(ErrorCategory::internal, "store_transaction_aborted",
               "The database rolled back this transaction after an error; nothing of it was "
               "saved. Retry the operation.");
}

std::string text(const pqxx::row& row, int column) {
  const auto& f = row[column];
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

std::optional<std::string> optional_text(const pqxx::row& row, int column) {
  const auto& f = row[column];
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str(), f.size());
}

std::int64_t integer(const pqxx::row& row, int column) {
  const auto& f = row[column];
  return f.is_null() ? 0 : f.as<std::int64_t>();
}

std::optional<std::int64_t> optional_integer(const pqxx::row& row, int column) {
  const auto& f = row[column];
  if (f.is_null()) return std::nullopt;
  return f.as<std::int64_t>();
}

std::string describe_conninfo(const std::string& conninfo) {
  // Parsed by libpq itself (key=value or URI), keeping host, port, dbname.
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  if (options == nullptr) return "(an unreadable connection string)";
  std::string host, port, db;
  for (auto* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") db = o->val;
  }
  PQconninfoFree(options);
  std::string out = "database '" + (db.empty() ? std::string("(default)") : db) + "'";
  if (!host.empty()) out += " on " + host;
  if (!port.empty()) out += " port " + port;
  return out;
}

}  // namespace hotline::store::postgres
