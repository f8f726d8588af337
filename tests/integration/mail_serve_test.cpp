// Escalation e-mail from a running node (`hotline serve`): an alert's
// deadline runs out on bravo, bravo's mailer thread sends the e-mail through
// a real SMTP server (aiosmtpd, tests/support/smtp_server.py) with STARTTLS
// and AUTH; a TLP:RED alert's title never reaches the mail.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hotline/service/desk_service.h"
#include "hotline/service/escalation_service.h"
#include "hotline/service/mail_config.h"
#include "hotline/tls/certificate.h"
#include "link_harness.h"

namespace hotline::it {
namespace mail_serve_test {

using namespace std::chrono_literals;

const fs::path kServerScript = fs::path(HOTLINE_PG_CLUSTER_SCRIPT).parent_path().parent_path() /
                               "tests/support/smtp_server.py";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MailServe : public TwoNodes {};

TEST_F(MailServe, AnOverdueAlertIsMailedByTheRunningNode) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const fs::path cert = scratch() / "relay.crt", key = scratch() / "relay.key";
  tls::generate_operator_certificate("Relay", cert, key);
  const std::uint16_t port = testing::free_port();
  const fs::path inbox = scratch() / "inbox";
  testing::Process smtp({"/usr/bin/python3", kServerScript.string(), "--port", std::to_string(port),
                         "--dir", inbox.string(), "--cert", cert.string(), "--key", key.string(),
                         "--user", "relay", "--password", "pw"},
                        scratch() / "smtp");
  ASSERT_TRUE(testing::eventually([&] { return fs::exists(inbox / "ready"); }, 15s)) << smtp.err();
  {
    auto bravo = service::open_node(dir(kBravo));
    service::MailConfig c;
    c.host = "127.0.0.1";
    c.port = port;
    c.ca_file = cert.string();
    c.user = "relay";
    c.password = "pw";
    c.from = "hotline@bravo.example";
    c.base_url = "https://hotline.bravo.example";
    c.recipients = {service::parse_mail_recipient("duty@bravo.example:zh-CN")};
    bravo.store->transact([&](store::Transaction& tx) { service::save_mail_config(tx, c); });
  }
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
  auto delivered = [&](const std::string& id) {
    auto bravo = service::open_node(dir(kBravo));
    try {
      return service::show_item(*bravo.store, id, now_ms()).document["state"] == "delivered";
    } catch (const Error&) {
      return false;
    }
  };
  ASSERT_TRUE(testing::eventually([&] { return delivered(amber_id) && delivered(red_id); }, 30s));
  {
    auto bravo = service::open_node(dir(kBravo));
    EXPECT_EQ(service::check_escalations(bravo, now_ms() + 20min).size(), 2u);
  }
  // bravo's running node queues and sends them.
  ASSERT_TRUE(testing::eventually(
      [&] { return fs::exists(inbox / "1.eml") && fs::exists(inbox / "2.eml"); }, 60s))
      << smtp.err() << log(kBravo);
  auto bravo = service::open_node(dir(kBravo));
  auto all = bravo.store->snapshot([](store::Transaction& tx) {
    std::vector<store::EscalationMailRecord> out;
    for (const auto& e : tx.list_escalations(0, 100)) {
      for (auto& m : tx.list_escalation_mails(e.id)) out.push_back(m);
    }
    return out;
  });
  ASSERT_EQ(all.size(), 2u);
  for (const auto& m : all) EXPECT_EQ(m.state, "delivered") << m.last_error;
  for (const char* n : {"1.eml", "2.eml"}) {
    const std::string raw = slurp(inbox / n);
    EXPECT_NE(raw.find("Message-ID: <hotline.esc-"), std::string::npos);
    EXPECT_EQ(raw.find("Kestrel"), std::string::npos) << "TLP:RED content in a mail";
  }
  EXPECT_FALSE(fs::exists(inbox / "3.eml"));
}

}  // namespace mail_serve_test
}  // namespace hotline::it
