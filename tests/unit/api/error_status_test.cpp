// The operators' API answers each error with the HTTP status of its
// category (hotline/common/error_category.h): one representative refusal
// per category, through the real router over a real node, and each
// category through error_response(). A category chosen wrongly at a throw
// site below changes the status and fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api_test_util.h"
#include "hotline/api/api_errors.h"
#include "hotline/common/error_category.h"

namespace hotline::api {
namespace error_status_test {

using nlohmann::json;
using testing::ApiWorld;
using testing::Reply;

class ErrorStatus : public ::testing::Test {
 protected:
  Reply as_admin(const std::string& method, const std::string& target, const json& body) {
    return world_.as(world_.role("admin").token, method, target, body.dump());
  }
  ApiWorld world_;
};

json new_user(const std::string& name, const json& roles) {
  return {{"name", name}, {"roles", roles}, {"password", testing::kPassword}};
}

TEST_F(ErrorStatus, InvalidInputIs400) {
  Reply r = as_admin("POST", "/v1/users", new_user("newcomer", {"wizard"}));
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.code, "role_invalid");
}

TEST_F(ErrorStatus, UnauthenticatedIs401) {
  Reply r = world_.send("POST", "/v1/session",
                        json({{"name", "desk"}, {"password", "not the right password"}}).dump());
  EXPECT_EQ(r.status, 401) << r.raw.body;
  EXPECT_EQ(r.code, "auth_failed");
}

TEST_F(ErrorStatus, ForbiddenIs403) {
  Reply r = world_.as(world_.role("operator").token, "GET", "/v1/users");
  EXPECT_EQ(r.status, 403) << r.raw.body;
  EXPECT_EQ(r.code, "forbidden");
}

TEST_F(ErrorStatus, NotFoundIs404) {
  Reply r = world_.as(world_.role("admin").token, "GET", "/v1/users/" + testing::kNoName);
  EXPECT_EQ(r.status, 404) << r.raw.body;
  EXPECT_EQ(r.code, "user_unknown");
}

TEST_F(ErrorStatus, ConflictIs409) {
  Reply r = as_admin("POST", "/v1/users", new_user("op", {"operator"}));
  EXPECT_EQ(r.status, 409) << r.raw.body;
  EXPECT_EQ(r.code, "user_exists");
}

TEST_F(ErrorStatus, TooLargeIs413) {
  Reply r = world_.as(world_.role("operator").token, "POST", "/v1/messages",
                      json({{"to", "bravo"}, {"text", std::string(17 * 1024, 'x')}}).dump());
  EXPECT_EQ(r.status, 413) << r.raw.body;
  EXPECT_EQ(r.code, "message_too_long");
}

TEST_F(ErrorStatus, UnsupportedMediaTypeIs415) {
  auto headers = testing::bearer(world_.role("admin").token);
  headers["content-type"] = "text/plain";
  Reply r = world_.send("POST", "/v1/users", new_user("newcomer", {"operator"}).dump(), headers);
  EXPECT_EQ(r.status, 415) << r.raw.body;
  EXPECT_EQ(r.code, "unsupported_media_type");
}

// A fault of the node: 500, and the message only points at the log.
TEST_F(ErrorStatus, InternalIs500AndKeepsItsDetailInTheLog) {
  const std::string op = world_.role("operator").token;
  ASSERT_EQ(world_.as(op, "GET", "/v1/attachments").status, 200);
  const auto key = world_.dir() / "alpha" / "attachments" / "vault.key";
  ASSERT_TRUE(std::filesystem::exists(key));
  std::filesystem::permissions(key, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  Reply r = world_.as(op, "GET", "/v1/attachments");
  EXPECT_EQ(r.status, 500) << r.raw.body;
  EXPECT_EQ(r.code, "vault_key_insecure");
  EXPECT_EQ(r.message.find("vault.key"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("server log"), std::string::npos) << r.message;
}

// Every category through the function the router answers errors with.
TEST(ErrorResponse, StatusIsTheCategorysAndOnlyInternalHidesTheMessage) {
  for (ErrorCategory c :
       {ErrorCategory::invalid_input, ErrorCategory::unauthenticated, ErrorCategory::forbidden,
        ErrorCategory::not_found, ErrorCategory::conflict, ErrorCategory::too_large,
        ErrorCategory::unsupported_media_type, ErrorCategory::unavailable, ErrorCategory::internal,
        ErrorCategory::usage}) {
    SCOPED_TRACE(std::string(category_name(c)));
    Reply r = testing::to_reply(
        error_response(Error(c, "some_code", "the detail"), "GET", "/v1/anything"));
    EXPECT_EQ(r.status, http_status(c));
    EXPECT_EQ(r.code, "some_code");
    EXPECT_EQ(r.message == "the detail", c != ErrorCategory::internal) << r.message;
  }
  EXPECT_EQ(testing::to_reply(error_response(Error(ErrorCategory::unavailable, "store_busy", "m"),
                                             "GET", "/v1/alerts"))
                .status,
            503);
}

}  // namespace error_status_test
}  // namespace hotline::api
