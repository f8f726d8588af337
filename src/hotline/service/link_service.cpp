#include "hotline/service/link_service.h"

#include <algorithm>
#include <map>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/sha256.h"
#include "hotline/link/outbound.h"
#include "hotline/service/audit_trail.h"

namespace hotline::service {
namespace {

using store::Direction;

std::string doc_digest(const std::string& canonical_doc) {
  return to_hex(crypto::sha256(canonical_doc));
}

bool verify_doc_signature(const std::string& key_text, const std::string& canonical_doc,
                          const std::string& sig) {
  try {
    return crypto::verify(crypto::PublicKey::decode(key_text), canonical_doc,
                          crypto::decode_signature(sig));
  } catch (const Error&) {
    return false;
  }
}

// Marks the accepted agreement of `link` (if any) superseded.
void supersede_current(store::Transaction& tx, const std::string& link, const std::string& except) {
  for (auto& a : tx.list_agreements(link)) {
    if (a.state == "accepted" && a.digest != except) {
      a.state = "superseded";
      tx.put_agreement(a);
    }
  }
}

}  // namespace

store::PeerRecord add_peer(Node& node, const std::string& name, const std::string& url,
                           const std::string& public_key, TimePoint now,
                           const AuditContext* audit_ctx) {
  try {
    validate_party_name(name);
  } catch (const Error&) {
    throw Error(ErrorCategory::invalid_input, "peer_invalid",
                "peer name '" + name +
                    "' is not allowed: use 1 to 64 letters, digits, spaces, '-', '_' or '.'");
  }
  (void)parse_peer_url(url);
  crypto::PublicKey key;
  try {
    key = crypto::PublicKey::decode(public_key);
  } catch (const Error& e) {
    throw Error(ErrorCategory::invalid_input, "peer_invalid", std::string("peer key: ") + e.what());
  }
  if (key == node.identity.public_key()) {
    throw Error(ErrorCategory::invalid_input, "peer_invalid",
                "that is this node's own key; ask the peer for theirs (`hotline key show`)");
  }
  store::PeerRecord rec{name, key.encoded(), url, link::link_id(node.identity.public_key(), key),
                        format_timestamp(now)};
  node.store->transact([&](store::Transaction& tx) {
    if (tx.find_peer(name))
      throw Error(ErrorCategory::conflict, "peer_exists",
                  "a peer named '" + name + "' already exists");
    if (auto other = tx.find_peer_by_key(rec.public_key)) {
      throw Error(ErrorCategory::conflict, "peer_exists",
                  "that key already belongs to peer '" + other->name + "'");
    }
    tx.insert_peer(rec);
    tx.put_link_state(store::LinkStateRecord{rec.link, "unknown", false, {}, {}, {}, rec.added_at});
    record_event(tx, now, "peer_added", rec.link,
                 "peer " + name + " added (" + key.fingerprint() + ")");
    if (audit_ctx) audit(tx, *audit_ctx, "peer.add", name, url, now);
  });
  return rec;
}

std::vector<PeerView> list_peers(store::Store& store) {
  return store.snapshot([&](store::Transaction& tx) {
    std::vector<PeerView> out;
    for (auto& p : tx.list_peers()) {
      PeerView v;
      v.keys = peer_key_history(tx, p).keys();
      // Any key of the peer's history (it may have rotated since).
      auto is_peer_key = [&v](const std::string& key) {
        return std::any_of(v.keys.begin(), v.keys.end(),
                           [&](const link::KeyRecord& k) { return k.key.encoded() == key; });
      };
      // The key in use: the newest of the history (the one pinned by
      // `peer add` until the peer rotates its key).
      v.fingerprint = v.keys.back().key.fingerprint();
      store::LinkStateRecord blank;
      blank.link = p.link;
      v.state = tx.find_link_state(p.link).value_or(blank);
      v.queue_length = tx.outbox_length(p.link);
      v.last_seq_out = tx.last_seq(p.link, Direction::outbound);
      v.last_seq_in = tx.last_seq(p.link, Direction::inbound);
      auto pending = tx.pending_outbox(p.link, 1);
      v.last_receipted_out = pending.empty() ? v.last_seq_out : pending[0].seq - 1;
      for (const auto& a : tx.list_agreements(p.link)) {
        if (a.state == "accepted")
          v.agreement = "accepted, amendment " + std::to_string(a.amendment);
      }
      for (const auto& a : tx.list_agreements(p.link)) {
        if (a.state == "proposed") {
          v.agreement =
              (v.agreement ? *v.agreement + "; " : std::string()) +
              (is_peer_key(a.proposed_by) ? "proposal from peer waiting" : "our proposal waiting");
        }
      }
      if (auto in_force = agreement_in_force(tx, p.link)) {
        for (const auto* party : {&in_force->a, &in_force->b}) {
          if (is_peer_key(party->public_key)) v.time_zone = party->time_zone;
        }
      }
      v.peer = std::move(p);
      out.push_back(std::move(v));
    }
    return out;
  });
}

void check_desk_message_text(std::string_view text) {
  if (text.empty())
    throw Error(ErrorCategory::invalid_input, "message_empty", "the message is empty");
  if (text.size() > kMaxDeskMessageBytes) {
    throw Error(ErrorCategory::too_large, "message_too_long",
                "the message is " + std::to_string(text.size()) +
                    " bytes; desk messages hold at most 16 KiB (attach a file instead)");
  }
  if (has_unsafe_text(text)) {
    throw Error(ErrorCategory::invalid_input, "message_invalid",
                "the message contains control characters (only line breaks and tabs are allowed)");
  }
}

link::Envelope send_desk_message(Node& node, const std::string& peer_name, const std::string& text,
                                 TimePoint now, const AuditContext* audit_ctx) {
  check_desk_message_text(text);
  auto peer = find_peer(*node.store, peer_name);
  auto ctx = link_context(node, peer);
  return node.store->transact([&](store::Transaction& tx) {
    link::OutboundDraft d;
    d.type = kDeskMessage;
    d.body = {{"text", text}};
    auto e = link::append_outbound(tx, ctx, std::move(d), now);
    tx.insert_desk_message(store::DeskMessageRecord{e.id, ctx.link, Direction::outbound, e.seq,
                                                    text, e.sent_at, std::nullopt});
    if (audit_ctx) audit(tx, *audit_ctx, "message.send", e.id, peer_name, now);
    return e;
  });
}

bool retake_own_envelope(store::Transaction& tx, const link::LinkContext& ctx,
                         const store::EnvelopeRecord& envelope) {
  if (envelope.type != kDeskMessage) return false;
  auto e = link::parse_envelope(envelope.canonical);
  tx.insert_desk_message(store::DeskMessageRecord{e.id, ctx.link, Direction::outbound, e.seq,
                                                  e.body.value("text", std::string()), e.sent_at,
                                                  std::nullopt});
  return true;
}

std::vector<DeskMessageView> list_desk_messages(store::Store& store, const std::string& peer,
                                                std::size_t limit) {
  return store.snapshot([&](store::Transaction& tx) {
    std::string link;
    if (!peer.empty()) {
      auto p = tx.find_peer(peer);
      if (!p) throw Error(ErrorCategory::not_found, "peer_unknown", "no peer named '" + peer + "'");
      link = p->link;
    }
    std::vector<DeskMessageView> out;
    std::map<std::string, std::string> names;
    for (const auto& p : tx.list_peers()) names[p.link] = p.name;
    for (auto& m : tx.list_desk_messages(link, limit)) {
      DeskMessageView v;
      v.peer = names[m.link];
      if (m.direction == Direction::outbound) {
        if (auto r = tx.find_receipt(m.link, Direction::outbound, m.seq))
          v.receipted_at = r->received_at;
      }
      v.message = std::move(m);
      out.push_back(std::move(v));
    }
    return out;
  });
}

link::Envelope send_heartbeat(store::Store& store, const link::LinkContext& ctx, TimePoint now) {
  return store.transact([&](store::Transaction& tx) {
    link::OutboundDraft d;
    d.type = kHeartbeat;
    return link::append_outbound(tx, ctx, std::move(d), now);
  });
}

AgreementView agreement_of(store::Store& store, const std::string& link) {
  return store.snapshot([&](store::Transaction& tx) {
    AgreementView v;
    for (auto& a : tx.list_agreements(link)) {
      if (a.state == "accepted") v.current = a;
      if (a.state == "proposed") v.pending = a;
    }
    return v;
  });
}

model::Agreement draft_agreement(Node& node, const std::string& peer_name, TimePoint now) {
  auto peer = find_peer(*node.store, peer_name);
  const std::string peer_key = link_context(node, peer).peer.encoded();  // its newest
  auto current = node.store->snapshot([&](store::Transaction& tx) {
    std::optional<std::pair<model::Agreement, std::string>> out;
    for (const auto& a : tx.list_agreements(peer.link)) {
      if (a.state == "accepted") out = {parse_agreement(a), a.digest};
    }
    return out;
  });
  if (current) {
    model::Agreement doc = current->first;
    // After a key rotation the amendment names each party's key now.
    const auto ours = self_key_ring(node)->get();
    for (auto* party : {&doc.a, &doc.b}) {
      party->public_key =
          ours->find(party->public_key) ? node.identity.public_key().encoded() : peer_key;
    }
    doc.amendment += 1;
    doc.supersedes = current->second;
    doc.effective_from = format_timestamp(now);
    return doc;
  }
  model::Party us;
  us.name = node.party;
  us.public_key = node.identity.public_key().encoded();
  us.languages = {"en"};
  us.time_zone = "Etc/UTC";
  model::Party them;
  them.name = peer.name;
  them.public_key = peer_key;
  them.languages = {"en"};
  them.time_zone = "Etc/UTC";
  return model::default_agreement(us, them, peer.link, format_timestamp(now));
}

namespace {

// Stores a signed proposal (ours or the peer's) as the link's pending one: a
// newer proposal replaces older pending ones, from either side.
store::AgreementRecord store_proposal(store::Transaction& tx, const std::string& link,
                                      const model::Agreement& doc, const std::string& canon,
                                      const std::string& proposer, const std::string& signature,
                                      const std::string& at) {
  store::AgreementRecord rec;
  rec.digest = doc_digest(canon);
  rec.link = link;
  rec.amendment = doc.amendment;
  rec.document = canon;
  rec.proposed_by = proposer;
  rec.proposer_sig = signature;
  rec.state = "proposed";
  rec.proposed_at = at;
  for (auto& a : tx.list_agreements(link)) {
    if (a.state == "proposed" && a.digest != rec.digest) {
      a.state = "superseded";
      tx.put_agreement(a);
    }
  }
  tx.put_agreement(rec);
  return rec;
}

}  // namespace

store::AgreementRecord propose_agreement(Node& node, const std::string& peer_name,
                                         const model::Agreement& doc, TimePoint now,
                                         const AuditContext* audit_ctx) {
  model::validate(doc);
  auto peer = find_peer(*node.store, peer_name);
  auto ctx = link_context(node, peer);
  std::string self = node.identity.public_key().encoded();
  if (doc.link != ctx.link)
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "the agreement names another link than this peer's");
  const std::string them = ctx.peer.encoded();  // the peer's newest key
  bool parties_ok = (doc.a.public_key == self && doc.b.public_key == them) ||
                    (doc.b.public_key == self && doc.a.public_key == them);
  if (!parties_ok)
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "the agreement's parties must be this node and " + peer.name);
  std::string canon = crypto::canonicalize(model::to_json(doc));
  std::string sig = crypto::encode_signature(node.identity.sign(canon));
  return node.store->transact([&](store::Transaction& tx) {
    std::int64_t expected = 0;
    std::optional<std::string> current_digest;
    for (const auto& a : tx.list_agreements(ctx.link)) {
      if (a.state == "accepted") {
        expected = a.amendment + 1;
        current_digest = a.digest;
      }
    }
    if (doc.amendment != expected || doc.supersedes != current_digest) {
      throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                  "this proposal must be amendment " + std::to_string(expected) +
                      (current_digest ? " superseding " + current_digest->substr(0, 16) + "…"
                                      : std::string(" with no supersedes")));
    }
    store::AgreementRecord rec =
        store_proposal(tx, ctx.link, doc, canon, self, sig, format_timestamp(now));
    link::OutboundDraft d;
    d.type = kAgreementPropose;
    d.body = {{"agreement", model::to_json(doc)}, {"signature", sig}};
    link::append_outbound(tx, ctx, std::move(d), now);
    if (audit_ctx) {
      audit(tx, *audit_ctx, "agreement.propose", peer_name,
            "amendment " + std::to_string(rec.amendment), now);
    }
    return rec;
  });
}

store::AgreementRecord accept_agreement(Node& node, const std::string& peer_name, TimePoint now,
                                        const AuditContext* audit_ctx) {
  auto peer = find_peer(*node.store, peer_name);
  auto ctx = link_context(node, peer);
  return node.store->transact([&](store::Transaction& tx) {
    std::optional<store::AgreementRecord> pending;
    for (auto& a : tx.list_agreements(ctx.link)) {
      if (a.state == "proposed" && ctx.peer_history()->find(a.proposed_by) != nullptr) pending = a;
    }
    if (!pending) {
      throw Error(ErrorCategory::conflict, "agreement_none_pending",
                  peer.name + " has not proposed an agreement waiting for acceptance");
    }
    std::string sig = crypto::encode_signature(node.identity.sign(pending->document));
    supersede_current(tx, ctx.link, pending->digest);
    pending->acceptor_sig = sig;
    pending->state = "accepted";
    pending->accepted_at = format_timestamp(now);
    link::OutboundDraft d;
    d.type = kAgreementAccept;
    d.body = {{"digest", pending->digest}, {"signature", sig}};
    pending->in_force_from = link::append_outbound(tx, ctx, std::move(d), now).sent_at;
    tx.put_agreement(*pending);
    record_event(tx, now, "agreement_accepted", ctx.link,
                 "we accepted " + peer.name + "'s agreement amendment " +
                     std::to_string(pending->amendment));
    if (audit_ctx) {
      audit(tx, *audit_ctx, "agreement.accept", peer_name,
            "amendment " + std::to_string(pending->amendment), now);
    }
    return *pending;
  });
}

void apply_desk_message(store::Transaction& tx, const link::LinkContext& ctx,
                        const link::Envelope& e, const std::string& received_at) {
  if (!e.body.contains("text") || !e.body["text"].is_string()) {
    throw Error(ErrorCategory::invalid_input, "message_invalid", "desk message has no text");
  }
  check_desk_message_text(e.body["text"].get_ref<const std::string&>());
  tx.insert_desk_message(store::DeskMessageRecord{e.id, ctx.link, Direction::inbound, e.seq,
                                                  e.body["text"].get<std::string>(), e.sent_at,
                                                  received_at});
}

void apply_agreement_propose(store::Transaction& tx, const link::LinkContext& ctx,
                             const link::Envelope& e, const std::string& received_at) {
  const auto& body = e.body;
  if (!body.contains("agreement") || !body.contains("signature") ||
      !body["signature"].is_string()) {
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "agreement proposal lacks \"agreement\" or \"signature\"");
  }
  model::Agreement doc = model::agreement_from_json(body["agreement"]);
  std::string canon = crypto::canonicalize(model::to_json(doc));
  std::string self = ctx.self->public_key().encoded();
  std::string peer = ctx.peer.encoded();
  if (doc.link != ctx.link)
    throw Error(ErrorCategory::invalid_input, "agreement_invalid", "proposal is for another link");
  bool parties_ok = (doc.a.public_key == peer && doc.b.public_key == self) ||
                    (doc.a.public_key == self && doc.b.public_key == peer);
  if (!parties_ok)
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "proposal names keys other than the two parties of this link");
  if (!verify_doc_signature(peer, canon, body["signature"].get<std::string>())) {
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "proposal's signature does not verify");
  }
  store::AgreementRecord rec = store_proposal(tx, ctx.link, doc, canon, peer,
                                              body["signature"].get<std::string>(), received_at);
  record_event(tx, parse_timestamp(received_at), "agreement_proposed", ctx.link,
               ctx.peer_name + " proposed agreement amendment " + std::to_string(doc.amendment) +
                   " (" + rec.digest.substr(0, 16) +
                   "); review it with `hotline agreement show` and accept it "
                   "with `hotline agreement accept`");
}

void apply_agreement_accept(store::Transaction& tx, const link::LinkContext& ctx,
                            const link::Envelope& e, const std::string& received_at) {
  const auto& body = e.body;
  if (!body.contains("digest") || !body["digest"].is_string() || !body.contains("signature") ||
      !body["signature"].is_string()) {
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "acceptance lacks \"digest\" or \"signature\"");
  }
  auto rec = tx.find_agreement(body["digest"].get<std::string>());
  if (!rec || rec->link != ctx.link || rec->proposed_by != ctx.self->public_key().encoded()) {
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "acceptance refers to no proposal of ours on this link");
  }
  if (rec->state != "proposed") {
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "acceptance refers to a proposal that is " + rec->state);
  }
  if (!verify_doc_signature(ctx.peer.encoded(), rec->document,
                            body["signature"].get<std::string>())) {
    throw Error(ErrorCategory::invalid_input, "agreement_invalid",
                "acceptance's signature does not verify");
  }
  supersede_current(tx, ctx.link, rec->digest);
  rec->acceptor_sig = body["signature"].get<std::string>();
  rec->state = "accepted";
  rec->accepted_at = received_at;
  rec->in_force_from = e.sent_at;
  tx.put_agreement(*rec);
  record_event(tx, parse_timestamp(received_at), "agreement_accepted", ctx.link,
               ctx.peer_name + " accepted agreement amendment " + std::to_string(rec->amendment) +
                   "; it is now in force");
}

void apply_heartbeat(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope&,
                     const std::string& received_at) {
  auto state = tx.find_link_state(ctx.link).value_or(store::LinkStateRecord{});
  state.link = ctx.link;
  bool came_up = state.state != "up";
  state.state = "up";
  state.last_heartbeat = received_at;
  state.last_contact = received_at;
  state.updated_at = received_at;
  tx.put_link_state(state);
  if (came_up) {
    record_event(tx, parse_timestamp(received_at), "link_up", ctx.link,
                 "heartbeats from " + ctx.peer_name + " are arriving");
  }
}

}  // namespace hotline::service
