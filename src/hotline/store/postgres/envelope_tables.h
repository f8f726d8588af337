// SQL for envelopes, the outbox and receipts, as free functions over a
// connection; PostgresTransaction checks that the transaction is open (and
// writable) and then calls these. The semantics are store.h's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/postgres/ledger_tables.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

// Stores the envelope and appends it to the log (ledger_tables.h) in the
// open transaction; returns its leaf index. `known_new`: the caller knows
// that no envelope has its seq on its link (above the chain head it holds):
// while the connection is deferring (conn.h) it is then a deferred write,
// and a clash of ids (which only a broken peer would send) is refused by
// the server, failing the group member whole, not at this call.
std::int64_t insert_envelope(Conn& c, LogFrontier& frontier, const EnvelopeRecord& e,
                             bool known_new = false);
std::optional<EnvelopeRecord> find_envelope(Conn& c, std::string_view id);
std::optional<EnvelopeRecord> find_envelope_by_seq(Conn& c, std::string_view link,
                                                   Direction direction, std::int64_t seq);
std::int64_t last_seq(Conn& c, std::string_view link, Direction direction);
ChainHead chain_head(Conn& c, std::string_view link, Direction direction);
std::vector<EnvelopeRecord> list_envelopes(Conn& c, std::string_view link, Direction direction,
                                           std::int64_t after_seq, std::int64_t limit);
std::int64_t count_envelopes(Conn& c);

void enqueue_outbox(Conn& c, const OutboxItem& item);
std::vector<OutboxItem> pending_outbox(Conn& c, std::string_view link, std::int64_t limit,
                                       std::int64_t after_seq);
bool remove_outbox(Conn& c, std::string_view link, std::int64_t seq);
bool note_outbox_attempt(Conn& c, std::string_view link, std::int64_t seq,
                         std::string_view next_attempt_at);
std::int64_t outbox_length(Conn& c, std::string_view link);

// `known_new`: its envelope was stored in this transaction and has no
// receipt yet; then deferred, as insert_envelope().
std::int64_t insert_receipt(Conn& c, LogFrontier& frontier, const ReceiptRecord& r,
                            bool known_new = false);
std::optional<ReceiptRecord> find_receipt(Conn& c, std::string_view link, Direction direction,
                                          std::int64_t seq);

}  // namespace hotline::store::postgres
