#include "hotline/node/links.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "hotline/common/time.h"
#include "hotline/node/peer_transport.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/key_service.h"
#include "hotline/service/link_support.h"

namespace hotline::node {
namespace {}  // namespace

Links::Links(service::Node& node, link::DeliveryOptions delivery, EventLog& events,
             std::chrono::milliseconds refusal_interval)
    : node_(node), delivery_(std::move(delivery)), events_(events), refusals_(refusal_interval) {
  pins_->on_refusal([this](const tls::PeerKeySet::Refusal& r) {
    refusals_.count(r.key ? crypto::PublicKey{*r.key}.encoded() : std::string());
  });
}

Links::~Links() {
  stop_workers();
}

void Links::on_delivered(std::function<void(const std::string& link, std::int64_t seq)> fn) {
  delivered_ = std::move(fn);
}

void Links::refresh() {
  // The key histories may have changed (a key.rotate received, a rekey by
  // another process): the rings are read again, and the TLS pins follow.
  service::reload_key_rings(node_);
  warn_if_key_changed();
  auto peers = node_.store->snapshot([](store::Transaction& tx) { return tx.list_peers(); });
  std::vector<tls::Ed25519PublicKey> keys;
  std::map<std::string, std::vector<tls::Ed25519PublicKey>> per_link;
  for (const auto& p : peers) {
    per_link[p.link] = peer_tls_keys(node_, p);
    keys.insert(keys.end(), per_link[p.link].begin(), per_link[p.link].end());
  }
  pins_->replace(keys);
  std::lock_guard lock(mu_);
  for (const auto& p : peers) {
    if (!links_.count(p.link)) start_link(p);
    links_.at(p.link).server_keys->replace(per_link[p.link]);
  }
}

void Links::warn_if_key_changed() {
  if (stale_key_reported_) return;
  const auto current = service::self_key_ring(node_)->get()->current();
  if (current == node_.identity.public_key()) return;
  stale_key_reported_ = true;
  events_.record("key_restart_needed", "",
                 "this process still signs with " + node_.identity.public_key().fingerprint() +
                     " but the node's key is now " + current.fingerprint() +
                     " (hotline key rotate/revoke): restart hotline serve");
}

void Links::start_link(const store::PeerRecord& p) {
  auto ctx = service::link_context(node_, p);
  auto server_keys = std::make_shared<tls::PeerKeySet>();
  server_keys->replace(peer_tls_keys(node_, p));
  // During a rotation's overlap, until this peer confirmed our new key, the
  // link's TLS presents the key it knows.
  auto previous = service::tls_key_during_overlap(node_, now_ms(), p.link);
  const crypto::KeyPair& tls_key = previous ? *previous : node_.identity;
  auto transport = make_peer_transport(tls_key, node_.party, server_keys, p.url);
  auto delivery = delivery_;
  try {
    auto a = node_.store->snapshot(
        [&](store::Transaction& tx) { return service::agreement_in_force(tx, p.link); });
    if (a) delivery.clock_tolerance_ms = a->clock_tolerance_ms;
  } catch (const std::exception&) {
  }
  std::string link = p.link;
  auto worker = std::make_unique<link::DeliveryWorker>(
      *node_.store, ctx, std::move(transport), delivery,
      [this, link](const std::string& kind, const std::string& detail) {
        events_.record(kind, link, detail);
      });
  worker->on_delivered([this, link](std::int64_t seq) {
    {
      std::lock_guard receipts_lock(receipts_mu_);
      auto& up_to = receipted_up_to_[link];
      up_to = std::max(up_to, seq);
    }
    if (delivered_) delivered_(link, seq);
  });
  spdlog::info("event=link_added link={} peer=\"{}\" url={}", p.link, p.name, p.url);
  links_.emplace(
      p.link,
      Entry{p, std::make_unique<LeaseKeeper>(*node_.store, "delivery:" + p.link), std::move(worker),
            false, make_peer_client(tls_key, node_.party, server_keys, p.url),
            make_peer_client(tls_key, node_.party, server_keys, p.url), server_keys});
}

void Links::claim() {
  std::vector<std::pair<std::string, Entry*>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [link, e] : links_) all.emplace_back(link, &e);  // entries stay until ~Links
  }
  for (auto& [link, e] : all) {
    switch (e->lease->keep()) {
      case LeaseKeeper::Change::gained:
        set_running(link, true);
        e->worker->start();
        spdlog::info("event=link_started link={}", link);
        break;
      case LeaseKeeper::Change::lost:
        e->worker->stop();  // returns once the exchange in progress ended
        set_running(link, false);
        e->lease->release();
        spdlog::warn("event=link_stopped link={} reason=lease_lost", link);
        break;
      case LeaseKeeper::Change::none:
        break;
    }
  }
}

void Links::set_running(const std::string& link, bool running) {
  std::lock_guard lock(mu_);
  links_.at(link).running = running;
}

bool Links::delivering(const std::string& link) const {
  std::lock_guard lock(mu_);
  auto it = links_.find(link);
  return it != links_.end() && it->second.running;
}

void Links::persist_status() {
  std::vector<std::pair<std::string, link::DeliveryStatus>> changed;
  {
    std::lock_guard lock(mu_);
    // Another process's worker reports the links this one does not deliver.
    for (auto& [link, e] : links_) {
      if (e.running) changed.emplace_back(link, e.worker->status());
    }
  }
  if (changed.empty()) return;
  node_.store->transact([&](store::Transaction& tx) {
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

void Links::apply_receipts() {
  std::map<std::string, std::int64_t> todo;
  {
    std::lock_guard lock(receipts_mu_);
    todo = receipted_up_to_;
  }
  for (const auto& [link, up_to] : todo) {
    auto& noted = receipts_noted_[link];  // 0 at start: the first round looks at all
    if (up_to <= noted) continue;
    service::note_item_receipts(*node_.store, link, noted, up_to);
    noted = up_to;
  }
}

void Links::record_refusals() {
  if (auto detail = refusals_.due(RefusalTally::Clock::now())) {
    events_.record("peer_refused", "", *detail);
  }
}

void Links::notify(const std::string& link) {
  std::lock_guard lock(mu_);
  if (auto it = links_.find(link); it != links_.end()) it->second.worker->notify();
}

void Links::notify_all() {
  for (const auto& l : ids()) notify(l);
}

std::vector<std::string> Links::ids() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [link, e] : links_) out.push_back(link);
  return out;
}

std::string Links::peer_name(const std::string& link) const {
  std::lock_guard lock(mu_);
  auto it = links_.find(link);
  return it == links_.end() ? std::string() : it->second.peer.name;
}

std::optional<link::LinkContext> Links::context(const std::string& link) const {
  std::lock_guard lock(mu_);
  auto it = links_.find(link);
  if (it == links_.end()) return std::nullopt;
  return it->second.worker->context();
}

net::HttpsClient* Links::audit_client(const std::string& link) {
  std::lock_guard lock(mu_);
  auto it = links_.find(link);
  return it == links_.end() ? nullptr : it->second.audit_client.get();
}

net::HttpsClient* Links::fetch_client(const std::string& link) {
  std::lock_guard lock(mu_);
  auto it = links_.find(link);
  return it == links_.end() ? nullptr : it->second.fetch_client.get();
}

void Links::stop_workers() {
  std::vector<Entry*> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [link, e] : links_) all.push_back(&e);
  }
  // Workers first: a lease given up while its worker still sends would let
  // another process start sending beside it.
  for (Entry* e : all) e->worker->stop();
  std::lock_guard lock(mu_);
  for (auto& [link, e] : links_) {
    e.running = false;
    e.lease->release();
  }
}

}  // namespace hotline::node
