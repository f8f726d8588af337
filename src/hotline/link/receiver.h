// The receiving end of a link (docs/protocol.md §4.3).
//
// A batch is NDJSON: one canonical envelope per line, in seq order. Every
// line is parsed and its signature checked before the store is touched (the
// expensive part runs outside the write lock); then, in ONE write
// transaction, each envelope is checked for seq continuity and prev, stored
// and handed to `apply` for its effect; then the receipts of all the
// envelopes stored are signed together (one signature, receipt.h) and
// stored after them. The first refused line ends the batch: what came before
// it is committed and receipted, nothing after it is stored.
//
// Threads: receive_batch() may run on several threads at once, for batches
// of the same link or of others; the store serializes their write
// transactions, and `order` (when given) makes a link's batches store in seq
// order. It keeps nothing after it returns. `apply` runs on the calling
// thread inside the write transaction, so it must not open another one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/link/receipt.h"
#include "hotline/link/receive_order.h"
#include "hotline/store/store.h"

namespace hotline::link {

inline constexpr std::size_t kMaxBatchEnvelopes = 1000;

struct ReceiveError {
  // The answer's HTTP status is this category's (common/error_category.h):
  // invalid_input malformed, forbidden not for this link / forged, conflict
  // out of sequence, too_large too many envelopes.
  ErrorCategory category = ErrorCategory::invalid_input;
  std::string code;
  std::string message;
  std::int64_t line = 0;                     // 0-based line of the batch
  std::optional<std::int64_t> expected_seq;  // set for seq_gap / prev_mismatch
};

struct ReceiveOutcome {
  std::vector<std::string> receipts;  // canonical signed receipts, one per accepted line
  std::vector<Envelope> stored;       // envelopes stored for the first time (not duplicates)
  std::optional<ReceiveError> error;

  // The response document: {"error":null|{...},"receipts":[...]}.
  std::string to_json() const;
};

// Applies an envelope's effect (a desk message listed, a heartbeat noted, …)
// inside the transaction that stores it.
using ApplyFn =
    std::function<void(store::Transaction&, const Envelope&, const std::string& received_at)>;

// `order`, when given, is this batch's place among the link's batches in
// flight (receive_order.h): the store step waits for its turn.
ReceiveOutcome receive_batch(store::Store& store, const LinkContext& ctx, std::string_view batch,
                             const std::function<TimePoint()>& clock, const ApplyFn& apply,
                             ReceiveOrder::Ticket* order = nullptr);

}  // namespace hotline::link
