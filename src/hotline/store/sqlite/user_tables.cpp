#include "hotline/store/sqlite/user_tables.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>

#include <string>

#include "hotline/common/error.h"
#include "hotline/store/roles_text.h"

namespace hotline::store::sqlite {
namespace {

constexpr const char* kUserColumns =
    "SELECT name, display_name, roles, password_hash, totp_secret, totp_pending, totp_last_step, "
    "disabled, failed_logins, locked_until, created_at, updated_at FROM users ";

UserRecord read_user(const Query& q) {
  UserRecord u;
  u.name = q.text(0);
  u.display_name = q.text(1);
  u.roles = split_roles(q.text(2));
  u.password_hash = q.text(3);
  u.totp_secret = q.optional_text(4);
  u.totp_pending = q.optional_text(5);
  u.totp_last_step = q.integer(6);
  u.disabled = q.integer(7) != 0;
  u.failed_logins = q.integer(8);
  u.locked_until = q.optional_text(9);
  u.created_at = q.text(10);
  u.updated_at = q.text(11);
  return u;
}

constexpr const char* kTokenColumns =
    "SELECT id, user_name, name, token_hash, created_at, last_used_at, revoked_at, "
    "api_token_limits.expires_at, coalesce(api_token_limits.read_only, 0) FROM api_tokens "
    "LEFT JOIN api_token_limits ON api_token_limits.token_id = api_tokens.id ";

ApiTokenRecord read_token(const Query& q) {
  ApiTokenRecord t;
  t.id = q.text(0);
  t.user = q.text(1);
  t.name = q.text(2);
  t.token_hash = q.text(3);
  t.created_at = q.text(4);
  t.last_used_at = q.optional_text(5);
  t.revoked_at = q.optional_text(6);
  t.expires_at = q.optional_text(7);
  t.read_only = q.integer(8) != 0;
  return t;
}

constexpr const char* kSessionColumns =
    "SELECT id_hash, user_name, csrf_token_hash, created_at, expires_at, last_seen_at, remote "
    "FROM sessions ";

SessionRecord read_session(const Query& q) {
  SessionRecord s;
  s.id_hash = q.text(0);
  s.user = q.text(1);
  s.csrf_token_hash = q.text(2);
  s.created_at = q.text(3);
  s.expires_at = q.text(4);
  s.last_seen_at = q.text(5);
  s.remote = q.text(6);
  return s;
}

// Binds every column of `u` as ?1 .. ?12 in kUserColumns order.
void bind_user(Query& q, const UserRecord& u) {
  q.bind(1, u.name).bind(2, u.display_name).bind(3, join_roles(u.roles));
  q.bind(4, u.password_hash).bind_optional(5, u.totp_secret).bind_optional(6, u.totp_pending);
  q.bind(7, u.totp_last_step).bind(8, std::int64_t{u.disabled ? 1 : 0});
  q.bind(9, u.failed_logins).bind_optional(10, u.locked_until).bind(11, u.created_at);
  q.bind(12, u.updated_at);
}

}  // namespace

void insert_user(Connection& c, const UserRecord& u) {
  Query q(c,
          "INSERT INTO users (name, display_name, roles, password_hash, totp_secret, "
          "totp_pending, totp_last_step, disabled, failed_logins, locked_until, created_at, "
          "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
          "adding a user");
  bind_user(q, u);
  q.run();
}

bool put_user(Connection& c, const UserRecord& u) {
  Query q(c,
          "UPDATE users SET display_name = ?2, roles = ?3, password_hash = ?4, totp_secret = ?5, "
          "totp_pending = ?6, totp_last_step = ?7, disabled = ?8, failed_logins = ?9, "
          "locked_until = ?10, created_at = ?11, updated_at = ?12 WHERE name = ?1",
          "updating a user");
  bind_user(q, u);
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

std::optional<UserRecord> find_user(Connection& c, std::string_view name) {
  Query q(c, (std::string(kUserColumns) + "WHERE name = ?1").c_str(), "reading a user");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::vector<UserRecord> list_users(Connection& c) {
  Query q(c, (std::string(kUserColumns) + "ORDER BY name").c_str(), "listing users");
  std::vector<UserRecord> out;
  while (q.step()) out.push_back(read_user(q));
  return out;
}

void insert_api_token(Connection& c, const ApiTokenRecord& t) {
  Query q(c,
          "INSERT INTO api_tokens (id, user_name, name, token_hash, created_at, last_used_at, "
          "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
          "adding an API token");
  q.bind(1, t.id).bind(2, t.user).bind(3, t.name).bind(4, t.token_hash).bind(5, t.created_at);
  q.bind_optional(6, t.last_used_at).bind_optional(7, t.revoked_at);
  q.run();
  if (!t.expires_at && !t.read_only) return;
  Query limits(c,
               "INSERT INTO api_token_limits (token_id, expires_at, read_only) VALUES (?1, ?2, ?3)",
               "adding an API token's limits");
  limits.bind(1, t.id).bind(2, t.expires_at.value_or("9999-12-31T23:59:59.999Z"));
  limits.bind(3, static_cast<std::int64_t>(t.read_only ? 1 : 0));
  limits.run();
}

std::optional<ApiTokenRecord> find_api_token_by_hash(Connection& c, std::string_view token_hash) {
  Query q(c, (std::string(kTokenColumns) + "WHERE token_hash = ?1").c_str(),
          "reading an API token");
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  return read_token(q);
}

std::vector<ApiTokenRecord> list_api_tokens(Connection& c, std::string_view user) {
  Query q(c,
          (std::string(kTokenColumns) + "WHERE ?1 = '' OR user_name = ?1 ORDER BY created_at, id")
              .c_str(),
          "listing API tokens");
  q.bind(1, user);
  std::vector<ApiTokenRecord> out;
  while (q.step()) out.push_back(read_token(q));
  return out;
}

bool put_api_token(Connection& c, const ApiTokenRecord& t) {
  Query q(c, "UPDATE api_tokens SET name = ?2, last_used_at = ?3, revoked_at = ?4 WHERE id = ?1",
          "updating an API token");
  q.bind(1, t.id).bind(2, t.name).bind_optional(3, t.last_used_at).bind_optional(4, t.revoked_at);
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

void insert_session(Connection& c, const SessionRecord& s) {
  Query q(c,
          "INSERT INTO sessions (id_hash, user_name, csrf_token_hash, created_at, expires_at, "
          "last_seen_at, remote) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
          "starting a session");
  q.bind(1, s.id_hash).bind(2, s.user).bind(3, s.csrf_token_hash).bind(4, s.created_at);
  q.bind(5, s.expires_at).bind(6, s.last_seen_at).bind(7, s.remote);
  q.run();
}

std::optional<SessionRecord> find_session(Connection& c, std::string_view id_hash) {
  Query q(c, (std::string(kSessionColumns) + "WHERE id_hash = ?1").c_str(), "reading a session");
  q.bind(1, id_hash);
  if (!q.step()) return std::nullopt;
  return read_session(q);
}

bool touch_session(Connection& c, std::string_view id_hash, std::string_view last_seen_at) {
  Query q(c, "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
          "recording a session's activity");
  q.bind(1, id_hash).bind(2, last_seen_at);
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

bool delete_session(Connection& c, std::string_view id_hash) {
  Query q(c, "DELETE FROM sessions WHERE id_hash = ?1", "ending a session");
  q.bind(1, id_hash);
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

std::int64_t delete_user_sessions(Connection& c, std::string_view user,
                                  std::string_view except_id_hash) {
  Query q(c, "DELETE FROM sessions WHERE user_name = ?1 AND id_hash != ?2",
          "ending a user's sessions");
  q.bind(1, user).bind(2, except_id_hash);
  q.run();
  return sqlite3_changes(c.handle());
}

std::int64_t delete_expired_sessions(Connection& c, std::string_view now) {
  Query q(c, "DELETE FROM sessions WHERE expires_at <= ?1", "removing expired sessions");
  q.bind(1, now);
  q.run();
  return sqlite3_changes(c.handle());
}

std::optional<SignInFailureRecord> find_sign_in_failure(Connection& c, std::string_view account,
                                                        std::string_view source) {
  Query q(c, "SELECT failures, last_at FROM sign_in_failures WHERE account = ?1 AND source = ?2",
          "reading failed sign-ins");
  q.bind(1, account).bind(2, source);
  if (!q.step()) return std::nullopt;
  return SignInFailureRecord{std::string(account), std::string(source), q.integer(0), q.text(1)};
}

void put_sign_in_failure(Connection& c, const SignInFailureRecord& r) {
  Query q(c,
          "INSERT INTO sign_in_failures (account, source, failures, last_at) "
          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account, source) DO UPDATE SET "
          "failures = excluded.failures, last_at = excluded.last_at",
          "recording a failed sign-in");
  q.bind(1, r.account).bind(2, r.source).bind(3, r.failures).bind(4, r.last_at);
  q.run();
}

bool delete_sign_in_failure(Connection& c, std::string_view account, std::string_view source) {
  Query q(c, "DELETE FROM sign_in_failures WHERE account = ?1 AND source = ?2",
          "forgetting failed sign-ins");
  q.bind(1, account).bind(2, source);
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

std::int64_t count_sign_in_failures(Connection& c) {
  Query q(c, "SELECT count(*) FROM sign_in_failures", "counting failed sign-ins");
  return q.step() ? q.integer(0) : 0;
}

std::int64_t prune_sign_in_failures(Connection& c, std::string_view before, std::size_t keep) {
  std::int64_t gone = 0;
  {
    Query q(c, "DELETE FROM sign_in_failures WHERE last_at < ?1", "pruning failed sign-ins");
    q.bind(1, before);
    q.run();
    gone += sqlite3_changes(c.handle());
  }
  const std::int64_t rows = count_sign_in_failures(c);
  const auto cap = static_cast<std::int64_t>(std::min<std::size_t>(keep, INT64_MAX));
  if (rows <= cap) return gone;
  Query q(c,
          "DELETE FROM sign_in_failures WHERE (account, source) IN (SELECT account, source "
          "FROM sign_in_failures ORDER BY last_at LIMIT ?1)",
          "pruning failed sign-ins");
  q.bind(1, rows - cap);
  q.run();
  return gone + sqlite3_changes(c.handle());
}

}  // namespace hotline::store::sqlite
