// The operators' API, in-process (OperatorApi::handle, no TLS) over a real
// node: every route with every role ("the matrix": no credentials, one token
// per role, a disabled user's token, a revoked token), checked against this
// test's own table of who may do what (written from the permission table in
// service/user_service.h and the route code, not read from the router), and
// every refusal (401/403) shown to leave the store unchanged. Then browser
// sessions (cookie, CSRF, expiry, sign-out), sign-in (cookie attributes,
// wrong password, per-address rate limit), token revocation and the
// per-credential rate limit.
#include "hotline/api/operator_api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_test_util.h"
#include "hotline/common/time.h"
#include "hotline/service/user_service.h"

namespace hotline::api {
namespace operator_api_test {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ApiWorld;
using testing::kNoItem;
using testing::kNoName;
using testing::kNoSha;
using testing::kNoToken;
using testing::kPassword;
using testing::kRoleNames;
using testing::Reply;

using Roles = std::set<std::string>;

const Roles kAll = {"operator", "supervisor", "translator", "reviewer", "admin"};
const Roles kReaders = {"operator", "supervisor", "translator", "reviewer"};  // read_items
const Roles kDesk = {"operator", "supervisor"};                       // act_*, send_messages
const Roles kCaseEntries = {"operator", "supervisor", "translator"};  // also translate
const Roles kSupervisor = {"supervisor"};
const Roles kLedger = {"supervisor", "reviewer", "admin"};
const Roles kRounds = {"supervisor", "reviewer"};  // prepare_rounds
const Roles kAdmin = {"admin"};
const Roles kReviewers = {"supervisor", "reviewer"};             // read_review, make_reviews
const Roles kEscalations = {"operator", "supervisor", "admin"};  // act_alerts or manage_webhook

// A dispute about a figure of the last quarter's report (no item needed).
const char* const kMatrixDispute =
    R"({"peer":"bravo","title":"Matrix dispute","ground":"quality",)"
    R"("subject":{"figure":"/figures/0","period_from":"2026-01-01T00:00:00.000Z",)"
    R"("period_to":"2026-04-01T00:00:00.000Z"},"text":"We count it otherwise."})";

// What this test expects of one route.
struct Expectation {
  std::string method;
  std::string pattern;  // as api.routes() names it
  std::string target;   // the path with its parameters filled (and a query)
  std::string body;     // JSON unless content_type says otherwise
  Roles roles;          // who may call it (ignored for public routes)
  bool is_public = false;
  int public_status = 0;  // a public route's answer, whoever calls
  std::string content_type = "application/json";
};

std::vector<Expectation> expectations(const std::string& charlie_key) {
  const std::string item = kNoItem;
  std::vector<Expectation> e = {
      // ---- public ----
      {"GET", "/health", "/health", "", {}, true, 200},
      {"GET", "/version", "/version", "", {}, true, 200},
      // Its own token or allow-list (routes_metrics.cpp): no API token or
      // session reads it, and the world sets neither.
      {"GET", "/metrics", "/metrics", "", {}, true, 401},
      // The route ignores any Authorization header; the body signs in "desk".
      {"POST",
       "/v1/session",
       "/v1/session",
       json({{"name", "desk"}, {"password", kPassword}}).dump(),
       {},
       true,
       201},
      // ---- session ----
      {"GET", "/v1/session", "/v1/session", "", kAll},
      // With a token: 400 request_invalid (nothing to sign out), not 401/403.
      {"DELETE", "/v1/session", "/v1/session", "", kAll},
      // A new password too short: 400 password_weak, before any check.
      {"PUT", "/v1/session/password", "/v1/session/password",
       R"({"current_password":"whatever it is","password":"short"})", kAll},
      // ---- items ----
      {"GET", "/v1/alerts", "/v1/alerts", "", kReaders},
      {"GET", "/v1/alerts/{id}", "/v1/alerts/" + item, "", kReaders},
      {"GET", "/v1/alerts/{id}/timeline", "/v1/alerts/" + item + "/timeline", "", kReaders},
      {"POST", "/v1/alerts/{id}/translations", "/v1/alerts/" + item + "/translations",
       R"({"field":"title","lang":"en","text":"A title"})", kCaseEntries},
      {"DELETE", "/v1/alerts/{id}/translations/{tid}",
       "/v1/alerts/" + item + "/translations/" + kNoToken, "", kCaseEntries},
      {"POST", "/v1/alerts/{id}/actions", "/v1/alerts/" + item + "/actions",
       R"({"action":"acknowledge"})", kDesk},
      {"GET", "/v1/requests", "/v1/requests", "", kReaders},
      {"GET", "/v1/requests/{id}", "/v1/requests/" + item, "", kReaders},
      {"GET", "/v1/requests/{id}/timeline", "/v1/requests/" + item + "/timeline", "", kReaders},
      {"POST", "/v1/requests/{id}/translations", "/v1/requests/" + item + "/translations",
       R"({"field":"title","lang":"en","text":"A title"})", kCaseEntries},
      {"DELETE", "/v1/requests/{id}/translations/{tid}",
       "/v1/requests/" + item + "/translations/" + kNoToken, "", kCaseEntries},
      {"POST", "/v1/requests/{id}/actions", "/v1/requests/" + item + "/actions",
       R"({"action":"acknowledge"})", kDesk},
      {"GET", "/v1/cases", "/v1/cases", "", kReaders},
      {"GET", "/v1/cases/{id}", "/v1/cases/" + item, "", kReaders},
      {"GET", "/v1/cases/{id}/timeline", "/v1/cases/" + item + "/timeline", "", kReaders},
      {"POST", "/v1/cases/{id}/translations", "/v1/cases/" + item + "/translations",
       R"({"field":"title","lang":"en","text":"A title"})", kCaseEntries},
      {"DELETE", "/v1/cases/{id}/translations/{tid}",
       "/v1/cases/" + item + "/translations/" + kNoToken, "", kCaseEntries},
      {"POST", "/v1/cases/{id}/actions", "/v1/cases/" + item + "/actions",
       R"({"action":"add_entry","args":{"text":"Übersetzung: the server is back"}})", kCaseEntries},
      // Disputes: operators argue (act_disputes); a settlement is proposed,
      // accepted or rejected by a supervisor (settle_disputes).
      {"GET", "/v1/disputes", "/v1/disputes", "", kReaders},
      {"GET", "/v1/disputes/{id}", "/v1/disputes/" + item, "", kReaders},
      {"GET", "/v1/disputes/{id}/timeline", "/v1/disputes/" + item + "/timeline", "", kReaders},
      {"POST", "/v1/disputes/{id}/translations", "/v1/disputes/" + item + "/translations",
       R"({"field":"title","lang":"en","text":"A title"})", kCaseEntries},
      {"DELETE", "/v1/disputes/{id}/translations/{tid}",
       "/v1/disputes/" + item + "/translations/" + kNoToken, "", kCaseEntries},
      {"POST", "/v1/disputes/{id}/actions", "/v1/disputes/" + item + "/actions",
       R"({"action":"accept","args":{"version":1}})", kSupervisor},
      {"GET", "/v1/disputes/{id}/need-to-know", "/v1/disputes/" + item + "/need-to-know", "",
       kReaders},
      {"PUT", "/v1/disputes/{id}/need-to-know", "/v1/disputes/" + item + "/need-to-know",
       R"({"people":["desk"]})", kReaders},
      {"POST", "/v1/disputes", "/v1/disputes", kMatrixDispute, kDesk},
      // Who needs to know (TLP:RED): any reader asks; the item decides (404 here).
      {"GET", "/v1/alerts/{id}/need-to-know", "/v1/alerts/" + item + "/need-to-know", "", kReaders},
      {"PUT", "/v1/alerts/{id}/need-to-know", "/v1/alerts/" + item + "/need-to-know",
       R"({"people":["desk"]})", kReaders},
      {"GET", "/v1/requests/{id}/need-to-know", "/v1/requests/" + item + "/need-to-know", "",
       kReaders},
      {"PUT", "/v1/requests/{id}/need-to-know", "/v1/requests/" + item + "/need-to-know",
       R"({"people":["desk"]})", kReaders},
      {"GET", "/v1/cases/{id}/need-to-know", "/v1/cases/" + item + "/need-to-know", "", kReaders},
      {"PUT", "/v1/cases/{id}/need-to-know", "/v1/cases/" + item + "/need-to-know",
       R"({"people":["desk"]})", kReaders},
      {"POST", "/v1/alerts", "/v1/alerts",
       R"({"to":"bravo","priority":"urgent","summary":"Matrix alert","details":"d"})", kDesk},
      {"POST", "/v1/checks", "/v1/checks", R"({"to":"bravo"})", kDesk},
      {"POST", "/v1/requests", "/v1/requests",
       R"({"to":"bravo","kind":"information","subject":"Matrix request"})", kDesk},
      {"POST", "/v1/requests/{id}/approve", "/v1/requests/" + item + "/approve", "{}", kSupervisor},
      {"POST", "/v1/cases", "/v1/cases", R"({"peer":"bravo","title":"Matrix case"})", kDesk},
      {"POST", "/v1/cases/{id}/notes", "/v1/cases/" + item + "/notes", R"({"text":"a note"})",
       kDesk},
      {"POST", "/v1/cases/{id}/indicators", "/v1/cases/" + item + "/indicators",
       R"({"value":"192.0.2.1"})", kDesk},
      {"POST", "/v1/cases/{id}/sightings", "/v1/cases/" + item + "/sightings",
       R"({"value":"192.0.2.1","first_seen":"2026-12-01T02:00:00.000Z",)"
       R"("last_seen":"2026-12-01T03:00:00.000Z"})",
       kDesk},
      {"GET", "/v1/indicators", "/v1/indicators?value=192.0.2.1", "", kReaders},
      // Exchange formats (docs/interop.md): exports are reads; an IODEF
      // import raises an alert or opens a case (the body is XML).
      {"GET", "/v1/alerts/{id}/iodef", "/v1/alerts/" + item + "/iodef", "", kReaders},
      {"GET", "/v1/requests/{id}/iodef", "/v1/requests/" + item + "/iodef", "", kReaders},
      {"GET", "/v1/cases/{id}/iodef", "/v1/cases/" + item + "/iodef", "", kReaders},
      {"GET", "/v1/cases/{id}/stix", "/v1/cases/" + item + "/stix", "", kReaders},
      {"POST", "/v1/cases/{id}/stix", "/v1/cases/" + item + "/stix",
       R"({"type":"bundle","id":"bundle--2f6c4a3e-6a1b-4b0e-9c3d-1e2f3a4b5c6d","objects":[]})",
       kDesk},
      {"POST", "/v1/alerts/iodef", "/v1/alerts/iodef?peer=bravo", "<IODEF-Document/>", kDesk, false,
       0, "application/xml"},
      {"POST", "/v1/cases/iodef", "/v1/cases/iodef?peer=bravo", "<IODEF-Document/>", kDesk, false,
       0, "application/xml"},
      {"POST", "/v1/attachments", "/v1/attachments?name=matrix.txt", "matrix attachment bytes",
       kDesk, false, 0, "application/octet-stream"},
      {"GET", "/v1/attachments", "/v1/attachments", "", kReaders},
      {"GET", "/v1/attachments/{sha256}", "/v1/attachments/" + kNoSha, "", kReaders},
      {"GET", "/v1/messages", "/v1/messages", "", kReaders},
      {"POST", "/v1/messages", "/v1/messages", R"({"to":"bravo","text":"hello from the matrix"})",
       kDesk},
      // ---- review rounds ----
      {"GET", "/v1/rounds", "/v1/rounds", "", kReaders},
      {"GET", "/v1/rounds/{id}", "/v1/rounds/" + item, "", kReaders},
      {"GET", "/v1/action-items", "/v1/action-items", "", kReaders},
      {"POST", "/v1/rounds", "/v1/rounds",
       R"({"peer":"bravo","title":"Matrix round","period_from":"2026-07-01T00:00:00.000Z",)"
       R"("period_to":"2026-10-01T00:00:00.000Z","meeting_at":"2026-11-20T09:00:00.000Z",)"
       R"("place":"Videoconference","participants":[{"name":"Ana","role":"chair","party":"ours"}],)"
       R"("agenda":["Staffing"]})",
       kRounds},
      {"POST", "/v1/rounds/{id}/actions", "/v1/rounds/" + item + "/actions",
       R"({"action":"accept_agenda","args":{"version":1}})", kRounds},
      // ---- users and tokens ----
      {"GET", "/v1/users", "/v1/users", "", kAdmin},
      {"POST", "/v1/users", "/v1/users",
       json({{"name", "matrix-new"},
             {"display_name", "Matrix New"},
             {"roles", {"reviewer"}},
             {"password", kPassword}})
           .dump(),
       kAdmin},
      {"GET", "/v1/users/{name}", "/v1/users/" + kNoName, "", kAdmin},
      {"PATCH", "/v1/users/{name}", "/v1/users/" + kNoName, R"({"disabled":true})", kAdmin},
      {"PUT", "/v1/users/{name}/password", "/v1/users/" + kNoName + "/password",
       R"({"password":"another long passphrase"})", kAdmin},
      {"GET", "/v1/tokens", "/v1/tokens", "", kAdmin},
      {"POST", "/v1/tokens", "/v1/tokens", R"({"user":"adm","label":"matrix"})", kAdmin},
      {"DELETE", "/v1/tokens/{id}", "/v1/tokens/" + kNoToken, "", kAdmin},
      // ---- peers, agreements, ledger ----
      {"GET", "/v1/peers", "/v1/peers", "", kAll},
      {"POST", "/v1/peers", "/v1/peers",
       json({{"name", "charlie"}, {"url", "https://127.0.0.1:2"}, {"public_key", charlie_key}})
           .dump(),
       kAdmin},
      {"GET", "/v1/peers/{name}/agreement", "/v1/peers/" + kNoName + "/agreement", "", kAll},
      {"GET", "/v1/peers/{name}/agreement/draft", "/v1/peers/" + kNoName + "/agreement/draft", "",
       kAdmin},
      {"POST", "/v1/peers/{name}/agreement/proposal",
       "/v1/peers/" + kNoName + "/agreement/proposal", "{}", kAdmin},
      {"POST", "/v1/peers/{name}/agreement/accept", "/v1/peers/" + kNoName + "/agreement/accept",
       "{}", kAdmin},
      {"GET", "/v1/ledger/status", "/v1/ledger/status", "", kLedger},
      {"POST", "/v1/ledger/verify", "/v1/ledger/verify", "{}", kLedger},
      {"GET", "/v1/ledger/heads", "/v1/ledger/heads?limit=5", "", kLedger},
      // ---- review reports (404 peer_unknown / review_unknown, 400 review_invalid) ----
      {"GET", "/v1/reviews", "/v1/reviews", "", kReviewers},
      {"POST", "/v1/reviews", "/v1/reviews",
       json({{"peer", kNoName}, {"from", "2026-01-01"}, {"to", "2026-04-01"}}).dump(), kReviewers},
      {"GET", "/v1/reviews/explain",
       "/v1/reviews/explain?peer=" + kNoName +
           "&from=2026-01-01&to=2026-04-01&figure=/directions/0/requests_total/current/received",
       "", kReviewers},
      {"POST", "/v1/reviews/verify", "/v1/reviews/verify", R"({"report":{}})", kReviewers},
      {"GET", "/v1/reviews/{id}", "/v1/reviews/0123456789abcdef", "", kReviewers},
      {"POST", "/v1/reviews/{id}/sign", "/v1/reviews/0123456789abcdef/sign", "{}", kSupervisor},
      // ---- oversight ----
      // Issue #17, item 9: where the node sends data is for admins only.
      {"GET", "/v1/webhook", "/v1/webhook", "", kAdmin},
      {"PUT", "/v1/webhook", "/v1/webhook",
       R"({"url":"https://127.0.0.1:9/hook","secret":"0123456789abcdef0123456789abcdef-matrix"})",
       kAdmin},
      {"DELETE", "/v1/webhook", "/v1/webhook", "", kAdmin},
      // Escalation e-mail: the relay (nothing listens on port 9: a test
      // message is answered "not delivered") and the escalations' delivery.
      {"GET", "/v1/mail", "/v1/mail", "", kAdmin},
      {"PUT", "/v1/mail", "/v1/mail",
       R"({"host":"127.0.0.1","port":9,"from":"hotline@desk.example",)"
       R"("base_url":"https://hotline.desk.example","recipients":[{"address":"duty@desk.example"}]})",
       kAdmin},
      {"DELETE", "/v1/mail", "/v1/mail", "", kAdmin},
      {"POST", "/v1/mail/test", "/v1/mail/test", R"({"to":"duty@desk.example"})", kAdmin},
      {"GET", "/v1/escalations", "/v1/escalations", "", kEscalations},
      {"GET", "/v1/audit", "/v1/audit", "", kAdmin},
      {"GET", "/v1/events", "/v1/events", "", kAll},
      {"GET", "/v1/vocabulary", "/v1/vocabulary", "", kAll},
      // ---- TAXII 2.1 (read-only: writing is refused to every role) ----
      {"GET", "/taxii2/", "/taxii2/", "", kReaders},
      {"GET", "/taxii2/{root}/", "/taxii2/hotline/", "", kReaders},
      {"GET", "/taxii2/{root}/collections/", "/taxii2/hotline/collections/", "", kReaders},
      {"GET", "/taxii2/{root}/collections/{id}/", "/taxii2/hotline/collections/" + item + "/", "",
       kReaders},
      {"GET", "/taxii2/{root}/collections/{id}/objects/",
       "/taxii2/hotline/collections/" + item + "/objects/", "", kReaders},
      {"POST",
       "/taxii2/{root}/collections/{id}/objects/",
       "/taxii2/hotline/collections/" + item + "/objects/",
       "{}",
       {}},
      {"GET", "/taxii2/{root}/collections/{id}/objects/{object}/",
       "/taxii2/hotline/collections/" + item + "/objects/indicator--" + item + "/", "", kReaders},
      {"DELETE",
       "/taxii2/{root}/collections/{id}/objects/{object}/",
       "/taxii2/hotline/collections/" + item + "/objects/indicator--" + item + "/",
       "",
       {}},
      {"GET", "/taxii2/{root}/collections/{id}/objects/{object}/versions/",
       "/taxii2/hotline/collections/" + item + "/objects/indicator--" + item + "/versions/", "",
       kReaders},
      {"GET", "/taxii2/{root}/collections/{id}/manifest/",
       "/taxii2/hotline/collections/" + item + "/manifest/", "", kReaders},
      {"GET", "/taxii2/{root}/status/{status}/", "/taxii2/hotline/status/" + item + "/", "",
       kReaders},
      {"GET", "/v1/taxii", "/v1/taxii", "", kAdmin},
      {"PUT", "/v1/taxii/peers/{name}", "/v1/taxii/peers/" + kNoName, "", kAdmin},
      {"DELETE", "/v1/taxii/peers/{name}", "/v1/taxii/peers/" + kNoName, "", kAdmin},
      {"PUT", "/v1/taxii/cases/{id}", "/v1/taxii/cases/" + item, "", kAdmin},
      {"DELETE", "/v1/taxii/cases/{id}", "/v1/taxii/cases/" + item, "", kAdmin},
  };
  return e;
}

std::string key_of(const std::string& method, const std::string& pattern) {
  return method + " " + pattern;
}

net::HttpRequest request_for(const Expectation& x, const std::map<std::string, std::string>& auth) {
  std::map<std::string, std::string> headers = auth;
  if (!x.body.empty()) headers["content-type"] = x.content_type;
  return testing::make_request(x.method, x.target, x.body, headers);
}

class OperatorApiMatrix : public ::testing::Test {
 protected:
  ApiWorld world_;

  // Sends `r`, expects a refusal (status, code) and an unchanged store.
  void expect_refused(const net::HttpRequest& r, int status, const std::string& code) {
    const auto before = world_.fingerprint();
    Reply reply = world_.send(r);
    EXPECT_EQ(reply.status, status) << reply.raw.body;
    EXPECT_EQ(reply.code, code) << reply.raw.body;
    // TAXII's refusals are TAXII error messages (api/taxii.h).
    EXPECT_EQ(reply.raw.content_type, r.target.rfind("/taxii2/", 0) == 0
                                          ? "application/taxii+json;version=2.1"
                                          : "application/json");
    EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(reply.header("Cache-Control"), "no-store");
    if (status == 401 && code == "unauthenticated") {
      EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer realm=\"hotline\"");
    }
    const std::string changed = testing::changed_sections(before, world_.fingerprint());
    EXPECT_EQ(changed, "") << "a refused request changed the store";
  }
};

TEST_F(OperatorApiMatrix, TableCoversExactlyTheRoutes) {
  std::set<std::string> routes, table;
  for (const auto& r : world_.api().routes()) {
    EXPECT_TRUE(routes.insert(key_of(r.method, r.pattern)).second)
        << "route listed twice: " << key_of(r.method, r.pattern);
  }
  for (const auto& x : expectations(world_.charlie_key())) {
    EXPECT_TRUE(table.insert(key_of(x.method, x.pattern)).second)
        << "expectation listed twice: " << key_of(x.method, x.pattern);
  }
  for (const auto& r : routes) {
    EXPECT_TRUE(table.count(r)) << "route without an expectation in this test: " << r;
  }
  for (const auto& t : table) {
    EXPECT_TRUE(routes.count(t)) << "expectation for a route the API does not have: " << t;
  }
}

TEST_F(OperatorApiMatrix, EveryRouteWithEveryRole) {
  std::map<std::string, Expectation> table;
  for (auto& x : expectations(world_.charlie_key())) table[key_of(x.method, x.pattern)] = x;

  for (const auto& route : world_.api().routes()) {
    const std::string key = key_of(route.method, route.pattern);
    auto found = table.find(key);
    if (found == table.end()) {
      ADD_FAILURE() << "no expectation for " << key;
      continue;
    }
    const Expectation& x = found->second;
    SCOPED_TRACE(key + " as " + x.target);

    // (a) without credentials
    {
      SCOPED_TRACE("no credentials");
      if (x.is_public) {
        Reply reply = world_.send(request_for(x, {}));
        EXPECT_EQ(reply.status, x.public_status) << reply.raw.body;
      } else {
        expect_refused(request_for(x, {}), 401, "unauthenticated");
      }
    }

    // (b) a token of a user holding exactly one role, for each role
    for (const auto& role : kRoleNames) {
      SCOPED_TRACE("role " + role);
      const auto auth = testing::bearer(world_.role(role).token);
      if (x.is_public) {
        Reply reply = world_.send(request_for(x, auth));
        EXPECT_EQ(reply.status, x.public_status) << reply.raw.body;
      } else if (x.roles.count(role)) {
        Reply reply = world_.send(request_for(x, auth));
        EXPECT_NE(reply.status, 401) << reply.raw.body;
        EXPECT_NE(reply.status, 403) << reply.raw.body;
        EXPECT_LT(reply.status, 500) << reply.raw.body;
        EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
      } else {
        expect_refused(request_for(x, auth), 403, "forbidden");
      }
    }

    // (c) a disabled user's token and a revoked token
    for (const auto* who : {&world_.disabled(), &world_.revoked()}) {
      SCOPED_TRACE(who == &world_.revoked() ? "revoked token" : "disabled user");
      const auto auth = testing::bearer(who->token);
      if (x.is_public) {
        Reply reply = world_.send(request_for(x, auth));
        EXPECT_EQ(reply.status, x.public_status) << reply.raw.body;
      } else {
        expect_refused(request_for(x, auth), 401, "auth_failed");
      }
    }
  }
}

// A dispute's actions: an operator answers, adds positions and withdraws
// (act_disputes) but does not propose, accept or reject a settlement
// (settle_disputes); a reviewer reads but does not argue.
TEST_F(OperatorApiMatrix, DisputeActionsByRole) {
  const std::string target = "/v1/disputes/" + kNoItem + "/actions";
  const auto& op = world_.role("operator").token;
  for (const char* action : {"propose", "accept", "reject"}) {
    Reply r = world_.as(op, "POST", target, json({{"action", action}}).dump());
    EXPECT_EQ(r.status, 403) << action << ": " << r.raw.body;
    EXPECT_NE(r.raw.body.find("settle_disputes"), std::string::npos) << r.raw.body;
  }
  for (const char* action : {"answer", "add_position", "withdraw"}) {
    Reply r = world_.as(op, "POST", target, json({{"action", action}}).dump());
    EXPECT_EQ(r.status, 404) << action << ": " << r.raw.body;  // allowed; no such dispute
    Reply rv =
        world_.as(world_.role("reviewer").token, "POST", target, json({{"action", action}}).dump());
    EXPECT_EQ(rv.status, 403) << action << ": " << rv.raw.body;
  }
  Reply bad = world_.as(op, "POST", target, R"({"action":"settle"})");
  EXPECT_EQ(bad.status, 400) << bad.raw.body;
}

// A forbidden answer names the permission that was missing, so that a
// person knows whom to ask.
TEST_F(OperatorApiMatrix, ForbiddenNamesThePermission) {
  Reply r = world_.as(world_.role("translator").token, "POST",
                      "/v1/requests/" + kNoItem + "/approve", "{}");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "forbidden");
  EXPECT_NE(r.message.find("approve_requests"), std::string::npos) << r.message;
}

TEST_F(OperatorApiMatrix, MalformedAuthorizationIsRefused) {
  for (const std::string value :
       {"Basic b3A6cGFzcw==", "Bearer ", "Bearer hl_not-a-token", "Token abc", "Bearer"}) {
    SCOPED_TRACE(value);
    expect_refused(testing::make_request("GET", "/v1/alerts", "", {{"authorization", value}}), 401,
                   "auth_failed");
  }
}

// ---- browser sessions -------------------------------------------------------

class OperatorApiSession : public ::testing::Test {
 protected:
  ApiWorld world_;

  service::NewSession session_for(const std::string& user,
                                  std::chrono::seconds ttl = std::chrono::hours(12)) {
    return service::create_session(world_.store(), user, "192.0.2.10", now_ms(), ttl,
                                   world_.policy());
  }
  static std::map<std::string, std::string> cookie(const std::string& id,
                                                   std::optional<std::string> csrf = {}) {
    std::map<std::string, std::string> h = {{"cookie", "theme=dark; __Host-hotline_session=" + id}};
    if (csrf) h["x-csrf-token"] = *csrf;
    return h;
  }
};

TEST_F(OperatorApiSession, CookieReadsWithoutCsrfAndChangesNeedIt) {
  auto s = session_for("op");
  Reply me = world_.send("GET", "/v1/session", "", cookie(s.id));
  ASSERT_EQ(me.status, 200) << me.raw.body;
  EXPECT_EQ(me.body["name"], "op");
  EXPECT_EQ(me.body["via"], "session");
  // A reloaded page gets the session's CSRF token again, and it works.
  ASSERT_TRUE(me.body["csrf_token"].is_string());
  EXPECT_EQ(me.body["csrf_token"], s.csrf_token);
  EXPECT_EQ(world_.send("GET", "/v1/alerts", "", cookie(s.id)).status, 200);

  const std::string body = R"({"peer":"bravo","title":"CSRF case"})";
  for (const auto& csrf : std::vector<std::optional<std::string>>{
           std::nullopt, std::string(""), std::string("wrong"), s.id, s.csrf_token + "x"}) {
    SCOPED_TRACE(csrf ? "csrf '" + *csrf + "'" : "no csrf header");
    const auto before = world_.fingerprint();
    Reply r = world_.send("POST", "/v1/cases", body, cookie(s.id, csrf));
    EXPECT_EQ(r.status, 403) << r.raw.body;
    EXPECT_EQ(r.code, "csrf_failed");
    EXPECT_EQ(testing::changed_sections(before, world_.fingerprint()), "");
  }
  // Another session's CSRF token does not fit this one.
  auto other = session_for("op");
  Reply cross = world_.send("POST", "/v1/cases", body, cookie(s.id, other.csrf_token));
  EXPECT_EQ(cross.status, 403);
  EXPECT_EQ(cross.code, "csrf_failed");

  Reply ok = world_.send("POST", "/v1/cases", body, cookie(s.id, s.csrf_token));
  EXPECT_NE(ok.status, 401) << ok.raw.body;
  EXPECT_NE(ok.status, 403) << ok.raw.body;
  EXPECT_LT(ok.status, 500) << ok.raw.body;

  // Signing out is a change too.
  Reply out = world_.send("DELETE", "/v1/session", "", cookie(s.id));
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(out.code, "csrf_failed");
  EXPECT_EQ(world_.send("GET", "/v1/session", "", cookie(s.id)).status, 200);
}

TEST_F(OperatorApiSession, PermissionsApplyToSessionsToo) {
  auto s = session_for("tr");
  Reply r = world_.send("POST", "/v1/cases", R"({"peer":"bravo","title":"x"})",
                        cookie(s.id, s.csrf_token));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "forbidden");
}

TEST_F(OperatorApiSession, ExpiredSessionIsRefused) {
  auto s = session_for("op", 1s);
  EXPECT_EQ(world_.send("GET", "/v1/session", "", cookie(s.id)).status, 200);
  std::this_thread::sleep_for(1500ms);
  Reply r = world_.send("GET", "/v1/session", "", cookie(s.id));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_session_expired");
}

TEST_F(OperatorApiSession, UnknownSessionIsRefused) {
  Reply r = world_.send("GET", "/v1/session", "", cookie("no-such-session"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_session_expired");
}

TEST_F(OperatorApiSession, DisabledUsersSessionIsRefused) {
  auto s = session_for("op");
  service::set_user_disabled(world_.store(), "op", true, now_ms());
  Reply r = world_.send("GET", "/v1/session", "", cookie(s.id));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_disabled");
}

TEST_F(OperatorApiSession, SignOutEndsTheSession) {
  auto s = session_for("op");
  Reply out = world_.send("DELETE", "/v1/session", "", cookie(s.id, s.csrf_token));
  ASSERT_EQ(out.status, 200) << out.raw.body;
  EXPECT_EQ(out.body["signed_out"], true);
  const std::string set_cookie = out.header("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("__Host-hotline_session=;", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("Max-Age=0"), std::string::npos) << set_cookie;

  Reply after = world_.send("GET", "/v1/session", "", cookie(s.id));
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.code, "auth_session_expired");
}

TEST_F(OperatorApiSession, TokenHasNoSessionToEnd) {
  Reply r = world_.as(world_.role("operator").token, "DELETE", "/v1/session");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "request_invalid");
}

// The cookie's attributes, split at ';' and trimmed: {"Secure": ""}, ...
std::map<std::string, std::string> cookie_attributes(const std::string& set_cookie,
                                                     std::string& name_value) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  bool first = true;
  while (start <= set_cookie.size()) {
    auto semi = set_cookie.find(';', start);
    if (semi == std::string::npos) semi = set_cookie.size();
    std::string part = set_cookie.substr(start, semi - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (first) {
      name_value = part;
      first = false;
    } else if (!part.empty()) {
      auto eq = part.find('=');
      out[part.substr(0, eq)] = eq == std::string::npos ? "" : part.substr(eq + 1);
    }
    start = semi + 1;
  }
  return out;
}

TEST_F(OperatorApiSession, SignInSetsAHardenedCookie) {
  Reply r = world_.send("POST", "/v1/session",
                        json({{"name", "desk"}, {"password", testing::kPassword}}).dump());
  ASSERT_EQ(r.status, 201) << r.raw.body;
  ASSERT_TRUE(r.body["csrf_token"].is_string());
  const std::string csrf = r.body["csrf_token"];
  EXPECT_GE(csrf.size(), 40u);
  EXPECT_EQ(r.body["user"]["name"], "desk");
  EXPECT_EQ(r.body["user"]["via"], "session");

  std::string name_value;
  auto attrs = cookie_attributes(r.header("Set-Cookie"), name_value);
  // Issue #17, item 9: the __Host- prefix (Secure, Path=/, no Domain).
  ASSERT_EQ(name_value.rfind("__Host-hotline_session=", 0), 0u) << r.header("Set-Cookie");
  const std::string id = name_value.substr(std::string("__Host-hotline_session=").size());
  EXPECT_FALSE(attrs.count("Domain")) << r.header("Set-Cookie");
  EXPECT_EQ(r.header("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_GE(id.size(), 40u);
  EXPECT_TRUE(attrs.count("Secure")) << r.header("Set-Cookie");
  EXPECT_TRUE(attrs.count("HttpOnly")) << r.header("Set-Cookie");
  EXPECT_EQ(attrs["SameSite"], "Strict") << r.header("Set-Cookie");
  EXPECT_EQ(attrs["Path"], "/") << r.header("Set-Cookie");

  // The cookie and the CSRF token work together.
  Reply me = world_.send("GET", "/v1/session", "", cookie(id));
  ASSERT_EQ(me.status, 200) << me.raw.body;
  EXPECT_EQ(me.body["name"], "desk");
  Reply change =
      world_.send("POST", "/v1/cases", R"({"peer":"bravo","title":"signed in"})", cookie(id, csrf));
  EXPECT_NE(change.status, 401) << change.raw.body;
  EXPECT_NE(change.status, 403) << change.raw.body;
  Reply out = world_.send("DELETE", "/v1/session", "", cookie(id, csrf));
  EXPECT_EQ(out.status, 200) << out.raw.body;
}

TEST_F(OperatorApiSession, OwnPasswordChangeAsksForTheCurrentOneAndEndsOtherSessions) {
  auto mine = session_for("desk");
  auto other = session_for("desk");
  auto colleague = session_for("op");
  const std::string path = "/v1/session/password";
  auto body = [](const std::string& current, const std::string& next) {
    return json({{"current_password", current}, {"password", next}}).dump();
  };
  const std::string fresh = "a brand new desk passphrase";

  Reply wrong =
      world_.send("PUT", path, body("not the password", fresh), cookie(mine.id, mine.csrf_token));
  EXPECT_EQ(wrong.status, 403) << wrong.raw.body;
  EXPECT_EQ(wrong.code, "password_wrong");
  for (const auto& next : {std::string("short"), std::string(testing::kPassword)}) {
    SCOPED_TRACE(next);
    const auto before = world_.fingerprint();
    Reply weak =
        world_.send("PUT", path, body(testing::kPassword, next), cookie(mine.id, mine.csrf_token));
    EXPECT_EQ(weak.status, 400) << weak.raw.body;
    EXPECT_EQ(weak.code, "password_weak");
    EXPECT_EQ(testing::changed_sections(before, world_.fingerprint()), "");
  }
  Reply no_csrf = world_.send("PUT", path, body(testing::kPassword, fresh), cookie(mine.id));
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.code, "csrf_failed");

  Reply ok =
      world_.send("PUT", path, body(testing::kPassword, fresh), cookie(mine.id, mine.csrf_token));
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.body["changed"], true);
  // This session stays; the user's other one ends; a colleague's is untouched.
  EXPECT_EQ(world_.send("GET", "/v1/session", "", cookie(mine.id)).status, 200);
  EXPECT_EQ(world_.send("GET", "/v1/session", "", cookie(other.id)).status, 401);
  EXPECT_EQ(world_.send("GET", "/v1/session", "", cookie(colleague.id)).status, 200);
  // The old password no longer signs in; the new one does.
  Reply old_pw = world_.send("POST", "/v1/session",
                             json({{"name", "desk"}, {"password", testing::kPassword}}).dump());
  EXPECT_EQ(old_pw.status, 401);
  Reply new_pw =
      world_.send("POST", "/v1/session", json({{"name", "desk"}, {"password", fresh}}).dump());
  EXPECT_EQ(new_pw.status, 201) << new_pw.raw.body;
  // The audit trail names the change, never the password.
  auto trail =
      world_.store().snapshot([](store::Transaction& tx) { return tx.list_audit(0, 1000); });
  bool recorded = false;
  for (const auto& a : trail) {
    if (a.action == "user.password" && a.target == "desk") {
      recorded = true;
      EXPECT_EQ(a.actor, "desk");
      EXPECT_EQ(a.detail.find(fresh), std::string::npos);
    }
  }
  EXPECT_TRUE(recorded);
}

TEST_F(OperatorApiSession, WrongPasswordOrUnknownUserIsAuthFailed) {
  for (const auto& [name, password] : std::vector<std::pair<std::string, std::string>>{
           {"desk", "not the right password"}, {"nobody", testing::kPassword}}) {
    SCOPED_TRACE(name);
    const auto before = world_.fingerprint();
    Reply r =
        world_.send("POST", "/v1/session", json({{"name", name}, {"password", password}}).dump());
    EXPECT_EQ(r.status, 401) << r.raw.body;
    EXPECT_EQ(r.code, "auth_failed");
    EXPECT_FALSE(r.has_header("Set-Cookie"));
    if (name == "nobody") {  // only the audit trail records the attempt
      EXPECT_EQ(testing::changed_besides_audit(before, world_.fingerprint()), "");
    }
  }
  // Issue #17, item 8: a disabled account gets the same answer, even after
  // the right password (the audit trail says why).
  Reply gone = world_.send("POST", "/v1/session",
                           json({{"name", "gone"}, {"password", testing::kPassword}}).dump());
  EXPECT_EQ(gone.status, 401);
  EXPECT_EQ(gone.code, "auth_failed");
}

TEST(OperatorApiRateLimits, SignInAttemptsPerAddress) {
  auto options = ApiWorld::default_options();
  options.sign_in = service::LoginRateLimiter::Limits{3, std::chrono::minutes(1), 100};
  ApiWorld world(options);
  const std::string wrong = json({{"name", "desk"}, {"password", "wrong password 123"}}).dump();
  for (int i = 0; i < 3; ++i) {
    Reply r = world.send("POST", "/v1/session", wrong);
    EXPECT_EQ(r.status, 401) << "attempt " << i + 1 << ": " << r.raw.body;
    EXPECT_EQ(r.code, "auth_failed");
  }
  // The 4th is refused before the password is looked at, even the right one.
  const auto before = world.fingerprint();
  Reply r = world.send("POST", "/v1/session",
                       json({{"name", "desk"}, {"password", testing::kPassword}}).dump());
  EXPECT_EQ(r.status, 429) << r.raw.body;
  EXPECT_EQ(r.code, "rate_limited");
  EXPECT_FALSE(r.header("Retry-After").empty());
  EXPECT_FALSE(r.has_header("Set-Cookie"));
  EXPECT_EQ(testing::changed_sections(before, world.fingerprint()), "");

  // Another address is not affected.
  auto elsewhere = testing::make_request(
      "POST", "/v1/session", json({{"name", "desk"}, {"password", testing::kPassword}}).dump());
  elsewhere.remote_address = "198.51.100.7:5000";
  EXPECT_EQ(world.send(elsewhere).status, 201);
}

// Issue #17, item 2: the per-address limit keys an IPv6 client on its /64,
// so hopping through the 2^64 addresses of one subscriber gains nothing.
TEST(OperatorApiRateLimits, SignInLimitKeysIPv6OnTheSlash64) {
  auto options = ApiWorld::default_options();
  options.sign_in = service::LoginRateLimiter::Limits{3, std::chrono::minutes(1), 100};
  ApiWorld world(options);
  const std::string wrong = json({{"name", "desk"}, {"password", "wrong password 123"}}).dump();
  auto from = [&](const std::string& remote) {
    auto r = testing::make_request("POST", "/v1/session", wrong);
    r.remote_address = remote;
    return world.send(r);
  };
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(from("[2001:db8:1:2::" + std::to_string(i + 1) + "]:5000").status, 401) << i;
  }
  EXPECT_EQ(from("[2001:db8:1:2:abcd::99]:5000").status, 429);
  EXPECT_EQ(from("[2001:db8:1:3::1]:5000").status, 401);  // another /64
}

// Issue #17, item 5: the header alone settles who asks; the server reads no
// body for a request refused here (https_test covers the server side).
// Issue #17, item 4: an admin cannot act as somebody else: tokens only for
// themselves or service accounts, never their own roles; tokens expire and
// may be read-only.
TEST(OperatorApiDuties, AdminCannotActAsAnyone) {
  ApiWorld world;
  const std::string& admin = world.role("admin").token;
  service::add_user(world.store(), "siem", "", {service::Role::service, service::Role::operator_},
                    testing::kPassword, now_ms(), world.policy());
  auto token_for = [&](const std::string& user, json extra = json::object()) {
    extra["user"] = user;
    extra["label"] = "t";
    return world.as(admin, "POST", "/v1/tokens", extra.dump());
  };
  Reply other = token_for("sup");
  EXPECT_EQ(other.status, 403) << other.raw.body;
  EXPECT_EQ(other.code, "forbidden");
  Reply own = token_for("adm");
  ASSERT_EQ(own.status, 201) << own.raw.body;
  EXPECT_TRUE(own.body["expires_at"].is_string());
  EXPECT_EQ(token_for("adm", {{"expires_in_days", 400}}).code, "token_invalid");
  Reply machine = token_for("siem", {{"read_only", true}, {"expires_in_days", 7}});
  ASSERT_EQ(machine.status, 201) << machine.raw.body;
  EXPECT_EQ(machine.body["read_only"], true);
  // The read-only token reads, and changes nothing.
  const std::string ro = machine.body["token"];
  EXPECT_EQ(world.as(ro, "GET", "/v1/alerts").status, 200);
  Reply change = world.as(ro, "POST", "/v1/cases", R"({"peer":"bravo","title":"x"})");
  EXPECT_EQ(change.status, 403) << change.raw.body;
  EXPECT_EQ(change.code, "token_read_only");
  // Nobody changes their own roles; another admin may.
  Reply self = world.as(admin, "PATCH", "/v1/users/adm", R"({"roles":["admin","supervisor"]})");
  EXPECT_EQ(self.status, 403) << self.raw.body;
  EXPECT_EQ(service::get_user(world.store(), "adm").roles, std::vector<std::string>{"admin"});
}

TEST(OperatorApiHead, RefusesStrangersOnTheHeaderAlone) {
  ApiWorld world;
  auto head = [&](const std::string& method, const std::string& target,
                  std::map<std::string, std::string> headers = {}) {
    return world.api().check_head(testing::make_request(method, target, "", std::move(headers)));
  };
  auto none = head("POST", "/v1/attachments");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_FALSE(none->headers["WWW-Authenticate"].empty());
  auto bad = head("POST", "/v1/attachments", testing::bearer("hl_guessed"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  auto revoked = head("POST", "/v1/attachments", testing::bearer(world.revoked().token));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 401);
  // A role without the permission: 403 before the body.
  auto no_right = head("POST", "/v1/users", testing::bearer(world.role("operator").token));
  ASSERT_TRUE(no_right);
  EXPECT_EQ(no_right->status, 403);
  auto unknown = head("POST", "/v1/nothing-here");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  // A known caller with the right role, and the public sign-in: read the body.
  EXPECT_FALSE(head("POST", "/v1/attachments", testing::bearer(world.role("operator").token)));
  EXPECT_FALSE(head("POST", "/v1/session"));
}

TEST(OperatorApiHead, PasswordRoutesAreOffloaded) {
  EXPECT_TRUE(OperatorApi::hashes_passwords("POST", "/v1/session"));
  EXPECT_TRUE(OperatorApi::hashes_passwords("PUT", "/v1/session/password"));
  EXPECT_FALSE(OperatorApi::hashes_passwords("GET", "/v1/session"));
  EXPECT_FALSE(OperatorApi::hashes_passwords("POST", "/v1/alerts"));
}

TEST(OperatorApiRateLimits, BadCredentialsCountAgainstTheAddress) {
  auto options = ApiWorld::default_options();
  options.sign_in = service::LoginRateLimiter::Limits{3, std::chrono::minutes(1), 100};
  ApiWorld world(options);
  for (int i = 0; i < 3; ++i) {
    Reply r = world.as("hl_guessed-token-" + std::to_string(i), "GET", "/v1/alerts");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.code, "auth_failed");
  }
  Reply r = world.as("hl_guessed-token-x", "GET", "/v1/alerts");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.code, "rate_limited");
  EXPECT_FALSE(r.header("Retry-After").empty());
}

TEST(OperatorApiRateLimits, RequestsPerCredential) {
  auto options = ApiWorld::default_options();
  options.requests = service::LoginRateLimiter::Limits{5, std::chrono::minutes(1), 100};
  ApiWorld world(options);
  const std::string token = world.role("operator").token;
  for (int i = 0; i < 5; ++i) {
    Reply r = world.as(token, "GET", "/v1/session");
    EXPECT_EQ(r.status, 200) << "request " << i + 1 << ": " << r.raw.body;
  }
  Reply r = world.as(token, "GET", "/v1/session");
  EXPECT_EQ(r.status, 429) << r.raw.body;
  EXPECT_EQ(r.code, "rate_limited");
  EXPECT_FALSE(r.header("Retry-After").empty());
  // Each credential has its own bucket.
  EXPECT_EQ(world.as(world.role("reviewer").token, "GET", "/v1/session").status, 200);
}

// Retry-After in whole seconds; -1 when absent or not a number.
long long retry_after(const Reply& r) {
  const std::string v = r.header("Retry-After");
  if (v.empty() || v.size() > 9) return -1;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Retry-After must not tell a client to come back before a request can
// succeed: with one request refilled per minute, "1" only makes it hammer
// (and, for bad credentials, spend the address's sign-in attempts).
TEST(OperatorApiRateLimits, RetryAfterCoversTheRefill) {
  auto options = ApiWorld::default_options();
  options.requests = service::LoginRateLimiter::Limits{1, std::chrono::minutes(1), 100};
  options.sign_in = service::LoginRateLimiter::Limits{1, std::chrono::minutes(1), 100};
  ApiWorld world(options);

  // Per credential.
  const std::string token = world.role("operator").token;
  EXPECT_EQ(world.as(token, "GET", "/v1/session").status, 200);
  Reply r = world.as(token, "GET", "/v1/session");
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.code, "rate_limited");
  EXPECT_GE(retry_after(r), 59) << "Retry-After: " << r.header("Retry-After")
                                << " with a 1-minute refill per credential";

  // Bad credentials, per address.
  EXPECT_EQ(world.as("hl_guess-1", "GET", "/v1/alerts").status, 401);
  Reply bad = world.as("hl_guess-2", "GET", "/v1/alerts");
  ASSERT_EQ(bad.status, 429);
  EXPECT_EQ(bad.code, "rate_limited");
  EXPECT_GE(retry_after(bad), 59) << "Retry-After: " << bad.header("Retry-After")
                                  << " with a 1-minute refill per address";

  // Sign-in, per address (the same bucket, now empty).
  Reply sign_in = world.send("POST", "/v1/session",
                             json({{"name", "desk"}, {"password", testing::kPassword}}).dump());
  ASSERT_EQ(sign_in.status, 429);
  EXPECT_EQ(sign_in.code, "rate_limited");
  EXPECT_GE(retry_after(sign_in), 59) << "Retry-After: " << sign_in.header("Retry-After");
}

TEST(OperatorApiTokens, RevokedTokenStopsWorking) {
  ApiWorld world;
  const auto& op = world.role("operator");
  Reply ok = world.as(op.token, "GET", "/v1/session");
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.body["via"], "token");
  service::revoke_api_token(world.store(), op.token_id, now_ms());
  const auto before = world.fingerprint();
  Reply r = world.as(op.token, "GET", "/v1/session");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_failed");
  EXPECT_EQ(testing::changed_sections(before, world.fingerprint()), "");
}

TEST(OperatorApiTokens, DisablingTheUserStopsItsTokens) {
  ApiWorld world;
  const auto& rev = world.role("reviewer");
  ASSERT_EQ(world.as(rev.token, "GET", "/v1/alerts").status, 200);
  service::set_user_disabled(world.store(), rev.name, true, now_ms());
  Reply r = world.as(rev.token, "GET", "/v1/alerts");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_failed");
}

TEST(OperatorApiTokens, AdminRevokesThroughTheApi) {
  ApiWorld world;
  const auto& adm = world.role("admin");
  const auto& op = world.role("operator");
  Reply del = world.as(adm.token, "DELETE", "/v1/tokens/" + op.token_id);
  ASSERT_EQ(del.status, 200) << del.raw.body;
  EXPECT_TRUE(del.body["revoked_at"].is_string());
  EXPECT_FALSE(del.body.contains("token"));
  EXPECT_FALSE(del.body.contains("token_hash"));
  Reply r = world.as(op.token, "GET", "/v1/session");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "auth_failed");
}

}  // namespace operator_api_test
}  // namespace hotline::api
