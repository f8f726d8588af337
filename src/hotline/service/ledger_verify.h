// `hotline ledger verify` and `hotline ledger status`: does the local store
// match the node's Merkle log, and do the signed tree heads (ours and the
// peers') agree with it and with each other?
//
// verify_ledger() reads one snapshot and checks, reporting every finding
// (not only the first) under a stable code:
//
//   the log itself
//     leaf_missing          a leaf index below the log's size has no row
//     leaf_duplicate        two leaves name the same item
//     leaf_item_missing     a leaf names an envelope or receipt the store lacks
//     leaf_hash_mismatch    a leaf's hash is not SHA-256(0x00 || the item's bytes)
//     leaf_out_of_order     an item is logged before one that preceded it
//     item_not_in_log       a stored envelope or receipt has no leaf
//     store_extra_envelopes envelopes on links this node has no peer for
//     unknown_link          leaves of a link that is no peer's
//     node_mismatch         a stored perfect-subtree hash differs from the one
//                           recomputed from the leaf hashes
//     node_missing, node_extra
//   our signed heads
//     head_wrong_key        signed by another key than this node's
//     head_bad_signature    the signature does not verify
//     head_beyond_log       the head covers more leaves than the log holds
//                           (the log was truncated)
//     head_root_mismatch    the root is not that of the log's first `size` leaves
//     heads_conflict        two heads disagree (same size, other root; or a
//                           larger head signed before a smaller one)
//   the stored items
//     chain                 link::check_chain findings (seq gaps, reordering,
//                           prev breaks, signatures, receipts)
//     receipt_index_mismatch  a receipt we signed names another log index
//                           than the one its envelope holds
//     received_at_mismatch  a stored received_at (envelope, receipt or desk
//                           message) differs from the one in the signed receipt
//     receipt_column_mismatch  other receipt columns (digest, index) differ
//                           from the signed receipt
//   the peers' heads
//     peer_head_unknown_link, peer_head_wrong_key, peer_head_bad_signature
//     peer_head_inconsistent  a head our audit found inconsistent
//     peer_heads_conflict   two heads of one peer disagree
//   the audit trail (audit_trail.h)
//     audit_trail           an entry was altered, deleted or reordered: the
//                           hash chain breaks at the entry named
//
// Read-only: it never writes to the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/service/audit_trail.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct LedgerFinding {
  std::string code;     // see above
  std::string message;  // one sentence for an auditor, naming the item
  bool operator==(const LedgerFinding&) const = default;
};

struct LedgerReport {
  std::int64_t log_size = 0;  // leaves (highest index + 1)
  std::string root;           // hex root recomputed from the stored leaf hashes
  std::int64_t envelopes = 0, receipts = 0, own_heads = 0, peer_heads = 0, links = 0;
  std::int64_t audit_entries = 0;                  // entries of the audit trail read
  std::vector<LedgerFinding> findings;             // at most kMaxFindingsPerCode per code
  std::map<std::string, std::int64_t> suppressed;  // code -> findings left out
  // Events of kind "ledger_inconsistent" (what the node's audits found).
  std::vector<store::EventRecord> inconsistency_events;

  bool ok() const { return findings.empty(); }
  bool has(const std::string& code) const;
  std::int64_t total_findings() const;
};

inline constexpr std::size_t kMaxFindingsPerCode = 50;

// Checks the store as seen by `tx` (a read snapshot is enough); `self` is
// this node's public key.
LedgerReport verify_ledger(store::Transaction& tx, const crypto::PublicKey& self);
LedgerReport verify_ledger(store::Store& store, const crypto::PublicKey& self);

// What `hotline ledger status` shows.
struct PeerLedgerStatus {
  store::PeerRecord peer;
  std::optional<store::TreeHeadRecord> latest;  // newest head received
  std::int64_t heads = 0, unchecked = 0, inconsistent = 0;
  // Of a log the peer lost in a restore (tree_heads.h): not in `unchecked`.
  std::int64_t superseded = 0;
};
struct LedgerStatus {
  std::int64_t log_size = 0;
  std::string root;
  std::optional<store::TreeHeadRecord> own_head;  // our newest signed head
  std::int64_t own_heads = 0;
  std::vector<PeerLedgerStatus> peers;
  std::vector<store::EventRecord> inconsistency_events;
};
LedgerStatus ledger_status(store::Store& store);

// ---- the check from the API (the web app's ledger screen) -------------------

// The result of the last check run through record_ledger_verify(), kept in
// the setting kLastVerifySetting (JSON) until the next one replaces it.
struct LedgerVerifyRecord {
  std::string at;  // when it ran (our clock)
  std::string by;  // the user who asked
  bool ok = false;
  std::string sentence;  // one sentence: all fine, or how many problems and the first
  std::int64_t tree_size = 0;
  std::string root;  // hex
  std::int64_t findings = 0;
};
inline constexpr const char* kLastVerifySetting = "ledger.last_verify";

// Runs verify_ledger() over a snapshot, keeps its result as the last check
// and, given an audit context, records "ledger.verify" (detail "ok" or
// "<N> findings") in the same write transaction. Returns the full report
// and the record kept.
std::pair<LedgerReport, LedgerVerifyRecord> record_ledger_verify(
    store::Store& store, const crypto::PublicKey& self, const std::string& by, TimePoint now,
    const AuditContext* audit = nullptr);
// The last check kept; nullopt when none has run (or the setting is unreadable).
std::optional<LedgerVerifyRecord> last_ledger_verify(store::Transaction& tx);

// A signed tree head as the ledger screen lists it: ours ("peer" empty) or
// a peer's, with whether its signature verifies with the signer's key
// (ours: this node's; a peer's: its pinned key) and, for a peer's, the
// consistency status our audit gave it ("ok", "unchecked", "inconsistent").
struct TreeHeadView {
  std::string peer;  // "" for ours
  store::TreeHeadRecord head;
  bool signature_valid = false;
};
// The `limit` most recent heads (by signing time, newest first), ours and
// every peer's together.
std::vector<TreeHeadView> recent_tree_heads(store::Store& store, const crypto::PublicKey& self,
                                            std::size_t limit);

// All events of kind "ledger_inconsistent", oldest first.
std::vector<store::EventRecord> ledger_inconsistency_events(store::Transaction& tx);

}  // namespace hotline::service
