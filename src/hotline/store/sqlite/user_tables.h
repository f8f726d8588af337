// SQL for the accounts tables (users, api_tokens, sessions, sign_in_failures), as free
// functions over a connection; SqliteTransaction checks the transaction and
// calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

void insert_user(Connection& c, const UserRecord& user);
bool put_user(Connection& c, const UserRecord& user);
std::optional<UserRecord> find_user(Connection& c, std::string_view name);
std::vector<UserRecord> list_users(Connection& c);

void insert_api_token(Connection& c, const ApiTokenRecord& token);
std::optional<ApiTokenRecord> find_api_token_by_hash(Connection& c, std::string_view token_hash);
std::vector<ApiTokenRecord> list_api_tokens(Connection& c, std::string_view user);
bool put_api_token(Connection& c, const ApiTokenRecord& token);

void insert_session(Connection& c, const SessionRecord& session);
std::optional<SessionRecord> find_session(Connection& c, std::string_view id_hash);
bool touch_session(Connection& c, std::string_view id_hash, std::string_view last_seen_at);
bool delete_session(Connection& c, std::string_view id_hash);
std::int64_t delete_expired_sessions(Connection& c, std::string_view now);
std::int64_t delete_user_sessions(Connection& c, std::string_view user,
                                  std::string_view except_id_hash);

std::optional<SignInFailureRecord> find_sign_in_failure(Connection& c, std::string_view account,
                                                        std::string_view source);
void put_sign_in_failure(Connection& c, const SignInFailureRecord& record);
bool delete_sign_in_failure(Connection& c, std::string_view account, std::string_view source);
std::int64_t prune_sign_in_failures(Connection& c, std::string_view before, std::size_t keep);
std::int64_t count_sign_in_failures(Connection& c);

}  // namespace hotline::store::sqlite
