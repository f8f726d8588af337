#include "hotline/service/link_service.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/sha256.h"
#include "hotline/link/outbound.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/ledger_service.h"

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

void apply_agreement_propose(store::Transaction& tx, const link::LinkContext& ctx,
                             const link::Envelope& e, const std::string& received_at) {
  const auto& body = e.body;
  if (!body.contains("agreement") || !body.contains("signature") ||
      !body["signature"].is_string()) {
    throw Error("agreement_invalid", "agreement proposal lacks \"agreement\" or \"signature\"");
  }
  model::Agreement doc = model::agreement_from_json(body["agreement"]);
  std::string canon = crypto::canonicalize(model::to_json(doc));
  std::string self = ctx.self->public_key().encoded();
  std::string peer = ctx.peer.encoded();
  if (doc.link != ctx.link) throw Error("agreement_invalid", "proposal is for another link");
  bool parties_ok = (doc.a.public_key == peer && doc.b.public_key == self) ||
                    (doc.a.public_key == self && doc.b.public_key == peer);
  if (!parties_ok)
    throw Error("agreement_invalid", "proposal names keys other than the two parties of this link");
  if (!verify_doc_signature(peer, canon, body["signature"].get<std::string>())) {
    throw Error("agreement_invalid", "proposal's signature does not verify");
  }
  store::AgreementRecord rec;
  rec.digest = doc_digest(canon);
  rec.link = ctx.link;
  rec.amendment = doc.amendment;
  rec.document = canon;
  rec.proposed_by = peer;
  rec.proposer_sig = body["signature"].get<std::string>();
  rec.state = "proposed";
  rec.proposed_at = received_at;
  // A newer proposal replaces older pending ones, from either side.
  for (auto& a : tx.list_agreements(ctx.link)) {
    if (a.state == "proposed" && a.digest != rec.digest) {
      a.state = "superseded";
      tx.put_agreement(a);
    }
  }
  tx.put_agreement(rec);
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
    throw Error("agreement_invalid", "acceptance lacks \"digest\" or \"signature\"");
  }
  auto rec = tx.find_agreement(body["digest"].get<std::string>());
  if (!rec || rec->link != ctx.link || rec->proposed_by != ctx.self->public_key().encoded()) {
    throw Error("agreement_invalid", "acceptance refers to no proposal of ours on this link");
  }
  if (rec->state != "proposed") {
    throw Error("agreement_invalid", "acceptance refers to a proposal that is " + rec->state);
  }
  if (!verify_doc_signature(ctx.peer.encoded(), rec->document,
                            body["signature"].get<std::string>())) {
    throw Error("agreement_invalid", "acceptance's signature does not verify");
  }
  supersede_current(tx, ctx.link, rec->digest);
  rec->acceptor_sig = body["signature"].get<std::string>();
  rec->state = "accepted";
  rec->accepted_at = received_at;
  tx.put_agreement(*rec);
  record_event(tx, parse_timestamp(received_at), "agreement_accepted", ctx.link,
               ctx.peer_name + " accepted agreement amendment " + std::to_string(rec->amendment) +
                   "; it is now in force");
}

void apply_heartbeat(store::Transaction& tx, const link::LinkContext& ctx,
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

}  // namespace

PeerAddress parse_peer_url(const std::string& url) {
  auto bad = [&]() -> PeerAddress {
    throw Error("peer_invalid", "peer URL '" + url + "' is not of the form https://HOST:PORT");
  };
  const std::string prefix = "https://";
  if (url.rfind(prefix, 0) != 0) return bad();
  auto rest = url.substr(prefix.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return bad();
  auto port = rest.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  int number = std::stoi(port);
  if (number < 1 || number > 65535) return bad();
  auto host = rest.substr(0, colon);
  if (host.find('/') != std::string::npos || host.find('@') != std::string::npos) return bad();
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return {host, static_cast<std::uint16_t>(number)};
}

std::int64_t record_event(store::Transaction& tx, TimePoint now, const std::string& kind,
                          const std::string& link, const std::string& detail) {
  return tx.append_event(store::EventRecord{0, format_timestamp(now), kind, link, detail});
}

store::PeerRecord add_peer(Node& node, const std::string& name, const std::string& url,
                           const std::string& public_key, TimePoint now,
                           const AuditContext* audit_ctx) {
  try {
    validate_party_name(name);
  } catch (const Error&) {
    throw Error("peer_invalid",
                "peer name '" + name +
                    "' is not allowed: use 1 to 64 letters, digits, spaces, '-', '_' or '.'");
  }
  (void)parse_peer_url(url);
  crypto::PublicKey key;
  try {
    key = crypto::PublicKey::decode(public_key);
  } catch (const Error& e) {
    throw Error("peer_invalid", std::string("peer key: ") + e.what());
  }
  if (key == node.identity.public_key()) {
    throw Error("peer_invalid",
                "that is this node's own key; ask the peer for theirs (`hotline key show`)");
  }
  store::PeerRecord rec{name, key.encoded(), url, link::link_id(node.identity.public_key(), key),
                        format_timestamp(now)};
  node.store->transact([&](store::Transaction& tx) {
    if (tx.find_peer(name))
      throw Error("peer_exists", "a peer named '" + name + "' already exists");
    if (auto other = tx.find_peer_by_key(rec.public_key)) {
      throw Error("peer_exists", "that key already belongs to peer '" + other->name + "'");
    }
    tx.insert_peer(rec);
    tx.put_link_state(store::LinkStateRecord{rec.link, "unknown", false, {}, {}, {}, rec.added_at});
    record_event(tx, now, "peer_added", rec.link,
                 "peer " + name + " added (" + key.fingerprint() + ")");
    if (audit_ctx) audit(tx, *audit_ctx, "peer.add", name, url, now);
  });
  return rec;
}

store::PeerRecord find_peer(store::Transaction& tx, const std::string& name) {
  if (auto p = tx.find_peer(name)) return *p;
  std::string known;
  for (const auto& p : tx.list_peers()) known += (known.empty() ? "" : ", ") + p.name;
  throw Error("peer_unknown", "no peer named '" + name + "'" +
                                  (known.empty() ? std::string("; add one with `hotline peer add`")
                                                 : "; known peers: " + known));
}

store::PeerRecord find_peer(store::Store& store, const std::string& name) {
  return store.snapshot([&](store::Transaction& tx) { return find_peer(tx, name); });
}

link::LinkContext link_context(const Node& node, const store::PeerRecord& peer) {
  // The key was fully validated by add_peer; decoding it again per message
  // would repeat a curve-point check for nothing.
  crypto::PublicKey key;
  auto bytes = base64url_decode(peer.public_key);
  if (bytes.size() != key.bytes.size())
    throw Error("store_inconsistent", "stored key of peer " + peer.name + " is not 32 bytes");
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  return link::LinkContext(node.identity, key, peer.name);
}

std::vector<PeerView> list_peers(store::Store& store) {
  return store.snapshot([&](store::Transaction& tx) {
    std::vector<PeerView> out;
    for (auto& p : tx.list_peers()) {
      PeerView v;
      v.fingerprint = crypto::PublicKey::decode(p.public_key).fingerprint();
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
          v.agreement = (v.agreement ? *v.agreement + "; " : std::string()) +
                        (a.proposed_by == p.public_key ? "proposal from peer waiting"
                                                       : "our proposal waiting");
        }
      }
      v.peer = std::move(p);
      out.push_back(std::move(v));
    }
    return out;
  });
}

link::Envelope send_desk_message(Node& node, const std::string& peer_name, const std::string& text,
                                 TimePoint now, const AuditContext* audit_ctx) {
  if (text.empty()) throw Error("message_empty", "the message is empty");
  if (text.size() > kMaxDeskMessageBytes) {
    throw Error("message_too_long",
                "the message is " + std::to_string(text.size()) +
                    " bytes; desk messages hold at most 16 KiB (attach a file instead)");
  }
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

std::vector<DeskMessageView> list_desk_messages(store::Store& store, const std::string& peer,
                                                std::size_t limit) {
  return store.snapshot([&](store::Transaction& tx) {
    std::string link;
    if (!peer.empty()) {
      auto p = tx.find_peer(peer);
      if (!p) throw Error("peer_unknown", "no peer named '" + peer + "'");
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

namespace {

struct ParsedAgreement {
  std::string document;
  model::Agreement agreement;
};
std::mutex g_agreements_mu;
std::map<std::string, std::shared_ptr<const ParsedAgreement>> g_agreements;  // by digest
constexpr std::size_t kMaxCachedAgreements = 64;

}  // namespace

model::Agreement parse_agreement(const store::AgreementRecord& record) {
  {
    std::lock_guard lock(g_agreements_mu);
    auto it = g_agreements.find(record.digest);
    if (it != g_agreements.end() && it->second->document == record.document)
      return it->second->agreement;
  }
  auto parsed = std::make_shared<const ParsedAgreement>(ParsedAgreement{
      record.document, model::agreement_from_json(nlohmann::json::parse(record.document))});
  std::lock_guard lock(g_agreements_mu);
  if (g_agreements.size() >= kMaxCachedAgreements) g_agreements.clear();
  g_agreements[record.digest] = parsed;
  return parsed->agreement;
}

std::shared_ptr<const model::Agreement> parsed_agreement(const std::string& digest) {
  std::lock_guard lock(g_agreements_mu);
  auto it = g_agreements.find(digest);
  if (it == g_agreements.end()) return nullptr;
  return {it->second, &it->second->agreement};
}

std::optional<model::Agreement> agreement_in_force(store::Transaction& tx,
                                                   const std::string& link) {
  for (const auto& a : tx.list_agreements(link)) {
    if (a.state == "accepted") return parse_agreement(a);
  }
  return std::nullopt;
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
  auto current = node.store->snapshot([&](store::Transaction& tx) {
    std::optional<std::pair<model::Agreement, std::string>> out;
    for (const auto& a : tx.list_agreements(peer.link)) {
      if (a.state == "accepted") out = {parse_agreement(a), a.digest};
    }
    return out;
  });
  if (current) {
    model::Agreement doc = current->first;
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
  them.public_key = peer.public_key;
  them.languages = {"en"};
  them.time_zone = "Etc/UTC";
  return model::default_agreement(us, them, peer.link, format_timestamp(now));
}

store::AgreementRecord propose_agreement(Node& node, const std::string& peer_name,
                                         const model::Agreement& doc, TimePoint now,
                                         const AuditContext* audit_ctx) {
  model::validate(doc);
  auto peer = find_peer(*node.store, peer_name);
  auto ctx = link_context(node, peer);
  std::string self = node.identity.public_key().encoded();
  if (doc.link != ctx.link)
    throw Error("agreement_invalid", "the agreement names another link than this peer's");
  bool parties_ok = (doc.a.public_key == self && doc.b.public_key == peer.public_key) ||
                    (doc.b.public_key == self && doc.a.public_key == peer.public_key);
  if (!parties_ok)
    throw Error("agreement_invalid", "the agreement's parties must be this node and " + peer.name);
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
      throw Error("agreement_invalid",
                  "this proposal must be amendment " + std::to_string(expected) +
                      (current_digest ? " superseding " + current_digest->substr(0, 16) + "…"
                                      : std::string(" with no supersedes")));
    }
    store::AgreementRecord rec;
    rec.digest = doc_digest(canon);
    rec.link = ctx.link;
    rec.amendment = doc.amendment;
    rec.document = canon;
    rec.proposed_by = self;
    rec.proposer_sig = sig;
    rec.state = "proposed";
    rec.proposed_at = format_timestamp(now);
    for (auto& a : tx.list_agreements(ctx.link)) {
      if (a.state == "proposed" && a.digest != rec.digest) {
        a.state = "superseded";
        tx.put_agreement(a);
      }
    }
    tx.put_agreement(rec);
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
      if (a.state == "proposed" && a.proposed_by == peer.public_key) pending = a;
    }
    if (!pending) {
      throw Error("agreement_none_pending",
                  peer.name + " has not proposed an agreement waiting for acceptance");
    }
    std::string sig = crypto::encode_signature(node.identity.sign(pending->document));
    supersede_current(tx, ctx.link, pending->digest);
    pending->acceptor_sig = sig;
    pending->state = "accepted";
    pending->accepted_at = format_timestamp(now);
    tx.put_agreement(*pending);
    link::OutboundDraft d;
    d.type = kAgreementAccept;
    d.body = {{"digest", pending->digest}, {"signature", sig}};
    link::append_outbound(tx, ctx, std::move(d), now);
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

void apply_inbound(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                   const std::string& received_at) {
  try {
    if (e.type == kDeskMessage) {
      if (!e.body.contains("text") || !e.body["text"].is_string()) {
        throw Error("message_invalid", "desk message has no text");
      }
      tx.insert_desk_message(store::DeskMessageRecord{e.id, ctx.link, Direction::inbound, e.seq,
                                                      e.body["text"].get<std::string>(), e.sent_at,
                                                      received_at});
    } else if (e.type == kHeartbeat) {
      apply_heartbeat(tx, ctx, received_at);
      return;  // a heartbeat is contact enough
    } else if (e.type == kTreeHead) {
      apply_tree_head(tx, ctx, e.body, received_at);
    } else if (e.type == kAgreementPropose) {
      apply_agreement_propose(tx, ctx, e, received_at);
    } else if (e.type == kAgreementAccept) {
      apply_agreement_accept(tx, ctx, e, received_at);
    } else if (is_item_envelope(e.type)) {
      apply_item_envelope(tx, ctx, e, received_at);
    } else {
      record_event(tx, parse_timestamp(received_at), "envelope_type_unknown", ctx.link,
                   ctx.peer_name + " sent an envelope of type '" + e.type +
                       "' that this version does not know; it is stored and receipted");
    }
  } catch (const Error& err) {
    if (err.code().rfind("store_", 0) == 0) throw;  // a storage failure aborts the batch
    record_event(tx, parse_timestamp(received_at), "envelope_content_refused", ctx.link,
                 "envelope " + e.id + " (" + e.type + ", seq " + std::to_string(e.seq) + ") from " +
                     ctx.peer_name + ": " + err.what());
  }
}

}  // namespace hotline::service
