// The operators' HTTP API on two real nodes (`hotline serve`, real TLS on
// 127.0.0.1): duty officers on both sides work an alert and a four-eyes
// request through the API alone, a browser session signs in with a cookie
// and a CSRF token, and the live event stream delivers the peer's actions
// and resumes after a reconnect from Last-Event-ID.
//
// Users and tokens are made in this process on the nodes' data directories
// (as `hotline user add` and `hotline token create` do).
#include "api_harness.h"
#include "sse_stream.h"

namespace hotline::it {
namespace api_test {

using Reply = ApiReply;

class ApiLink : public ApiNodes {
 protected:
  // POST /v1/attachments?name=NAME with `bytes` as the body: the sha256.
  std::string upload(Side s, const std::string& name, const std::string& bytes,
                     const std::string& tok) {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;
    net::HttpsClient client(cfg, "127.0.0.1", node(s).op_port);
    net::HttpRequest r;
    r.method = "POST";
    r.target = "/v1/attachments?name=" + name;
    r.headers["Authorization"] = "Bearer " + tok;
    r.headers["Content-Type"] = "application/octet-stream";
    r.body = bytes;
    auto res = client.request(r);
    EXPECT_EQ(res.status, 201) << res.body;
    return nlohmann::json::parse(res.body).value("sha256", "");
  }

  // The audit entries of `action` by `actor` on side `s` (read as `admin`).
  std::vector<nlohmann::json> audit_entries(Side s, const std::string& admin,
                                            const std::string& action, const std::string& actor) {
    auto trail = call(s, "GET", "/v1/audit?limit=1000", nullptr, admin);
    EXPECT_EQ(trail.status, 200) << trail.body.dump();
    std::vector<nlohmann::json> out;
    for (const auto& e : trail.body["entries"]) {
      if (e["action"] == action && e["actor"] == actor) out.push_back(e);
    }
    return out;
  }

  static bool lists(const Reply& r, const std::string& id) {
    for (const auto& i : r.body["items"])
      if (i["id"] == id) return true;
    return false;
  }
};

TEST_F(ApiLink, DutyOfficersWorkAnAlertAndAFourEyesRequestThroughTheApi) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto sam = token(kAlpha, "sam", {service::Role::supervisor});
  const auto root = token(kAlpha, "root", {service::Role::admin});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});

  // Alpha's officer raises an alert; bravo's sees it arrive and acknowledges.
  auto raised = call(kAlpha, "POST", "/v1/alerts",
                     {{"to", "bravo"},
                      {"summary", "Scanning of our ministry's mail gateway from 203.0.113.7"},
                      {"labels", {{"tlp", "TLP:GREEN"}}}},
                     ana);
  ASSERT_EQ(raised.status, 201) << raised.body.dump();
  const std::string alert = raised.body["id"];
  EXPECT_EQ(raised.body["item_kind"], "alert");
  EXPECT_EQ(raised.body["tlp"], "TLP:GREEN");

  auto listed = wait_for(kBravo, "/v1/alerts", bo, [&](const nlohmann::json& b) {
    for (const auto& i : b["items"])
      if (i["id"] == alert) return true;
    return false;
  });
  ASSERT_EQ(listed.status, 200);
  auto ack = call(kBravo, "POST", "/v1/alerts/" + alert.substr(alert.size() - 8) + "/actions",
                  {{"action", "acknowledge"}}, bo);
  ASSERT_EQ(ack.status, 200) << ack.body.dump();
  EXPECT_EQ(ack.body["state"], "acknowledged");
  // The raising side cannot acknowledge its own alert.
  auto own =
      call(kAlpha, "POST", "/v1/alerts/" + alert + "/actions", {{"action", "acknowledge"}}, ana);
  EXPECT_EQ(own.status, 409) << own.body.dump();
  auto seen = wait_for(kAlpha, "/v1/alerts/" + alert, ana,
                       [](const nlohmann::json& b) { return b["state"] == "acknowledged"; });
  EXPECT_EQ(seen.body["state"], "acknowledged") << seen.body.dump();

  // A request waits for a supervisor (the default agreement asks for four-eyes).
  auto made = call(kAlpha, "POST", "/v1/requests",
                   {{"to", "bravo"},
                    {"kind", "preservation"},
                    {"subject", "Preserve mailbox logs of 203.0.113.7"},
                    {"details", "From 2026-11-27T08:00Z, Art. 16 Budapest Convention."}},
                   ana);
  ASSERT_EQ(made.status, 201) << made.body.dump();
  EXPECT_EQ(made.body["state"], "draft");
  const std::string request = made.body["id"];
  auto by_operator =
      call(kAlpha, "POST", "/v1/requests/" + request + "/approve", nlohmann::json::object(), ana);
  EXPECT_EQ(by_operator.status, 403);
  EXPECT_EQ(code_of(by_operator), "forbidden");
  auto still = call(kAlpha, "GET", "/v1/requests/" + request, nullptr, ana);
  EXPECT_EQ(still.body["state"], "draft");
  auto approved =
      call(kAlpha, "POST", "/v1/requests/" + request + "/approve", nlohmann::json::object(), sam);
  ASSERT_EQ(approved.status, 200) << approved.body.dump();
  EXPECT_NE(approved.body["state"], "draft");
  auto arrived = wait_for(kBravo, "/v1/requests/" + request, bo,
                          [](const nlohmann::json& b) { return b.contains("state"); });
  EXPECT_EQ(arrived.body["request_kind"], "preservation") << arrived.body.dump();

  // Everything above is in alpha's audit trail, by name and address.
  auto trail = call(kAlpha, "GET", "/v1/audit?limit=1000", nullptr, root);
  ASSERT_EQ(trail.status, 200) << trail.body.dump();
  std::set<std::string> seen_entries;
  for (const auto& e : trail.body["entries"]) {
    if (e["action"] == "item.change") {
      seen_entries.insert(e["actor"].get<std::string>() + " " + e["detail"].get<std::string>());
      EXPECT_EQ(e["source"], "api 127.0.0.1");
    }
  }
  EXPECT_TRUE(seen_entries.count("ana alert raise")) << trail.body.dump();
  EXPECT_TRUE(seen_entries.count("ana request create")) << trail.body.dump();
  EXPECT_TRUE(seen_entries.count("sam request approve")) << trail.body.dump();
}

TEST_F(ApiLink, BrowserSessionSignsInWithCookieAndCsrfToken) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  token(kAlpha, "ana", {service::Role::operator_});

  auto wrong =
      call(kAlpha, "POST", "/v1/session", {{"name", "ana"}, {"password", "not it at all"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(code_of(wrong), "auth_failed");
  EXPECT_EQ(wrong.headers.count("set-cookie"), 0u);

  auto in = call(kAlpha, "POST", "/v1/session", {{"name", "ana"}, {"password", kPassword}});
  ASSERT_EQ(in.status, 201) << in.body.dump();
  const std::string cookie_header = in.headers["set-cookie"];
  for (const char* attr : {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"}) {
    EXPECT_NE(cookie_header.find(attr), std::string::npos) << attr << " in " << cookie_header;
  }
  const std::string cookie = cookie_header.substr(0, cookie_header.find(';'));
  const std::string csrf = in.body["csrf_token"];
  EXPECT_EQ(in.body["user"]["name"], "ana");

  auto me = call(kAlpha, "GET", "/v1/session", nullptr, "", {{"Cookie", cookie}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body["via"], "session");

  const nlohmann::json alert = {{"to", "bravo"},
                                {"summary", "Phishing kit hosted at 198.51.100.4"}};
  auto forged = call(kAlpha, "POST", "/v1/alerts", alert, "", {{"Cookie", cookie}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(code_of(forged), "csrf_failed");
  auto none = call(kAlpha, "GET", "/v1/alerts?status=all", nullptr, "", {{"Cookie", cookie}});
  EXPECT_TRUE(none.body["items"].empty()) << none.body.dump();

  auto made =
      call(kAlpha, "POST", "/v1/alerts", alert, "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(made.status, 201) << made.body.dump();

  auto out = call(kAlpha, "DELETE", "/v1/session", nullptr, "",
                  {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 200);
  auto after = call(kAlpha, "GET", "/v1/session", nullptr, "", {{"Cookie", cookie}});
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(code_of(after), "auth_session_expired");
}

TEST_F(ApiLink, EventStreamDeliversThePeersActionsAndResumesFromLastEventId) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto root = token(kAlpha, "root", {service::Role::admin});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});
  const std::map<std::string, std::string> as_ana = {{"Authorization", "Bearer " + ana}};

  // An event of `kind` about item `id` whose detail contains `detail`.
  auto has = [](const std::string& kind, const std::string& id, const std::string& detail) {
    return [kind, id, detail](const std::string& text) {
      for (const auto& e : parse_sse(text)) {
        if (e.kind == kind && e.data["item"].is_object() && e.data["item"]["id"] == id &&
            e.data["detail"].get<std::string>().find(detail) != std::string::npos) {
          return true;
        }
      }
      return false;
    };
  };

  std::int64_t last_id = 0;
  std::string alert;
  {
    StreamReader stream(node(kAlpha).op_port, "/v1/events", as_ana);
    auto& head = stream.read_until(
        [](const std::string& t) { return t.find("retry: 3000") != std::string::npos; }, 10s);
    ASSERT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
    EXPECT_NE(head.find("text/event-stream"), std::string::npos) << head;

    auto raised = call(kAlpha, "POST", "/v1/alerts",
                       {{"to", "bravo"}, {"summary", "DDoS on the tax portal from AS64500"}}, ana);
    ASSERT_EQ(raised.status, 201);
    alert = raised.body["id"];
    ASSERT_TRUE(testing::eventually(
        [&] { return call(kBravo, "GET", "/v1/alerts/" + alert, nullptr, bo).status == 200; },
        30s));
    ASSERT_EQ(
        call(kBravo, "POST", "/v1/alerts/" + alert + "/actions", {{"action", "acknowledge"}}, bo)
            .status,
        200);
    // The raise is an item_changed too, and may come in an earlier poll than
    // the acknowledgement: wait for the acknowledgement itself.
    auto& text = stream.read_until(has("item_changed", alert, "acknowledge by bravo"), 30s);
    auto events = parse_sse(text);
    bool acked = false;
    for (const auto& e : events) {
      EXPECT_GT(e.id, last_id) << "ids ascend";
      last_id = e.id;
      if (e.kind == "item_changed" && e.data["item"]["id"] == alert &&
          e.data["detail"].get<std::string>().find("acknowledge by bravo") != std::string::npos) {
        acked = true;
        EXPECT_EQ(e.data["peer"], "bravo");
      }
    }
    EXPECT_TRUE(acked) << text;
  }

  // While nobody listens, bravo closes nothing but alpha closes the alert.
  ASSERT_EQ(call(kAlpha, "POST", "/v1/alerts/" + alert + "/actions",
                 {{"action", "close"}, {"args", {{"note", "mitigated"}}}}, ana)
                .status,
            200);
  // Reconnecting with Last-Event-ID: the missed change, and nothing before it.
  {
    auto headers = as_ana;
    headers["Last-Event-ID"] = std::to_string(last_id);
    StreamReader stream(node(kAlpha).op_port, "/v1/events", headers);
    auto& text = stream.read_until(has("item_changed", alert, "close by us"), 30s);
    auto events = parse_sse(text);
    ASSERT_FALSE(events.empty()) << text;
    bool closed = false;
    for (const auto& e : events) {
      EXPECT_GT(e.id, last_id) << "an event before Last-Event-ID came again: " << e.data.dump();
      if (e.data["detail"].get<std::string>().find("close by us") != std::string::npos)
        closed = true;
    }
    EXPECT_TRUE(closed) << text;
  }

  // An admin without the desk's roles does not see item events.
  auto page = call(kAlpha, "GET", "/v1/events?after=0&limit=1000", nullptr, root);
  ASSERT_EQ(page.status, 200);
  for (const auto& e : page.body["events"]) {
    EXPECT_TRUE(e["item"].is_null()) << "admin saw " << e.dump();
  }
  auto desk_page = call(kAlpha, "GET", "/v1/events?after=0&limit=1000", nullptr, ana);
  bool item_seen = false;
  for (const auto& e : desk_page.body["events"]) item_seen = item_seen || e["item"].is_object();
  EXPECT_TRUE(item_seen) << desk_page.body.dump();

  // A revoked token ends an open stream (checked every 30 s) and cannot open one.
  auto n = service::open_node(dir(kAlpha));
  for (const auto& t : service::list_api_tokens(*n.store, "ana")) {
    service::revoke_api_token(*n.store, t.id, now_ms());
  }
  StreamReader refused(node(kAlpha).op_port, "/v1/events", as_ana);
  auto& text = refused.read_until(
      [](const std::string& t) { return t.find("\r\n\r\n") != std::string::npos; }, 10s);
  EXPECT_NE(text.find("HTTP/1.1 401"), std::string::npos) << text;
}

// TLP:RED (docs/threat-model.md, "TLP:RED"): the item's title is in no event,
// no log line and no event page; only its author, the people on its
// need-to-know list (at arrival: the supervisors) read it, its attachment and
// its answers, and everyone else is told it does not exist. Reading the event
// stream is in the audit trail.
TEST_F(ApiLink, TlpRedItemsAreReadOnlyByThoseWhoNeedToKnow) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto olga = token(kAlpha, "olga", {service::Role::operator_});
  const auto tom = token(kAlpha, "tom", {service::Role::translator});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});
  const auto sue = token(kBravo, "sue", {service::Role::supervisor});
  const auto root_b = token(kBravo, "root", {service::Role::admin});
  const std::string title = "Informant K. inside the ring, do not act before Friday";

  const std::string sha = upload(kAlpha, "informant.txt", "the informant's statement", ana);
  auto raised =
      call(kAlpha, "POST", "/v1/alerts",
           {{"to", "bravo"},
            {"summary", title},
            {"labels", {{"tlp", "TLP:RED"}}},
            {"attachments", nlohmann::json::array({{{"sha256", sha}, {"name", "informant.txt"}}})}},
           ana);
  ASSERT_EQ(raised.status, 201) << raised.body.dump();
  const std::string alert = raised.body["id"];

  // Alpha: the author reads it; another operator and a translator do not.
  EXPECT_EQ(call(kAlpha, "GET", "/v1/alerts/" + alert, nullptr, ana).status, 200);
  for (const auto& who : {olga, tom}) {
    auto shown = call(kAlpha, "GET", "/v1/alerts/" + alert, nullptr, who);
    EXPECT_EQ(shown.status, 404) << shown.body.dump();
    EXPECT_EQ(code_of(shown), "item_unknown");
    EXPECT_FALSE(lists(call(kAlpha, "GET", "/v1/alerts?status=all", nullptr, who), alert));
    EXPECT_EQ(call(kAlpha, "GET", "/v1/attachments/" + sha, nullptr, who).status, 404);
    EXPECT_EQ(call(kAlpha, "GET", "/v1/attachments", nullptr, who).body.dump().find(sha),
              std::string::npos);
    EXPECT_EQ(call(kAlpha, "GET", "/v1/alerts/" + alert + "/need-to-know", nullptr, who).status,
              404);
  }
  auto act = call(kAlpha, "POST", "/v1/alerts/" + alert + "/actions",
                  {{"action", "close"}, {"args", {{"note", "x"}}}}, olga);
  EXPECT_EQ(act.status, 404) << act.body.dump();
  EXPECT_EQ(call(kAlpha, "GET", "/v1/attachments/" + sha, nullptr, ana).status, 200);

  // The author shares it with olga, who then reads it all but may not change the list.
  auto shared = call(kAlpha, "PUT", "/v1/alerts/" + alert + "/need-to-know",
                     {{"people", nlohmann::json::array({"olga"})}}, ana);
  ASSERT_EQ(shared.status, 200) << shared.body.dump();
  EXPECT_EQ(shared.body["author"], "ana");
  EXPECT_EQ(shared.body["people"], nlohmann::json::array({"olga"}));
  EXPECT_EQ(call(kAlpha, "GET", "/v1/alerts/" + alert, nullptr, olga).status, 200);
  EXPECT_TRUE(lists(call(kAlpha, "GET", "/v1/alerts?status=all", nullptr, olga), alert));
  EXPECT_EQ(call(kAlpha, "GET", "/v1/attachments/" + sha, nullptr, olga).status, 200);
  auto by_olga = call(kAlpha, "PUT", "/v1/alerts/" + alert + "/need-to-know",
                      {{"people", nlohmann::json::array({"olga", "tom"})}}, olga);
  EXPECT_EQ(by_olga.status, 403) << by_olga.body.dump();
  EXPECT_EQ(code_of(by_olga), "need_to_know_forbidden");
  EXPECT_EQ(call(kAlpha, "GET", "/v1/alerts/" + alert, nullptr, tom).status, 404);

  // Bravo: on arrival the supervisors need to know; an operator does not see it.
  auto arrived = wait_for(kBravo, "/v1/alerts/" + alert, sue,
                          [](const nlohmann::json& b) { return b.contains("state"); });
  EXPECT_EQ(arrived.body["title"], title) << arrived.body.dump();
  EXPECT_EQ(call(kBravo, "GET", "/v1/alerts/" + alert, nullptr, bo).status, 404);
  EXPECT_FALSE(lists(call(kBravo, "GET", "/v1/alerts?status=all", nullptr, bo), alert));
  auto readers = call(kBravo, "GET", "/v1/alerts/" + alert + "/need-to-know", nullptr, sue);
  EXPECT_EQ(readers.body["people"], nlohmann::json::array({"sue"})) << readers.body.dump();
  EXPECT_TRUE(readers.body["author"].is_null());

  // The events name the alert but never its title, in the table, the API and the log.
  {
    auto n = service::open_node(dir(kBravo));
    bool received = false;
    for (const auto& e :
         n.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 100000); })) {
      EXPECT_EQ(e.detail.find("Informant"), std::string::npos) << e.kind << ": " << e.detail;
      received =
          received || (e.kind == "alert_received" && e.detail.find(alert) != std::string::npos);
    }
    EXPECT_TRUE(received);
  }
  auto sue_page = call(kBravo, "GET", "/v1/events?after=0&limit=1000", nullptr, sue);
  ASSERT_EQ(sue_page.status, 200);
  EXPECT_EQ(sue_page.body.dump().find("Informant"), std::string::npos) << sue_page.body.dump();
  EXPECT_NE(sue_page.body.dump().find(alert), std::string::npos) << sue_page.body.dump();
  auto bo_page = call(kBravo, "GET", "/v1/events?after=0&limit=1000", nullptr, bo);
  ASSERT_EQ(bo_page.status, 200);
  EXPECT_EQ(bo_page.body.dump().find(alert), std::string::npos) << bo_page.body.dump();
  ASSERT_TRUE(testing::eventually(
      [&] { return log(kBravo).find("event=alert_received") != std::string::npos; }, 30s));
  EXPECT_EQ(log(kBravo).find("Informant"), std::string::npos) << "TLP:RED title in the log";
  EXPECT_EQ(log(kAlpha).find("Informant"), std::string::npos) << "TLP:RED title in the log";

  // Reading events, as a page or a stream, is in the audit trail.
  EXPECT_EQ(audit_entries(kBravo, root_b, "events.read", "sue").size(), 1u);
  {
    StreamReader stream(node(kBravo).op_port, "/v1/events", {{"Authorization", "Bearer " + bo}});
    stream.read_until(
        [](const std::string& t) { return t.find("retry: 3000") != std::string::npos; }, 10s);
  }
  auto bo_reads = audit_entries(kBravo, root_b, "events.read", "bo");
  ASSERT_EQ(bo_reads.size(), 2u);
  EXPECT_EQ(bo_reads[1]["detail"].get<std::string>().rfind("stream", 0), 0u) << bo_reads[1].dump();
  // The arrival list and alpha's share are in the trails too.
  auto arrival = audit_entries(kBravo, root_b, "item.need_to_know", "node");
  ASSERT_EQ(arrival.size(), 1u);
  EXPECT_EQ(arrival[0]["target"], alert);
}

}  // namespace api_test
}  // namespace hotline::it
