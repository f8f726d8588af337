#include "hotline/api/node_server.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "hotline/api/peer_transport.h"
#include "hotline/api/webhook.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/thread_name.h"
#include "hotline/link/receiver.h"
#include "hotline/net/https_client.h"
#include "hotline/net/https_server.h"
#include "hotline/node/inbound.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/escalation_service.h"
#include "hotline/service/ledger_service.h"
#include "hotline/service/link_service.h"
#include "hotline/tls/context.h"

namespace hotline::api {
namespace {

constexpr std::int64_t kDefaultHeartbeatS = 60;
constexpr std::int64_t kMissedHeartbeatsForDown = 3;

}  // namespace

struct NodeServer::Impl {
  service::Node& node;
  NodeServerOptions opt;
  std::shared_ptr<tls::PeerKeySet> pins = std::make_shared<tls::PeerKeySet>();
  std::unique_ptr<net::HttpsServer> server;

  struct LinkRuntime {
    store::PeerRecord peer;
    std::unique_ptr<link::DeliveryWorker> worker;
    TimePoint next_heartbeat{};
    std::unique_ptr<net::HttpsClient> audit_client;  // used by the auditor thread only
    std::unique_ptr<net::HttpsClient> fetch_client;  // used by the fetcher thread only
  };
  std::mutex mu;  // guards links
  std::map<std::string, LinkRuntime> links;

  std::function<void(const std::string&, std::int64_t)> delivered;
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread monitor;
  std::thread auditor;   // audits talk to peers: kept off the monitor's loop
  std::thread notifier;  // escalation webhooks: a slow receiver must not stall the monitor
  std::thread fetcher;   // attachments the peers offered, fetched in chunks

  // Batches of a link that arrive together are stored in seq order.
  link::ReceiveOrder receive_order;

  // Receipts stored by the workers, up to which seq per link; the monitor
  // applies them to items (note_item_receipts) off the delivery path.
  std::mutex receipts_mu;
  std::map<std::string, std::int64_t> receipted_up_to;
  std::map<std::string, std::int64_t> receipts_noted;

  // Handshake refusals, noted by the TLS callback (which must not wait on
  // the database) and recorded by the monitor, one event per key per round.
  std::mutex refusals_mu;
  std::map<std::string, int> refusals;

  // The monitor's escalation check, remembering which items cannot be due yet.
  service::EscalationWatch escalation_watch;

  Impl(service::Node& n, NodeServerOptions o) : node(n), opt(std::move(o)) {}

  // Records an event; tail_events() logs it (with every event recorded
  // elsewhere: by inbound envelopes, audits, or other processes).
  void event(const std::string& kind, const std::string& link, const std::string& detail) {
    try {
      node.store->transact(
          [&](store::Transaction& tx) { service::record_event(tx, now_ms(), kind, link, detail); });
    } catch (const std::exception& e) {
      spdlog::error("event=event_not_recorded kind={} link={} detail=\"{}\" error=\"{}\"", kind,
                    link, detail, e.what());
    }
  }

  // Writes every event recorded since the last call to the log, alarms at
  // warning level (ledger inconsistencies at error level).
  std::int64_t last_logged_event = -1;
  void tail_events() {
    if (last_logged_event < 0) {
      // At start, only what happens from now on.
      last_logged_event =
          node.store->snapshot([](store::Transaction& tx) { return tx.last_event_id(); });
      return;
    }
    auto fresh = node.store->snapshot(
        [&](store::Transaction& tx) { return tx.list_events(last_logged_event, 500); });
    for (const auto& e : fresh) {
      last_logged_event = e.id;
      std::string peer;
      {
        std::lock_guard lock(mu);
        if (auto it = links.find(e.link); it != links.end()) peer = it->second.peer.name;
      }
      bool alarm = e.kind == "link_down" || e.kind == "peer_refused" ||
                   e.kind == "receipt_clock_skew" || e.kind == "envelope_refused" ||
                   e.kind == "peer_behind" || e.kind == "envelope_content_refused" ||
                   e.kind == "escalation" || e.kind == "item_action_void" ||
                   e.kind == "attachment_failed" || e.kind == "attachment_refused" ||
                   e.kind == "attachment_corrupt";
      if (e.kind == "ledger_inconsistent") {
        spdlog::error("event={} link={} peer=\"{}\" detail=\"{}\"", e.kind, e.link, peer, e.detail);
      } else if (alarm) {
        spdlog::warn("event={} link={} peer=\"{}\" detail=\"{}\"", e.kind, e.link, peer, e.detail);
      } else {
        spdlog::info("event={} link={} peer=\"{}\" detail=\"{}\"", e.kind, e.link, peer, e.detail);
      }
    }
  }

  std::int64_t heartbeat_interval(const std::string& link) {
    if (opt.heartbeat_interval_s) return *opt.heartbeat_interval_s;
    try {
      auto a = node.store->snapshot(
          [&](store::Transaction& tx) { return service::agreement_in_force(tx, link); });
      if (a) return a->heartbeat_interval_s;
    } catch (const std::exception&) {
    }
    return kDefaultHeartbeatS;
  }

  // Picks up peers added by `hotline peer add` (in this or another process).
  void refresh_peers() {
    auto peers = node.store->snapshot([](store::Transaction& tx) { return tx.list_peers(); });
    std::vector<tls::Ed25519PublicKey> keys;
    for (const auto& p : peers) keys.push_back(crypto::PublicKey::decode(p.public_key).bytes);
    pins->replace(keys);
    std::lock_guard lock(mu);
    for (const auto& p : peers) {
      if (links.count(p.link)) continue;
      auto ctx = service::link_context(node, p);
      auto transport = make_peer_transport(node.identity, node.party, ctx.peer, p.url);
      auto delivery = opt.delivery;
      try {
        auto a = node.store->snapshot(
            [&](store::Transaction& tx) { return service::agreement_in_force(tx, p.link); });
        if (a) delivery.clock_tolerance_ms = a->clock_tolerance_ms;
      } catch (const std::exception&) {
      }
      std::string link = p.link;
      auto worker = std::make_unique<link::DeliveryWorker>(
          *node.store, ctx, std::move(transport), delivery,
          [this, link](const std::string& kind, const std::string& detail) {
            event(kind, link, detail);
          });
      worker->on_delivered([this, link](std::int64_t seq) {
        {
          std::lock_guard receipts_lock(receipts_mu);
          auto& up_to = receipted_up_to[link];
          up_to = std::max(up_to, seq);
        }
        if (delivered) delivered(link, seq);
      });
      worker->start();
      spdlog::info("event=link_started link={} peer=\"{}\" url={}", p.link, p.name, p.url);
      links.emplace(p.link,
                    LinkRuntime{p, std::move(worker), TimePoint{},
                                make_peer_client(node.identity, node.party, ctx.peer, p.url),
                                make_peer_client(node.identity, node.party, ctx.peer, p.url)});
    }
  }

  void heartbeats_and_liveness() {
    const TimePoint now = now_ms();
    std::vector<std::pair<std::string, link::LinkContext>> due;
    {
      std::lock_guard lock(mu);
      for (auto& [link, rt] : links) {
        if (now >= rt.next_heartbeat) {
          due.emplace_back(link, rt.worker->context());
          rt.next_heartbeat = now + std::chrono::seconds(heartbeat_interval(link));
        }
      }
    }
    for (auto& [link, ctx] : due) {
      try {
        service::send_heartbeat(*node.store, ctx, now);
        notify(link);
      } catch (const std::exception& e) {
        spdlog::error("event=heartbeat_failed link={} error=\"{}\"", link, e.what());
      }
    }

    // Liveness: three intervals without a heartbeat from the peer.
    std::vector<std::string> link_ids;
    {
      std::lock_guard lock(mu);
      for (auto& [link, rt] : links) link_ids.push_back(link);
    }
    for (const auto& link : link_ids) {
      auto interval = heartbeat_interval(link);
      std::optional<std::string> went_down;
      node.store->transact([&](store::Transaction& tx) {
        auto st = tx.find_link_state(link);
        if (!st || st->state != "up" || !st->last_heartbeat) return;
        auto silent = now - parse_timestamp(*st->last_heartbeat);
        if (silent > std::chrono::seconds(interval * kMissedHeartbeatsForDown)) {
          st->state = "down";
          st->updated_at = format_timestamp(now);
          tx.put_link_state(*st);
          went_down = "no heartbeat from the peer since " + *st->last_heartbeat + " (" +
                      std::to_string(kMissedHeartbeatsForDown) + " intervals of " +
                      std::to_string(interval) + " s)";
        }
      });
      if (went_down) event("link_down", link, *went_down);
    }
  }

  // Mirrors the workers' view (reachable or not) into link_state for
  // `hotline peer list`.
  void persist_delivery_status() {
    std::vector<std::pair<std::string, link::DeliveryStatus>> changed;
    {
      std::lock_guard lock(mu);
      for (auto& [link, rt] : links) {
        auto s = rt.worker->status();
        changed.emplace_back(link, s);
      }
    }
    node.store->transact([&](store::Transaction& tx) {
      for (auto& [link, s] : changed) {
        auto st = tx.find_link_state(link);
        if (!st) {
          st = store::LinkStateRecord{};
          st->link = link;
        }
        auto updated = *st;
        updated.connected = s.connected;
        if (s.last_contact && (!st->last_contact || *s.last_contact > *st->last_contact)) {
          updated.last_contact = s.last_contact;
        }
        updated.last_error = s.last_error;
        if (!(updated == *st)) {
          updated.updated_at = format_timestamp(now_ms());
          tx.put_link_state(updated);
        }
      }
    });
  }

  // Signs a tree head on schedule, or sooner after a burst, and sends it to
  // every peer.
  TimePoint next_head{};
  std::int64_t last_head_size = -1;
  void tree_heads() {
    const TimePoint now = now_ms();
    auto size = node.store->snapshot([](store::Transaction& tx) { return tx.ledger_size(); });
    bool due = now >= next_head || (last_head_size >= 0 && size - last_head_size >= opt.head_burst);
    if (!due || size == last_head_size) return;
    auto sth = service::publish_tree_head(node, now);
    last_head_size = static_cast<std::int64_t>(sth.head.size);
    next_head = now + opt.head_interval;
    spdlog::info("event=tree_head size={} root={}", sth.head.size, to_hex(sth.head.root));
    std::vector<std::string> ids;
    {
      std::lock_guard lock(mu);
      for (auto& [link, rt] : links) ids.push_back(link);
    }
    for (const auto& l : ids) notify(l);
  }

  // Audits the heads peers sent: asks each for a consistency proof from the
  // last head we checked and inclusion proofs of the envelopes we sent.
  void audits() {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(mu);
      for (auto& [link, rt] : links) ids.push_back(link);
    }
    for (const auto& l : ids) {
      auto plan = service::plan_audit(*node.store, l);
      if (!plan) continue;
      net::HttpsClient* client = nullptr;
      std::optional<link::LinkContext> ctx;
      {
        std::lock_guard lock(mu);
        auto& rt = links.at(l);
        client = rt.audit_client.get();
        ctx = rt.worker->context();
      }
      net::HttpRequest req;
      req.method = "POST";
      req.target = "/v1/ledger/proofs";
      req.headers["content-type"] = "application/json";
      req.body = service::audit_request(*plan).dump();
      net::HttpResponse res;
      try {
        res = client->request(req);
      } catch (const std::exception& e) {
        spdlog::debug("event=audit_unreachable link={} error=\"{}\"", l, e.what());
        continue;  // try again next round
      }
      if (res.status != 200) {
        spdlog::warn("event=audit_refused link={} status={} body=\"{}\"", l, res.status,
                     res.body.substr(0, 200));
        continue;
      }
      nlohmann::json answer;
      try {
        answer = nlohmann::json::parse(res.body);
      } catch (const std::exception&) {
        answer = nullptr;
      }
      // Findings are recorded as events, which tail_events() logs.
      auto findings = service::judge_audit(*node.store, *ctx, *plan, answer, now_ms());
      if (findings.empty()) {
        spdlog::debug("event=ledger_audit_ok link={} size={} inclusion={}", l, plan->head.size,
                      plan->inclusion.size());
      }
    }
  }

  void record_refusals() {
    std::map<std::string, int> noted;
    {
      std::lock_guard lock(refusals_mu);
      noted.swap(refusals);
    }
    for (const auto& [reason, n] : noted) {
      event("peer_refused", "", n == 1 ? reason : reason + " (" + std::to_string(n) + " attempts)");
    }
  }

  void run_auditor() {
    while (true) {
      {
        std::unique_lock lock(stop_mu);
        if (stop_cv.wait_for(lock, opt.audit_interval, [&] { return stopping; })) return;
      }
      try {
        audits();
      } catch (const std::exception& e) {
        spdlog::error("event=audit_failed error=\"{}\"", e.what());
      }
    }
  }

  // Items whose creating envelope got its receipt: delivered_at/received_at.
  void apply_receipts() {
    std::map<std::string, std::int64_t> todo;
    {
      std::lock_guard lock(receipts_mu);
      todo = receipted_up_to;
    }
    for (const auto& [link, up_to] : todo) {
      auto& noted = receipts_noted[link];  // 0 at start: the first round looks at all
      if (up_to <= noted) continue;
      service::note_item_receipts(*node.store, link, noted, up_to);
      noted = up_to;
    }
  }

  void escalations() {
    auto fresh = escalation_watch.check(node, now_ms());
    if (!fresh.empty()) {
      std::vector<std::string> ids;
      {
        std::lock_guard lock(mu);
        for (auto& [link, rt] : links) ids.push_back(link);
      }
      for (const auto& l : ids) notify(l);  // alert escalations are shared actions
    }
  }

  // Loops `step` every `period` until stop; errors are logged, not fatal.
  template <class Step>
  void every(std::chrono::milliseconds period, const char* what, Step step) {
    while (true) {
      {
        std::unique_lock lock(stop_mu);
        if (stop_cv.wait_for(lock, period, [&] { return stopping; })) return;
      }
      try {
        step();
      } catch (const std::exception& e) {
        spdlog::error("event={}_failed error=\"{}\"", what, e.what());
      }
    }
  }

  void run_notifier() {
    WebhookDispatcher dispatcher(*node.store);
    std::string last_logged;
    every(std::chrono::milliseconds(500), "webhook", [&] {
      int n = dispatcher.run_once(now_ms());
      if (n > 0) spdlog::info("event=webhook_delivered count={}", n);
      if (!dispatcher.last_error().empty() && dispatcher.last_error() != last_logged) {
        spdlog::warn("event=webhook_failed error=\"{}\"", dispatcher.last_error());
      }
      last_logged = dispatcher.last_error();
    });
  }

  void fetch_attachments() {
    for (const auto& want : service::wanted_attachments(node)) {
      net::HttpsClient* client = nullptr;
      {
        std::lock_guard lock(mu);
        auto it = links.find(want.link);
        if (it == links.end()) continue;
        client = it->second.fetch_client.get();
      }
      try {
        service::fetch_attachment(node, want, [&](std::int64_t offset) {
          net::HttpRequest req;
          req.method = "POST";
          req.target = "/v1/attachments/chunk";
          req.headers["content-type"] = "application/json";
          req.body = nlohmann::json{{"sha256", want.sha256}, {"offset", offset}}.dump();
          net::HttpResponse res = client->request(req);
          if (res.status != 200) {
            throw Error(
                "attachment_fetch_refused",
                "the peer answered " + std::to_string(res.status) + ": " + res.body.substr(0, 300));
          }
          return res.body;
        });
      } catch (const std::exception& e) {
        // Cut link, peer restarting: the .part stays, the next round resumes.
        spdlog::debug("event=attachment_fetch_paused link={} sha256={} error=\"{}\"", want.link,
                      want.sha256, e.what());
      }
    }
  }

  void run_monitor() {
    int tick = 0;
    while (true) {
      {
        std::unique_lock lock(stop_mu);
        if (stop_cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping; }))
          return;
      }
      try {
        if (tick % 4 == 0) refresh_peers();
        heartbeats_and_liveness();
        if (tick % 4 == 0) persist_delivery_status();
        tree_heads();
        record_refusals();
        apply_receipts();
        if (tick % 4 == 2) escalations();
        tail_events();
      } catch (const std::exception& e) {
        spdlog::error("event=monitor_failed error=\"{}\"", e.what());
      }
      ++tick;
    }
  }

  void notify(const std::string& link) {
    std::lock_guard lock(mu);
    if (auto it = links.find(link); it != links.end()) it->second.worker->notify();
  }

  net::HttpResponse handle_proofs(const net::HttpRequest& req) {
    nlohmann::json request;
    try {
      request = nlohmann::json::parse(req.body);
    } catch (const std::exception&) {
      return net::json_error(400, "json_malformed", "the proof request is not JSON");
    }
    try {
      net::HttpResponse res;
      res.body = service::answer_proof_request(*node.store, request).dump();
      return res;
    } catch (const Error& e) {
      return net::json_error(400, e.code(), e.what());
    }
  }

  // POST /v1/attachments/chunk {"sha256","offset"}: the plaintext chunk (the
  // link is TLS), for attachments we offered on this peer's link only.
  net::HttpResponse handle_chunk(const store::PeerRecord& peer, const net::HttpRequest& req) {
    std::string sha;
    std::int64_t offset = 0;
    try {
      auto j = nlohmann::json::parse(req.body);
      sha = j.at("sha256").get<std::string>();
      offset = j.at("offset").get<std::int64_t>();
    } catch (const std::exception&) {
      return net::json_error(400, "chunk_request_invalid",
                             "expected {\"sha256\": HEX, \"offset\": INT}");
    }
    try {
      net::HttpResponse res;
      res.content_type = "application/octet-stream";
      res.body = service::serve_attachment_chunk(node, peer.link, sha, offset);
      return res;
    } catch (const Error& e) {
      int status = e.code() == "attachment_not_offered" ? 403
                   : e.code() == "attachment_missing"   ? 404
                   : e.code() == "attachment_corrupt"   ? 500
                                                        : 400;
      if (status == 500) event("attachment_corrupt", peer.link, e.what());
      return net::json_error(status, e.code(), e.what());
    }
  }

  // The peer listener: POST /v1/envelopes (delivery) and POST
  // /v1/ledger/proofs (the peer's audit of our log), both for configured
  // peers only (the TLS layer already refused unknown keys).
  net::HttpResponse handle_peer(const net::HttpRequest& req) {
    if (req.target != "/v1/envelopes" && req.target != "/v1/ledger/proofs" &&
        req.target != "/v1/attachments/chunk") {
      return net::json_error(404, "not_found", "no such path on the peer link");
    }
    if (req.method != "POST") return net::json_error(405, "method_not_allowed", "use POST");
    if (!req.peer_key) return net::json_error(403, "peer_unknown", "no client certificate");
    crypto::PublicKey key;
    key.bytes = *req.peer_key;
    auto peer = node.store->snapshot(
        [&](store::Transaction& tx) { return tx.find_peer_by_key(key.encoded()); });
    if (!peer)
      return net::json_error(403, "peer_unknown",
                             "this node has no peer with key " + key.encoded());
    if (req.target == "/v1/ledger/proofs") return handle_proofs(req);
    if (req.target == "/v1/attachments/chunk") return handle_chunk(*peer, req);
    auto ctx = service::link_context(node, *peer);
    link::ReceiveOrder::Ticket ticket(receive_order, ctx.link);
    auto outcome = link::receive_batch(
        *node.store, ctx, req.body, [] { return now_ms(); },
        [&ctx](store::Transaction& tx, const link::Envelope& e, const std::string& at) {
          node::apply_inbound(tx, ctx, e, at);
        },
        &ticket);
    net::HttpResponse res;
    res.status = outcome.error ? outcome.error->http_status : 200;
    res.body = outcome.to_json();
    if (outcome.error) {
      const auto& err = *outcome.error;
      bool integrity = err.code == "envelope_conflict" || err.code == "prev_mismatch" ||
                       err.code == "envelope_bad_signature" || err.code == "link_mismatch";
      if (integrity) {
        event("envelope_refused", ctx.link,
              peer->name + " sent an envelope we refused: " + err.code + ": " + err.message);
      } else {
        spdlog::warn("event=envelope_refused link={} peer=\"{}\" code={} detail=\"{}\"", ctx.link,
                     peer->name, err.code, err.message);
      }
    }
    return res;
  }
};

NodeServer::NodeServer(service::Node& node, NodeServerOptions options)
    : impl_(std::make_unique<Impl>(node, std::move(options))) {}

NodeServer::~NodeServer() {
  stop();
}

void NodeServer::start() {
  auto& im = *impl_;
  im.tail_events();  // log only events from now on
  im.refresh_peers();
  im.pins->on_refusal([this](const tls::PeerKeySet::Refusal& r) {
    std::lock_guard lock(impl_->refusals_mu);
    if (impl_->refusals.size() < 1000) ++impl_->refusals[r.reason];
  });
  tls::Ed25519Seed seed{};
  std::copy(im.node.identity.seed().begin(), im.node.identity.seed().end(), seed.begin());
  net::ServerOptions so;
  so.name = "peer";
  so.bind_address = im.opt.peer_host;
  so.port = im.opt.peer_port;
  so.threads = im.opt.threads;
  so.limits.max_body_bytes = im.opt.max_body_bytes;
  im.server = std::make_unique<net::HttpsServer>(
      tls::peer_server_context(seed, im.node.party, im.pins), so,
      [this](const net::HttpRequest& r) { return impl_->handle_peer(r); });
  im.server->start();
  {
    std::lock_guard lock(im.stop_mu);
    im.stopping = false;
  }
  im.monitor = std::thread([this] {
    name_this_thread("monitor");
    impl_->run_monitor();
  });
  im.auditor = std::thread([this] {
    name_this_thread("auditor");
    impl_->run_auditor();
  });
  im.notifier = std::thread([this] {
    name_this_thread("notifier");
    impl_->run_notifier();
  });
  im.fetcher = std::thread([this] {
    name_this_thread("fetcher");
    impl_->every(std::chrono::milliseconds(500), "attachment_fetch",
                 [this] { impl_->fetch_attachments(); });
  });
}

void NodeServer::stop() {
  auto& im = *impl_;
  {
    std::lock_guard lock(im.stop_mu);
    im.stopping = true;
  }
  im.stop_cv.notify_all();
  if (im.monitor.joinable()) im.monitor.join();
  if (im.auditor.joinable()) im.auditor.join();
  if (im.notifier.joinable()) im.notifier.join();
  if (im.fetcher.joinable()) im.fetcher.join();
  {
    std::lock_guard lock(im.mu);
    for (auto& [link, rt] : im.links) rt.worker->stop();
  }
  if (im.server) im.server->stop();
}

void NodeServer::on_delivered(std::function<void(const std::string& link, std::int64_t seq)> fn) {
  impl_->delivered = std::move(fn);
}

std::uint16_t NodeServer::peer_port() const {
  return impl_->server ? impl_->server->port() : 0;
}

void NodeServer::notify(const std::string& link) {
  impl_->notify(link);
}

net::HttpResponse NodeServer::handle_peer(const net::HttpRequest& request) {
  return impl_->handle_peer(request);
}

}  // namespace hotline::api
