#include "hotline/store/postgres/user_tables.h"

#include <string>

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"
#include "hotline/store/roles_text.h"

namespace hotline::store::postgres {

// SQLite's migrations 5 and 11 at their end state. Names, ids and times sort
// by their bytes (COLLATE "C"), as in SQLite, and the indexes serve those
// orders. The token limits (SQLite's api_token_limits) are two columns of
// api_tokens: one row, no join.
const char* const kUserSchema = R"sql(
CREATE TABLE users (
  name           TEXT COLLATE "C" PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  display_name   TEXT NOT NULL,
  roles          TEXT NOT NULL,
  password_hash  TEXT NOT NULL,
  totp_secret    TEXT,
  totp_pending   TEXT,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  disabled       BOOLEAN NOT NULL DEFAULT false,
  failed_logins  BIGINT NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until   TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);

CREATE TABLE api_tokens (
  id           TEXT COLLATE "C" PRIMARY KEY,
  user_name    TEXT COLLATE "C" NOT NULL REFERENCES users (name),
  name         TEXT NOT NULL,
  token_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at   TEXT COLLATE "C" NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT,
  expires_at   TEXT,
  read_only    BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX api_tokens_user ON api_tokens (user_name, created_at);

CREATE TABLE sessions (
  id_hash         TEXT COLLATE "C" PRIMARY KEY,
  user_name       TEXT COLLATE "C" NOT NULL REFERENCES users (name),
  csrf_token_hash TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT COLLATE "C" NOT NULL,
  last_seen_at    TEXT NOT NULL,
  remote          TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_name);
)sql";

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw Error(ErrorCategory::internal, "store_invalid",
              "Record refused: " + what + ". Nothing was changed.");
}

[[noreturn]] void already_stored(const std::string& what) {
  throw Error(ErrorCategory::conflict, "store_duplicate",
              "Already stored: " + what + ". Nothing was changed; look up the stored record.");
}

[[noreturn]] void not_stored(const std::string& what) {
  throw Error(ErrorCategory::internal, "store_missing_reference",
              "Refers to a record that is not stored: " + what + ". Nothing was changed.");
}

// Characters of UTF-8 text (what the schema's length() counts).
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The schema's checks, before the statement: a refused statement would spoil
// the transaction, and store.h promises it stays usable.
void check_user(const UserRecord& u) {
  const std::size_t length = characters(u.name);
  if (length < 1 || length > 64) {
    refuse("a user name must have 1 to 64 characters, this one has " + std::to_string(length));
  }
  if (u.failed_logins < 0) {
    refuse("failed_logins must be 0 or more, not " + std::to_string(u.failed_logins));
  }
}

constexpr const char* kSelectUser =
    "SELECT name, display_name, roles, password_hash, totp_secret, totp_pending, totp_last_step, "
    "disabled, failed_logins, locked_until, created_at, updated_at FROM users WHERE name = $1";
constexpr const char* kListUsers =
    "SELECT name, display_name, roles, password_hash, totp_secret, totp_pending, totp_last_step, "
    "disabled, failed_logins, locked_until, created_at, updated_at FROM users ORDER BY name";

UserRecord read_user(const pqxx::row& row) {
  UserRecord u;
  u.name = text(row, 0);
  u.display_name = text(row, 1);
  u.roles = split_roles(text(row, 2));
  u.password_hash = text(row, 3);
  u.totp_secret = optional_text(row, 4);
  u.totp_pending = optional_text(row, 5);
  u.totp_last_step = integer(row, 6);
  u.disabled = row[7].as<bool>();
  u.failed_logins = integer(row, 8);
  u.locked_until = optional_text(row, 9);
  u.created_at = text(row, 10);
  u.updated_at = text(row, 11);
  return u;
}

constexpr const char* kTokenByHash =
    "SELECT id, user_name, name, token_hash, created_at, last_used_at, revoked_at, expires_at, "
    "read_only FROM api_tokens WHERE token_hash = $1";
constexpr const char* kListTokens =
    "SELECT id, user_name, name, token_hash, created_at, last_used_at, revoked_at, expires_at, "
    "read_only FROM api_tokens WHERE $1::text = '' OR user_name = $1 ORDER BY created_at, id";

ApiTokenRecord read_token(const pqxx::row& row) {
  ApiTokenRecord t;
  t.id = text(row, 0);
  t.user = text(row, 1);
  t.name = text(row, 2);
  t.token_hash = text(row, 3);
  t.created_at = text(row, 4);
  t.last_used_at = optional_text(row, 5);
  t.revoked_at = optional_text(row, 6);
  t.expires_at = optional_text(row, 7);
  t.read_only = row[8].as<bool>();
  return t;
}

constexpr const char* kSelectSession =
    "SELECT id_hash, user_name, csrf_token_hash, created_at, expires_at, last_seen_at, remote "
    "FROM sessions WHERE id_hash = $1";

SessionRecord read_session(const pqxx::row& row) {
  SessionRecord s;
  s.id_hash = text(row, 0);
  s.user = text(row, 1);
  s.csrf_token_hash = text(row, 2);
  s.created_at = text(row, 3);
  s.expires_at = text(row, 4);
  s.last_seen_at = text(row, 5);
  s.remote = text(row, 6);
  return s;
}

bool user_exists(Conn& c, std::string_view name) {
  return !c.exec("reading a user", "SELECT 1 FROM users WHERE name = $1", name).empty();
}

}  // namespace

void insert_user(Conn& c, const UserRecord& u) {
  check_user(u);
  const std::string roles = join_roles(u.roles);
  auto r = c.exec("adding a user",
                  "INSERT INTO users (name, display_name, roles, password_hash, totp_secret, "
                  "totp_pending, totp_last_step, disabled, failed_logins, locked_until, "
                  "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                  "$12) ON CONFLICT DO NOTHING RETURNING 1",
                  u.name, u.display_name, roles, u.password_hash, u.totp_secret, u.totp_pending,
                  u.totp_last_step, u.disabled, u.failed_logins, u.locked_until, u.created_at,
                  u.updated_at);
  if (r.empty()) already_stored("adding a user (a user of this name exists)");
}

bool put_user(Conn& c, const UserRecord& u) {
  check_user(u);
  const std::string roles = join_roles(u.roles);
  auto r = c.exec("updating a user",
                  "UPDATE users SET display_name = $2, roles = $3, password_hash = $4, "
                  "totp_secret = $5, totp_pending = $6, totp_last_step = $7, disabled = $8, "
                  "failed_logins = $9, locked_until = $10, created_at = $11, updated_at = $12 "
                  "WHERE name = $1",
                  u.name, u.display_name, roles, u.password_hash, u.totp_secret, u.totp_pending,
                  u.totp_last_step, u.disabled, u.failed_logins, u.locked_until, u.created_at,
                  u.updated_at);
  return r.affected_rows() > 0;
}

std::optional<UserRecord> find_user(Conn& c, std::string_view name) {
  auto r = c.exec("reading a user", kSelectUser, name);
  if (r.empty()) return std::nullopt;
  return read_user(r[0]);
}

std::vector<UserRecord> list_users(Conn& c) {
  auto r = c.exec("listing users", kListUsers);
  std::vector<UserRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_user(row));
  return out;
}

void insert_api_token(Conn& c, const ApiTokenRecord& t) {
  // As SQLite's api_token_limits: a read-only token without an expiry keeps
  // the farthest time, one with neither keeps none.
  std::optional<std::string> expires = t.expires_at;
  if (!expires && t.read_only) expires = "9999-12-31T23:59:59.999Z";
  auto r = c.exec("adding an API token",
                  "INSERT INTO api_tokens (id, user_name, name, token_hash, created_at, "
                  "last_used_at, revoked_at, expires_at, read_only) "
                  "SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, "
                  "$8::text, $9::boolean "
                  "WHERE EXISTS (SELECT 1 FROM users WHERE name = $2) "
                  "ON CONFLICT DO NOTHING RETURNING 1",
                  t.id, t.user, t.name, t.token_hash, t.created_at, t.last_used_at, t.revoked_at,
                  expires, t.read_only);
  if (!r.empty()) return;
  if (!user_exists(c, t.user)) not_stored("adding an API token (its user is not stored)");
  already_stored("adding an API token (its id or its hash is stored already)");
}

std::optional<ApiTokenRecord> find_api_token_by_hash(Conn& c, std::string_view token_hash) {
  auto r = c.exec("reading an API token", kTokenByHash, token_hash);
  if (r.empty()) return std::nullopt;
  return read_token(r[0]);
}

std::vector<ApiTokenRecord> list_api_tokens(Conn& c, std::string_view user) {
  auto r = c.exec("listing API tokens", kListTokens, user);
  std::vector<ApiTokenRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_token(row));
  return out;
}

bool put_api_token(Conn& c, const ApiTokenRecord& t) {
  auto r = c.exec("updating an API token",
                  "UPDATE api_tokens SET name = $2, last_used_at = $3, revoked_at = $4 "
                  "WHERE id = $1",
                  t.id, t.name, t.last_used_at, t.revoked_at);
  return r.affected_rows() > 0;
}

void insert_session(Conn& c, const SessionRecord& s) {
  auto r = c.exec(
      "starting a session",
      "INSERT INTO sessions (id_hash, user_name, csrf_token_hash, created_at, "
      "expires_at, last_seen_at, remote) SELECT $1::text, $2::text, $3::text, $4::text, "
      "$5::text, $6::text, $7::text "
      "WHERE EXISTS (SELECT 1 FROM users WHERE name = $2) "
      "ON CONFLICT DO NOTHING RETURNING 1",
      s.id_hash, s.user, s.csrf_token_hash, s.created_at, s.expires_at, s.last_seen_at, s.remote);
  if (!r.empty()) return;
  if (!user_exists(c, s.user)) not_stored("starting a session (its user is not stored)");
  already_stored("starting a session (a session of this id is stored already)");
}

std::optional<SessionRecord> find_session(Conn& c, std::string_view id_hash) {
  auto r = c.exec("reading a session", kSelectSession, id_hash);
  if (r.empty()) return std::nullopt;
  return read_session(r[0]);
}

bool touch_session(Conn& c, std::string_view id_hash, std::string_view last_seen_at) {
  auto r =
      c.exec("recording a session's activity",
             "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", id_hash, last_seen_at);
  return r.affected_rows() > 0;
}

bool delete_session(Conn& c, std::string_view id_hash) {
  auto r = c.exec("ending a session", "DELETE FROM sessions WHERE id_hash = $1", id_hash);
  return r.affected_rows() > 0;
}

std::int64_t delete_user_sessions(Conn& c, std::string_view user, std::string_view except_id_hash) {
  auto r =
      c.exec("ending a user's sessions",
             "DELETE FROM sessions WHERE user_name = $1 AND id_hash <> $2", user, except_id_hash);
  return static_cast<std::int64_t>(r.affected_rows());
}

std::int64_t delete_expired_sessions(Conn& c, std::string_view now) {
  auto r = c.exec("removing expired sessions", "DELETE FROM sessions WHERE expires_at <= $1", now);
  return static_cast<std::int64_t>(r.affected_rows());
}

const char* const kSignInFailuresSchema = R"sql(
CREATE TABLE sign_in_failures (
  account  TEXT NOT NULL,
  source   TEXT NOT NULL,
  failures BIGINT NOT NULL,
  last_at  TEXT NOT NULL,
  PRIMARY KEY (account, source)
);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (last_at);
)sql";

std::optional<SignInFailureRecord> find_sign_in_failure(Conn& c, std::string_view account,
                                                        std::string_view source) {
  auto r = c.exec("reading failed sign-ins",
                  "SELECT failures, last_at FROM sign_in_failures WHERE account = $1 AND "
                  "source = $2",
                  account, source);
  if (r.empty()) return std::nullopt;
  return SignInFailureRecord{std::string(account), std::string(source), integer(r[0], 0),
                             text(r[0], 1)};
}

void put_sign_in_failure(Conn& c, const SignInFailureRecord& record) {
  c.exec("recording a failed sign-in",
         "INSERT INTO sign_in_failures (account, source, failures, last_at) "
         "VALUES ($1, $2, $3, $4) ON CONFLICT (account, source) DO UPDATE SET "
         "failures = excluded.failures, last_at = excluded.last_at",
         record.account, record.source, record.failures, record.last_at);
}

bool delete_sign_in_failure(Conn& c, std::string_view account, std::string_view source) {
  auto r =
      c.exec("forgetting failed sign-ins",
             "DELETE FROM sign_in_failures WHERE account = $1 AND source = $2", account, source);
  return r.affected_rows() > 0;
}

std::int64_t count_sign_in_failures(Conn& c) {
  auto r = c.exec("counting failed sign-ins", "SELECT count(*) FROM sign_in_failures");
  return integer(r[0], 0);
}

std::int64_t prune_sign_in_failures(Conn& c, std::string_view before, std::int64_t keep) {
  auto old =
      c.exec("pruning failed sign-ins", "DELETE FROM sign_in_failures WHERE last_at < $1", before);
  const auto gone = static_cast<std::int64_t>(old.affected_rows());
  const std::int64_t rows = count_sign_in_failures(c);
  if (rows <= keep) return gone;
  auto extra = c.exec("pruning failed sign-ins",
                      "DELETE FROM sign_in_failures WHERE (account, source) IN (SELECT account, "
                      "source FROM sign_in_failures ORDER BY last_at, account COLLATE \"C\", "
                      "source COLLATE \"C\" LIMIT $1)",
                      rows - keep);
  return gone + static_cast<std::int64_t>(extra.affected_rows());
}

}  // namespace hotline::store::postgres
