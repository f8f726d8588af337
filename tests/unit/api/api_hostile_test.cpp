// Hostile input to the operators' API, in-process over a real node: bodies
// too large, too deep, not UTF-8, with duplicate or unknown members or the
// wrong types; SQL and script text in paths, queries and sign-in; broken
// %-escapes; path traversal towards the vault. Each is refused with its exact
// status and error code, answered as JSON (never HTML), and leaves the store
// unchanged. Valid requests whose strings merely look hostile are accepted
// and their text comes back byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api_test_util.h"
#include "hotline/api/operator_api.h"

namespace hotline::api {
namespace api_hostile_test {

using nlohmann::json;
using testing::ApiWorld;
using testing::Reply;

const std::string kSqlDrop = "'; DROP TABLE items; --";
const std::string kSqlOr = "1 OR 1=1";
const std::string kScript = "<script>alert(1)</script>";

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string pct(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

class ApiHostile : public ::testing::Test {
 protected:
  ApiHostile() : world_(options()) {}

  static OperatorApiOptions options() {
    auto o = ApiWorld::default_options();
    o.max_json_bytes = 16 * 1024;
    return o;
  }

  const std::string& op() { return world_.role("operator").token; }
  const std::string& admin() { return world_.role("admin").token; }

  // Sends, expects (status, code) as a JSON error with the safety headers,
  // and an unchanged store; returns the reply for more checks.
  Reply refused(const net::HttpRequest& r, int status, const std::string& code) {
    const auto before = world_.fingerprint();
    Reply reply = world_.send(r);
    EXPECT_EQ(reply.status, status) << r.method << " " << r.target << ": " << reply.raw.body;
    EXPECT_EQ(reply.code, code) << r.method << " " << r.target << ": " << reply.raw.body;
    expect_safe_json(reply);
    EXPECT_EQ(testing::changed_sections(before, world_.fingerprint()), "")
        << r.method << " " << r.target;
    return reply;
  }
  Reply refused(const std::string& token, const std::string& method, const std::string& target,
                const std::string& body, int status, const std::string& code,
                const std::string& content_type = "application/json") {
    auto headers = testing::bearer(token);
    if (!body.empty()) headers["content-type"] = content_type;
    return refused(testing::make_request(method, target, body, headers), status, code);
  }

  // A browser must never treat the answer as a page.
  static void expect_safe_json(const Reply& reply) {
    EXPECT_EQ(reply.raw.content_type, "application/json");
    EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(reply.header("Cache-Control"), "no-store");
    EXPECT_FALSE(reply.body.is_null()) << "not JSON: " << reply.raw.body;
    EXPECT_TRUE(reply.raw.body.empty() || reply.raw.body.front() == '{') << reply.raw.body;
  }

  ApiWorld world_;
};

// ---- bodies -------------------------------------------------------------------

TEST_F(ApiHostile, BodyAboveTheLimit) {
  const std::string big = json({{"peer", "bravo"}, {"title", std::string(20 * 1024, 'x')}}).dump();
  Reply r = refused(op(), "POST", "/v1/cases", big, 413, "payload_too_large");
  EXPECT_NE(r.message.find("16384"), std::string::npos) << r.message;
  // The public sign-in has the same limit.
  refused(testing::make_request(
              "POST", "/v1/session",
              json({{"name", "desk"}, {"password", std::string(20 * 1024, 'p')}}).dump()),
          413, "payload_too_large");
  // One byte over is too much; at the limit the body is read (and refused
  // for what it says, not for its size).
  std::string at_limit = R"({"peer":"bravo","title":")";
  at_limit += std::string(16 * 1024 - at_limit.size() - 2, 'y') + "\"}";
  ASSERT_EQ(at_limit.size(), 16u * 1024);
  refused(op(), "POST", "/v1/cases", at_limit + " ", 413, "payload_too_large");
  Reply ok = world_.as(op(), "POST", "/v1/cases", at_limit);
  EXPECT_NE(ok.status, 413) << ok.raw.body;
}

TEST_F(ApiHostile, DeeplyNestedJson) {
  refused(op(), "POST", "/v1/cases", std::string(10000, '['), 400, "json_too_deep");
  refused(op(), "POST", "/v1/cases", std::string(8000, '[') + std::string(8000, ']'), 400,
          "json_too_deep");
  std::string objects;
  for (int i = 0; i < 2000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(2000, '}');
  refused(op(), "POST", "/v1/cases", objects, 400, "json_too_deep");
  // Inside a member the depth counts the same.
  refused(op(), "POST", "/v1/cases",
          R"({"peer":"bravo","title":"t","labels":)" + std::string(200, '[') +
              std::string(200, ']') + "}",
          400, "json_too_deep");
}

TEST_F(ApiHostile, InvalidUtf8) {
  refused(op(), "POST", "/v1/cases", "{\"peer\":\"bravo\",\"title\":\"bad \xff\xfe here\"}", 400,
          "json_invalid_utf8");
  // An overlong encoding of '/' and a lone surrogate, raw and escaped.
  refused(op(), "POST", "/v1/cases", "{\"peer\":\"bravo\",\"title\":\"\xc0\xaf\"}", 400,
          "json_invalid_utf8");
  refused(op(), "POST", "/v1/cases", "{\"peer\":\"bravo\",\"title\":\"\xed\xa0\x80\"}", 400,
          "json_invalid_utf8");
  refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":"\ud800"})", 400,
          "json_invalid_utf8");
  // In a key too.
  refused(op(), "POST", "/v1/cases", "{\"peer\":\"bravo\",\"ti\xfftle\":\"x\"}", 400,
          "json_invalid_utf8");
}

TEST_F(ApiHostile, DuplicateKeys) {
  refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":"a","title":"b"})", 400,
          "json_duplicate_key");
  // Equal after unescaping.
  refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":"a","\u0074itle":"b"})", 400,
          "json_duplicate_key");
  // Sign-in: which password would count?
  refused(testing::make_request(
              "POST", "/v1/session",
              R"({"name":"desk","password":"x","password":")" + testing::kPassword + "\"}"),
          400, "json_duplicate_key");
}

TEST_F(ApiHostile, NotAnObject) {
  for (const std::string body : {R"(["peer","bravo"])", R"("peer")", "42", "null", "true"}) {
    SCOPED_TRACE(body);
    Reply r = refused(op(), "POST", "/v1/cases", body, 400, "request_invalid");
    EXPECT_NE(r.message.find("object"), std::string::npos) << r.message;
  }
}

TEST_F(ApiHostile, MalformedJson) {
  for (const std::string body :
       {"{", R"({"peer":"bravo",})", R"({"peer":'bravo'})", R"({"peer":"bravo"} {})",
        "{\"peer\":\"bra\nvo\"}", R"({peer:"bravo"})"}) {
    SCOPED_TRACE(body);
    refused(op(), "POST", "/v1/cases", body, 400, "json_malformed");
  }
}

TEST_F(ApiHostile, WrongContentType) {
  const std::string body = R"({"peer":"bravo","title":"x"})";
  for (const std::string type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/json", "application/jsonp", "application/json-patch+json"}) {
    SCOPED_TRACE(type);
    refused(op(), "POST", "/v1/cases", body, 415, "unsupported_media_type", type);
  }
  // No Content-Type at all.
  auto headers = testing::bearer(op());
  auto r = testing::make_request("POST", "/v1/cases", "", headers);
  r.body = body;
  refused(r, 415, "unsupported_media_type");
  // A charset parameter is fine.
  Reply ok = world_.send(testing::make_request(
      "POST", "/v1/cases", R"({"peer":"bravo"})",
      {{"authorization", "Bearer " + op()}, {"content-type", "application/json; charset=utf-8"}}));
  EXPECT_EQ(ok.status, 400);
  EXPECT_EQ(ok.code, "request_invalid");  // 'title' is required
}

TEST_F(ApiHostile, UnknownMembers) {
  Reply r = refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":"x","owner":"mallory"})",
                    400, "request_invalid");
  EXPECT_NE(r.message.find("'owner'"), std::string::npos) << r.message;
  Reply s = refused(
      testing::make_request(
          "POST", "/v1/session",
          json({{"name", "desk"}, {"password", testing::kPassword}, {"admin", true}}).dump()),
      400, "request_invalid");
  EXPECT_NE(s.message.find("'admin'"), std::string::npos) << s.message;
  Reply u = refused(admin(), "PATCH", "/v1/users/op", R"({"roles":["admin"],"is_admin":true})", 400,
                    "request_invalid");
  EXPECT_NE(u.message.find("'is_admin'"), std::string::npos) << u.message;
  // The approval takes no members at all.
  Reply a = refused(world_.role("supervisor").token, "POST",
                    "/v1/requests/" + testing::kNoItem + "/approve", R"({"by":"someone"})", 400,
                    "request_invalid");
  EXPECT_NE(a.message.find("'by'"), std::string::npos) << a.message;
}

TEST_F(ApiHostile, WrongTypes) {
  struct Case {
    std::string token, method, target, body, member;
  };
  const std::vector<Case> cases = {
      {op(), "POST", "/v1/cases", R"({"peer":"bravo","title":42})", "title"},
      {op(), "POST", "/v1/cases", R"({"peer":["bravo"],"title":"x"})", "peer"},
      {op(), "POST", "/v1/cases", R"({"peer":{"name":"bravo"},"title":"x"})", "peer"},
      {op(), "POST", "/v1/alerts", R"({"to":"bravo","summary":"s","priority":1})", "priority"},
      {op(), "POST", "/v1/cases/" + testing::kNoItem + "/actions", R"({"action":7})", "action"},
      {admin(), "PATCH", "/v1/users/op", R"({"disabled":"yes"})", "disabled"},
      {admin(), "PATCH", "/v1/users/op", R"({"roles":"admin"})", "roles"},
      {admin(), "PATCH", "/v1/users/op", R"({"roles":[1]})", "roles"},
      {admin(), "POST", "/v1/tokens", R"({"user":"op","label":null,"x":1})", "x"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + " " + c.body);
    Reply r = refused(c.token, c.method, c.target, c.body, 400, "request_invalid");
    EXPECT_NE(r.message.find("'" + c.member + "'"), std::string::npos) << r.message;
  }
  refused(testing::make_request("POST", "/v1/session", R"({"name":1,"password":2})"), 400,
          "request_invalid");
  // Numbers the canonical form does not allow.
  refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":1.5})", 400, "json_float");
  refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":1e3})", 400, "json_float");
  refused(op(), "POST", "/v1/cases", R"({"peer":"bravo","title":9007199254740993})", 400,
          "json_integer_range");
}

// A refused change changes nothing, even when the body's first members were
// fine: PATCH /v1/users/{name} must not apply "roles" and then refuse
// "disabled".
TEST_F(ApiHostile, RefusedPatchChangesNothing) {
  Reply r = refused(admin(), "PATCH", "/v1/users/op", R"({"roles":["admin"],"disabled":"yes"})",
                    400, "request_invalid");
  EXPECT_NE(r.message.find("'disabled'"), std::string::npos) << r.message;
  Reply op_user = world_.as(admin(), "GET", "/v1/users/op");
  ASSERT_EQ(op_user.status, 200);
  EXPECT_EQ(op_user.body["roles"], json::array({"operator"}));
  // The operator's token still cannot manage users.
  Reply users = world_.as(op(), "GET", "/v1/users");
  EXPECT_EQ(users.status, 403);
  EXPECT_EQ(users.code, "forbidden");

  refused(admin(), "PATCH", "/v1/users/op", R"({"roles":["wizard"],"disabled":true})", 400,
          "role_invalid");
  refused(admin(), "PATCH", "/v1/users/op", R"({"roles":[]})", 400, "role_invalid");
  refused(admin(), "PATCH", "/v1/users/adm", R"({"disabled":true})", 400, "request_invalid");
}

// ---- SQL text -------------------------------------------------------------------

TEST_F(ApiHostile, SqlInPathIds) {
  const auto before = world_.fingerprint();
  for (const auto& evil :
       {kSqlDrop, kSqlOr, std::string("x' OR '1'='1"), std::string("%' --"), std::string("*")}) {
    SCOPED_TRACE(evil);
    const std::string id = pct(evil);
    for (const char* kind : {"alerts", "requests", "cases"}) {
      refused(op(), "GET", std::string("/v1/") + kind + "/" + id, "", 404, "item_unknown");
    }
    refused(op(), "POST", "/v1/alerts/" + id + "/actions", R"({"action":"acknowledge"})", 404,
            "item_unknown");
    refused(op(), "POST", "/v1/cases/" + id + "/notes", R"({"text":"n"})", 404, "item_unknown");
    refused(admin(), "GET", "/v1/users/" + id, "", 404, "user_unknown");
    refused(admin(), "PATCH", "/v1/users/" + id, R"({"disabled":true})", 404, "user_unknown");
    refused(admin(), "DELETE", "/v1/tokens/" + id, "", 404, "token_unknown");
    refused(admin(), "GET", "/v1/peers/" + id + "/agreement", "", 404, "peer_unknown");
    refused(op(), "GET", "/v1/alerts?peer=" + id, "", 404, "peer_unknown");
  }
  // The tables are intact and still answer.
  EXPECT_EQ(testing::changed_sections(before, world_.fingerprint()), "");
  Reply users = world_.as(admin(), "GET", "/v1/users");
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(users.body["users"].size(), 7u);
  Reply items = world_.as(op(), "GET", "/v1/cases?status=all");
  EXPECT_EQ(items.status, 200) << items.raw.body;
}

TEST_F(ApiHostile, SqlAsSignInName) {
  for (const auto& name : {kSqlDrop, kSqlOr, std::string("desk' --"),
                           std::string("desk\" OR \"\"=\""), std::string("' OR 1=1 --")}) {
    SCOPED_TRACE(name);
    // A failed sign-in changes nothing but the audit trail, which records
    // it (issue #17, item 8), never with the name as typed.
    auto before = world_.fingerprint();
    Reply r = world_.send(testing::make_request(
        "POST", "/v1/session", json({{"name", name}, {"password", testing::kPassword}}).dump()));
    EXPECT_EQ(r.status, 401) << r.raw.body;
    EXPECT_EQ(r.code, "auth_failed");
    expect_safe_json(r);
    EXPECT_FALSE(r.has_header("Set-Cookie"));
    auto after = world_.fingerprint();
    EXPECT_NE(after["audit"].find("(not a user name)"), std::string::npos);
    EXPECT_EQ(after["audit"].find(name), std::string::npos);
    EXPECT_EQ(testing::changed_besides_audit(before, after), "");
  }
  // As a password too (a wrong password counts as a failed sign-in: that
  // the store records, and only that).
  Reply r = world_.send("POST", "/v1/session",
                        json({{"name", "desk"}, {"password", kSqlDrop + kSqlOr}}).dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_failed");
  Reply users = world_.as(admin(), "GET", "/v1/users");
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(users.body["users"].size(), 7u);
}

// ---- script text ------------------------------------------------------------------

TEST_F(ApiHostile, ScriptInPathAndQueryComesBackAsJson) {
  const std::string s = pct(kScript);
  // Echoed in the message (as JSON text, not markup).
  Reply echoed = refused(op(), "GET", "/v1/alerts/" + s, "", 404, "item_unknown");
  EXPECT_NE(echoed.message.find(kScript), std::string::npos) << echoed.message;
  refused(op(), "GET", "/v1/alerts?status=" + s, "", 400, "request_invalid");
  refused(op(), "GET", "/v1/alerts?limit=" + s, "", 400, "request_invalid");
  refused(op(), "GET", "/v1/alerts?peer=" + s, "", 404, "peer_unknown");
  refused(op(), "GET", "/v1/" + s, "", 404, "not_found");
  refused(testing::make_request("GET", "/v1/" + kScript), 404, "not_found");
  refused(testing::make_request("GET", "/v1/alerts/" + kScript + "/x"), 404, "not_found");
  refused(testing::make_request("GET", "/v1/alerts/x?<script>=" + s), 401, "unauthenticated");
  Reply method =
      refused(testing::make_request("<SCRIPT>", "/v1/alerts"), 405, "method_not_allowed");
  EXPECT_EQ(method.header("Allow"), "GET, HEAD, POST");
  refused(admin(), "GET", "/v1/users/" + s, "", 404, "user_unknown");
}

TEST_F(ApiHostile, InvalidUtf8InTheUrl) {
  // Echoed in the message, the bytes become U+FFFD: the answer stays JSON.
  Reply r = refused(op(), "GET", "/v1/alerts/%FF%FE%FD%FC%FB%FA%F9%F8", "", 404, "item_unknown");
  EXPECT_NE(r.message.find("\xEF\xBF\xBD"), std::string::npos) << r.message;
  refused(testing::make_request("GET", "/v1/\xff\xfe"), 404, "not_found");
  refused(admin(), "GET", "/v1/users/%C0%AF", "", 404, "user_unknown");
}

// ---- URLs -----------------------------------------------------------------------

TEST_F(ApiHostile, BrokenPercentEscapes) {
  for (const std::string path :
       {"/v1/alerts/%zz", "/v1/alerts/abc%4", "/v1/alerts/%", "/v1/alerts/%%41", "/v1/users/%g0"}) {
    SCOPED_TRACE(path);
    refused(op(), "GET", path, "", 400, "request_invalid");
  }
  for (const std::string query : {"?peer=%G0", "?peer=%", "?peer=abc%2", "?%zz=1"}) {
    SCOPED_TRACE(query);
    refused(op(), "GET", "/v1/alerts" + query, "", 400, "request_invalid");
  }
  refused(testing::make_request("POST", "/v1/session?x=%q",
                                json({{"name", "desk"}, {"password", testing::kPassword}}).dump()),
          400, "request_invalid");
}

TEST_F(ApiHostile, OddButValidEscapes) {
  // A NUL or a slash decoded into a name is just a name that does not exist.
  refused(admin(), "GET", "/v1/users/op%00", "", 404, "user_unknown");
  refused(admin(), "GET", "/v1/users/op%2Fadm", "", 404, "user_unknown");
  refused(op(), "GET", "/v1/alerts/" + std::string(100000, 'a'), "", 404, "item_unknown");
  refused(op(), "GET", "/v1/alerts?limit=99999999999999999999", "", 400, "request_invalid");
  refused(op(), "GET", "/v1/alerts?limit=-1", "", 400, "request_invalid");
  refused(op(), "GET", "/v1/events?after=1%3B%20DROP", "", 400, "request_invalid");
  refused(testing::make_request(
              "GET", "/v1/events", "",
              {{"authorization", "Bearer " + op()}, {"last-event-id", "1; DROP TABLE events"}}),
          400, "request_invalid");
  refused(testing::make_request(
              "GET", "/v1/events", "",
              {{"authorization", "Bearer " + op()}, {"last-event-id", "99999999999999999999999"}}),
          400, "request_invalid");
  refused(testing::make_request("GET", "v1/alerts"), 400, "request_invalid");
  refused(testing::make_request("GET", ""), 400, "request_invalid");
}

TEST_F(ApiHostile, PathTraversalTowardsTheVault) {
  for (const std::string sha :
       {"..%2F..%2Fetc%2Fpasswd", "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
        "..", "%2E%2E", "..%2Fhotline.db", "..%2Fidentity.key", "..%2F..%2Fidentity.key",
        "0000000000000000000000000000000000000000000000000000000000000000%2F..%2F..%2Fhotline.db",
        "vault.key", "..%2Fvault%2Fvault.key"}) {
    SCOPED_TRACE(sha);
    // Not a digest: refused before any file name is made of it.
    Reply r = refused(op(), "GET", "/v1/attachments/" + sha, "", 400, "attachment_invalid");
    EXPECT_EQ(r.raw.body.find("root:"), std::string::npos);
    EXPECT_EQ(r.raw.body.find("SQLite format"), std::string::npos);
  }
  // Unescaped, the slashes make other paths.
  refused(op(), "GET", "/v1/attachments/../../etc/passwd", "", 404, "not_found");
  // Upper-case hex is not this node's form of a digest either.
  refused(op(), "GET", "/v1/attachments/" + std::string(64, 'A'), "", 400, "attachment_invalid");
}

TEST_F(ApiHostile, HostileUploadNames) {
  for (const std::string& name :
       std::vector<std::string>{"..%2F..%2Fetc%2Fpasswd", "..", ".", "a%2Fb", "a%00b",
                                "line%0Abreak", "", std::string(256, 'n')}) {
    SCOPED_TRACE(name);
    refused(op(), "POST", "/v1/attachments?name=" + name, "bytes", 400, "request_invalid",
            "application/octet-stream");
  }
}

// ---- hostile-looking text that is valid ---------------------------------------------

TEST_F(ApiHostile, HostileLookingTextRoundTrips) {
  const std::string display = kScript + " " + kSqlDrop + " \"q\" \\ &amp; </title> ü";
  const std::string password = kSqlDrop + " " + kSqlOr + " " + kScript;
  Reply created = world_.as(admin(), "POST", "/v1/users",
                            json({{"name", "robert-tables"},
                                  {"display_name", display},
                                  {"roles", {"reviewer"}},
                                  {"password", password}})
                                .dump());
  ASSERT_EQ(created.status, 201) << created.raw.body;
  EXPECT_EQ(created.body["display_name"], display);
  EXPECT_EQ(created.raw.content_type, "application/json");

  Reply shown = world_.as(admin(), "GET", "/v1/users/robert-tables");
  ASSERT_EQ(shown.status, 200) << shown.raw.body;
  ASSERT_TRUE(shown.body["display_name"].is_string());
  EXPECT_EQ(shown.body["display_name"].get<std::string>(), display);
  EXPECT_EQ(shown.body["display_name"].get<std::string>().size(), display.size());
  EXPECT_EQ(shown.raw.content_type, "application/json");
  EXPECT_EQ(shown.header("X-Content-Type-Options"), "nosniff");

  // The password with SQL and markup in it signs in as it was given.
  Reply signed_in = world_.send("POST", "/v1/session",
                                json({{"name", "robert-tables"}, {"password", password}}).dump());
  EXPECT_EQ(signed_in.status, 201) << signed_in.raw.body;
  EXPECT_EQ(signed_in.body["user"]["display_name"], display);

  // Nothing else was touched: every other user is still there.
  Reply users = world_.as(admin(), "GET", "/v1/users");
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(users.body["users"].size(), 8u);

  // A case title and a desk message, the same way.
  Reply opened =
      world_.as(op(), "POST", "/v1/cases", json({{"peer", "bravo"}, {"title", display}}).dump());
  ASSERT_EQ(opened.status, 201) << opened.raw.body;
  ASSERT_TRUE(opened.body["id"].is_string());
  Reply shown_case = world_.as(op(), "GET", "/v1/cases/" + opened.body["id"].get<std::string>());
  ASSERT_EQ(shown_case.status, 200) << shown_case.raw.body;
  EXPECT_EQ(shown_case.body["title"], display);

  Reply sent =
      world_.as(op(), "POST", "/v1/messages", json({{"to", "bravo"}, {"text", display}}).dump());
  ASSERT_EQ(sent.status, 201) << sent.raw.body;
  Reply messages = world_.as(op(), "GET", "/v1/messages");
  ASSERT_EQ(messages.status, 200);
  ASSERT_EQ(messages.body["messages"].size(), 1u);
  EXPECT_EQ(messages.body["messages"][0]["text"], display);
}

}  // namespace api_hostile_test
}  // namespace hotline::api
