// Escalation e-mail against a REAL SMTP server (aiosmtpd, Debian
// python3-aiosmtpd; tests/support/smtp_server.py) on 127.0.0.1 with
// STARTTLS (a certificate made here, trusted through the CA file) and AUTH,
// which writes each message it accepts to a folder read here. A real SQLite
// store; retry timing driven with a fake `now`.
#include "hotline/node/mail.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../store/store_test_util.h"
#include "hotline/common/time.h"
#include "hotline/store/open.h"
#include "hotline/tls/tls.h"
#include "support/process.h"

namespace hotline::node {
namespace mail_test {

using namespace std::chrono_literals;
using store::EscalationMailRecord;
using store::EscalationRecord;
using store::testing::TempDir;

const std::string kServerScript = std::string(HOTLINE_VECTORS_DIR) + "/../support/smtp_server.py";
constexpr const char* kUser = "hotline-relay";
constexpr const char* kPassword = "relay secret 42";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string b64decode(const std::string& in) {
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = chars.find(c);
    if (pos == std::string::npos) continue;  // line breaks, padding
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// A received message, split into its headers and its two decoded parts.
struct Received {
  std::string raw;
  std::string headers;
  std::string plain;
  std::string html;
  std::string header(const std::string& name) const {
    auto pos = headers.find("\n" + name + ": ");
    if (pos == std::string::npos) pos = headers.rfind(name + ": ", 0) == 0 ? 0 : pos;
    if (pos == std::string::npos) return "<missing>";
    pos = headers.find(": ", pos) + 2;
    std::string value;
    for (;;) {
      auto end = headers.find('\n', pos);
      value += headers.substr(pos, end - pos);
      if (end == std::string::npos || end + 1 >= headers.size() || headers[end + 1] != ' ') break;
      pos = end + 1;
    }
    while (!value.empty() && (value.back() == '\r')) value.pop_back();
    return value;
  }
};

std::string part_body(const std::string& raw, const std::string& type) {
  auto pos = raw.find("Content-Type: " + type);
  if (pos == std::string::npos) return "<no " + type + " part>";
  auto start = raw.find("\r\n\r\n", pos) + 4;
  auto end = raw.find("--=_hotline_", start);
  return b64decode(raw.substr(start, end - start));
}

Received parse(const std::string& raw) {
  Received r;
  r.raw = raw;
  r.headers = raw.substr(0, raw.find("\r\n\r\n"));
  r.plain = part_body(raw, "text/plain");
  r.html = part_body(raw, "text/html");
  return r;
}

// The SMTP server as a child process.
class SmtpServer {
 public:
  SmtpServer(const std::filesystem::path& folder, std::uint16_t port,
             const std::filesystem::path& cert, const std::filesystem::path& key,
             std::vector<std::string> extra = {})
      : folder_(folder) {
    std::vector<std::string> args = {"/usr/bin/python3",
                                     kServerScript,
                                     "--port",
                                     std::to_string(port),
                                     "--dir",
                                     folder.string(),
                                     "--cert",
                                     cert.string(),
                                     "--key",
                                     key.string(),
                                     "--user",
                                     kUser,
                                     "--password",
                                     kPassword};
    args.insert(args.end(), extra.begin(), extra.end());
    std::filesystem::remove(folder / "ready");
    process_ = std::make_unique<hotline::testing::Process>(args, folder.parent_path() / "smtp-log");
    ready_ = hotline::testing::eventually([&] { return std::filesystem::exists(folder / "ready"); },
                                          15s);
  }
  bool ready() const { return ready_; }
  std::vector<Received> messages() const {
    std::vector<Received> out;
    for (int n = 1;; ++n) {
      auto p = folder_ / (std::to_string(n) + ".eml");
      if (!std::filesystem::exists(p)) break;
      out.push_back(parse(slurp(p)));
    }
    return out;
  }
  std::string log() const { return process_->err(); }

 private:
  std::filesystem::path folder_;
  std::unique_ptr<hotline::testing::Process> process_;
  bool ready_ = false;
};

class Mail : public ::testing::Test {
 protected:
  void SetUp() override {
    tls::generate_operator_certificate("Relay", cert(), key());
    store_ = store::open_sqlite(dir_.path() / "node.db");
    port_ = hotline::testing::free_port();
  }
  std::filesystem::path cert() const { return dir_.path() / "relay.crt"; }
  std::filesystem::path key() const { return dir_.path() / "relay.key"; }
  std::filesystem::path inbox() const { return dir_.path() / "inbox"; }

  service::MailConfig config() const {
    service::MailConfig c;
    c.host = "127.0.0.1";
    c.port = port_;
    c.ca_file = cert().string();
    c.user = kUser;
    c.password = kPassword;
    c.from = "hotline@desk.example";
    c.base_url = "https://hotline.desk.example:8443/";
    c.recipients = {service::parse_mail_recipient("duty@desk.example"),
                    service::parse_mail_recipient("chief@desk.example:zh-CN:alert")};
    return c;
  }
  void configure(const service::MailConfig& c) {
    store_->transact([&](store::Transaction& tx) { service::save_mail_config(tx, c); });
  }
  static MailOptions fast() {
    MailOptions o;
    o.smtp.connect_timeout = 5s;
    o.smtp.reply_timeout = 10s;
    return o;
  }
  std::int64_t add_escalation(const std::string& item, const std::string& tlp,
                              const std::string& title) {
    EscalationRecord e;
    e.item_id = item;
    e.item_kind = "alert";
    e.link = "link-1";
    e.trigger = "alert.acknowledge.100";
    e.at = "2026-12-07T09:44:49.123Z";
    e.payload =
        R"({"event":"escalation","trigger":"alert.acknowledge.100","item":{"id":")" + item +
        R"(","kind":"alert","title":")" + title + R"(","state":"delivered"},"tlp":")" + tlp +
        R"(","peer":"Bravo","deadline":{"name":"acknowledge","due_at":"2026-12-07T09:40:00.000Z"}})";
    return store_->transact([&](store::Transaction& tx) { return tx.insert_escalation(e); });
  }
  std::vector<EscalationMailRecord> mails(std::int64_t id) {
    return store_->snapshot([id](store::Transaction& tx) { return tx.list_escalation_mails(id); });
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::uint16_t port_ = 0;
};

TEST(MailText, DotStuffingAndLineEnds) {
  EXPECT_EQ(net::dot_stuff(".a\r\nb\n.\r\n..c"), "..a\r\nb\r\n..\r\n...c\r\n");
}

TEST(MailText, RecipientsParseAndRefuse) {
  auto r = service::parse_mail_recipient("chief@desk.example:zh-CN:alert,round");
  EXPECT_EQ(r.lang, "zh-CN");
  EXPECT_EQ(r.kinds, (std::vector<std::string>{"alert", "round"}));
  EXPECT_THROW(service::parse_mail_recipient("not an address"), Error);
  EXPECT_THROW(service::parse_mail_recipient("a@b.example:fr"), Error);
  EXPECT_THROW(service::parse_mail_recipient("a@b.example:en:case"), Error);
}

TEST_F(Mail, DeliversInEachRecipientsLanguageOverStartTlsWithAuth) {
  SmtpServer server(inbox(), port_, cert(), key());
  ASSERT_TRUE(server.ready()) << server.log();
  configure(config());
  const auto id = add_escalation("0190a1b2-alert-amber", "TLP:AMBER", "Exercise North");
  MailDispatcher d(*store_, fast());
  EXPECT_EQ(d.run_once(now_ms()), 2) << d.last_error();
  auto got = server.messages();
  ASSERT_EQ(got.size(), 2u) << server.log();
  auto rows = mails(id);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& m : rows) {
    EXPECT_EQ(m.state, "delivered") << m.last_error;
    EXPECT_EQ(m.attempts, 1);
    EXPECT_TRUE(m.done_at.has_value());
  }
  for (const auto& msg : got) {
    const bool zh = msg.header("To") == "<chief@desk.example>";
    EXPECT_EQ(msg.header("From"), "Hotline <hotline@desk.example>");
    EXPECT_NE(msg.header("Message-ID").find("@desk.example>"), std::string::npos);
    EXPECT_NE(msg.header("Date"), "<missing>");
    EXPECT_NE(msg.header("Content-Type").find("multipart/alternative"), std::string::npos);
    // 7-bit on the wire: the Subject is RFC 2047, the bodies base64.
    for (char c : msg.raw) ASSERT_LT(static_cast<unsigned char>(c), 0x80);
    EXPECT_EQ(msg.header("Subject").rfind("=?UTF-8?B?", 0) == 0, zh) << msg.header("Subject");
    EXPECT_NE(msg.plain.find("Exercise North"), std::string::npos);
    EXPECT_NE(msg.html.find("Exercise North"), std::string::npos);
    EXPECT_NE(msg.plain.find("https://hotline.desk.example:8443/alerts/0190a1b2-alert-amber"),
              std::string::npos)
        << msg.plain;
    EXPECT_NE(msg.plain.find("2026-12-07T09:40:00.000Z"), std::string::npos);
    if (zh) {
      EXPECT_NE(msg.plain.find("告警在期限内未被确认"), std::string::npos) << msg.plain;
      EXPECT_NE(msg.html.find("lang=\"zh-CN\""), std::string::npos);
    } else {
      EXPECT_NE(msg.plain.find("Alert not acknowledged by its deadline"), std::string::npos);
      EXPECT_NE(msg.html.find("<h2>Alert not acknowledged"), std::string::npos);
    }
  }
  // Nothing more to send.
  EXPECT_EQ(d.run_once(now_ms() + 1h), 0);
  EXPECT_EQ(server.messages().size(), 2u);
}

TEST_F(Mail, RedItemsTitleNeverInTheMail) {
  SmtpServer server(inbox(), port_, cert(), key());
  ASSERT_TRUE(server.ready()) << server.log();
  auto c = config();
  c.recipients.pop_back();
  configure(c);
  add_escalation("0190a1b2-alert-red", "TLP:RED", "Secret Operation Kestrel");
  MailDispatcher d(*store_, fast());
  EXPECT_EQ(d.run_once(now_ms()), 1) << d.last_error();
  auto got = server.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].raw.find("Kestrel"), std::string::npos);
  EXPECT_EQ(got[0].plain.find("Kestrel"), std::string::npos);
  EXPECT_EQ(got[0].html.find("Kestrel"), std::string::npos);
  EXPECT_NE(got[0].plain.find("TLP:RED"), std::string::npos);
  EXPECT_NE(got[0].plain.find("/alerts/0190a1b2-alert-red"), std::string::npos);
}

TEST_F(Mail, ServerDownRetriesThenDeliversOnceWithTheSameMessageId) {
  auto c = config();
  c.recipients.pop_back();
  configure(c);
  const auto id = add_escalation("0190a1b2-alert-down", "TLP:GREEN", "Relay outage drill");
  MailDispatcher d(*store_, fast());
  const TimePoint t0 = now_ms();
  EXPECT_EQ(d.run_once(t0), 0);
  auto rows = mails(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "pending");
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_NE(rows[0].last_error.find("connecting to 127.0.0.1"), std::string::npos)
      << rows[0].last_error;
  // When it is tried again is recorded (the API shows it): 1 s less jitter.
  ASSERT_TRUE(rows[0].next_at.has_value());
  EXPECT_GE(parse_timestamp(*rows[0].next_at), t0 + 800ms);
  EXPECT_LE(parse_timestamp(*rows[0].next_at), t0 + 1s);
  // Not before its retry time.
  EXPECT_EQ(d.run_once(t0 + 100ms), 0);
  EXPECT_EQ(mails(id)[0].attempts, 1);
  EXPECT_EQ(d.run_once(t0 + 2s), 0);
  EXPECT_EQ(mails(id)[0].attempts, 2);

  SmtpServer server(inbox(), port_, cert(), key());
  ASSERT_TRUE(server.ready()) << server.log();
  EXPECT_EQ(d.run_once(t0 + 10min), 1) << d.last_error();
  rows = mails(id);
  EXPECT_EQ(rows[0].state, "delivered");
  EXPECT_EQ(rows[0].attempts, 3);
  EXPECT_EQ(rows[0].last_error, "");
  EXPECT_FALSE(rows[0].next_at.has_value());
  auto got = server.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].header("Message-ID"), rows[0].message_id);
  EXPECT_EQ(d.run_once(t0 + 20min), 0);
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST_F(Mail, PermanentRefusalIsRecordedAsFailedWithTheServersAnswerEscaped) {
  SmtpServer server(inbox(), port_, cert(), key(), {"--reject"});
  ASSERT_TRUE(server.ready()) << server.log();
  auto c = config();
  c.recipients.pop_back();
  configure(c);
  const auto id = add_escalation("0190a1b2-alert-5xx", "TLP:GREEN", "Bounce");
  MailDispatcher d(*store_, fast());
  EXPECT_EQ(d.run_once(now_ms()), 0);
  auto rows = mails(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "failed");
  EXPECT_NE(rows[0].last_error.find("550"), std::string::npos) << rows[0].last_error;
  EXPECT_NE(rows[0].last_error.find("no such mailbox"), std::string::npos);
  EXPECT_EQ(rows[0].last_error.find('\x07'), std::string::npos);
  // Failed is final: not tried again.
  EXPECT_EQ(d.run_once(now_ms() + 1h), 0);
  EXPECT_EQ(mails(id)[0].attempts, 1);
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(Mail, ServerWithoutStartTlsIsRefusedAndNothingIsSent) {
  SmtpServer server(inbox(), port_, cert(), key(), {"--no-starttls"});
  ASSERT_TRUE(server.ready()) << server.log();
  auto c = config();
  c.recipients.pop_back();
  configure(c);
  const auto id = add_escalation("0190a1b2-alert-clear", "TLP:GREEN", "Clear text");
  MailDispatcher d(*store_, fast());
  EXPECT_EQ(d.run_once(now_ms()), 0);
  auto rows = mails(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "pending");
  EXPECT_NE(rows[0].last_error.find("does not offer STARTTLS"), std::string::npos)
      << rows[0].last_error;
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(Mail, UntrustedCertificateIsRefused) {
  SmtpServer server(inbox(), port_, cert(), key());
  ASSERT_TRUE(server.ready()) << server.log();
  auto c = config();
  c.recipients.pop_back();
  c.ca_file.clear();  // the system trust store does not know the test certificate
  configure(c);
  const auto id = add_escalation("0190a1b2-alert-ca", "TLP:GREEN", "Untrusted");
  MailDispatcher d(*store_, fast());
  EXPECT_EQ(d.run_once(now_ms()), 0);
  auto rows = mails(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "pending");
  EXPECT_NE(rows[0].last_error.find("certificate"), std::string::npos) << rows[0].last_error;
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(Mail, EscalationsBeforeTheConfigurationAreNotMailed) {
  const auto old = add_escalation("0190a1b2-alert-old", "TLP:GREEN", "Old");
  configure(config());
  MailDispatcher d(*store_, fast());
  SmtpServer server(inbox(), port_, cert(), key());
  ASSERT_TRUE(server.ready()) << server.log();
  const auto fresh = add_escalation("0190a1b2-alert-new", "TLP:GREEN", "New");
  EXPECT_EQ(d.run_once(now_ms()), 2) << d.last_error();
  EXPECT_TRUE(mails(old).empty());
  EXPECT_EQ(mails(fresh).size(), 2u);
}

}  // namespace mail_test
}  // namespace hotline::node
