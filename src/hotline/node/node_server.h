// NodeServer: the running node's link side, wired together: the peer
// listener (net::HttpsServer + PeerListener), the link runtime (Links: one
// delivery worker per peer) and the node's jobs on four threads:
//
//   monitor   (every 250 ms) new peers, the links' delivery leases, delivery
//             status, receipts and TLS refusals (Links), heartbeats and liveness (HeartbeatJob),
//             signed tree heads (TreeHeadJob), escalations (EscalationJob,
//             every second), communication checks (CheckJob, every
//             second), review rounds' reminders (RoundReminderJob, every
//             4 s), the event log (EventLog::tail) and, every
//             minute, the events' retention (EventLog::prune)
//   auditor   peer audits (PeerAuditJob, every audit_interval)
//   notifier  escalation webhooks (WebhookJob, every 500 ms)
//   mailer    escalation e-mail (MailJob, node/mail.h, every 500 ms)
//   fetcher   attachments the peers offered (AttachmentFetchJob, 500 ms)
//
// plus each delivery worker's thread and the peer listener's threads (two
// for TLS and HTTP, a pool of handler_threads for its requests).
//
// Several processes, one node: `hotline serve` processes that share one
// store (PostgreSQL) each run a NodeServer. Every one of them listens for
// the peers (an envelope is stored once whichever process receives it: the
// link's seqs are unique in the store) and runs the Links part of the
// monitor for itself. The rest runs once per node, in the process that
// holds the store's lease "jobs" (tried on every monitor tick; when it is
// lost, no further step of them starts, the one in progress ends):
//   - heartbeats: N processes would send N per interval, and liveness
//     (link_down) is a state change of the node's link;
//   - tree heads: a signed head is the node's statement about its log; two
//     signers would publish two heads for the same size;
//   - escalations, communication checks and review rounds' reminders: each
//     records something the node does once (an escalation per trigger, a
//     check per period, a reminder) and two at once would race for it;
//   - the events' retention (prune) and the event log (tail: each event
//     once in the node's logs, not once per process);
//   - the auditor, the notifier, the mailer and the fetcher: a finding recorded twice,
//     a webhook posted twice, one attachment's .part written by two.
// Each link's delivery worker runs in the process that holds that link's
// lease "delivery:<link>" (Links), which may be another one.
// `hotline serve` runs one next to the operators' listener (api/serve.h);
// benchmarks and tests can run two in one process.
//
// Other processes (`hotline send`, `hotline peer add`) write to the same
// store; the node notices within a second: new peers are picked up, their
// keys pinned, and queued envelopes delivered by the workers' polling.
//
// Ownership and threads: the caller owns the NodeServer; `node` (its store,
// identity and vault) must outlive it. start() and stop() are called from
// one thread (the owner's), start() once; stop() is idempotent and the
// destructor calls it. notify() and peer_port() are thread-safe.
// handle_peer() is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hotline/link/delivery.h"
#include "hotline/net/http_types.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

struct NodeServerOptions {
  std::string peer_host = "127.0.0.1";
  std::uint16_t peer_port = 0;  // 0: any free port, see peer_port()
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  int threads = 2;
  // Overrides the agreement's heartbeat interval (drills and tests).
  std::optional<std::int64_t> heartbeat_interval_s;
  link::DeliveryOptions delivery;
  // Signed tree heads: one every head_interval, and sooner after a burst of
  // head_burst new log entries. Peer heads are audited every audit_interval.
  std::chrono::seconds head_interval{60};
  std::int64_t head_burst = 1000;
  std::chrono::milliseconds audit_interval{2000};
  // What strangers and peers may cost the peer listener (docs/threat-model.md):
  // at most one peer_refused event per refusal_interval; failed TLS
  // handshakes per source address (a burst, then a rate); connections open
  // at once, in all and per source address; handlers on a pool
  // of their own, at most handlers_per_peer at once for one peer.
  std::chrono::milliseconds refusal_interval{std::chrono::seconds(60)};
  double failed_handshakes_per_second = 1;
  double failed_handshake_burst = 20;
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_source = 32;
  int handler_threads = 8;
  std::size_t handlers_per_peer = 4;
  // A node restored from a backup first takes back from each peer what it
  // had sent after the backup (node/resync.h); start() waits this long for
  // an unreachable peer, then throws "resync_peer_unreachable".
  std::chrono::milliseconds resync_patience{std::chrono::seconds(60)};
};

class NodeServer {
 public:
  NodeServer(service::Node& node, NodeServerOptions options);
  ~NodeServer();
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;

  // Starts the delivery workers of the peers configured so far, the peer
  // listener (throws Error "listen_failed" ... when it cannot) and the jobs'
  // threads.
  void start();
  // Stops the jobs' threads (each finishes its step in progress), then the
  // delivery workers, gives the leases up (another process takes them at its
  // next tick), then stops the peer listener.
  void stop();
  std::uint16_t peer_port() const;  // 0 before start()

  // Wakes the delivery worker of `link` (after an in-process send).
  void notify(const std::string& link);

  // Whether this process runs the node's jobs (holds their lease), and
  // whether it delivers on `link` (its worker runs). Thread-safe.
  bool runs_jobs() const;
  bool delivering(const std::string& link) const;

  // Called on a delivery thread whenever receipts up to `seq` on `link` are
  // stored (benchmarks and tests wait on it). Set before start().
  void on_delivered(std::function<void(const std::string& link, std::int64_t seq)> fn);

  // The peer listener's request handler (public for tests).
  net::HttpResponse handle_peer(const net::HttpRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::node
