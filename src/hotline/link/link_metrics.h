// The per-link metrics of this process (docs/operations.md, "Metrics"),
// labelled by the peer's name: envelopes and bytes each way, and the
// delivery latency from an envelope's sent_at (when it was queued) to its
// receipt being stored.
//
// Ownership and threads: link_metrics() hands out an entry that lives until
// the process ends. Looking a peer up takes no lock once its entry exists
// (a scan of a fixed table of atomic pointers; the first call for a peer
// takes a mutex to add it), so the delivery worker and the peer listener
// may call it per batch from any thread.
#pragma once

#include <string_view>

#include "hotline/common/metrics.h"

namespace hotline::link {

struct LinkMetrics {
  metrics::Counter& envelopes_sent;      // posted to the peer (again after a failure too)
  metrics::Counter& bytes_sent;          // the batches' bodies
  metrics::Counter& envelopes_received;  // stored for the first time (no duplicates)
  metrics::Counter& bytes_received;      // the batches' bodies
  metrics::Histogram& delivery_seconds;  // queued (sent_at) -> receipt stored
};

LinkMetrics& link_metrics(std::string_view peer);

}  // namespace hotline::link
