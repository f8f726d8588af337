// After a restore from an older backup: what a node sent on a link after
// the backup is held by its peer (signed by the node itself, receipted by
// the peer), and the node's own outbound chain ends earlier. Until it has
// those envelopes back it must not send (it would reuse their seqs). The
// peer hands them back on request (docs/protocol.md §4.6); this file marks
// a link as waiting for them and takes them in.
//
// Free functions over a store transaction; thread-safe as the store is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/link/link_context.h"
#include "hotline/store/store.h"

namespace hotline::link {

// The setting that marks a link as restored and not yet resynchronised:
// {"log_size": the restored log's size at the backup, "state": "pending"
// or "done", "recovered": envelopes taken back}.
std::string resync_setting(const std::string& link);

// Marks `link` as waiting for its resync (restore_node).
void mark_resync(store::Transaction& tx, const std::string& link, std::int64_t log_size);
// The restored log size when the link waits for its resync; nullopt when not.
std::optional<std::int64_t> resync_pending(store::Transaction& tx, const std::string& link);

// ---- the peer's side: answering POST /v1/link/resync -------------------------

inline constexpr std::size_t kMaxResyncBatch = 256;

// The request: {"after_seq": N, "log_size": S} (N: the last envelope of
// the requester's with our receipt, S: the size of its log at its backup). The answer:
// {"envelopes":[canonical envelope text, ...], "receipts":[our receipt, ...], "more": bool} with
// the envelopes the requester sent us after seq N (at most kMaxResyncBatch) and the receipts we
// signed for them. Throws Error(invalid_input, "resync_bad_request").
nlohmann::json answer_resync(store::Transaction& tx, const LinkContext& ctx,
                             const nlohmann::json& request);

// ---- the restored node's side ------------------------------------------------

// Checks a peer's answer (every envelope signed by us, for this link, in seq
// order and chained to what we hold; every receipt signed by the peer for
// exactly that envelope) and stores the envelopes with their receipts, as
// delivered (not queued). The answer may begin with envelopes we hold but
// had not had receipted at the backup (still queued): they must be exactly
// ours; their receipts are stored and they leave the queue. Returns the envelopes it took, in seq
// order; throws Error(invalid_input, "resync_bad_answer") and stores nothing when any check fails.
// Their effects on this node (its own desk messages, its own item actions) are the caller's.
std::vector<store::EnvelopeRecord> take_resync_answer(store::Transaction& tx,
                                                      const LinkContext& ctx,
                                                      const nlohmann::json& answer);

// Ends the link's resync (state "done").
void finish_resync(store::Transaction& tx, const std::string& link, std::int64_t recovered);

}  // namespace hotline::link
