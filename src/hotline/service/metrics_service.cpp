#include "hotline/service/metrics_service.h"

#include <array>
#include <cstdint>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sha256.h"

namespace hotline::service {
namespace {

std::string token_hash(std::string_view token) {
  return to_hex(crypto::sha256(token));
}

std::optional<TimePoint> time_of(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  try {
    return parse_timestamp(*text);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The receipt of the newest envelope of ours the peer receipted: the one
// before the head of the outbox (receipts come in seq order), or the last
// one sent when nothing is queued.
std::optional<TimePoint> last_receipt(store::Transaction& tx, const std::string& link) {
  auto head = tx.pending_outbox(link, 1);
  const std::int64_t seq =
      head.empty() ? tx.last_seq(link, store::Direction::outbound) : head.front().seq - 1;
  if (seq <= 0) return std::nullopt;
  auto receipt = tx.find_receipt(link, store::Direction::outbound, seq);
  if (!receipt) return std::nullopt;
  return time_of(receipt->received_at);
}

}  // namespace

NodeGauges read_node_gauges(store::Store& store) {
  return store.snapshot([](store::Transaction& tx) {
    NodeGauges g;
    for (const auto& peer : tx.list_peers()) {
      LinkGauges l;
      l.peer = peer.name;
      l.queued = tx.outbox_length(peer.link);
      if (auto state = tx.find_link_state(peer.link)) {
        l.up = state->connected && state->state != "down";
        l.last_contact = time_of(state->last_contact);
      }
      l.last_receipt = last_receipt(tx, peer.link);
      g.links.push_back(std::move(l));
    }
    g.counts = tx.metric_counts();
    return g;
  });
}

std::string create_metrics_token(store::Store& store, const AuditContext& audit, TimePoint now) {
  std::array<std::uint8_t, 32> secret{};
  crypto::random_bytes(secret);
  const std::string token = kMetricsTokenPrefix + base64url_encode(secret);
  store.transact([&](store::Transaction& tx) {
    const bool replaced = tx.get_setting(kMetricsTokenSetting).has_value();
    tx.put_setting(kMetricsTokenSetting, token_hash(token));
    service::audit(tx, audit, "metrics.token_create", "metrics",
                   replaced ? "replaced the previous metrics token" : "", now);
  });
  return token;
}

bool remove_metrics_token(store::Store& store, const AuditContext& audit, TimePoint now) {
  return store.transact([&](store::Transaction& tx) {
    auto current = tx.get_setting(kMetricsTokenSetting);
    if (!current || current->empty()) return false;
    tx.put_setting(kMetricsTokenSetting, "");
    service::audit(tx, audit, "metrics.token_remove", "metrics", "", now);
    return true;
  });
}

bool metrics_token_matches(store::Store& store, std::string_view token) {
  if (token.rfind(kMetricsTokenPrefix, 0) != 0) return false;
  auto stored =
      store.snapshot([](store::Transaction& tx) { return tx.get_setting(kMetricsTokenSetting); });
  if (!stored || stored->empty()) return false;
  return *stored == token_hash(token);
}

}  // namespace hotline::service
