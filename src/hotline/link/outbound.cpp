#include "hotline/link/outbound.h"

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/random.h"

namespace hotline::link {

Envelope append_outbound(store::Transaction& tx, const LinkContext& ctx, OutboundDraft draft,
                         TimePoint now) {
  using store::Direction;
  store::ChainHead head = tx.chain_head(ctx.link, Direction::outbound);
  const std::int64_t last = head.seq;
  std::string prev = last > 0 ? std::move(head.digest) : std::string(kGenesisPrev);

  Envelope e;
  e.id = draft.id ? std::move(*draft.id) : crypto::new_id(now);
  e.link = ctx.link;
  e.from = ctx.self->public_key().encoded();
  e.to = ctx.peer.encoded();
  e.seq = last + 1;
  e.prev = std::move(prev);
  e.sent_at = format_timestamp(now);
  e.type = std::move(draft.type);
  e.ref = std::move(draft.ref);
  e.body = std::move(draft.body);
  e.attachments = std::move(draft.attachments);
  e = seal(std::move(e), *ctx.self);

  std::string text = canonical(e);
  auto digest = crypto::sha256(text);
  store::EnvelopeRecord rec;
  rec.id = e.id;
  rec.link = e.link;
  rec.direction = Direction::outbound;
  rec.seq = e.seq;
  rec.digest = to_hex(digest);
  rec.type = e.type;
  rec.sent_at = e.sent_at;
  rec.canonical = std::move(text);
  tx.insert_envelope(rec);
  tx.enqueue_outbox(store::OutboxItem{e.link, e.seq, e.id, 0, std::nullopt});
  return e;
}

}  // namespace hotline::link
