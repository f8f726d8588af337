// Escalation e-mail over the operators' API of a running node (`hotline
// serve`), against a REAL SMTP server (aiosmtpd, tests/support/smtp_server.py)
// with STARTTLS and AUTH: an admin sets the relay (the password never comes
// back, nor reaches the audit trail or the log), sends a test message, and
// the desk sees each escalation's delivery per recipient: delivered, retrying
// while the server is down (attempts, next try, the error) and then
// delivered, or failed with the server's refusal.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api_harness.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/escalation_service.h"
#include "hotline/tls/certificate.h"

namespace hotline::it {
namespace mail_api_test {

using namespace std::chrono_literals;
using nlohmann::json;

const fs::path kServerScript = fs::path(HOTLINE_PG_CLUSTER_SCRIPT).parent_path().parent_path() /
                               "tests/support/smtp_server.py";
constexpr const char* kRelayUser = "relay";
constexpr const char* kRelayPassword = "relay-password-Quokka-77";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MailApi : public ApiNodes {
 protected:
  void SetUp() override {
    cert_ = scratch() / "relay.crt";
    key_ = scratch() / "relay.key";
    tls::generate_operator_certificate("Relay", cert_, key_);
    smtp_port_ = testing::free_port();
  }

  // The SMTP server on smtp_port_, writing to inbox(); `extra`: --reject.
  void start_smtp(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"/usr/bin/python3",
                                     kServerScript.string(),
                                     "--port",
                                     std::to_string(smtp_port_),
                                     "--dir",
                                     inbox().string(),
                                     "--cert",
                                     cert_.string(),
                                     "--key",
                                     key_.string(),
                                     "--user",
                                     kRelayUser,
                                     "--password",
                                     kRelayPassword};
    args.insert(args.end(), extra.begin(), extra.end());
    smtp_ = std::make_unique<testing::Process>(args, scratch() / "smtp");
    ASSERT_TRUE(testing::eventually([&] { return fs::exists(inbox() / "ready"); }, 15s))
        << smtp_->err();
  }
  fs::path inbox() const { return scratch() / "inbox"; }

  json settings(const std::string& recipient_lang = "en") const {
    return {{"host", "127.0.0.1"},
            {"port", smtp_port_},
            {"ca_file", cert_.string()},
            {"user", kRelayUser},
            {"password", kRelayPassword},
            {"from", "hotline@bravo.example"},
            {"base_url", "https://hotline.bravo.example:8443"},
            {"recipients",
             json::array({{{"address", "duty@bravo.example"}, {"lang", recipient_lang}}})}};
  }

  // An escalation recorded straight into bravo's store (the running node's
  // mailer queues it as it would one the escalation job recorded).
  void add_escalation(const std::string& item) {
    auto bravo = service::open_node(dir(kBravo));
    store::EscalationRecord e;
    e.item_id = item;
    e.item_kind = "alert";
    e.link = "link-1";
    e.trigger = "alert.acknowledge.100";
    e.at = format_timestamp(now_ms());
    e.webhook_state = "no_webhook";
    e.payload = json({{"event", "escalation"},
                      {"trigger", e.trigger},
                      {"item", {{"id", item}, {"kind", "alert"}, {"title", "Port scan"}}},
                      {"tlp", "TLP:AMBER"},
                      {"peer", "alpha"}})
                    .dump();
    bravo.store->transact([&](store::Transaction& tx) { tx.insert_escalation(e); });
  }

  fs::path cert_, key_;
  std::uint16_t smtp_port_ = 0;
  std::unique_ptr<testing::Process> smtp_;
};

TEST_F(MailApi, AdminSetsTheRelayTestsItAndTheDeskSeesEachMailDelivered) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  ASSERT_NO_FATAL_FAILURE(start_smtp());
  const auto admin = token(kBravo, "admin-b", {service::Role::admin});
  const auto op = token(kBravo, "op-b", {service::Role::operator_});
  const auto sup = token(kBravo, "sup-b", {service::Role::supervisor});
  const auto reviewer = token(kBravo, "rev-b", {service::Role::reviewer});

  EXPECT_EQ(call(kBravo, "GET", "/v1/mail", nullptr, admin).body, json({{"configured", false}}));
  EXPECT_EQ(call(kBravo, "GET", "/v1/mail", nullptr, op).status, 403);

  // Set: the password is stored and never shown.
  auto set = call(kBravo, "PUT", "/v1/mail", settings("zh-CN"), admin);
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(set.body["password_set"], true);
  EXPECT_FALSE(set.body.contains("password"));
  EXPECT_EQ(set.body.dump().find(kRelayPassword), std::string::npos);
  // Again without the password: the stored one is kept.
  auto again = settings("zh-CN");
  again.erase("password");
  ASSERT_EQ(call(kBravo, "PUT", "/v1/mail", again, admin).status, 200);
  auto shown = call(kBravo, "GET", "/v1/mail", nullptr, admin);
  EXPECT_EQ(shown.body["password_set"], true);
  EXPECT_EQ(shown.body["recipients"][0]["lang"], "zh-CN");
  EXPECT_EQ(shown.body.dump().find(kRelayPassword), std::string::npos);

  // Bad input: a clear error, nothing changed.
  auto bad = settings();
  bad["recipients"][0]["lang"] = "fr";
  auto refused = call(kBravo, "PUT", "/v1/mail", bad, admin);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(code_of(refused), "mail_invalid");
  EXPECT_NE(refused.body.dump().find("zh-CN"), std::string::npos) << refused.body.dump();
  EXPECT_EQ(call(kBravo, "GET", "/v1/mail", nullptr, admin).body, shown.body);

  // A test message, delivered through STARTTLS and AUTH, in Chinese.
  auto test = call(kBravo, "POST", "/v1/mail/test",
                   {{"to", "chief@bravo.example"}, {"lang", "zh-CN"}}, admin);
  ASSERT_EQ(test.status, 200) << test.body.dump();
  EXPECT_EQ(test.body["delivered"], true) << test.body.dump();
  ASSERT_TRUE(fs::exists(inbox() / "1.eml"));
  const std::string raw = slurp(inbox() / "1.eml");
  EXPECT_NE(raw.find("To: <chief@bravo.example>"), std::string::npos);
  EXPECT_NE(raw.find("Subject: =?UTF-8?B?"), std::string::npos);

  // A real escalation: alpha's alerts reach bravo and run out of time there.
  std::string amber_id, red_id;
  {
    auto alpha = service::open_node(dir(kAlpha));
    service::AlertInput in;
    in.summary = "Scanning from your address space";
    amber_id = service::raise_alert(alpha, "bravo", in, "duty-a", now_ms()).record.id;
    service::AlertInput secret;
    secret.summary = "Informant Kestrel exposed";
    secret.labels.tlp = model::Tlp::red;
    red_id = service::raise_alert(alpha, "bravo", secret, "duty-a", now_ms()).record.id;
  }
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto bravo = service::open_node(dir(kBravo));
        try {
          return service::show_item(*bravo.store, amber_id, now_ms()).document["state"] ==
                     "delivered" &&
                 bravo.store->snapshot(
                     [&](store::Transaction& tx) { return tx.find_item(red_id).has_value(); });
        } catch (const Error&) {
          return false;
        }
      },
      30s));
  {
    auto bravo = service::open_node(dir(kBravo));
    ASSERT_EQ(service::check_escalations(bravo, now_ms() + 20min).size(), 2u);
  }
  auto page = wait_for(kBravo, "/v1/escalations", op, [](const json& b) {
    return b["total"] == 2 && b["escalations"][0]["mail_state"] == "delivered" &&
           b["escalations"][1]["mail_state"] == "delivered";
  });
  ASSERT_EQ(page.body["total"], 2) << page.body.dump();
  for (const auto& e : page.body["escalations"]) {
    ASSERT_EQ(e["mail"].size(), 1u) << e.dump();
    const auto& m = e["mail"][0];
    EXPECT_EQ(m["to"], "duty@bravo.example");
    EXPECT_EQ(m["lang"], "zh-CN");
    EXPECT_EQ(m["state"], "delivered") << m.dump();
    EXPECT_TRUE(m["at"].is_string());
    EXPECT_TRUE(m["next_at"].is_null());
    // No webhook is set; a TLP:RED item's escalation would not go to one.
    EXPECT_EQ(e["webhook"]["state"], e["item"].is_null() ? "withheld" : "no_webhook");
  }
  // The operator is not on the TLP:RED alert's need-to-know list: its
  // escalation shows without the item; the supervisor (on it) sees both.
  std::set<std::string> seen_by_op, seen_by_sup;
  for (const auto& e : page.body["escalations"]) {
    seen_by_op.insert(e["item"].is_null() ? "null" : e["item"]["id"].get<std::string>());
  }
  EXPECT_EQ(seen_by_op, (std::set<std::string>{amber_id, "null"}));
  auto sup_page = call(kBravo, "GET", "/v1/escalations", nullptr, sup);
  for (const auto& e : sup_page.body["escalations"]) {
    seen_by_sup.insert(e["item"].is_null() ? "null" : e["item"]["id"].get<std::string>());
  }
  EXPECT_EQ(seen_by_sup, (std::set<std::string>{amber_id, red_id}));
  EXPECT_EQ(call(kBravo, "GET", "/v1/escalations", nullptr, reviewer).status, 403);
  EXPECT_EQ(call(kBravo, "GET", "/v1/escalations", nullptr, admin).status, 200);
  // Paging: newest first.
  auto second = call(kBravo, "GET", "/v1/escalations?offset=1&limit=1", nullptr, op);
  ASSERT_EQ(second.body["escalations"].size(), 1u);
  EXPECT_EQ(second.body["offset"], 1);
  EXPECT_EQ(second.body["escalations"][0]["id"], page.body["escalations"][1]["id"]);

  // Cleared: audit entries for each change, never the password, anywhere.
  ASSERT_EQ(call(kBravo, "DELETE", "/v1/mail", nullptr, admin).status, 200);
  EXPECT_EQ(call(kBravo, "GET", "/v1/mail", nullptr, admin).body["configured"], false);
  auto audit = call(kBravo, "GET", "/v1/audit?limit=1000", nullptr, admin);
  std::string actions;
  for (const auto& a : audit.body["entries"]) {
    const std::string action = a["action"];
    if (action.rfind("mail.", 0) == 0) actions += action + " ";
  }
  EXPECT_EQ(actions, "mail.set mail.set mail.test mail.clear ");
  EXPECT_EQ(audit.body.dump().find(kRelayPassword), std::string::npos);
  EXPECT_EQ(log(kBravo).find(kRelayPassword), std::string::npos);
}

TEST_F(MailApi, ServerDownShowsRetryingThenDeliveredAndRefusalShowsFailed) {
  ASSERT_NO_FATAL_FAILURE(setup());
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  const auto admin = token(kBravo, "admin-b", {service::Role::admin});
  const auto op = token(kBravo, "op-b", {service::Role::operator_});

  // Nothing listens yet: the test message is not delivered, and says why.
  ASSERT_EQ(call(kBravo, "PUT", "/v1/mail", settings(), admin).status, 200);
  auto test = call(kBravo, "POST", "/v1/mail/test", {{"to", "duty@bravo.example"}}, admin);
  ASSERT_EQ(test.status, 200) << test.body.dump();
  EXPECT_EQ(test.body["delivered"], false);
  EXPECT_EQ(test.body["permanent"], false);
  EXPECT_TRUE(test.body["smtp_code"].is_null());
  EXPECT_FALSE(test.body["error"].get<std::string>().empty());

  // An escalation: retried, shown as retrying with the error and the next try.
  add_escalation("alert-down-1");
  auto retrying = wait_for(kBravo, "/v1/escalations", op, [](const json& b) {
    return b["total"] == 1 && b["escalations"][0]["mail_state"] == "retrying";
  });
  ASSERT_EQ(retrying.body["escalations"][0]["mail_state"], "retrying") << retrying.body.dump();
  const auto& m = retrying.body["escalations"][0]["mail"][0];
  EXPECT_GE(m["attempts"].get<int>(), 1);
  EXPECT_TRUE(m["next_at"].is_string()) << m.dump();
  EXPECT_TRUE(m["at"].is_null());
  EXPECT_FALSE(m["error"].get<std::string>().empty());

  // The server comes up: the mail arrives, and shows delivered.
  ASSERT_NO_FATAL_FAILURE(start_smtp());
  auto delivered = wait_for(kBravo, "/v1/escalations", op, [](const json& b) {
    return b["escalations"][0]["mail_state"] == "delivered";
  });
  ASSERT_EQ(delivered.body["escalations"][0]["mail_state"], "delivered") << delivered.body.dump();
  EXPECT_TRUE(delivered.body["escalations"][0]["mail"][0]["next_at"].is_null());
  EXPECT_TRUE(fs::exists(inbox() / "1.eml"));

  // A server that refuses the recipient (550): the test says so, and the
  // next escalation's mail fails for good with the server's answer.
  smtp_.reset();
  fs::remove_all(inbox());
  ASSERT_NO_FATAL_FAILURE(start_smtp({"--reject"}));
  auto refused = call(kBravo, "POST", "/v1/mail/test", {{"to", "duty@bravo.example"}}, admin);
  EXPECT_EQ(refused.body["delivered"], false) << refused.body.dump();
  EXPECT_EQ(refused.body["permanent"], true);
  EXPECT_EQ(refused.body["smtp_code"], 550);
  EXPECT_NE(refused.body["error"].get<std::string>().find("no such mailbox"), std::string::npos);
  add_escalation("alert-refused-2");
  auto failed = wait_for(kBravo, "/v1/escalations", op, [](const json& b) {
    return b["total"] == 2 && b["escalations"][0]["mail_state"] == "failed";
  });
  ASSERT_EQ(failed.body["escalations"][0]["mail_state"], "failed") << failed.body.dump();
  const auto& f = failed.body["escalations"][0]["mail"][0];
  EXPECT_EQ(f["state"], "failed");
  EXPECT_TRUE(f["at"].is_string());
  EXPECT_NE(f["error"].get<std::string>().find("550"), std::string::npos) << f.dump();
  // The first one stays delivered.
  EXPECT_EQ(failed.body["escalations"][1]["mail_state"], "delivered");
}

}  // namespace mail_api_test
}  // namespace hotline::it
