#include "hotline/link/receiver.h"

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::link {
namespace {

using store::Direction;

// The history extended by a key.rotate envelope whose signature verified;
// unchanged when its content does not pass (the effect records why).
std::shared_ptr<const KeyHistory> with_rotation(const KeyHistory& h, const Envelope& e) {
  try {
    return std::make_shared<const KeyHistory>(apply_rotation(h, check_rotation(e, h), e.sent_at));
  } catch (const Error&) {
    return std::make_shared<const KeyHistory>(h);
  }
}

struct Parsed {
  Envelope envelope;
  std::string text;
  std::string digest;
};

// Step 1 of receive_batch(), outside the write transaction: every line
// parsed, addressed to this link and signed by the peer. The first refused
// line ends the batch (out.error); the lines before it are returned.
std::vector<Parsed> parse_batch(const LinkContext& ctx, std::string_view batch, ReceiveOutcome& out,
                                const std::string& now) {
  // The peer's keys: one copy per batch (no query per envelope); a key.rotate
  // in the batch extends the copy, so the envelopes after it may be signed
  // with the new key.
  std::shared_ptr<const KeyHistory> peer_keys = ctx.peer_history();
  std::shared_ptr<const KeyHistory> self_keys = ctx.self_history();
  std::vector<Parsed> parsed;
  std::int64_t line_no = 0;
  std::size_t pos = 0;
  if (batch.empty()) {
    out.error = ReceiveError{ErrorCategory::invalid_input, "batch_empty",
                             "the batch holds no envelope", 0, std::nullopt};
    return parsed;
  }
  while (pos < batch.size() && !out.error) {
    auto nl = batch.find('\n', pos);
    std::string_view line =
        batch.substr(pos, nl == std::string_view::npos ? batch.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? batch.size() : nl + 1;
    if (line.empty() && pos >= batch.size()) break;  // trailing newline
    if (parsed.size() == kMaxBatchEnvelopes) {
      out.error =
          ReceiveError{ErrorCategory::too_large, "batch_too_large",
                       "a batch holds at most " + std::to_string(kMaxBatchEnvelopes) + " envelopes",
                       line_no, std::nullopt};
      break;
    }
    try {
      Envelope e = parse_envelope(line);
      if (e.link != ctx.link || self_keys->find(e.to) == nullptr) {
        throw Error(ErrorCategory::forbidden, "link_mismatch",
                    "envelope " + e.id + " is addressed to link " + e.link + " and key " + e.to +
                        ", not to this node's link with " + ctx.peer_name + " (link " + ctx.link +
                        ", key " + self_keys->current().encoded() + ")");
      }
      verify_signature(e, peer_keys->accept_new(e.from, e.sent_at, now, ctx.peer_name));
      if (e.type == kKeyRotate) peer_keys = with_rotation(*peer_keys, e);
      std::string text(line);
      std::string digest = to_hex(crypto::sha256(text));
      parsed.push_back({std::move(e), std::move(text), std::move(digest)});
    } catch (const Error& err) {
      out.error = ReceiveError{err.category(), err.code(), err.what(), line_no, std::nullopt};
    }
    ++line_no;
  }
  return parsed;
}

// Step 2 of receive_batch(), inside its write transaction: each envelope
// checked against the chain held so far and stored (or, when repeated,
// answered with its receipt); then the receipts of the envelopes stored
// sealed together. Lives for one batch on the caller's stack; `tx` and
// `out` must outlive it. One thread: the one holding the transaction.
class BatchWriter {
 public:
  BatchWriter(store::Transaction& tx, const LinkContext& ctx,
              const std::function<TimePoint()>& clock, const ApplyFn& apply, ReceiveOutcome& out)
      : tx_(tx), ctx_(ctx), clock_(clock), apply_(apply), out_(out) {
    store::ChainHead head = tx_.chain_head(ctx_.link, Direction::inbound);
    last_ = head.seq;
    last_digest_ = last_ > 0 ? std::move(head.digest) : std::string(kGenesisPrev);
  }

  // Envelope `p`, line `line` of the batch: stored, or answered as a
  // repeat; or the sequence error that ends the batch.
  std::optional<ReceiveError> take(Parsed& p, std::int64_t line) {
    const auto& e = p.envelope;
    if (e.seq <= last_) return take_repeat(p, line);
    if (e.seq > last_ + 1) {
      return ReceiveError{
          ErrorCategory::conflict, "seq_gap",
          "expected seq " + std::to_string(last_ + 1) + " but got " + std::to_string(e.seq), line,
          last_ + 1};
    }
    if (e.prev != last_digest_) {
      return ReceiveError{ErrorCategory::conflict, "prev_mismatch",
                          "envelope seq " + std::to_string(e.seq) +
                              " does not chain to the previous envelope we hold",
                          line, last_ + 1};
    }
    store_envelope(p);
    return std::nullopt;
  }

  // The receipts' log leaves follow the batch's envelopes (each receipt's
  // "index" names its envelope's leaf, which is always earlier).
  void seal_receipts() {
    fresh_ = seal_batch(std::move(fresh_), *ctx_.self);
    for (std::size_t k = 0; k < fresh_.size(); ++k) {
      const auto& r = fresh_[k];
      std::string rtext = canonical(r);
      tx_.insert_receipt(store::ReceiptRecord{ctx_.link, Direction::inbound, r.seq, r.envelope,
                                              r.received_at, r.index, rtext});
      out_.receipts[fresh_slot_[k]] = std::move(rtext);
    }
    for (auto [slot, k] : repeats_) out_.receipts[slot] = out_.receipts[fresh_slot_[k]];
  }

  std::int64_t last() const { return last_; }
  std::vector<Envelope> release_stored() { return std::move(stored_); }

 private:
  // A duplicate (the sender did not get our receipt): answer with the
  // original receipt. The same seq with other content is a peer rewriting
  // its history: refused, loudly.
  std::optional<ReceiveError> take_repeat(const Parsed& p, std::int64_t line) {
    const auto& e = p.envelope;
    if (!fresh_.empty() && e.seq >= fresh_.front().seq) {
      // Stored earlier in this same batch: its receipt is not signed yet.
      auto k = static_cast<std::size_t>(e.seq - fresh_.front().seq);
      if (fresh_[k].envelope == p.digest) {
        repeats_.emplace_back(out_.receipts.size(), k);
        out_.receipts.emplace_back();
        return std::nullopt;
      }
    }
    auto existing = tx_.find_envelope_by_seq(ctx_.link, Direction::inbound, e.seq);
    auto receipt = tx_.find_receipt(ctx_.link, Direction::inbound, e.seq);
    if (!existing || !receipt || existing->digest != p.digest) {
      return ReceiveError{ErrorCategory::conflict, "envelope_conflict",
                          "seq " + std::to_string(e.seq) +
                              " was already received with different content; the peer's "
                              "history does not match ours",
                          line, last_ + 1};
    }
    out_.receipts.push_back(receipt->canonical);
    return std::nullopt;
  }

  // The next envelope of the chain: stored, applied, its receipt drafted.
  void store_envelope(Parsed& p) {
    const auto& e = p.envelope;
    const std::string received_at = format_timestamp(clock_());
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
    std::int64_t index = tx_.insert_envelope(rec);

    Receipt r;
    r.link = ctx_.link;
    r.to = e.from;
    r.seq = e.seq;
    r.envelope = p.digest;
    r.envelope_id = e.id;
    r.received_at = received_at;
    r.index = index;
    fresh_.push_back(std::move(r));
    fresh_slot_.push_back(out_.receipts.size());
    out_.receipts.emplace_back();
    if (apply_) apply_(tx_, e, received_at);
    last_ = e.seq;
    last_digest_ = p.digest;
    stored_.push_back(std::move(p.envelope));
  }

  store::Transaction& tx_;
  const LinkContext& ctx_;
  const std::function<TimePoint()>& clock_;
  const ApplyFn& apply_;
  ReceiveOutcome& out_;
  std::int64_t last_ = 0;  // the chain held: its last seq and digest
  std::string last_digest_;
  std::vector<Envelope> stored_;
  // Receipts of the envelopes stored now, signed together once all are
  // stored (one signature for the batch), and where each goes in the reply.
  std::vector<Receipt> fresh_;
  std::vector<std::size_t> fresh_slot_;
  std::vector<std::pair<std::size_t, std::size_t>> repeats_;  // (slot, index in fresh_)
};

}  // namespace

std::string ReceiveOutcome::to_json() const {
  // Receipts are already canonical JSON: joined as they are, not re-parsed.
  std::string out = "{\"error\":";
  if (error) {
    nlohmann::json e = {{"code", error->code}, {"message", error->message}, {"line", error->line}};
    if (error->expected_seq) e["expected_seq"] = *error->expected_seq;
    // Replace rather than throw on invalid UTF-8: the message may quote
    // what the peer sent.
    out += e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
  std::vector<Parsed> parsed = parse_batch(ctx, batch, out, format_timestamp(clock()));
  if (parsed.empty()) return out;

  // One transaction: continuity, storage, receipts, effects.
  if (order) {
    if (!order->knows_stored()) {
      order->stored_through(store.snapshot(
          [&](store::Transaction& tx) { return tx.last_seq(ctx.link, Direction::inbound); }));
    }
    order->wait_turn(parsed.front().envelope.seq);
  }
  auto tx = store.write();
  BatchWriter writer(*tx, ctx, clock, apply, out);
  std::optional<ReceiveError> seq_error;
  for (std::size_t i = 0; i < parsed.size() && !seq_error; ++i) {
    seq_error = writer.take(parsed[i], static_cast<std::int64_t>(i));
  }
  writer.seal_receipts();
  tx->commit();
  if (order) order->stored_through(writer.last());
  out.stored = writer.release_stored();
  if (seq_error) out.error = seq_error;  // a sequence error comes before any later parse error
  return out;
}

}  // namespace hotline::link
