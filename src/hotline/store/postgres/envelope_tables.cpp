#include "hotline/store/postgres/envelope_tables.h"

#include <string>

#include "hotline/common/error.h"

namespace hotline::store::postgres {
namespace {

// The envelope and its leaf of the log (with the nodes the leaf completes)
// in one statement. A duplicate id or (link, direction, seq) stores
// nothing and returns 0: the transaction stays usable.
constexpr const char* kInsertEnvelope = R"sql(
WITH e AS (
  INSERT INTO envelopes (id, link, direction, seq, digest, type, sent_at, canonical, received_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING 1),
l AS (
  INSERT INTO ledger_leaves (idx, kind, link, direction, seq, leaf_hash)
  SELECT $10::bigint, 'envelope', $2::text, $3::text, $4::bigint, $11::text FROM e),
n AS (
  INSERT INTO ledger_nodes (level, idx, hash)
  SELECT * FROM unnest($12::int[], $13::bigint[], $14::text[]) WHERE EXISTS (SELECT 1 FROM e))
SELECT count(*) FROM e)sql";

// The same as a deferred write (conn.h, Conn::write) for a group member: a
// duplicate is refused by the server's keys rather than skipped, failing
// the member whole.
constexpr const char* kInsertEnvelopeDeferred = R"sql(
WITH e AS (
  INSERT INTO envelopes (id, link, direction, seq, digest, type, sent_at, canonical, received_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING 1),
l AS (
  INSERT INTO ledger_leaves (idx, kind, link, direction, seq, leaf_hash)
  SELECT $10::bigint, 'envelope', $2::text, $3::text, $4::bigint, $11::text FROM e)
INSERT INTO ledger_nodes (level, idx, hash)
SELECT * FROM unnest($12::int[], $13::bigint[], $14::text[]) WHERE EXISTS (SELECT 1 FROM e))sql";

// The same for a receipt, which needs its envelope stored.
constexpr const char* kInsertReceipt = R"sql(
WITH r AS (
  INSERT INTO receipts (link, direction, seq, envelope_digest, received_at, ledger_index,
                        canonical)
  SELECT $1::text, $2::text, $3::bigint, $4::text, $5::text, $6::bigint, $7::text
  WHERE EXISTS (SELECT 1 FROM envelopes WHERE link = $1::text AND direction = $2::text
                AND seq = $3::bigint)
  ON CONFLICT DO NOTHING RETURNING 1),
l AS (
  INSERT INTO ledger_leaves (idx, kind, link, direction, seq, leaf_hash)
  SELECT $8::bigint, 'receipt', $1::text, $2::text, $3::bigint, $9::text FROM r),
n AS (
  INSERT INTO ledger_nodes (level, idx, hash)
  SELECT * FROM unnest($10::int[], $11::bigint[], $12::text[]) WHERE EXISTS (SELECT 1 FROM r))
SELECT count(*) FROM r)sql";

// Deferred, as kInsertEnvelopeDeferred (the envelope missing: its foreign
// key refuses it).
constexpr const char* kInsertReceiptDeferred = R"sql(
WITH r AS (
  INSERT INTO receipts (link, direction, seq, envelope_digest, received_at, ledger_index,
                        canonical)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING 1),
l AS (
  INSERT INTO ledger_leaves (idx, kind, link, direction, seq, leaf_hash)
  SELECT $8::bigint, 'receipt', $1::text, $2::text, $3::bigint, $9::text FROM r)
INSERT INTO ledger_nodes (level, idx, hash)
SELECT * FROM unnest($10::int[], $11::bigint[], $12::text[]) WHERE EXISTS (SELECT 1 FROM r))sql";

constexpr const char* kEnvelopeColumns =
    "SELECT id, link, direction, seq, digest, type, sent_at, canonical, received_at "
    "FROM envelopes ";

EnvelopeRecord read_envelope(const pqxx::row& r) {
  EnvelopeRecord e;
  e.id = text(r, 0);
  e.link = text(r, 1);
  e.direction = parse_direction(text(r, 2));
  e.seq = integer(r, 3);
  e.digest = text(r, 4);
  e.type = text(r, 5);
  e.sent_at = text(r, 6);
  e.canonical = text(r, 7);
  e.received_at = optional_text(r, 8);
  return e;
}

OutboxItem read_outbox(const pqxx::row& r) {
  OutboxItem o;
  o.link = text(r, 0);
  o.seq = integer(r, 1);
  o.envelope_id = text(r, 2);
  o.attempts = integer(r, 3);
  o.next_attempt_at = optional_text(r, 4);
  return o;
}

std::string sql(const char* tail) {
  return std::string(kEnvelopeColumns) + tail;
}

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorCategory::internal, "store_invalid", what);
}

bool envelope_stored(Conn& c, std::string_view link, Direction direction, std::int64_t seq) {
  return !c.exec("looking for an envelope",
                 "SELECT 1 FROM envelopes WHERE link = $1 AND direction = $2 AND seq = $3", link,
                 to_string(direction), seq)
              .empty();
}

}  // namespace

std::int64_t insert_envelope(Conn& c, LogFrontier& frontier, const EnvelopeRecord& e,
                             bool known_new) {
  if (e.seq < 1) {
    invalid("Cannot store an envelope: its seq must be 1 or more, found " + std::to_string(e.seq) +
            "; nothing changed.");
  }
  const LogFrontier before = frontier;
  try {
    const LogParams p = plan_log_append(c, frontier, e.canonical);
    if (known_new && c.deferring()) {
      c.write("storing an envelope", kInsertEnvelopeDeferred, e.id, e.link, to_string(e.direction),
              e.seq, e.digest, e.type, e.sent_at, e.canonical, e.received_at, p.index, p.leaf_hash,
              p.levels, p.indexes, p.hashes);
      return p.index;
    }
    auto r = c.exec("storing an envelope", kInsertEnvelope, e.id, e.link, to_string(e.direction),
                    e.seq, e.digest, e.type, e.sent_at, e.canonical, e.received_at, p.index,
                    p.leaf_hash, p.levels, p.indexes, p.hashes);
    if (integer(r[0], 0) == 1) return p.index;
  } catch (...) {
    frontier.forget();  // the transaction is spoiled: nothing more is appended in it
    throw;
  }
  frontier = before;
  throw Error(ErrorCategory::conflict, "store_duplicate",
              "Cannot store the " + std::string(to_string(e.direction)) + " envelope seq " +
                  std::to_string(e.seq) +
                  ": an envelope with its id or its seq on its link is already stored; nothing "
                  "changed.");
}

std::optional<EnvelopeRecord> find_envelope(Conn& c, std::string_view id) {
  static const std::string q = sql("WHERE id = $1");
  auto r = c.exec("reading an envelope", q, id);
  if (r.empty()) return std::nullopt;
  return read_envelope(r[0]);
}

std::optional<EnvelopeRecord> find_envelope_by_seq(Conn& c, std::string_view link,
                                                   Direction direction, std::int64_t seq) {
  static const std::string q = sql("WHERE link = $1 AND direction = $2 AND seq = $3");
  auto r = c.exec("reading an envelope", q, link, to_string(direction), seq);
  if (r.empty()) return std::nullopt;
  return read_envelope(r[0]);
}

std::int64_t last_seq(Conn& c, std::string_view link, Direction direction) {
  auto r = c.exec("reading the last sequence number",
                  "SELECT coalesce(max(seq), 0) FROM envelopes WHERE link = $1 AND direction = $2",
                  link, to_string(direction));
  return integer(r[0], 0);
}

ChainHead chain_head(Conn& c, std::string_view link, Direction direction) {
  auto r = c.exec("reading the end of the hash chain",
                  "SELECT seq, digest FROM envelopes WHERE link = $1 AND direction = $2 "
                  "ORDER BY seq DESC LIMIT 1",
                  link, to_string(direction));
  if (r.empty()) return ChainHead{};
  return ChainHead{integer(r[0], 0), text(r[0], 1)};
}

std::vector<EnvelopeRecord> list_envelopes(Conn& c, std::string_view link, Direction direction,
                                           std::int64_t after_seq, std::int64_t limit) {
  static const std::string q =
      sql("WHERE link = $1 AND direction = $2 AND seq > $3 ORDER BY seq LIMIT $4");
  auto r = c.exec("listing envelopes", q, link, to_string(direction), after_seq, limit);
  std::vector<EnvelopeRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_envelope(row));
  return out;
}

std::int64_t count_envelopes(Conn& c) {
  return integer(c.exec("counting envelopes", "SELECT count(*) FROM envelopes")[0], 0);
}

void enqueue_outbox(Conn& c, const OutboxItem& item) {
  if (item.seq < 1 || item.attempts < 0) {
    invalid(
        "Cannot queue an envelope for delivery: expected seq >= 1 and attempts >= 0, found "
        "seq " +
        std::to_string(item.seq) + " and attempts " + std::to_string(item.attempts) + ".");
  }
  // Deferred (conn.h): a missing envelope or a seq queued already is then
  // refused by the server's keys, failing the caller's member whole.
  if (c.deferring()) {
    c.write("queueing an envelope for delivery",
            "INSERT INTO outbox (link, seq, envelope_id, attempts, next_attempt_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            item.link, item.seq, item.envelope_id, item.attempts, item.next_attempt_at);
    return;
  }
  auto r = c.exec("queueing an envelope for delivery",
                  "INSERT INTO outbox (link, seq, envelope_id, attempts, next_attempt_at) "
                  "SELECT $1::text, $2::bigint, $3::text, $4::bigint, $5::text "
                  "WHERE EXISTS (SELECT 1 FROM envelopes WHERE id = $3::text) "
                  "ON CONFLICT DO NOTHING RETURNING 1",
                  item.link, item.seq, item.envelope_id, item.attempts, item.next_attempt_at);
  if (!r.empty()) return;
  const std::string what =
      "Cannot queue the envelope seq " + std::to_string(item.seq) + " for delivery: ";
  if (!find_envelope(c, item.envelope_id)) {
    throw Error(ErrorCategory::internal, "store_missing_reference",
                what + "no such envelope is stored; nothing changed.");
  }
  throw Error(ErrorCategory::conflict, "store_duplicate",
              what + "this seq is already queued; nothing changed.");
}

std::vector<OutboxItem> pending_outbox(Conn& c, std::string_view link, std::int64_t limit,
                                       std::int64_t after_seq) {
  auto r = c.exec("reading the outbox",
                  "SELECT link, seq, envelope_id, attempts, next_attempt_at FROM outbox "
                  "WHERE link = $1 AND seq > $3 ORDER BY seq LIMIT $2",
                  link, limit, after_seq);
  std::vector<OutboxItem> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_outbox(row));
  return out;
}

bool remove_outbox(Conn& c, std::string_view link, std::int64_t seq) {
  return c.exec("removing an envelope from the outbox",
                "DELETE FROM outbox WHERE link = $1 AND seq = $2", link, seq)
             .affected_rows() > 0;
}

bool note_outbox_attempt(Conn& c, std::string_view link, std::int64_t seq,
                         std::string_view next_attempt_at) {
  return c.exec("recording a delivery attempt",
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $3 "
                "WHERE link = $1 AND seq = $2",
                link, seq, next_attempt_at)
             .affected_rows() > 0;
}

std::int64_t outbox_length(Conn& c, std::string_view link) {
  return integer(
      c.exec("counting the outbox", "SELECT count(*) FROM outbox WHERE link = $1", link)[0], 0);
}

std::int64_t insert_receipt(Conn& c, LogFrontier& frontier, const ReceiptRecord& r,
                            bool known_new) {
  const std::string what = "Cannot store the receipt for the " +
                           std::string(to_string(r.direction)) + " envelope seq " +
                           std::to_string(r.seq) + ": ";
  if (r.ledger_index < 0) {
    invalid(what + "its ledger index must be 0 or more, found " + std::to_string(r.ledger_index) +
            ".");
  }
  const LogFrontier before = frontier;
  try {
    const LogParams p = plan_log_append(c, frontier, r.canonical);
    if (known_new && c.deferring()) {
      c.write("storing a receipt", kInsertReceiptDeferred, r.link, to_string(r.direction), r.seq,
              r.envelope_digest, r.received_at, r.ledger_index, r.canonical, p.index, p.leaf_hash,
              p.levels, p.indexes, p.hashes);
      return p.index;
    }
    auto res = c.exec("storing a receipt", kInsertReceipt, r.link, to_string(r.direction), r.seq,
                      r.envelope_digest, r.received_at, r.ledger_index, r.canonical, p.index,
                      p.leaf_hash, p.levels, p.indexes, p.hashes);
    if (integer(res[0], 0) == 1) return p.index;
  } catch (...) {
    frontier.forget();
    throw;
  }
  frontier = before;
  if (!envelope_stored(c, r.link, r.direction, r.seq)) {
    throw Error(ErrorCategory::internal, "store_missing_reference",
                what + "its envelope is not stored; nothing changed.");
  }
  throw Error(ErrorCategory::conflict, "store_duplicate",
              what + "a receipt for this envelope is already stored; nothing changed.");
}

std::optional<ReceiptRecord> find_receipt(Conn& c, std::string_view link, Direction direction,
                                          std::int64_t seq) {
  auto res = c.exec("reading a receipt",
                    "SELECT link, direction, seq, envelope_digest, received_at, ledger_index, "
                    "canonical FROM receipts WHERE link = $1 AND direction = $2 AND seq = $3",
                    link, to_string(direction), seq);
  if (res.empty()) return std::nullopt;
  const auto& row = res[0];
  ReceiptRecord r;
  r.link = text(row, 0);
  r.direction = parse_direction(text(row, 1));
  r.seq = integer(row, 2);
  r.envelope_digest = text(row, 3);
  r.received_at = text(row, 4);
  r.ledger_index = integer(row, 5);
  r.canonical = text(row, 6);
  return r;
}

}  // namespace hotline::store::postgres
