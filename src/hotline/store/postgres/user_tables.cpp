// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/user_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void user_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

const char* const kUserSchema = "";

void insert_user(Conn& c, const UserRecord& user) {
  user_not_yet("insert_user");
}

bool put_user(Conn& c, const UserRecord& user) {
  user_not_yet("put_user");
}

std::optional<UserRecord> find_user(Conn& c, std::string_view name) {
  user_not_yet("find_user");
}

std::vector<UserRecord> list_users(Conn& c) {
  user_not_yet("list_users");
}

void insert_api_token(Conn& c, const ApiTokenRecord& token) {
  user_not_yet("insert_api_token");
}

std::optional<ApiTokenRecord> find_api_token_by_hash(Conn& c, std::string_view token_hash) {
  user_not_yet("find_api_token_by_hash");
}

std::vector<ApiTokenRecord> list_api_tokens(Conn& c, std::string_view user) {
  user_not_yet("list_api_tokens");
}

bool put_api_token(Conn& c, const ApiTokenRecord& token) {
  user_not_yet("put_api_token");
}

void insert_session(Conn& c, const SessionRecord& session) {
  user_not_yet("insert_session");
}

std::optional<SessionRecord> find_session(Conn& c, std::string_view id_hash) {
  user_not_yet("find_session");
}

bool touch_session(Conn& c, std::string_view id_hash, std::string_view last_seen_at) {
  user_not_yet("touch_session");
}

bool delete_session(Conn& c, std::string_view id_hash) {
  user_not_yet("delete_session");
}

std::int64_t delete_expired_sessions(Conn& c, std::string_view now) {
  user_not_yet("delete_expired_sessions");
}

std::int64_t delete_user_sessions(Conn& c, std::string_view user, std::string_view except_id_hash) {
  user_not_yet("delete_user_sessions");
}

}  // namespace hotline::store::postgres
