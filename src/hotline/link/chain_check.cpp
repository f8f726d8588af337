#include "hotline/link/chain_check.h"

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/link/envelope.h"
#include "hotline/link/receipt.h"

namespace hotline::link {

ChainReport check_chain(store::Transaction& tx, const std::string& link, store::Direction direction,
                        const crypto::PublicKey& sender, const crypto::PublicKey& receiver) {
  return check_chain(tx, link, direction, KeyHistory::single(sender), KeyHistory::single(receiver));
}

ChainReport check_chain(store::Transaction& tx, const std::string& link, store::Direction direction,
                        const KeyHistory& sender, const KeyHistory& receiver) {
  ChainReport report;
  auto finding = [&](std::int64_t seq, const std::string& what) {
    report.findings.push_back("link " + link + " " + std::string(store::to_string(direction)) +
                              " seq " + std::to_string(seq) + ": " + what);
  };
  std::int64_t expected = 1;
  std::string prev(kGenesisPrev);
  std::int64_t first_queued = 0;
  if (direction == store::Direction::outbound) {
    auto pending = tx.pending_outbox(link, 1);
    if (!pending.empty()) first_queued = pending[0].seq;
  }
  const std::size_t page = 1000;
  std::int64_t after = 0;
  while (true) {
    auto batch = tx.list_envelopes(link, direction, after, page);
    if (batch.empty()) break;
    for (const auto& rec : batch) {
      ++report.envelopes;
      after = rec.seq;
      if (rec.seq != expected)
        finding(rec.seq, "expected seq " + std::to_string(expected) + " (gap or reorder)");
      expected = rec.seq + 1;
      std::string digest = to_hex(crypto::sha256(rec.canonical));
      if (digest != rec.digest) finding(rec.seq, "stored digest does not match the stored bytes");
      try {
        Envelope e = parse_envelope(rec.canonical);
        verify_signature(e, sender.accept_stored(e.from, e.sent_at, "the sender"));
        if (e.seq != rec.seq || e.id != rec.id || e.link != link) {
          finding(rec.seq, "stored columns disagree with the signed envelope");
        }
        if (e.prev != prev) finding(rec.seq, "prev does not chain to the previous envelope");
      } catch (const Error& err) {
        finding(rec.seq, std::string("envelope refused: ") + err.code() + ": " + err.what());
      }
      prev = digest;

      bool receipt_expected =
          direction == store::Direction::inbound || first_queued == 0 || rec.seq < first_queued;
      auto receipt = tx.find_receipt(link, direction, rec.seq);
      if (!receipt) {
        if (receipt_expected) finding(rec.seq, "no receipt");
        continue;
      }
      ++report.receipts;
      try {
        Receipt r = parse_receipt(receipt->canonical);
        verify_signature(r, receiver.accept_stored(r.from, r.received_at, "the receiver"));
        if (r.envelope != digest || r.seq != rec.seq || r.link != link) {
          finding(rec.seq, "receipt is for other content");
        }
      } catch (const Error& err) {
        finding(rec.seq, std::string("receipt refused: ") + err.code() + ": " + err.what());
      }
    }
  }
  return report;
}

}  // namespace hotline::link
