// Alerts, requests and cases between two real nodes (docs/protocol.md §7):
// concurrent actions converge, escalations reach a real HTTPS webhook
// receiver signed with HMAC-SHA256, attachments cross a cut link and a
// restart, and bad item envelopes from a peer change nothing.
//
// The duty desk's use cases are called in this process on the nodes' data
// directories (as `hotline alert|request|case` do); the running `hotline
// serve` processes carry the envelopes. Escalations are checked with the
// time passed in (check_escalations(node, now + 20 min)): the service takes
// the time as an argument, so nobody waits a quarter of an hour.
#include <fstream>
#include <mutex>
#include <random>

#include "hotline/common/encoding.h"
#include "hotline/crypto/hmac.h"
#include "hotline/crypto/random.h"
#include "hotline/link/outbound.h"
#include "hotline/net/https_server.h"
#include "hotline/node/webhook.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/escalation_service.h"
#include "hotline/tls/certificate.h"
#include "hotline/tls/context.h"
#include "link_harness.h"

namespace hotline::it {
namespace desk_link_test {

model::Labels amber() {
  return model::Labels{};
}

class DeskLink : public TwoNodes {
 protected:
  nlohmann::json doc(Side s, const std::string& id) {
    auto node = service::open_node(dir(s));
    try {
      return service::show_item(*node.store, id, now_ms()).document;
    } catch (const Error&) {
      return nullptr;
    }
  }

  bool wait_state(Side s, const std::string& id, const std::string& state,
                  std::chrono::milliseconds timeout = 30s) {
    bool ok = testing::eventually(
        [&] {
          auto d = doc(s, id);
          return d.is_object() && d["state"] == state;
        },
        timeout);
    if (!ok) {
      std::printf("[desk] %s: %s is %s, expected %s\n", nodes_name(s), id.c_str(),
                  doc(s, id).dump().substr(0, 600).c_str(), state.c_str());
    }
    return ok;
  }
  static const char* nodes_name(Side s) { return s == kAlpha ? "alpha" : "bravo"; }

  std::vector<store::EventRecord> events(Side s, const std::string& kind) {
    auto node = service::open_node(dir(s));
    auto all =
        node.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 100000); });
    std::vector<store::EventRecord> out;
    for (auto& e : all) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  std::string new_request(Side s, model::RequestKind kind, model::Priority priority,
                          const std::string& subject, model::Labels labels = amber(),
                          std::vector<service::AttachmentNote> files = {}) {
    auto node = service::open_node(dir(s));
    service::RequestInput in;
    in.kind = kind;
    in.priority = priority;
    in.labels = labels;
    in.subject = subject;
    in.details = "Details of " + subject;
    in.files = std::move(files);
    return service::create_request(node, peer_name_of(s), in, "officer", std::string("supervisor"),
                                   now_ms())
        .record.id;
  }
};

// ---------------------------------------------------------------------------

TEST_F(DeskLink, ConcurrentWithdrawAndFinalResponseConvergeOnBothNodes) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const std::string id = new_request(kAlpha, model::RequestKind::preservation,
                                     model::Priority::normal, "Preserve logs of 203.0.113.7");
  ASSERT_TRUE(wait_state(kBravo, id, "received"));
  {
    auto bravo = service::open_node(dir(kBravo));
    service::act(bravo, "request", id, "acknowledge", nlohmann::json::object(), "duty-b", now_ms());
  }
  ASSERT_TRUE(wait_state(kAlpha, id, "acknowledged"));

  // Cut the link (both nodes down), act on both sides, bring them back: the
  // two envelopes cross. alpha withdrew first (by its signed sent_at).
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));
  const TimePoint t = now_ms();
  {
    auto alpha = service::open_node(dir(kAlpha));
    service::act(alpha, "request", id, "withdraw", {{"reason", "The case was solved"}}, "duty-a",
                 t);
    auto bravo = service::open_node(dir(kBravo));
    service::act(bravo, "request", id, "respond_final",
                 {{"note", "Logs preserved"}, {"attachments", nlohmann::json::array()}}, "duty-b",
                 t + 1s);
  }
  EXPECT_EQ(doc(kAlpha, id)["state"], "withdrawn");
  EXPECT_EQ(doc(kBravo, id)["state"], "responded_final");
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  ASSERT_TRUE(wait_state(kBravo, id, "withdrawn"));
  // alpha was withdrawn all along; wait for bravo's answer to reach it.
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto d = doc(kAlpha, id);
        return d.is_object() && d["void"].size() == 1;
      },
      30s))
      << doc(kAlpha, id).dump();
  auto a = doc(kAlpha, id);
  EXPECT_EQ(a["state"], "withdrawn");
  auto b = doc(kBravo, id);
  ASSERT_EQ(a["void"].size(), 1u) << a.dump();
  ASSERT_EQ(b["void"].size(), 1u) << b.dump();
  EXPECT_EQ(a["void"][0]["action"], "respond_final");
  EXPECT_EQ(a["void"][0]["envelope"], b["void"][0]["envelope"]);
  EXPECT_EQ(a["void"][0]["side"], "theirs");
  EXPECT_EQ(b["void"][0]["side"], "ours");
  EXPECT_FALSE(events(kBravo, "item_action_void").empty());
  EXPECT_FALSE(events(kAlpha, "item_action_void").empty());
}

// ---------------------------------------------------------------------------

// A real HTTPS receiver for the webhook: records every POST, answers 500 to
// the first `fail_first`, 200 after.
class WebhookReceiver {
 public:
  struct Hit {
    std::map<std::string, std::string> headers;
    std::string body;
  };
  WebhookReceiver(const fs::path& dir, int fail_first) : fail_first_(fail_first) {
    const auto cert = dir / "hook.crt";
    const auto key = dir / "hook.key";
    tls::generate_operator_certificate("webhook receiver", cert, key);
    pin_ = to_hex(tls::certificate_sha256(testing::read_file(cert)));
    net::ServerOptions so;
    so.name = "webhook";
    so.port = 0;
    server_ = std::make_unique<net::HttpsServer>(
        tls::operator_server_context(cert, key), so, [this](const net::HttpRequest& r) {
          std::lock_guard lock(mu_);
          hits_.push_back({r.headers, r.body});
          net::HttpResponse res;
          if (static_cast<int>(hits_.size()) <= fail_first_) res.status = 500;
          res.body = "{}";
          return res;
        });
    server_->start();
  }
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  const std::string& pin() const { return pin_; }
  std::vector<Hit> hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }

 private:
  int fail_first_;
  std::string pin_;
  std::mutex mu_;
  std::vector<Hit> hits_;
  std::unique_ptr<net::HttpsServer> server_;
};

TEST_F(DeskLink, MissedDeadlinesEscalateToASignedWebhookAndTheAlertLevelIsShared) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  WebhookReceiver hook(scratch(), /*fail_first=*/2);
  const std::string secret(40, 's');
  {
    auto bravo = service::open_node(dir(kBravo));
    bravo.store->transact([&](store::Transaction& tx) {
      service::save_webhook_config(tx,
                                   service::WebhookConfig{hook.url(), secret, hook.pin(), true});
    });
  }
  // An urgent alert (acknowledge within 15 min), an urgent takedown
  // (acknowledge 15 min, respond 1 h) and a TLP:RED one.
  std::string alert_id;
  {
    auto alpha = service::open_node(dir(kAlpha));
    service::AlertInput in;
    in.summary = "DDoS on the ministry's portal from your AS";
    in.labels = amber();
    alert_id = service::raise_alert(alpha, "bravo", in, "duty-a", now_ms()).record.id;
  }
  const std::string takedown = new_request(kAlpha, model::RequestKind::takedown,
                                           model::Priority::urgent, "Remove recruitment video");
  model::Labels red;
  red.tlp = model::Tlp::red;
  const std::string secret_one = new_request(kAlpha, model::RequestKind::takedown,
                                             model::Priority::urgent, "Informant's page", red);
  ASSERT_TRUE(wait_state(kBravo, alert_id, "delivered"));
  ASSERT_TRUE(wait_state(kBravo, takedown, "received"));
  ASSERT_TRUE(wait_state(kBravo, secret_one, "received"));
  ASSERT_TRUE(wait_state(kAlpha, alert_id, "delivered"));  // the receipt came back

  // Nothing is due yet.
  {
    auto bravo = service::open_node(dir(kBravo));
    EXPECT_TRUE(service::check_escalations(bravo, now_ms()).empty());
  }
  // 20 minutes later (the service takes the time as an argument).
  std::vector<store::EscalationRecord> fresh;
  {
    auto bravo = service::open_node(dir(kBravo));
    fresh = service::check_escalations(bravo, now_ms() + 20min);
    // Again: each (item, trigger) is recorded once.
    EXPECT_TRUE(service::check_escalations(bravo, now_ms() + 20min).empty());
  }
  std::set<std::string> triggers;
  for (const auto& e : fresh) triggers.insert(e.item_id.substr(30) + ":" + e.trigger);
  auto has = [&](const std::string& id, const std::string& trig) {
    return triggers.count(id.substr(30) + ":" + trig) == 1;
  };
  EXPECT_TRUE(has(alert_id, "alert.acknowledge.100"));
  EXPECT_FALSE(has(alert_id, "alert.acknowledge.200"));
  EXPECT_TRUE(has(takedown, "request.acknowledge.50"));
  EXPECT_TRUE(has(takedown, "request.acknowledge.80"));
  EXPECT_TRUE(has(takedown, "request.acknowledge.100"));
  EXPECT_FALSE(has(takedown, "request.respond.50"));  // 20 of 60 minutes
  EXPECT_TRUE(has(secret_one, "request.acknowledge.100"));
  for (const auto& e : fresh) {
    EXPECT_EQ(e.webhook_state, e.item_id == secret_one ? "withheld" : "pending") << e.trigger;
  }
  const std::size_t expected_posts = static_cast<std::size_t>(std::count_if(
      fresh.begin(), fresh.end(), [&](const auto& e) { return e.item_id != secret_one; }));

  // bravo's node posts them (after two refusals: retried), signed.
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto bravo = service::open_node(dir(kBravo));
        auto all = bravo.store->snapshot(
            [](store::Transaction& tx) { return tx.list_escalations(0, 1000); });
        return std::all_of(all.begin(), all.end(),
                           [](const auto& e) { return e.webhook_state != "pending"; });
      },
      60s))
      << "escalations still pending";
  auto hits = hook.hits();
  EXPECT_EQ(hits.size(), expected_posts + 2) << "two refused, then one POST each";
  std::set<std::string> delivered_bodies;
  for (const auto& h : hits) {
    ASSERT_TRUE(h.headers.count("x-hotline-signature")) << "unsigned POST";
    ASSERT_TRUE(h.headers.count("x-hotline-timestamp"));
    const std::string mac =
        to_hex(crypto::hmac_sha256(secret, h.headers.at("x-hotline-timestamp") + "." + h.body));
    EXPECT_EQ(h.headers.at("x-hotline-signature"), "sha256=" + mac);
    EXPECT_EQ(h.body.find("Informant"), std::string::npos) << "TLP:RED content left the node";
    EXPECT_EQ(h.body.find("TLP:RED"), std::string::npos);
    delivered_bodies.insert(h.body);
  }
  EXPECT_EQ(delivered_bodies.size(), expected_posts);
  // TLP:RED content is in no event, no stored escalation and no log line
  // (the events name the request by kind, id and label only).
  {
    auto bravo = service::open_node(dir(kBravo));
    bravo.store->snapshot([&](store::Transaction& tx) {
      bool named = false;
      for (const auto& e : tx.list_events(0, 100000)) {
        EXPECT_EQ(e.detail.find("Informant"), std::string::npos) << e.kind << ": " << e.detail;
        if (e.detail.find(secret_one) != std::string::npos && e.kind == "escalation") named = true;
      }
      EXPECT_TRUE(named) << "the escalation of the TLP:RED request is an event";
      for (const auto& e : tx.list_escalations(0, 1000)) {
        EXPECT_EQ(e.payload.find("Informant"), std::string::npos) << e.payload;
      }
    });
  }
  ASSERT_TRUE(testing::eventually(
      [&] { return log(kBravo).find("event=escalation") != std::string::npos; }, 30s));
  EXPECT_NE(log(kBravo).find(secret_one), std::string::npos);
  EXPECT_EQ(log(kBravo).find("Informant"), std::string::npos) << "TLP:RED title in the log";
  {
    auto bravo = service::open_node(dir(kBravo));
    auto all =
        bravo.store->snapshot([](store::Transaction& tx) { return tx.list_escalations(0, 1000); });
    int retried = 0;
    for (const auto& e : all) {
      if (e.webhook_state == "delivered") {
        EXPECT_TRUE(e.delivered_at.has_value());
      }
      if (e.attempts > 1) ++retried;
    }
    EXPECT_GE(retried, 1);
  }
  // The alert's escalation level reached alpha as a shared action.
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto d = doc(kAlpha, alert_id);
        return d.is_object() && d["escalation_level"] == 1;
      },
      30s))
      << doc(kAlpha, alert_id).dump();
  EXPECT_EQ(doc(kBravo, alert_id)["escalation_level"], 1);
  // An acknowledgement stops further alarms.
  {
    auto bravo = service::open_node(dir(kBravo));
    service::act(bravo, "alert", alert_id, "acknowledge", nlohmann::json::object(), "duty-b",
                 now_ms());
    auto later = service::check_escalations(bravo, now_ms() + 40min);
    for (const auto& e : later) EXPECT_NE(e.item_id, alert_id) << e.trigger;
  }
}

TEST_F(DeskLink, EscalationWatchLooksAgainOnlyWhenATriggerCanBeDue) {
  // The running node checks every second with an EscalationWatch: an item
  // is looked at again when it changed or when its next trigger may have
  // come, never later than that.
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const std::string takedown = new_request(kAlpha, model::RequestKind::takedown,
                                           model::Priority::urgent, "Remove recruitment video");
  ASSERT_TRUE(wait_state(kBravo, takedown, "received"));
  // Acknowledge within 15 minutes around the clock, from receipt.
  std::optional<TimePoint> start;
  const nlohmann::json received = doc(kBravo, takedown);
  for (const auto& d : received["deadlines"]) {
    if (d["name"] == "acknowledge") {
      ASSERT_EQ(d["minutes"], 15);
      ASSERT_EQ(d["calendar"], "always");
      start = parse_timestamp(d["start"].get<std::string>());
    }
  }
  ASSERT_TRUE(start.has_value()) << received.dump();
  auto bravo = service::open_node(dir(kBravo));
  service::EscalationWatch watch;
  // 7 minutes in (46.7 %): nothing due; 50 % comes in 30 seconds.
  EXPECT_TRUE(watch.check(bravo, *start + 7min).empty());
  EXPECT_EQ(watch.last_examined(), 1u);
  // Ten seconds later nothing can be due: the item is not even read.
  EXPECT_TRUE(watch.check(bravo, *start + 7min + 10s).empty());
  EXPECT_EQ(watch.last_examined(), 0u);
  // Past 7.5 minutes it is looked at again, and 50 % is recorded, once.
  auto fresh = watch.check(bravo, *start + 7min + 31s);
  EXPECT_EQ(watch.last_examined(), 1u);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].item_id, takedown);
  EXPECT_EQ(fresh[0].trigger, "request.acknowledge.50");
  // The stateless check agrees that nothing else is due.
  EXPECT_TRUE(service::check_escalations(bravo, *start + 7min + 31s).empty());
  // A change is looked at at once, whatever the memo said.
  service::act(bravo, "request", takedown, "acknowledge", nlohmann::json::object(), "duty-b",
               now_ms());
  EXPECT_TRUE(watch.check(bravo, *start + 7min + 32s).empty());
  EXPECT_EQ(watch.last_examined(), 1u);
}

// ---------------------------------------------------------------------------

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_F(DeskLink, AttachmentCrossesACutLinkAndARestartIntact) {
  // alpha fetches from bravo through the proxy.
  Options o;
  o.proxy_alpha_to_bravo = true;
  ASSERT_NO_FATAL_FAILURE(start_linked(o));
  const std::size_t size = kSanitized ? 12u << 20 : 40u << 20;
  const std::string content = random_bytes(size, 7);
  const fs::path original = scratch() / "evidence.pcap";
  { std::ofstream(original, std::ios::binary) << content; }
  std::string id;
  {
    auto bravo = service::open_node(dir(kBravo));
    auto note = service::import_attachment(bravo, original);
    EXPECT_EQ(note.size, static_cast<std::int64_t>(size));
    EXPECT_EQ(note.name, "evidence.pcap");
    // Encrypted at rest: the vault file does not contain the plaintext.
    const auto stored = testing::read_file(dir(kBravo) / "attachments" / (note.sha256 + ".att"));
    EXPECT_EQ(stored.find(content.substr(1000, 64)), std::string::npos);
    service::RequestInput in;
    in.kind = model::RequestKind::assistance;
    in.subject = "Analyse this capture";
    in.files = {note};
    id = service::create_request(bravo, "alpha", in, "duty-b", std::string("boss-b"), now_ms())
             .record.id;
  }
  // Chaos on alpha's connections to bravo while alpha fetches.
  proxy().start_chaos(120ms, 0xa77ac4);
  const auto sha = doc(kBravo, id)["files"][0]["sha256"].get<std::string>();
  const fs::path part = dir(kAlpha) / "attachments" / (sha + ".part");
  // Kill alpha once part of the file has arrived.
  bool killed = false;
  if (testing::eventually(
          [&] {
            std::error_code ec;
            return fs::exists(part, ec) && fs::file_size(part, ec) > (2u << 20);
          },
          60s)) {
    ASSERT_NO_FATAL_FAILURE(kill(kAlpha));
    killed = true;
    ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  }
  std::this_thread::sleep_for(1s);
  proxy().stop_chaos();
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto alpha = service::open_node(dir(kAlpha));
        auto rec = alpha.store->snapshot([&](store::Transaction& tx) {
          return tx.find_attachment_link(sha, link_of(*alpha.store, "bravo"),
                                         store::Direction::inbound);
        });
        return rec && rec->state == "complete";
      },
      90s))
      << "attachment not complete on alpha";
  std::printf("[desk] %zu MiB through %llu proxied connections, alpha killed mid-way: %s\n",
              size >> 20, static_cast<unsigned long long>(proxy().connections_accepted()),
              killed ? "yes" : "no (it finished first)");
  const fs::path out = scratch() / "received.pcap";
  {
    auto alpha = service::open_node(dir(kAlpha));
    service::export_attachment(alpha, sha, out);
  }
  EXPECT_TRUE(testing::read_file(out) == content) << "the received file differs";
  EXPECT_FALSE(fs::exists(part));
  EXPECT_FALSE(events(kAlpha, "attachment_received").empty());
}

TEST_F(DeskLink, OversizedAttachmentsAreRefusedOnBothEnds) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const fs::path big = scratch() / "big.bin";
  { std::ofstream(big, std::ios::binary) << random_bytes(3u << 20, 3); }
  // Sender side: alpha's limit is 2 MiB.
  {
    auto alpha = service::open_node(dir(kAlpha));
    alpha.store->transact([](store::Transaction& tx) {
      tx.put_setting(service::kAttachmentLimitSetting, std::to_string(2 << 20));
    });
    try {
      service::import_attachment(alpha, big);
      ADD_FAILURE() << "a 3 MiB file was imported under a 2 MiB limit";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "attachment_too_large");
    }
    EXPECT_TRUE(open_vault(alpha).list().empty());
  }
  // Receiving side: bravo sends 3 MiB; alpha refuses to fetch it.
  std::string sha;
  {
    auto bravo = service::open_node(dir(kBravo));
    auto note = service::import_attachment(bravo, big);
    sha = note.sha256;
    service::RequestInput in;
    in.subject = "Big file";
    in.files = {note};
    service::create_request(bravo, "alpha", in, "duty-b", std::string("boss-b"), now_ms());
  }
  ASSERT_TRUE(
      testing::eventually([&] { return !events(kAlpha, "attachment_refused").empty(); }, 30s));
  auto alpha = service::open_node(dir(kAlpha));
  auto rec = alpha.store->snapshot([&](store::Transaction& tx) {
    return tx.find_attachment_link(sha, link_of(*alpha.store, "bravo"), store::Direction::inbound);
  });
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state, "failed");
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(open_vault(alpha).info(sha).has_value()) << "alpha fetched a refused file";
}

// ---------------------------------------------------------------------------

TEST_F(DeskLink, BadItemEnvelopesFromThePeerChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  std::string alert_id;
  {
    auto alpha = service::open_node(dir(kAlpha));
    service::AlertInput in;
    in.summary = "Phishing kit hosted in your network";
    alert_id = service::raise_alert(alpha, "bravo", in, "duty-a", now_ms()).record.id;
  }
  const std::string req = new_request(kAlpha, model::RequestKind::information,
                                      model::Priority::normal, "Subscriber of 198.51.100.4");
  ASSERT_TRUE(wait_state(kBravo, req, "received"));
  ASSERT_TRUE(wait_state(kAlpha, alert_id, "delivered"));
  const auto alert_before = doc(kAlpha, alert_id);
  const auto req_before = doc(kAlpha, req);

  // bravo, as a buggy or hostile peer, sends envelopes the model refuses.
  auto bravo = service::open_node(dir(kBravo));
  auto peer = service::find_peer(*bravo.store, "alpha");
  auto ctx = service::link_context(bravo, peer);
  auto send_raw = [&](const std::string& type, const std::string& item, nlohmann::json body) {
    bravo.store->transact([&](store::Transaction& tx) {
      link::OutboundDraft d;
      d.type = type;
      d.ref = item;
      d.body = std::move(body);
      link::append_outbound(tx, ctx, std::move(d), now_ms());
    });
  };
  const std::string unknown = crypto::new_id();
  // 1. An action on an item alpha does not have.
  send_raw("request.acknowledge", unknown,
           {{"item", unknown},
            {"n", 0},
            {"seen", 0},
            {"actor", "x"},
            {"args", nlohmann::json::object()}});
  // 2. Forged side: bravo "closes" alpha's alert (only the raiser may).
  send_raw(
      "alert.close", alert_id,
      {{"item", alert_id}, {"n", 0}, {"seen", 1}, {"actor", "mallory"}, {"args", {{"note", "x"}}}});
  // 3. Illegal transition: a final response to a request not acknowledged.
  send_raw("request.respond_final", req,
           {{"item", req},
            {"n", 0},
            {"seen", 1},
            {"actor", "duty-b"},
            {"args", {{"note", "done"}, {"attachments", nlohmann::json::array()}}}});
  // 4. A second "send" for an existing id.
  send_raw(
      "request.send", req,
      {{"item", req}, {"n", 2}, {"seen", 1}, {"actor", "x"}, {"args", nlohmann::json::object()}});
  // 5. A body that is not an item action at all.
  send_raw("case.open", unknown, {{"title", "no item member"}});

  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 1, 30s));
  ASSERT_TRUE(testing::eventually(
      [&] {
        return events(kAlpha, "envelope_content_refused").size() >= 3 &&
               events(kAlpha, "item_action_void").size() >= 2;
      },
      10s))
      << "refusals not recorded";
  auto alert_after = doc(kAlpha, alert_id);
  auto req_after = doc(kAlpha, req);
  EXPECT_EQ(alert_after["state"], alert_before["state"]);
  EXPECT_EQ(alert_after["history"], alert_before["history"]);
  EXPECT_EQ(req_after["state"], req_before["state"]);
  EXPECT_EQ(req_after["history"], req_before["history"]);
  EXPECT_EQ(doc(kAlpha, unknown), nullptr);
  // The link itself keeps working: a desk message still gets through.
  service::send_desk_message(bravo, "alpha", "still here", now_ms());
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 1, 30s));
}

}  // namespace desk_link_test
}  // namespace hotline::it
