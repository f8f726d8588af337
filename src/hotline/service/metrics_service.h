// What GET /metrics reads of the node (api/routes_metrics.cpp renders it)
// and the metrics token that lets a scraper read it.
//
// The node-level figures come from the store, so every process of a node
// (several `hotline serve` on one PostgreSQL database) answers the same
// ones; the process-level ones (common/metrics.h) are each process's own.
//
// The metrics token is not an API token: it reads /metrics and nothing
// else, and no API route accepts it. Its SHA-256 is kept in the setting
// "metrics.token_sha256"; `hotline metrics token` makes a new one (the old
// one stops working) and `hotline metrics token --remove` removes it, each
// recorded in the audit trail.
//
// Threads: free functions over the Store, as thread-safe as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/store/store.h"

namespace hotline::service {

inline constexpr const char* kMetricsTokenSetting = "metrics.token_sha256";
inline constexpr const char* kMetricsTokenPrefix = "hlm_";

struct LinkGauges {
  std::string peer;         // the peer's name
  std::int64_t queued = 0;  // envelopes in the outbox, not yet receipted
  // Our last delivery attempt reached the peer and its heartbeats do not
  // say it is down (LinkStateRecord).
  bool up = false;
  std::optional<TimePoint> last_receipt;  // received_at of the newest receipt of ours
  std::optional<TimePoint> last_contact;  // last successful exchange, either way
};

struct NodeGauges {
  std::vector<LinkGauges> links;  // by peer name
  store::MetricCounts counts;
};

// One read snapshot.
NodeGauges read_node_gauges(store::Store& store);

// A new metrics token ("hlm_" and 43 base64url characters), replacing any
// earlier one; shown once, only its SHA-256 is kept.
std::string create_metrics_token(store::Store& store, const AuditContext& audit, TimePoint now);
// False when there was none.
bool remove_metrics_token(store::Store& store, const AuditContext& audit, TimePoint now);
// True when `token` is the current metrics token.
bool metrics_token_matches(store::Store& store, std::string_view token);

}  // namespace hotline::service
