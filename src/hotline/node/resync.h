// Resynchronising a restored node's links with their peers before it
// serves (docs/protocol.md §4.6): for each link `hotline restore` marked
// (link/resync.h), ask the peer for the envelopes this node sent it after
// the backup (POST /v1/link/resync on its peer listener), check and store
// them with the peer's receipts, then mark the link done. Until then the
// node must create no envelope on that link: its outbound seq is behind.
//
// Runs once, on the calling thread, from NodeServer::start() before any
// listener or job starts. Thread-safe as the store is.
#pragma once

#include <chrono>
#include <cstdint>

#include "hotline/service/node_dir.h"

namespace hotline::node {

// Resynchronises every marked link; returns the envelopes taken back. A
// peer that cannot be reached is retried (every second) until `patience`
// has passed; then Error(unavailable, "resync_peer_unreachable") naming the
// peer. A peer's answer that fails the checks: Error "resync_bad_answer".
std::int64_t resync_restored_links(service::Node& node, std::chrono::milliseconds patience);

}  // namespace hotline::node
