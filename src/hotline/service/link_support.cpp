#include "hotline/service/link_support.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::service {
namespace {

struct ParsedAgreement {
  std::string document;
  model::Agreement agreement;
};
std::mutex g_agreements_mu;
std::map<std::string, std::shared_ptr<const ParsedAgreement>> g_agreements;  // by digest
constexpr std::size_t kMaxCachedAgreements = 64;

constexpr const char* kSelfKeysSetting = "keys.self";
std::string peer_keys_setting(const std::string& link) {
  return "keys.peer." + link;
}

std::mutex g_rings_mu;
// by node directory, then "" (ours) or the link id
std::map<std::string, std::map<std::string, std::shared_ptr<link::KeyRing>>> g_rings;

crypto::PublicKey stored_peer_key(const store::PeerRecord& peer) {
  // The key was fully validated by add_peer; decoding it again per message
  // would repeat a curve-point check for nothing.
  crypto::PublicKey key;
  auto bytes = base64url_decode(peer.public_key);
  if (bytes.size() != key.bytes.size())
    throw Error(ErrorCategory::internal, "store_inconsistent",
                "stored key of peer " + peer.name + " is not 32 bytes");
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  return key;
}

std::optional<link::KeyHistory> stored_history(store::Transaction& tx, const std::string& name) {
  auto text = tx.get_setting(name);
  if (!text) return std::nullopt;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    throw Error(ErrorCategory::internal, "key_history_invalid",
                "the setting " + name + " is not JSON: " + e.what());
  }
  return link::KeyHistory::from_json(j);
}

std::shared_ptr<link::KeyRing> ring(const Node& node, const std::string& slot,
                                    const std::function<link::KeyHistory()>& load) {
  const std::string dir = node.paths.dir.string();
  {
    std::lock_guard lock(g_rings_mu);
    auto& rings = g_rings[dir];
    if (auto it = rings.find(slot); it != rings.end()) return it->second;
  }
  auto made = std::make_shared<link::KeyRing>(load());
  std::lock_guard lock(g_rings_mu);
  return g_rings[dir].emplace(slot, made).first->second;  // another thread's, if it was first
}

}  // namespace

PeerAddress parse_peer_url(const std::string& url) {
  auto bad = [&]() -> PeerAddress {
    throw Error(ErrorCategory::invalid_input, "peer_invalid",
                "peer URL '" + url + "' is not of the form https://HOST:PORT");
  };
  const std::string prefix = "https://";
  if (url.rfind(prefix, 0) != 0) return bad();
  auto rest = url.substr(prefix.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return bad();
  auto port = rest.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  int number = std::stoi(port);
  if (number < 1 || number > 65535) return bad();
  auto host = rest.substr(0, colon);
  if (host.find('/') != std::string::npos || host.find('@') != std::string::npos) return bad();
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return {host, static_cast<std::uint16_t>(number)};
}

std::int64_t record_event(store::Transaction& tx, TimePoint now, const std::string& kind,
                          const std::string& link, const std::string& detail) {
  return tx.append_event(store::EventRecord{0, format_timestamp(now), kind, link, detail});
}

std::int64_t events_max_age_days(store::Transaction& tx) {
  auto v = tx.get_setting(kEventsMaxAgeSetting);
  if (!v) return kDefaultEventsMaxAgeDays;
  try {
    return std::clamp<std::int64_t>(std::stoll(*v), 1, 36500);
  } catch (const std::exception&) {
    return kDefaultEventsMaxAgeDays;
  }
}

std::int64_t prune_old_events(store::Transaction& tx, TimePoint now, std::size_t limit) {
  const auto age = std::chrono::hours(24) * events_max_age_days(tx);
  return tx.prune_events(format_timestamp(now - age), limit);
}

store::PeerRecord find_peer(store::Transaction& tx, const std::string& name) {
  if (auto p = tx.find_peer(name)) return *p;
  std::string known;
  for (const auto& p : tx.list_peers()) known += (known.empty() ? "" : ", ") + p.name;
  throw Error(ErrorCategory::not_found, "peer_unknown",
              "no peer named '" + name + "'" +
                  (known.empty() ? std::string("; add one with `hotline peer add`")
                                 : "; known peers: " + known));
}

store::PeerRecord find_peer(store::Store& store, const std::string& name) {
  return store.snapshot([&](store::Transaction& tx) { return find_peer(tx, name); });
}

link::LinkContext link_context(const Node& node, const store::PeerRecord& peer) {
  auto peer_ring = peer_key_ring(node, peer);
  auto self_ring = self_key_ring(node);
  link::LinkContext ctx(node.identity, peer_ring->get()->current(), peer.name, peer.link);
  ctx.peer_keys = std::move(peer_ring);
  ctx.self_keys = std::move(self_ring);
  return ctx;
}

link::KeyHistory self_key_history(store::Transaction& tx, const crypto::PublicKey& current) {
  if (auto h = stored_history(tx, kSelfKeysSetting)) return *h;
  return link::KeyHistory::single(current);
}

link::KeyHistory peer_key_history(store::Transaction& tx, const store::PeerRecord& peer) {
  if (auto h = stored_history(tx, peer_keys_setting(peer.link))) return *h;
  return link::KeyHistory::single(stored_peer_key(peer), peer.added_at);
}

void put_self_key_history(store::Transaction& tx, const link::KeyHistory& h) {
  tx.put_setting(kSelfKeysSetting, h.to_json().dump());
}

void put_peer_key_history(store::Transaction& tx, const std::string& link,
                          const link::KeyHistory& h) {
  tx.put_setting(peer_keys_setting(link), h.to_json().dump());
}

std::optional<store::PeerRecord> find_peer_by_any_key(store::Transaction& tx,
                                                      const std::string& encoded) {
  if (auto p = tx.find_peer_by_key(encoded)) return p;
  for (auto& p : tx.list_peers()) {
    if (peer_key_history(tx, p).find(encoded) != nullptr) return p;
  }
  return std::nullopt;
}

std::shared_ptr<link::KeyRing> self_key_ring(const Node& node) {
  return ring(node, "", [&] {
    return node.store->snapshot(
        [&](store::Transaction& tx) { return self_key_history(tx, node.identity.public_key()); });
  });
}

std::shared_ptr<link::KeyRing> peer_key_ring(const Node& node, const store::PeerRecord& peer) {
  return ring(node, peer.link, [&] {
    return node.store->snapshot([&](store::Transaction& tx) { return peer_key_history(tx, peer); });
  });
}

void reload_key_rings(const Node& node) {
  auto fresh = node.store->snapshot([&](store::Transaction& tx) {
    std::map<std::string, link::KeyHistory> out;
    out.emplace("", self_key_history(tx, node.identity.public_key()));
    for (const auto& p : tx.list_peers()) out.emplace(p.link, peer_key_history(tx, p));
    return out;
  });
  std::lock_guard lock(g_rings_mu);
  auto& rings = g_rings[node.paths.dir.string()];
  for (auto& [slot, h] : fresh) {
    auto it = rings.find(slot);
    if (it == rings.end()) {
      rings.emplace(slot, std::make_shared<link::KeyRing>(std::move(h)));
    } else if (!(*it->second->get() == h)) {
      it->second->set(std::move(h));
    }
  }
}

model::Agreement parse_agreement(const store::AgreementRecord& record) {
  {
    std::lock_guard lock(g_agreements_mu);
    auto it = g_agreements.find(record.digest);
    if (it != g_agreements.end() && it->second->document == record.document)
      return it->second->agreement;
  }
  auto parsed = std::make_shared<const ParsedAgreement>(ParsedAgreement{
      record.document, model::agreement_from_json(nlohmann::json::parse(record.document))});
  std::lock_guard lock(g_agreements_mu);
  if (g_agreements.size() >= kMaxCachedAgreements) g_agreements.clear();
  g_agreements[record.digest] = parsed;
  return parsed->agreement;
}

std::shared_ptr<const model::Agreement> parsed_agreement(const std::string& digest) {
  std::lock_guard lock(g_agreements_mu);
  auto it = g_agreements.find(digest);
  if (it == g_agreements.end()) return nullptr;
  return {it->second, &it->second->agreement};
}

std::optional<model::Agreement> agreement_in_force(store::Transaction& tx,
                                                   const std::string& link) {
  for (const auto& a : tx.list_agreements(link)) {
    if (a.state == "accepted") return parse_agreement(a);
  }
  return std::nullopt;
}

}  // namespace hotline::service
