// Escalation webhooks against a real HTTPS receiver on 127.0.0.1 (a
// net::HttpsServer with a self-signed certificate, pinned by SHA-256) and a
// real SQLite store. Retry timing is driven with a fake `now`: no sleeping.
#include "hotline/node/webhook.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "../store/store_test_util.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/hmac.h"
#include "hotline/net/https_server.h"
#include "hotline/store/open.h"
#include "hotline/tls/tls.h"

namespace hotline::node {
namespace webhook_test {

using namespace std::chrono_literals;
using service::clear_webhook_config;
using service::load_webhook_config;
using service::normalize_pin_sha256;
using service::parse_webhook_url;
using service::save_webhook_config;
using service::validate_webhook_config;
using service::webhook_must_withhold;
using service::WebhookConfig;
using store::EscalationRecord;
using store::testing::error_code;
using store::testing::TempDir;

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef-test-secret";  // 44 bytes

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string header(const net::HttpRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string("<missing>") : it->second;
}

// What a receiver does: HMAC-SHA-256(secret, timestamp + "." + body).
std::string expected_signature(const std::string& secret, const net::HttpRequest& r) {
  std::string message = header(r, "x-hotline-timestamp") + "." + r.body;
  return "sha256=" + to_hex(crypto::hmac_sha256(secret, message));
}

// An HTTPS receiver that records every request and answers with scripted
// statuses (200 once the script is used up).
class Receiver {
 public:
  Receiver(const std::filesystem::path& cert, const std::filesystem::path& key) {
    net::ServerOptions opts;
    opts.name = "webhook-receiver";
    opts.port = 0;
    opts.threads = 1;
    opts.stop_timeout = 3s;
    server_ =
        std::make_unique<net::HttpsServer>(tls::operator_server_context(cert, key), opts,
                                           [this](const net::HttpRequest& r) { return handle(r); });
    server_->start();
  }

  void script(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    statuses_.assign(statuses.begin(), statuses.end());
  }
  std::vector<net::HttpRequest> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  std::uint16_t port() const { return server_->port(); }
  net::HttpsServer::Stats stats() const { return server_->stats(); }
  void stop() { server_->stop(); }

 private:
  net::HttpResponse handle(const net::HttpRequest& r) {
    std::lock_guard lock(mu_);
    received_.push_back(r);
    net::HttpResponse res;
    res.status = 200;
    if (!statuses_.empty()) {
      res.status = statuses_.front();
      statuses_.pop_front();
    }
    res.content_type = "text/plain";
    res.body = res.status == 200 ? "ok" : "receiver says no\n(line two)";
    return res;
  }

  mutable std::mutex mu_;
  std::deque<int> statuses_;
  std::vector<net::HttpRequest> received_;
  std::unique_ptr<net::HttpsServer> server_;
};

class Webhook : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cert_dir_ = std::make_unique<TempDir>();
    tls::generate_operator_certificate("Receiver", cert(), key());
    pin_ = to_hex(tls::certificate_sha256(slurp(cert())));
  }
  static void TearDownTestSuite() { cert_dir_.reset(); }

  static std::filesystem::path cert() { return cert_dir_->path() / "receiver.crt"; }
  static std::filesystem::path key() { return cert_dir_->path() / "receiver.key"; }

  void SetUp() override { store_ = store::open_sqlite(dir_.db()); }

  WebhookConfig config_for(std::uint16_t port,
                           const std::string& path = "/hooks/hotline?src=test") {
    WebhookConfig c;
    c.url = "https://127.0.0.1:" + std::to_string(port) + path;
    c.secret = kSecret;
    c.pin_sha256 = pin_;
    c.allow_internal = true;  // the receiver is on 127.0.0.1
    return c;
  }

  void configure(const WebhookConfig& c) {
    store_->transact([&](store::Transaction& tx) { save_webhook_config(tx, c); });
  }

  static WebhookOptions fast_options() {
    WebhookOptions o;
    o.connect_timeout = 3s;
    o.read_timeout = 5s;
    return o;
  }

  std::int64_t add_escalation(const std::string& item, const std::string& payload) {
    EscalationRecord e;
    e.item_id = item;
    e.item_kind = "alert";
    e.link = "link-1";
    e.trigger = "alert.acknowledge.100";
    e.at = "2026-11-27T09:44:49.123Z";
    e.payload = payload;
    return store_->transact([&](store::Transaction& tx) { return tx.insert_escalation(e); });
  }

  static std::string amber_payload(const std::string& item) {
    return R"({"event":"escalation","item":{"id":")" + item +
           R"(","kind":"alert","title":"Übung \"Nord\""},"tlp":"TLP:AMBER","trigger":"alert.acknowledge.100"})";
  }

  EscalationRecord escalation(std::int64_t id) {
    auto all =
        store_->snapshot([](store::Transaction& tx) { return tx.list_escalations(0, 1000); });
    for (const auto& e : all) {
      if (e.id == id) return e;
    }
    ADD_FAILURE() << "no escalation " << id;
    return {};
  }

  static inline std::unique_ptr<TempDir> cert_dir_;
  static inline std::string pin_;
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

// Issue #17, item 9: a webhook never points inward unless the node's
// operator allowed that host: checked when set, and again when sending.
TEST(WebhookDestination, InternalAddressesAreRefusedUnlessAllowed) {
  auto code_of = [](const std::string& url, bool allow = false) {
    WebhookConfig c;
    c.url = url;
    c.secret = std::string(40, 's');
    c.allow_internal = allow;
    try {
      service::check_webhook_destination(c);
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("none");
  };
  for (const char* url :
       {"https://127.0.0.1:8443/x", "https://localhost/x", "https://10.1.2.3/x",
        "https://192.168.0.9/x", "https://172.20.0.1/x", "https://169.254.169.254/latest",
        "https://[::1]/x", "https://[fe80::1]/x", "https://[fd00::5]/x", "https://0.0.0.0/x",
        "https://[::ffff:127.0.0.1]/x", "https://100.64.0.1/x"}) {
    EXPECT_EQ(code_of(url), "webhook_invalid") << url;
    EXPECT_EQ(code_of(url, true), "none") << url;
  }
  EXPECT_EQ(code_of("https://93.184.216.34/hook"), "none");
  EXPECT_EQ(code_of("https://[2001:4860:4860::8888]/hook"), "none");
}

TEST_F(Webhook, NothingIsSentInwardWithoutTheOperatorsLeave) {
  Receiver receiver(cert(), key());
  WebhookConfig c = config_for(receiver.port());
  configure(c);
  // The allowance was for another host name (as if the URL were changed
  // behind it, or the name now resolved inward): refused at send time.
  store_->transact([](store::Transaction& tx) { tx.put_setting("webhook.allow_internal", "x"); });
  add_escalation("item-1", amber_payload("item-1"));
  WebhookDispatcher dispatcher(*store_, fast_options());
  EXPECT_EQ(dispatcher.run_once(now_ms()), 0);
  EXPECT_TRUE(receiver.received().empty());
  EXPECT_NE(dispatcher.last_error().find("internal address"), std::string::npos)
      << dispatcher.last_error();
}

TEST_F(Webhook, DeliversSignedRequestWithAllHeaders) {
  Receiver receiver(cert(), key());
  configure(config_for(receiver.port()));
  const std::string payload = amber_payload("item-1");
  const std::int64_t id = add_escalation("item-1", payload);

  WebhookDispatcher dispatcher(*store_, fast_options());
  const TimePoint now = now_ms();
  EXPECT_EQ(dispatcher.run_once(now), 1);

  auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  const net::HttpRequest& r = got[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hooks/hotline?src=test");
  EXPECT_EQ(r.body, payload);  // exact stored bytes
  EXPECT_EQ(header(r, "content-type"), "application/json");
  EXPECT_EQ(header(r, "x-hotline-event"), "escalation");
  EXPECT_EQ(header(r, "x-hotline-delivery"), std::to_string(id));
  EXPECT_EQ(header(r, "x-hotline-timestamp"), std::to_string(unix_seconds(now)));
  const std::string sig = header(r, "x-hotline-signature");
  EXPECT_EQ(sig.substr(0, 7), "sha256=");
  EXPECT_EQ(sig.size(), 7u + 64u);
  EXPECT_EQ(sig, expected_signature(kSecret, r));
  EXPECT_TRUE(crypto::constant_time_equal(sig, expected_signature(kSecret, r)));
  // Neither another secret nor another timestamp gives the same signature.
  EXPECT_NE(sig, expected_signature(std::string(kSecret) + "x", r));
  net::HttpRequest replay = r;
  replay.headers["x-hotline-timestamp"] = std::to_string(unix_seconds(now) + 600);
  EXPECT_NE(sig, expected_signature(kSecret, replay));
  EXPECT_EQ(sig, webhook_signature(kSecret, unix_seconds(now), payload));

  auto e = escalation(id);
  EXPECT_EQ(e.webhook_state, "delivered");
  EXPECT_EQ(e.attempts, 1);
  EXPECT_EQ(e.last_error, "");
  EXPECT_EQ(e.delivered_at, format_timestamp(now));

  // Nothing pending any more: a second round sends nothing.
  EXPECT_EQ(dispatcher.run_once(now + 1s), 0);
  EXPECT_EQ(receiver.received().size(), 1u);
  EXPECT_TRUE(dispatcher.last_error().empty());
}

TEST_F(Webhook, ReusesOneConnectionForSeveralEscalations) {
  Receiver receiver(cert(), key());
  configure(config_for(receiver.port()));
  for (int i = 0; i < 4; ++i) add_escalation("item-" + std::to_string(i), amber_payload("x"));
  WebhookDispatcher dispatcher(*store_, fast_options());
  EXPECT_EQ(dispatcher.run_once(now_ms()), 4);
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 4u);
  // Oldest first.
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_LT(std::stoll(header(got[i - 1], "x-hotline-delivery")),
              std::stoll(header(got[i], "x-hotline-delivery")));
  }
  EXPECT_EQ(receiver.stats().connections_accepted, 1u);
}

TEST_F(Webhook, RetriesWithBackoffUntilDelivered) {
  Receiver receiver(cert(), key());
  receiver.script({500, 500, 200});
  configure(config_for(receiver.port()));
  const std::int64_t id = add_escalation("item-1", amber_payload("item-1"));
  WebhookDispatcher dispatcher(*store_, fast_options());

  const TimePoint t0 = now_ms();
  EXPECT_EQ(dispatcher.run_once(t0), 0);
  auto e = escalation(id);
  EXPECT_EQ(e.webhook_state, "pending");
  EXPECT_EQ(e.attempts, 1);
  const std::string host = "127.0.0.1:" + std::to_string(receiver.port());
  EXPECT_EQ(e.last_error.rfind("HTTP 500 from " + host, 0), 0u) << e.last_error;
  EXPECT_NE(e.last_error.find("receiver says no (line two)"), std::string::npos) << e.last_error;
  EXPECT_EQ(dispatcher.last_error(), e.last_error);

  // First retry after 0.8-1 s.
  ASSERT_TRUE(dispatcher.next_retry().has_value());
  EXPECT_GE(*dispatcher.next_retry(), t0 + 800ms);
  EXPECT_LE(*dispatcher.next_retry(), t0 + 1s);
  EXPECT_EQ(dispatcher.run_once(t0 + 10ms), 0);  // too early: nothing sent
  EXPECT_EQ(receiver.received().size(), 1u);
  EXPECT_EQ(escalation(id).attempts, 1);

  const TimePoint t1 = t0 + 1s;
  EXPECT_EQ(dispatcher.run_once(t1), 0);
  EXPECT_EQ(escalation(id).attempts, 2);
  // Second retry after 1.6-2 s.
  ASSERT_TRUE(dispatcher.next_retry().has_value());
  EXPECT_GE(*dispatcher.next_retry(), t1 + 1600ms);
  EXPECT_LE(*dispatcher.next_retry(), t1 + 2s);
  EXPECT_EQ(dispatcher.run_once(t1 + 1s), 0);  // still too early
  EXPECT_EQ(receiver.received().size(), 2u);

  const TimePoint t2 = t1 + 2s;
  EXPECT_EQ(dispatcher.run_once(t2), 1);
  e = escalation(id);
  EXPECT_EQ(e.webhook_state, "delivered");
  EXPECT_EQ(e.attempts, 3);
  EXPECT_EQ(e.last_error, "");
  EXPECT_EQ(e.delivered_at, format_timestamp(t2));
  EXPECT_FALSE(dispatcher.next_retry().has_value());

  // Every attempt: same delivery id, fresh timestamp, valid signature.
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  const TimePoint times[] = {t0, t1, t2};
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(header(got[i], "x-hotline-delivery"), std::to_string(id));
    EXPECT_EQ(header(got[i], "x-hotline-timestamp"), std::to_string(unix_seconds(times[i])));
    EXPECT_EQ(header(got[i], "x-hotline-signature"), expected_signature(kSecret, got[i]));
  }
}

TEST_F(Webhook, RetryDelayDoublesUpToFiveMinutesWithJitter) {
  WebhookOptions o;
  using D = std::chrono::milliseconds;
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 1, 0.0), D(1000));
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 2, 0.0), D(2000));
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 3, 0.0), D(4000));
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 9, 0.0), D(256000));
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 10, 0.0), D(300000));  // 512 s, capped
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 1000000, 0.0), D(300000));
  EXPECT_EQ(WebhookDispatcher::retry_delay(o, 1, 0.5), D(900));
  auto jittered = WebhookDispatcher::retry_delay(o, 20, 0.999999);
  EXPECT_GE(jittered, D(240000));
  EXPECT_LE(jittered, D(300000));
}

TEST_F(Webhook, ReceiverDownStaysPendingWithError) {
  std::uint16_t dead_port = 0;
  {
    Receiver gone(cert(), key());
    dead_port = gone.port();
    gone.stop();
  }
  configure(config_for(dead_port));
  const std::int64_t first = add_escalation("item-1", amber_payload("item-1"));
  const std::int64_t second = add_escalation("item-2", amber_payload("item-2"));
  WebhookDispatcher dispatcher(*store_, fast_options());

  const TimePoint t0 = now_ms();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(dispatcher.run_once(t0), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  auto e = escalation(first);
  EXPECT_EQ(e.webhook_state, "pending");
  EXPECT_EQ(e.attempts, 1);
  EXPECT_NE(e.last_error.find("cannot connect to 127.0.0.1:" + std::to_string(dead_port)),
            std::string::npos)
      << e.last_error;
  EXPECT_FALSE(dispatcher.last_error().empty());
  // The round stopped at the unreachable receiver: the second waits its turn.
  EXPECT_EQ(escalation(second).attempts, 0);
  EXPECT_EQ(dispatcher.run_once(t0 + 1ms), 0);
  EXPECT_EQ(escalation(second).attempts, 1);
  EXPECT_EQ(escalation(first).attempts, 1);
  EXPECT_EQ(escalation(second).webhook_state, "pending");

  // And it goes out once the receiver is back and the retry time has come.
  // (A new receiver gets a new port, so reconfigure: that also makes every
  // pending escalation due at once.)
  Receiver back(cert(), key());
  configure(config_for(back.port()));
  EXPECT_EQ(dispatcher.run_once(t0 + 2ms), 2);
  EXPECT_EQ(back.received().size(), 2u);
  EXPECT_EQ(escalation(first).attempts, 2);
  EXPECT_EQ(escalation(first).webhook_state, "delivered");
}

TEST_F(Webhook, TlpRedIsNeverPostedAndMarkedWithheld) {
  Receiver receiver(cert(), key());
  configure(config_for(receiver.port()));
  const std::int64_t red =
      add_escalation("item-red", R"({"event":"escalation","tlp":"TLP:RED","title":"secret"})");
  const std::int64_t nested = add_escalation(
      "item-nested", R"({"event":"escalation","item":{"labels":{"TLP":" tlp:red "}}})");
  const std::int64_t broken = add_escalation("item-broken", R"({"tlp":"TLP:AMBER",)");
  const std::int64_t amber = add_escalation("item-amber", amber_payload("item-amber"));

  WebhookDispatcher dispatcher(*store_, fast_options());
  EXPECT_EQ(dispatcher.run_once(now_ms()), 1);
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(header(got[0], "x-hotline-delivery"), std::to_string(amber));
  for (std::int64_t id : {red, nested, broken}) {
    auto e = escalation(id);
    EXPECT_EQ(e.webhook_state, "withheld") << id;
    EXPECT_EQ(e.attempts, 0) << id;
    EXPECT_NE(e.last_error.find("TLP:RED"), std::string::npos) << e.last_error;
  }
  EXPECT_EQ(escalation(amber).webhook_state, "delivered");

  // post_escalation refuses too, without sending.
  auto record = escalation(red);
  auto result = post_escalation(config_for(receiver.port()), record, unix_seconds(now_ms()));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("TLP:RED"), std::string::npos);
  EXPECT_EQ(receiver.received().size(), 1u);

  EXPECT_TRUE(webhook_must_withhold(R"({"tlp":"TLP:RED"})"));
  EXPECT_TRUE(webhook_must_withhold(R"([{"x":[{"tlp":"tlp:red"}]}])"));
  EXPECT_TRUE(webhook_must_withhold("not json"));
  EXPECT_FALSE(webhook_must_withhold(R"({"tlp":"TLP:AMBER+STRICT","note":"TLP:RED in text"})"));
  EXPECT_FALSE(webhook_must_withhold(R"({"tlp":"TLP:CLEAR"})"));
}

TEST_F(Webhook, WrongPinIsNotDeliveredAndSaysWhy) {
  Receiver receiver(cert(), key());
  WebhookConfig c = config_for(receiver.port());
  c.pin_sha256 = std::string(64, '0');
  configure(c);
  const std::int64_t id = add_escalation("item-1", amber_payload("item-1"));
  WebhookDispatcher dispatcher(*store_, fast_options());
  EXPECT_EQ(dispatcher.run_once(now_ms()), 0);
  auto e = escalation(id);
  EXPECT_EQ(e.webhook_state, "pending");
  EXPECT_EQ(e.attempts, 1);
  EXPECT_NE(e.last_error.find("refused the TLS session"), std::string::npos) << e.last_error;
  EXPECT_EQ(receiver.received().size(), 0u);

  auto result = post_escalation(c, e, unix_seconds(now_ms()));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("127.0.0.1:" + std::to_string(receiver.port())), std::string::npos)
      << result.error;

  // Without a pin the self-signed certificate fails the system trust store.
  c.pin_sha256.reset();
  result = post_escalation(c, e, unix_seconds(now_ms()));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.error.empty());
  EXPECT_EQ(receiver.received().size(), 0u);
}

TEST_F(Webhook, NoConfigLeavesEscalationsPending) {
  const std::int64_t id = add_escalation("item-1", amber_payload("item-1"));
  WebhookDispatcher dispatcher(*store_, fast_options());
  EXPECT_EQ(dispatcher.run_once(now_ms()), 0);
  auto e = escalation(id);
  EXPECT_EQ(e.webhook_state, "pending");
  EXPECT_EQ(e.attempts, 0);

  // A stored config that no longer validates is reported, not used.
  store_->transact([](store::Transaction& tx) {
    tx.put_setting("webhook.url", "http://insecure.example/hook");
    tx.put_setting("webhook.secret", kSecret);
  });
  EXPECT_EQ(dispatcher.run_once(now_ms()), 0);
  EXPECT_NE(dispatcher.last_error().find("https://"), std::string::npos) << dispatcher.last_error();
  EXPECT_EQ(escalation(id).attempts, 0);
}

TEST_F(Webhook, PostEscalationAndTestEvent) {
  Receiver receiver(cert(), key());
  receiver.script({200, 503});
  const WebhookConfig c = config_for(receiver.port(), "/t");
  const std::int64_t ts = unix_seconds(now_ms());

  auto result = post_test_event(c, "Alpha Office", ts);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.error, "");
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/t");
  EXPECT_EQ(header(got[0], "x-hotline-event"), "test");
  EXPECT_EQ(header(got[0], "x-hotline-delivery"), "test-" + std::to_string(ts));
  EXPECT_EQ(header(got[0], "x-hotline-signature"), expected_signature(kSecret, got[0]));
  EXPECT_NE(got[0].body.find("Alpha Office"), std::string::npos);

  EscalationRecord e;
  e.id = 77;
  e.payload = amber_payload("item-9");
  result = post_escalation(c, e, ts);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(result.error.rfind("HTTP 503 from 127.0.0.1:" + std::to_string(receiver.port()), 0), 0u)
      << result.error;

  // An invalid config is an error result, not an exception, and sends nothing.
  WebhookConfig bad = c;
  bad.secret = "short";
  result = post_escalation(bad, e, ts);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("at least 32 bytes"), std::string::npos) << result.error;
  EXPECT_EQ(receiver.received().size(), 2u);
}

TEST_F(Webhook, ParsesUrls) {
  auto t = parse_webhook_url("https://Hooks.Example.org/hotline/escalations?x=1");
  EXPECT_EQ(t.host, "hooks.example.org");
  EXPECT_EQ(t.port, 443);
  EXPECT_EQ(t.target, "/hotline/escalations?x=1");
  EXPECT_EQ(t.authority, "hooks.example.org");

  t = parse_webhook_url("HTTPS://10.0.0.5:8443");
  EXPECT_EQ(t.host, "10.0.0.5");
  EXPECT_EQ(t.port, 8443);
  EXPECT_EQ(t.target, "/");
  EXPECT_EQ(t.authority, "10.0.0.5:8443");

  t = parse_webhook_url("https://[::1]:9000/h");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 9000);
  EXPECT_EQ(t.authority, "[::1]:9000");

  for (const char* bad :
       {"", "http://hooks.example.org/h", "ftp://hooks.example.org/h", "hooks.example.org/h",
        "https:///h", "https://user:pw@hooks.example.org/h", "https://hooks.example.org/h#frag",
        "https://hooks.example.org:0/h", "https://hooks.example.org:70000/h",
        "https://hooks.example.org:x/h", "https://hooks.example.org:/h",
        "https://hooks example.org/h", "https://hooks.example.org/a b", "https://bad_host/h",
        "https://[::1/h", "https://[zz]/h", "https://hooks.example.org/\xc3\xbc"}) {
    EXPECT_EQ(error_code([&] { parse_webhook_url(bad); }), "webhook_invalid") << bad;
  }
  try {
    parse_webhook_url("http://hooks.example.org/h");
    ADD_FAILURE() << "accepted http://";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("must use https://"), std::string::npos) << e.what();
  }
}

TEST_F(Webhook, ValidatesSavesLoadsAndClearsConfig) {
  WebhookConfig c;
  c.url = "https://hooks.example.org/h";
  c.secret = std::string(31, 's');
  EXPECT_EQ(error_code([&] { validate_webhook_config(c); }), "webhook_invalid");
  EXPECT_EQ(error_code([&] {
              store_->transact([&](store::Transaction& tx) { save_webhook_config(tx, c); });
            }),
            "webhook_invalid");
  c.secret = std::string(32, 's');
  EXPECT_EQ(error_code([&] { validate_webhook_config(c); }), "none");
  c.url = "https://hooks.example.org:99999/h";
  EXPECT_EQ(error_code([&] { validate_webhook_config(c); }), "webhook_invalid");
  c.url = "https://hooks.example.org/h";

  // Pins: colon form and upper case are normalized; other lengths refused.
  std::string colon;
  for (int i = 0; i < 32; ++i) colon += (i ? ":" : "") + std::string("AB");
  std::string ab;
  for (int i = 0; i < 32; ++i) ab += "ab";
  EXPECT_EQ(normalize_pin_sha256(colon), ab);
  EXPECT_EQ(normalize_pin_sha256(" " + ab + "\n"), ab);
  EXPECT_EQ(error_code([] { normalize_pin_sha256("abcd"); }), "webhook_invalid");
  EXPECT_EQ(error_code([] { normalize_pin_sha256(std::string(64, 'g')); }), "webhook_invalid");
  c.pin_sha256 = colon;
  EXPECT_EQ(error_code([&] { validate_webhook_config(c); }), "webhook_invalid");  // not normal

  EXPECT_FALSE(store_->snapshot([](store::Transaction& tx) { return load_webhook_config(tx); }));
  store_->transact([&](store::Transaction& tx) { save_webhook_config(tx, c); });
  auto loaded = store_->snapshot([](store::Transaction& tx) { return load_webhook_config(tx); });
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->url, c.url);
  EXPECT_EQ(loaded->secret, c.secret);
  EXPECT_EQ(loaded->pin_sha256, normalize_pin_sha256(colon));

  c.pin_sha256.reset();
  store_->transact([&](store::Transaction& tx) { save_webhook_config(tx, c); });
  loaded = store_->snapshot([](store::Transaction& tx) { return load_webhook_config(tx); });
  ASSERT_TRUE(loaded.has_value());
  EXPECT_FALSE(loaded->pin_sha256.has_value());

  store_->transact([](store::Transaction& tx) { clear_webhook_config(tx); });
  EXPECT_FALSE(store_->snapshot([](store::Transaction& tx) { return load_webhook_config(tx); }));
  EXPECT_EQ(
      store_->snapshot([](store::Transaction& tx) { return tx.get_setting("webhook.secret"); }),
      std::optional<std::string>(""));
}

TEST_F(Webhook, RequestCarriesHostAndSignatureOverTimestampAndBody) {
  WebhookConfig c;
  c.url = "https://hooks.example.org/in";
  c.secret = kSecret;
  auto target = parse_webhook_url(c.url);
  auto r = make_webhook_request(c, target, "escalation", "5", R"({"a":1})", 1795772689);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/in");
  EXPECT_EQ(r.headers.at("Host"), "hooks.example.org");
  EXPECT_EQ(r.headers.at("X-Hotline-Timestamp"), "1795772689");
  EXPECT_EQ(r.headers.at("X-Hotline-Signature"),
            "sha256=" + to_hex(crypto::hmac_sha256(kSecret, R"(1795772689.{"a":1})")));
}

}  // namespace webhook_test
}  // namespace hotline::node
