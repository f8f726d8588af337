// SQL for the accounts tables (users, api_tokens, sessions), as free
// functions over a connection; PostgresTransaction checks the transaction and
// calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

void insert_user(Conn& c, const UserRecord& user);
bool put_user(Conn& c, const UserRecord& user);
std::optional<UserRecord> find_user(Conn& c, std::string_view name);
std::vector<UserRecord> list_users(Conn& c);

void insert_api_token(Conn& c, const ApiTokenRecord& token);
std::optional<ApiTokenRecord> find_api_token_by_hash(Conn& c, std::string_view token_hash);
std::vector<ApiTokenRecord> list_api_tokens(Conn& c, std::string_view user);
bool put_api_token(Conn& c, const ApiTokenRecord& token);

void insert_session(Conn& c, const SessionRecord& session);
std::optional<SessionRecord> find_session(Conn& c, std::string_view id_hash);
bool touch_session(Conn& c, std::string_view id_hash, std::string_view last_seen_at);
bool delete_session(Conn& c, std::string_view id_hash);
std::int64_t delete_expired_sessions(Conn& c, std::string_view now);
std::int64_t delete_user_sessions(Conn& c, std::string_view user, std::string_view except_id_hash);

// Failed sign-ins (migration 2, kSignInFailuresSchema); semantics in store.h.
std::optional<SignInFailureRecord> find_sign_in_failure(Conn& c, std::string_view account,
                                                        std::string_view source);
void put_sign_in_failure(Conn& c, const SignInFailureRecord& record);
bool delete_sign_in_failure(Conn& c, std::string_view account, std::string_view source);
std::int64_t prune_sign_in_failures(Conn& c, std::string_view before, std::int64_t keep);
std::int64_t count_sign_in_failures(Conn& c);

}  // namespace hotline::store::postgres
