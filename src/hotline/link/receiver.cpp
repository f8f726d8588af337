#include "hotline/link/receiver.h"

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::link {
namespace {

using store::Direction;

struct Parsed {
  Envelope envelope;
  std::string text;
  std::string digest;
};

int status_for(const std::string& code) {
  if (code == "envelope_bad_signature" || code == "link_mismatch") return 403;
  return 400;
}

}  // namespace

std::string ReceiveOutcome::to_json() const {
  // Receipts are already canonical JSON: joined as they are, not re-parsed.
  std::string out = "{\"error\":";
  if (error) {
    nlohmann::json e = {{"code", error->code}, {"message", error->message}, {"line", error->line}};
    if (error->expected_seq) e["expected_seq"] = *error->expected_seq;
    out += e.dump();
  } else {
    out += "null";
  }
  out += ",\"receipts\":[";
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    if (i) out += ',';
    out += receipts[i];
  }
  out += "]}";
  return out;
}

ReceiveOutcome receive_batch(store::Store& store, const LinkContext& ctx, std::string_view batch,
                             const std::function<TimePoint()>& clock, const ApplyFn& apply,
                             ReceiveOrder::Ticket* order) {
  ReceiveOutcome out;
  const std::string self_key = ctx.self->public_key().encoded();

  // 1. Parse and verify every line, outside the write transaction.
  std::vector<Parsed> parsed;
  std::int64_t line_no = 0;
  std::size_t pos = 0;
  if (batch.empty()) {
    out.error = ReceiveError{400, "batch_empty", "the batch holds no envelope", 0, std::nullopt};
    return out;
  }
  while (pos < batch.size() && !out.error) {
    auto nl = batch.find('\n', pos);
    std::string_view line =
        batch.substr(pos, nl == std::string_view::npos ? batch.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? batch.size() : nl + 1;
    if (line.empty() && pos >= batch.size()) break;  // trailing newline
    if (parsed.size() == kMaxBatchEnvelopes) {
      out.error =
          ReceiveError{413, "batch_too_large",
                       "a batch holds at most " + std::to_string(kMaxBatchEnvelopes) + " envelopes",
                       line_no, std::nullopt};
      break;
    }
    try {
      Envelope e = parse_envelope(line);
      if (e.link != ctx.link || e.to != self_key) {
        throw Error("link_mismatch", "envelope " + e.id + " is addressed to link " + e.link +
                                         ", not to this node's link with " + ctx.peer_name);
      }
      verify_signature(e, ctx.peer);
      std::string text(line);
      std::string digest = to_hex(crypto::sha256(text));
      parsed.push_back({std::move(e), std::move(text), std::move(digest)});
    } catch (const Error& err) {
      out.error =
          ReceiveError{status_for(err.code()), err.code(), err.what(), line_no, std::nullopt};
    }
    ++line_no;
  }
  if (parsed.empty()) return out;

  // 2. One transaction: continuity, storage, receipts, effects.
  if (order) {
    if (!order->knows_stored()) {
      order->stored_through(store.snapshot(
          [&](store::Transaction& tx) { return tx.last_seq(ctx.link, Direction::inbound); }));
    }
    order->wait_turn(parsed.front().envelope.seq);
  }
  auto tx = store.write();
  store::ChainHead head = tx->chain_head(ctx.link, Direction::inbound);
  std::int64_t last = head.seq;
  std::string last_digest = last > 0 ? std::move(head.digest) : std::string(kGenesisPrev);

  std::optional<ReceiveError> seq_error;
  std::vector<Envelope> stored;
  // Receipts of the envelopes stored now, signed together once all are
  // stored (one signature for the batch), and where each goes in the reply.
  std::vector<Receipt> fresh;
  std::vector<std::size_t> fresh_slot;
  std::vector<std::pair<std::size_t, std::size_t>> repeats;  // (slot, index in fresh)
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    auto& p = parsed[i];
    const auto& e = p.envelope;
    auto line = static_cast<std::int64_t>(i);
    if (e.seq <= last) {
      // A duplicate (the sender did not get our receipt): answer with the
      // original receipt. The same seq with other content is a peer
      // rewriting its history: refused, loudly.
      if (!fresh.empty() && e.seq >= fresh.front().seq) {
        // Stored earlier in this same batch: its receipt is not signed yet.
        auto k = static_cast<std::size_t>(e.seq - fresh.front().seq);
        if (fresh[k].envelope == p.digest) {
          repeats.emplace_back(out.receipts.size(), k);
          out.receipts.emplace_back();
          continue;
        }
      }
      auto existing = tx->find_envelope_by_seq(ctx.link, Direction::inbound, e.seq);
      auto receipt = tx->find_receipt(ctx.link, Direction::inbound, e.seq);
      if (!existing || !receipt || existing->digest != p.digest) {
        seq_error = ReceiveError{409, "envelope_conflict",
                                 "seq " + std::to_string(e.seq) +
                                     " was already received with different content; the peer's "
                                     "history does not match ours",
                                 line, last + 1};
        break;
      }
      out.receipts.push_back(receipt->canonical);
      continue;
    }
    if (e.seq > last + 1) {
      seq_error = ReceiveError{
          409, "seq_gap",
          "expected seq " + std::to_string(last + 1) + " but got " + std::to_string(e.seq), line,
          last + 1};
      break;
    }
    if (e.prev != last_digest) {
      seq_error = ReceiveError{409, "prev_mismatch",
                               "envelope seq " + std::to_string(e.seq) +
                                   " does not chain to the previous envelope we hold",
                               line, last + 1};
      break;
    }
    const std::string received_at = format_timestamp(clock());
    store::EnvelopeRecord rec;
    rec.id = e.id;
    rec.link = e.link;
    rec.direction = Direction::inbound;
    rec.seq = e.seq;
    rec.digest = p.digest;
    rec.type = e.type;
    rec.sent_at = e.sent_at;
    rec.canonical = std::move(p.text);  // not read again: the digest stands for it
    rec.received_at = received_at;
    std::int64_t index = tx->insert_envelope(rec);

    Receipt r;
    r.link = ctx.link;
    r.to = e.from;
    r.seq = e.seq;
    r.envelope = p.digest;
    r.envelope_id = e.id;
    r.received_at = received_at;
    r.index = index;
    fresh.push_back(std::move(r));
    fresh_slot.push_back(out.receipts.size());
    out.receipts.emplace_back();
    if (apply) apply(*tx, e, received_at);
    last = e.seq;
    last_digest = p.digest;
    stored.push_back(std::move(p.envelope));
  }
  // The receipts' log leaves follow the batch's envelopes (each receipt's
  // "index" names its envelope's leaf, which is always earlier).
  fresh = seal_batch(std::move(fresh), *ctx.self);
  for (std::size_t k = 0; k < fresh.size(); ++k) {
    const auto& r = fresh[k];
    std::string rtext = canonical(r);
    tx->insert_receipt(store::ReceiptRecord{ctx.link, Direction::inbound, r.seq, r.envelope,
                                            r.received_at, r.index, rtext});
    out.receipts[fresh_slot[k]] = std::move(rtext);
  }
  for (auto [slot, k] : repeats) out.receipts[slot] = out.receipts[fresh_slot[k]];
  tx->commit();
  if (order) order->stored_through(last);
  out.stored = std::move(stored);
  if (seq_error) out.error = seq_error;  // a sequence error comes before any later parse error
  return out;
}

}  // namespace hotline::link
