// Links: the node's link runtime, one entry per configured peer: its
// delivery worker (link::DeliveryWorker, a thread of its own), an HTTPS
// client for the peer audit and one for attachment fetches, and the set of
// peer keys the peer listener's TLS accepts.
//
// Once per node: several `hotline serve` processes may share the node's
// store, and only one of them delivers on a link: the one that holds the
// store's lease "delivery:<link>" (LeaseKeeper). claim(), on every monitor
// tick, takes the lease of each link whose lease is free and starts that
// link's worker, and stops the worker of a link whose lease was lost at
// once. (The link's seqs and receipts make a second sender harmless, but
// it would only send everything twice.) What the workers report is this
// process's view: persist_status() mirrors it for the links it delivers
// only, and apply_receipts() notes the receipts its own workers stored (a
// process that takes a link over starts from seq 0, as after a restart;
// noting is idempotent, and the next receipt, a heartbeat's at the latest,
// covers what the previous holder had not noted). The peer keys, the TLS
// refusals and the clients are per process: every process listens for the
// peer and counts its own handshakes.
//
// Peers added by `hotline peer add` (in this or another process) are picked
// up by refresh(); entries are never removed while the node runs, so the
// clients and contexts handed out stay valid until the Links is destroyed.
//
// Ownership and threads: NodeServer owns it; `node` (its store and
// identity) and `events` must outlive it. refresh(), claim(),
// persist_status(), apply_receipts() and record_refusals() run on the
// monitor thread (refresh() and claim() also once from NodeServer::start()
// before it). notify(), ids(), peer_name(), context() and delivering() are
// thread-safe. audit_client() is for the
// auditor thread only, fetch_client() for the fetcher thread only (each
// client is used by one thread). stop_workers() is called once, by
// NodeServer::stop() after the other threads ended.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hotline/link/delivery.h"
#include "hotline/net/https_client.h"
#include "hotline/node/event_log.h"
#include "hotline/node/lease_keeper.h"
#include "hotline/node/refusal_tally.h"
#include "hotline/service/node_dir.h"
#include "hotline/tls/context.h"

namespace hotline::node {

class Links {
 public:
  // `refusal_interval`: at most one peer_refused event per interval
  // (RefusalTally).
  Links(service::Node& node, link::DeliveryOptions delivery, EventLog& events,
        std::chrono::milliseconds refusal_interval);
  ~Links();  // stop_workers()
  Links(const Links&) = delete;
  Links& operator=(const Links&) = delete;

  // Called on a delivery thread whenever receipts up to `seq` on `link` are
  // stored. Set before the first refresh().
  void on_delivered(std::function<void(const std::string& link, std::int64_t seq)> fn);

  // The peer keys the peer listener accepts (refresh() keeps them current);
  // TLS handshake refusals are counted for record_refusals().
  std::shared_ptr<tls::PeerKeySet> pins() const { return pins_; }

  // Monitor thread: picks up new peers (pins their keys, makes a delivery
  // worker each, started by claim()); takes the free delivery leases and
  // starts their workers, stops the workers whose lease was lost; mirrors the workers' view
  // (reachable or not) into link_state for `hotline peer list`; notes receipts on the items they
  // answer (service::note_item_receipts), off the delivery path; records the
  // TLS refusals counted since the last one, one event per interval.
  void refresh();
  void claim();
  void persist_status();
  void apply_receipts();
  void record_refusals();

  // Wakes the delivery worker of `link` (after a send); notify_all: every one.
  void notify(const std::string& link);
  void notify_all();
  std::vector<std::string> ids() const;
  std::string peer_name(const std::string& link) const;  // "" when unknown
  // Whether this process's worker of `link` runs (it holds the lease).
  bool delivering(const std::string& link) const;
  std::optional<link::LinkContext> context(const std::string& link) const;

  // Null when `link` has no entry. See the thread rule above.
  net::HttpsClient* audit_client(const std::string& link);
  net::HttpsClient* fetch_client(const std::string& link);

  // Stops every worker, then gives their leases up.
  void stop_workers();

 private:
  struct Entry {
    store::PeerRecord peer;
    std::unique_ptr<LeaseKeeper> lease;  // "delivery:<link>"
    std::unique_ptr<link::DeliveryWorker> worker;
    bool running = false;  // the worker was started and not stopped since
    std::unique_ptr<net::HttpsClient> audit_client;
    std::unique_ptr<net::HttpsClient> fetch_client;
    // The peer's keys this link's TLS client accepts (refresh() updates them).
    std::shared_ptr<tls::PeerKeySet> server_keys;
  };
  void start_link(const store::PeerRecord& p);  // with mu_ held
  // Once per process: an event when the node's key changed under it (a
  // rotation or revocation by another process; monitor thread).
  void warn_if_key_changed();
  bool stale_key_reported_ = false;
  void set_running(const std::string& link, bool running);

  service::Node& node_;
  const link::DeliveryOptions delivery_;
  EventLog& events_;
  std::shared_ptr<tls::PeerKeySet> pins_ = std::make_shared<tls::PeerKeySet>();
  std::function<void(const std::string&, std::int64_t)> delivered_;

  mutable std::mutex mu_;  // guards links_ (and each Entry's running)
  std::map<std::string, Entry> links_;

  // Receipts stored by the workers, up to which seq per link, and how far
  // apply_receipts() has noted them (monitor thread only).
  std::mutex receipts_mu_;
  std::map<std::string, std::int64_t> receipted_up_to_;
  std::map<std::string, std::int64_t> receipts_noted_;

  // Handshake refusals, counted by the TLS callback (which must not wait on
  // the database) and recorded by the monitor.
  RefusalTally refusals_;
};

}  // namespace hotline::node
