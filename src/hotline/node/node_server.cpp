#include "hotline/node/node_server.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "hotline/common/escape.h"
#include "hotline/crypto/random.h"
#include "hotline/net/https_server.h"
#include "hotline/node/attachment_fetch_job.h"
#include "hotline/node/check_job.h"
#include "hotline/node/escalation_job.h"
#include "hotline/node/event_log.h"
#include "hotline/node/heartbeat_job.h"
#include "hotline/node/lease_keeper.h"
#include "hotline/node/links.h"
#include "hotline/node/mail.h"
#include "hotline/node/peer_audit_job.h"
#include "hotline/node/peer_listener.h"
#include "hotline/node/periodic.h"
#include "hotline/node/resync.h"
#include "hotline/node/round_reminder_job.h"
#include "hotline/node/tree_head_job.h"
#include "hotline/node/webhook_job.h"
#include "hotline/service/key_service.h"
#include "hotline/tls/context.h"

namespace hotline::node {

// Members are built in this order and destroyed in reverse: the threads
// first, then the peer listener's server (whose TLS callback counts into
// links), the jobs, the links, and the event log they all report to.
struct NodeServer::Impl {
  service::Node& node;
  NodeServerOptions opt;
  EventLog events{*node.store, [this](const std::string& link) { return links.peer_name(link); }};
  Links links{node, opt.delivery, events, opt.refusal_interval};
  PeerListener listener{node, events};
  HeartbeatJob heartbeats{node, links, events, opt.heartbeat_interval_s};
  TreeHeadJob tree_heads{node, links, opt.head_interval, opt.head_burst};
  EscalationJob escalations{node, links};
  CheckJob checks{node, links};
  RoundReminderJob round_reminders{node};
  PeerAuditJob audits{node, links};
  WebhookJob webhooks{*node.store};
  MailJob mails{*node.store};
  AttachmentFetchJob fetches{node, links};
  LeaseKeeper jobs{*node.store, "jobs"};
  std::unique_ptr<net::HttpsServer> server;
  crypto::PublicKey presented_key;  // the peer listener's key (monitor thread after start)
  int tick = 0;
  Periodic monitor{"monitor", "monitor", std::chrono::milliseconds(250),
                   [this] { monitor_round(); }};
  Periodic auditor{"auditor", "audit", opt.audit_interval, [this] {
                     if (jobs.held()) audits.step();
                   }};
  Periodic notifier{"notifier", "webhook", std::chrono::milliseconds(500), [this] {
                      if (jobs.held()) webhooks.step();
                    }};
  Periodic mailer{"mailer", "mail", std::chrono::milliseconds(500), [this] {
                    if (jobs.held()) mails.step();
                  }};
  Periodic fetcher{"fetcher", "attachment_fetch", std::chrono::milliseconds(500), [this] {
                     if (jobs.held()) fetches.step();
                   }};

  Impl(service::Node& n, NodeServerOptions o) : node(n), opt(std::move(o)) {}

  // One round of the monitor thread: this process's links every round, the
  // node's jobs only while this process holds their lease.
  void monitor_round() {
    const int t = tick++;
    if (t % 4 == 0) links.refresh();
    if (t % 16 == 8) follow_key_rotation();
    links.claim();
    if (t % 4 == 0) links.persist_status();
    links.record_refusals();
    links.apply_receipts();
    if (keep_jobs()) jobs_round(t);
  }

  // Takes the jobs' lease when it is free; true while this process holds it.
  // A process that takes the jobs over logs the events from then on (the
  // previous holder logged those before).
  // A lost lease is given up at once: the other threads ask held() before
  // each step, and a step in progress ends on its own.
  bool keep_jobs() {
    switch (jobs.keep()) {
      case LeaseKeeper::Change::gained:
        events.restart_tail();
        events.tail();
        break;
      case LeaseKeeper::Change::lost:
        jobs.release();
        break;
      case LeaseKeeper::Change::none:
        break;
    }
    return jobs.held();
  }

  void jobs_round(int t) {
    heartbeats.step();
    tree_heads.step();
    if (t % 4 == 2) escalations.step();
    if (t % 4 == 3) checks.step();
    if (t % 16 == 5) round_reminders.step();
    events.tail();
    if (t % 240 == 1) events.prune();
  }

  // The peer listener's context: during a key rotation's overlap, until
  // every peer confirmed our new key, it presents the key they all know
  // (key_service.h); then the node's key. `presented` is set to its key.
  tls::Context peer_tls(crypto::PublicKey& presented) {
    tls::Ed25519Seed seed{};
    crypto::WipeOnExit wipe_seed(seed);  // a private key copy: gone with the scope
    auto previous = service::tls_key_during_overlap(node, now_ms(), std::nullopt);
    const crypto::KeyPair& tls_key = previous ? *previous : node.identity;
    std::copy(tls_key.seed().begin(), tls_key.seed().end(), seed.begin());
    presented = tls_key.public_key();
    return tls::peer_server_context(seed, node.party, links.pins());
  }

  // Monitor thread: once every peer confirmed the new key, new connections
  // to the peer listener get it (no restart needed on this side).
  void follow_key_rotation() {
    if (!server || presented_key == node.identity.public_key()) return;
    try {
      crypto::PublicKey next;
      auto ctx = peer_tls(next);
      if (next == presented_key) return;
      server->replace_tls(std::move(ctx));
      presented_key = next;
      spdlog::info("event=peer_tls_key_changed fingerprint=\"{}\"", next.fingerprint());
    } catch (const std::exception& e) {
      spdlog::warn("event=peer_tls_key_change_failed error=\"{}\"", escape_text(e.what()));
    }
  }

  void start_listener() {
    net::ServerOptions so;
    so.name = "peer";
    so.bind_address = opt.peer_host;
    so.port = opt.peer_port;
    so.threads = opt.threads;
    so.limits.max_body_bytes = opt.max_body_bytes;
    so.limits.failed_handshakes_per_second = opt.failed_handshakes_per_second;
    so.limits.failed_handshake_burst = opt.failed_handshake_burst;
    so.limits.max_connections = opt.max_connections;
    so.limits.max_connections_per_source = opt.max_connections_per_source;
    so.handler_threads = opt.handler_threads;
    so.max_handlers_per_client = opt.handlers_per_peer;
    server = std::make_unique<net::HttpsServer>(
        peer_tls(presented_key), so,
        [this](const net::HttpRequest& r) { return listener.handle(r); });
    server->start();
  }
};

NodeServer::NodeServer(service::Node& node, NodeServerOptions options)
    : impl_(std::make_unique<Impl>(node, std::move(options))) {}

NodeServer::~NodeServer() {
  stop();
}

void NodeServer::start() {
  auto& im = *impl_;
  // Before anything may send: a restored node's outbound seqs are behind.
  resync_restored_links(im.node, im.opt.resync_patience);
  im.jobs.keep();
  im.events.tail();  // log only events from now on
  im.links.refresh();
  im.links.claim();
  im.start_listener();
  for (Periodic* p : {&im.monitor, &im.auditor, &im.notifier, &im.mailer, &im.fetcher}) p->start();
}

void NodeServer::stop() {
  auto& im = *impl_;
  for (Periodic* p : {&im.monitor, &im.auditor, &im.notifier, &im.mailer, &im.fetcher})
    p->request_stop();
  for (Periodic* p : {&im.monitor, &im.auditor, &im.notifier, &im.mailer, &im.fetcher}) p->join();
  im.links.stop_workers();
  im.jobs.release();
  if (im.server) im.server->stop();
}

void NodeServer::on_delivered(std::function<void(const std::string& link, std::int64_t seq)> fn) {
  impl_->links.on_delivered(std::move(fn));
}

std::uint16_t NodeServer::peer_port() const {
  return impl_->server ? impl_->server->port() : 0;
}

bool NodeServer::runs_jobs() const {
  return impl_->jobs.held();
}

bool NodeServer::delivering(const std::string& link) const {
  return impl_->links.delivering(link);
}

void NodeServer::notify(const std::string& link) {
  impl_->links.notify(link);
}

net::HttpResponse NodeServer::handle_peer(const net::HttpRequest& request) {
  return impl_->listener.handle(request);
}

}  // namespace hotline::node
