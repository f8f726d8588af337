// What the web app's screens ask of the operators' API (issue 19), on two
// real nodes (`hotline serve`, real TLS on 127.0.0.1): paged and filtered
// lists, an item's timeline, translations kept on this node, the ledger
// check from the API, and the small things (session expiry, the peer's time
// zone, the vocabulary).
//
// Users and tokens are made in this process on the nodes' data directories
// (as `hotline user add` and `hotline token create` do).
#include "api_harness.h"

namespace hotline::it {
namespace web_api_test {

using Reply = ApiReply;

class WebApi : public ApiNodes {
 protected:
  std::string raise(const std::string& tok, const std::string& summary, const char* priority) {
    auto r = call(kAlpha, "POST", "/v1/alerts",
                  {{"to", "bravo"}, {"summary", summary}, {"priority", priority}}, tok);
    EXPECT_EQ(r.status, 201) << r.body.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // distinct creation times
    return r.body.value("id", "");
  }

  static std::vector<std::string> ids(const Reply& r) {
    std::vector<std::string> out;
    for (const auto& i : r.body["items"]) out.push_back(i["id"]);
    return out;
  }
};

TEST_F(WebApi, ListsArePagedAndFiltered) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});
  const auto a1 = raise(ana, "Scanning of the mail gateway from 203.0.113.7", "urgent");
  const auto a2 = raise(ana, "Phishing kit hosted at 198.51.100.4", "normal");
  const auto a3 = raise(ana, "Another PHISHING wave", "urgent");

  // Without the new parameters: as before (and the answer says how many).
  auto all = wait_for(kBravo, "/v1/alerts", bo,
                      [](const nlohmann::json& b) { return b["items"].size() == 3; });
  EXPECT_EQ(all.body["total"], 3);
  EXPECT_EQ(all.body["offset"], 0);

  auto page = call(kBravo, "GET", "/v1/alerts?offset=1&limit=1", nullptr, bo);
  ASSERT_EQ(page.status, 200) << page.body.dump();
  EXPECT_EQ(ids(page), std::vector<std::string>{a2});
  EXPECT_EQ(page.body["total"], 3);
  EXPECT_EQ(page.body["offset"], 1);

  auto urgent = call(kBravo, "GET", "/v1/alerts?priority=urgent", nullptr, bo);
  EXPECT_EQ(ids(urgent), (std::vector<std::string>{a3, a1}));
  auto text = call(kBravo, "GET", "/v1/alerts?q=phishing&priority=normal", nullptr, bo);
  EXPECT_EQ(ids(text), std::vector<std::string>{a2});
  auto ack = call(kBravo, "POST", "/v1/alerts/" + a1 + "/actions", {{"action", "acknowledge"}}, bo);
  ASSERT_EQ(ack.status, 200) << ack.body.dump();
  auto acked = call(kBravo, "GET", "/v1/alerts?state=acknowledged,closed", nullptr, bo);
  EXPECT_EQ(ids(acked), std::vector<std::string>{a1});
  // Deadlines of a minute-old alert are not overdue.
  EXPECT_EQ(call(kBravo, "GET", "/v1/alerts?overdue=true", nullptr, bo).body["total"], 0);
  auto outgoing = call(kBravo, "GET", "/v1/alerts?direction=outgoing&offset=0", nullptr, bo);
  EXPECT_EQ(outgoing.body["total"], 0);

  // Bad values: 400, naming what was expected.
  auto bad_state = call(kBravo, "GET", "/v1/alerts?state=acknowledged,sleeping", nullptr, bo);
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_EQ(code_of(bad_state), "request_invalid");
  EXPECT_NE(bad_state.body.dump().find("sleeping"), std::string::npos);
  EXPECT_EQ(call(kBravo, "GET", "/v1/alerts?kind=takedown", nullptr, bo).status, 400);
  EXPECT_EQ(call(kBravo, "GET", "/v1/cases?priority=urgent", nullptr, bo).status, 400);
  EXPECT_EQ(call(kBravo, "GET", "/v1/alerts?offset=-1", nullptr, bo).status, 400);
  EXPECT_EQ(call(kBravo, "GET", "/v1/alerts?overdue=yes", nullptr, bo).status, 400);
  EXPECT_EQ(call(kBravo, "GET", "/v1/requests?kind=gossip", nullptr, bo).status, 400);
}

TEST_F(WebApi, TimelineShowsBothSidesWithEnvelopesAndReceipts) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});
  const auto alert = raise(ana, "Scanning of the mail gateway from 203.0.113.7", "urgent");
  wait_for(kBravo, "/v1/alerts/" + alert, bo,
           [](const nlohmann::json& b) { return b.contains("state"); });
  auto ack =
      call(kBravo, "POST", "/v1/alerts/" + alert + "/actions", {{"action", "acknowledge"}}, bo);
  ASSERT_EQ(ack.status, 200) << ack.body.dump();
  // Alpha: its raise receipted by bravo, bravo's acknowledgement received.
  auto t = wait_for(kAlpha, "/v1/alerts/" + alert + "/timeline", ana, [](const nlohmann::json& b) {
    return b["entries"].size() == 2 && b["entries"][0]["receipt"]["state"] == "receipted";
  });
  ASSERT_EQ(t.body["entries"].size(), 2u) << t.body.dump();
  const auto& raised = t.body["entries"][0];
  EXPECT_EQ(raised["index"], 0);
  EXPECT_EQ(raised["side"], "ours");
  EXPECT_EQ(raised["action"], "raise");
  EXPECT_EQ(raised["actor"], "ana");
  EXPECT_EQ(raised["local"], false);
  EXPECT_TRUE(raised["envelope"].is_string());
  EXPECT_TRUE(raised["received_at"].is_null());
  EXPECT_TRUE(raised["receipt"]["at"].is_string());
  EXPECT_EQ(raised["args"]["summary"], "Scanning of the mail gateway from 203.0.113.7");
  const auto& acked = t.body["entries"][1];
  EXPECT_EQ(acked["side"], "theirs");
  EXPECT_EQ(acked["action"], "acknowledge");
  EXPECT_TRUE(acked["received_at"].is_string());
  EXPECT_EQ(acked["receipt"]["state"], "none");
  EXPECT_EQ(acked["void"], false);
  // Bravo sees the same envelopes in the same order.
  auto tb = call(kBravo, "GET", "/v1/alerts/" + alert + "/timeline", nullptr, bo);
  ASSERT_EQ(tb.status, 200);
  EXPECT_EQ(tb.body["entries"][0]["envelope"], raised["envelope"]);
  EXPECT_EQ(tb.body["entries"][0]["side"], "theirs");
  // The wrong kind, an unknown id: 404.
  EXPECT_EQ(call(kAlpha, "GET", "/v1/cases/" + alert + "/timeline", nullptr, ana).status, 404);
  EXPECT_EQ(code_of(call(kAlpha, "GET", "/v1/alerts/01934b7e-5f2a-7c3d-9e8f-0a1b2c3d4e5f/timeline",
                         nullptr, ana)),
            "item_unknown");
}

TEST_F(WebApi, TranslationsStayOnThisNode) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto tom = token(kAlpha, "tom", {service::Role::translator});
  const auto rev = token(kAlpha, "rev", {service::Role::reviewer});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});
  const auto alert = raise(ana, "Überlastung des Mail-Gateways", "urgent");

  auto added =
      call(kAlpha, "POST", "/v1/alerts/" + alert + "/translations",
           {{"field", "summary"}, {"lang", "en"}, {"text", "Mail gateway overloaded"}}, tom);
  ASSERT_EQ(added.status, 201) << added.body.dump();
  EXPECT_EQ(added.body["by"], "tom");
  EXPECT_EQ(added.body["current"], true);
  EXPECT_EQ(added.body["source_sha256"].get<std::string>().size(), 64u);
  auto shown = call(kAlpha, "GET", "/v1/alerts/" + alert, nullptr, ana);
  ASSERT_EQ(shown.body["translations"].size(), 1u) << shown.body.dump();
  EXPECT_EQ(shown.body["translations"][0]["text"], "Mail gateway overloaded");
  auto listed = call(kAlpha, "GET", "/v1/alerts?offset=0", nullptr, ana);
  EXPECT_EQ(listed.body["items"][0]["translations"].size(), 1u);

  // Reviewers read but do not translate; a field that is no text is refused.
  EXPECT_EQ(call(kAlpha, "POST", "/v1/alerts/" + alert + "/translations",
                 {{"field", "summary"}, {"lang", "en"}, {"text", "x"}}, rev)
                .status,
            403);
  auto bad = call(kAlpha, "POST", "/v1/alerts/" + alert + "/translations",
                  {{"field", "escalation_level"}, {"lang", "en"}, {"text", "x"}}, tom);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(code_of(bad), "translation_invalid");

  // The peer never sees it.
  auto theirs = wait_for(kBravo, "/v1/alerts/" + alert, bo,
                         [](const nlohmann::json& b) { return b.contains("state"); });
  EXPECT_TRUE(theirs.body["translations"].empty()) << theirs.body.dump();

  // Another operator may not delete it; its author may.
  const std::string tid = added.body["id"];
  auto other = call(kAlpha, "DELETE", "/v1/alerts/" + alert + "/translations/" + tid, nullptr, ana);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(code_of(other), "translation_forbidden");
  auto gone = call(kAlpha, "DELETE", "/v1/alerts/" + alert + "/translations/" + tid, nullptr, tom);
  EXPECT_EQ(gone.status, 200) << gone.body.dump();
  EXPECT_TRUE(
      call(kAlpha, "GET", "/v1/alerts/" + alert, nullptr, ana).body["translations"].empty());
}

TEST_F(WebApi, LedgerVerifiedFromTheApiAndHeadsListed) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto sam = token(kAlpha, "sam", {service::Role::supervisor});
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  raise(ana, "Scanning of the mail gateway from 203.0.113.7", "urgent");

  auto before = call(kAlpha, "GET", "/v1/ledger/status", nullptr, sam);
  ASSERT_EQ(before.status, 200) << before.body.dump();
  EXPECT_TRUE(before.body["last_verify"].is_null());
  EXPECT_EQ(call(kAlpha, "POST", "/v1/ledger/verify", nlohmann::json::object(), ana).status, 403);

  auto v = call(kAlpha, "POST", "/v1/ledger/verify", nlohmann::json::object(), sam);
  ASSERT_EQ(v.status, 200) << v.body.dump();
  EXPECT_EQ(v.body["ok"], true) << v.body.dump();
  EXPECT_EQ(v.body["by"], "sam");
  EXPECT_GT(v.body["tree_size"].get<std::int64_t>(), 0);
  EXPECT_EQ(v.body["root_hash"].get<std::string>().size(), 64u);
  EXPECT_TRUE(v.body["problems"].empty());
  EXPECT_NE(v.body["sentence"].get<std::string>().find("checks out"), std::string::npos);

  auto after = call(kAlpha, "GET", "/v1/ledger/status", nullptr, sam);
  EXPECT_EQ(after.body["last_verify"]["at"], v.body["at"]);
  EXPECT_EQ(after.body["last_verify"]["ok"], true);

  auto heads = call(kAlpha, "GET", "/v1/ledger/heads?limit=10", nullptr, sam);
  ASSERT_EQ(heads.status, 200) << heads.body.dump();
  ASSERT_FALSE(heads.body["heads"].empty()) << "a started node signs its first head";
  for (const auto& h : heads.body["heads"]) {
    EXPECT_EQ(h["signature"], "valid") << h.dump();
    if (h["peer"].is_null()) {
      EXPECT_TRUE(h["status"].is_null());
    }
  }
  EXPECT_EQ(call(kAlpha, "GET", "/v1/ledger/heads?limit=0", nullptr, sam).status, 400);
}

TEST_F(WebApi, SessionExpiryPeerTimeZoneAndVocabulary) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});

  // A token: its expiry, no idle end.
  auto me = call(kAlpha, "GET", "/v1/session", nullptr, ana);
  ASSERT_EQ(me.status, 200) << me.body.dump();
  EXPECT_TRUE(me.body["expires_at"].is_string()) << me.body.dump();
  EXPECT_TRUE(me.body["idle_expires_at"].is_null());
  // A session: both, the idle end first.
  tls::ClientTlsConfig cfg;
  cfg.insecure_skip_verify = true;
  net::HttpsClient client(cfg, "127.0.0.1", node(kAlpha).op_port);
  net::HttpRequest in;
  in.method = "POST";
  in.target = "/v1/session";
  in.headers["Content-Type"] = "application/json";
  in.body = nlohmann::json({{"name", "ana"}, {"password", kPassword}}).dump();
  auto signed_in = client.request(in);
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  const std::string cookie =
      signed_in.headers["set-cookie"].substr(0, signed_in.headers["set-cookie"].find(';'));
  net::HttpRequest who;
  who.method = "GET";
  who.target = "/v1/session";
  who.headers["Cookie"] = cookie;
  auto session = nlohmann::json::parse(client.request(who).body);
  ASSERT_TRUE(session["idle_expires_at"].is_string()) << session.dump();
  EXPECT_EQ(session["via"], "session");
  EXPECT_LT(session["idle_expires_at"].get<std::string>(),
            session["expires_at"].get<std::string>());
  EXPECT_GT(session["idle_expires_at"].get<std::string>(), format_timestamp(now_ms()));

  // The peer's time zone, from the agreement in force.
  auto peers = call(kAlpha, "GET", "/v1/peers", nullptr, ana);
  ASSERT_EQ(peers.status, 200);
  ASSERT_EQ(peers.body["peers"].size(), 1u);
  EXPECT_TRUE(peers.body["peers"][0]["time_zone"].is_string()) << peers.body.dump();
  EXPECT_FALSE(peers.body["peers"][0]["time_zone"].get<std::string>().empty());

  auto v = call(kAlpha, "GET", "/v1/vocabulary", nullptr, ana);
  ASSERT_EQ(v.status, 200) << v.body.dump();
  EXPECT_EQ(v.body["request_kinds"],
            nlohmann::json({"information", "preservation", "takedown", "assistance"}));
  EXPECT_EQ(v.body["tlp"].size(), 5u);
  EXPECT_EQ(v.body["pap"].size(), 4u);
  EXPECT_EQ(v.body["rsit_types"].size(), 39u);
  EXPECT_EQ(v.body["rsit_classes"].size(), 11u);
  EXPECT_EQ(v.body["offences"].size(), 10u);
  EXPECT_EQ(v.body["states"]["alert"],
            nlohmann::json({"raised", "delivered", "acknowledged", "closed"}));
  EXPECT_NE(std::find(v.body["actions"]["request"].begin(), v.body["actions"]["request"].end(),
                      "respond_final"),
            v.body["actions"]["request"].end());
  EXPECT_EQ(v.body["translation_languages"], nlohmann::json({"en", "zh-CN"}));
  EXPECT_EQ(call(kAlpha, "GET", "/v1/vocabulary").status, 401);
}

}  // namespace web_api_test
}  // namespace hotline::it
