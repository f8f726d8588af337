// The node's Merkle log as a service: tree heads, proofs, publishing heads
// to peers and auditing the heads peers send us (docs/protocol.md §6).
//
// The store appends every envelope and receipt to the log in the
// transaction that stores it (store/store.h); this file only reads the log,
// signs heads and answers or checks proofs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/tree_head.h"
#include "hotline/ledger/tree_storage.h"
#include "hotline/link/link_context.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/tree_heads.h"
#include "hotline/store/store.h"

namespace hotline::service {

inline constexpr const char* kTreeHead = "ledger.head";

// Makes a head and sends it to every peer as a `ledger.head` envelope, in
// one transaction. Returns the head.
ledger::SignedTreeHead publish_tree_head(Node& node, TimePoint now);

// Answers a peer's proof request (POST /v1/ledger/proofs):
//   {"size":N, "first":M|null, "inclusion":[i, …]}  (at most 1000 indexes)
// with {"size":N, "root":HEX, "consistency":[HEX…]|null,
//       "inclusion":[{"index":i,"leaf_hash":HEX,"proof":[HEX…]}, …]}.
// N must be the size of one of our signed heads. Errors: ledger_bad_request.
nlohmann::json answer_proof_request(store::Store& store, const nlohmann::json& request);

// Stores a head received from a peer (status "unchecked") after checking its
// signature; content problems throw (the node's inbound dispatch, node/inbound.h,
// records them as events).
void apply_tree_head(store::Transaction& tx, const link::LinkContext& ctx,
                     const nlohmann::json& body, const std::string& received_at);

// A peer restored from a backup whose log then held `log_size` leaves
// (it asked for its envelopes back, docs/protocol.md §4.6): its heads we
// hold for larger sizes were signed over a log it no longer has (and one
// of exactly that size not yet audited may have been signed after the
// backup, which the restored node cannot prove). They are
// kept, marked "superseded" (no longer audited, no conflict with the heads
// of its new log, listed by `hotline ledger status`), and our audit's
// inclusion watermark moves past the envelopes it had receipted so far
// (their receipts name leaves of the lost log; the peer takes them again
// and its new receipts are not stored: the old ones stay the evidence).
// Records the event "peer_restored". Returns how many heads it marked.
std::int64_t note_peer_restored(store::Transaction& tx, const link::LinkContext& ctx,
                                std::int64_t log_size, TimePoint now);

// What one audit round of a peer's heads needs to ask the peer, and how to
// judge the answer. The node's peer audit job does the asking (node/peer_audit_job.h).
struct AuditPlan {
  store::TreeHeadRecord head;                     // the newest unchecked head of the peer
  std::optional<store::TreeHeadRecord> previous;  // the newest head already checked
  std::vector<std::pair<std::int64_t, std::int64_t>>
      inclusion;  // (our outbound seq, leaf index at the peer)
};
std::optional<AuditPlan> plan_audit(store::Store& store, const std::string& link);
nlohmann::json audit_request(const AuditPlan& plan);

// Checks the peer's answer against the plan; marks the heads, advances the
// inclusion watermark, records events. Returns the findings (empty = all
// verified).
std::vector<std::string> judge_audit(store::Store& store, const link::LinkContext& ctx,
                                     const AuditPlan& plan, const nlohmann::json& answer,
                                     TimePoint now);

}  // namespace hotline::service
