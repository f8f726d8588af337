#include "hotline/service/desk_service.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/link/outbound.h"
#include "hotline/model/json_check.h"
#include "hotline/service/check_plan.h"
#include "hotline/service/deadline_service.h"
#include "hotline/service/item_facts.h"
#include "hotline/service/link_support.h"
#include "hotline/service/need_to_know.h"
#include "hotline/service/round_support.h"
#include "hotline/service/translations.h"

namespace hotline::service {
namespace {

using model::Side;

const model::JsonCheck kBody{"item_invalid", "item envelope"};

bool is_creating(const std::string& kind, const std::string& action) {
  return (kind == kAlert && action == "raise") || (kind == kRequest && action == "send") ||
         ((kind == kCase || kind == kDispute) && action == "open") ||
         (kind == kRound && action == "propose");
}

store::PeerRecord peer_of_link(store::Transaction& tx, const std::string& link) {
  for (auto& p : tx.list_peers()) {
    if (p.link == link) return p;
  }
  throw Error(ErrorCategory::not_found, "peer_unknown",
              "the item's link " + link + " has no peer on this node any more");
}

[[noreturn]] void no_agreement(const store::PeerRecord& peer) {
  throw Error(ErrorCategory::conflict, "agreement_missing",
              "there is no agreement in force with " + peer.name +
                  "; deadlines come from it. Propose one with `hotline agreement propose "
                  "--peer " +
                  peer.name + "` and have them accept it");
}

model::Agreement require_agreement(store::Transaction& tx, const store::PeerRecord& peer) {
  auto agreement = agreement_in_force(tx, peer.link);
  if (!agreement) no_agreement(peer);
  return *agreement;
}

// What a new request needs of the agreement in force, and which one it was.
struct AgreementSeen {
  std::string digest;
  bool four_eyes = false;
};
AgreementSeen agreement_seen(store::Transaction& tx, const store::PeerRecord& peer) {
  // Every new request asks this: the digest is one indexed row, and the
  // document is read and parsed only when parse_agreement() has not kept it.
  auto digest = tx.accepted_agreement_digest(peer.link);
  if (!digest) no_agreement(peer);
  if (auto kept = parsed_agreement(*digest)) return {*digest, kept->four_eyes};
  for (const auto& a : tx.list_agreements(peer.link)) {
    if (a.state == "accepted" && a.digest == *digest)
      return {a.digest, parse_agreement(a).four_eyes};
  }
  no_agreement(peer);
}

std::vector<link::AttachmentRef> refs_of(const nlohmann::json& args) {
  std::vector<link::AttachmentRef> refs;
  if (!args.is_object() || !args.contains("attachments")) return refs;
  for (const auto& f : args["attachments"]) {
    refs.push_back(
        link::AttachmentRef{f.at("sha256").get<std::string>(), f.at("size").get<std::int64_t>()});
  }
  return refs;
}

store::ItemRecord record_of(const std::string& id, const std::string& link, const Replayed& r,
                            const ItemLog& log, const std::string& created_at, TimePoint now,
                            const nlohmann::json* document = nullptr) {
  store::ItemRecord rec;
  rec.id = id;
  rec.kind = r.kind;
  rec.link = link;
  rec.state = r.state();
  rec.tlp = std::string(model::to_string(r.labels().tlp));
  rec.title = r.title();
  rec.document = document ? document->dump() : r.document().dump();
  rec.actions = to_json(log).dump();
  rec.created_at = created_at;
  rec.updated_at = format_timestamp(now);
  return rec;
}

// A change of ours worked out but not yet stored: the item's next record
// (its log already names the envelope) and, for a shared action, the
// envelope to send. Working it out needs no transaction, so a new item's can
// be done before taking the writer (see create_request).
struct PreparedAction {
  store::ItemRecord rec;
  nlohmann::json document;                      // rec.document, parsed
  std::optional<link::OutboundDraft> envelope;  // none: a local change only
  ItemLog log;                                  // what rec.actions holds
  std::vector<VoidAction> voided;               // its replay's void actions
};

// Throws the model's error if the action is not possible.
PreparedAction prepare_action(const store::PeerRecord& peer, const std::string& kind,
                              const std::string& id, ItemLog log, const std::string& action,
                              nlohmann::json args, const std::string& by,
                              const std::string& created_at, TimePoint now) {
  SharedAction a;
  a.side = Side::ours;
  a.n = log.count(Side::ours);
  a.seen = log.count(Side::theirs);
  a.sent_at = format_timestamp(now);
  a.action = action;
  a.actor = by;
  a.args = args;
  log.shared.push_back(a);
  // Check first: nothing is stored or sent for an impossible action. The
  // new action comes last in the agreed order (it has seen every action of
  // the peer), so this replay is also the item's new state: the envelope id
  // filled in below only names it.
  Replayed r = replay(kind, id, log);
  if (r.last_error) throw *r.last_error;
  PreparedAction p;
  link::OutboundDraft& d = p.envelope.emplace();
  d.id = crypto::new_id(now);
  d.type = kind + "." + action;
  d.ref = id;
  d.attachments = refs_of(args);
  d.body = {{"item", id}, {"n", a.n}, {"seen", a.seen}, {"actor", by}, {"args", std::move(args)}};
  log.shared.back().envelope = *d.id;  // sent_at is a.sent_at: append_outbound formats `now` too
  p.document = r.document();
  p.rec = record_of(id, peer.link, r, log, created_at, now, &p.document);
  p.log = std::move(log);
  p.voided = std::move(r.voided);
  return p;
}

// The offered attachments of an envelope of ours and the envelope, signed
// and queued, in `tx`.
void queue_envelope(store::Transaction& tx, Node& node, const store::PeerRecord& peer,
                    link::OutboundDraft d, TimePoint now) {
  for (const auto& ref : d.attachments) {
    tx.put_attachment_link(store::AttachmentLinkRecord{ref.sha256, peer.link,
                                                       store::Direction::outbound, ref.size,
                                                       "offered", format_timestamp(now), ""});
  }
  link::append_outbound(tx, link_context(node, peer), std::move(d), now);
}

// Stores a prepared change in `tx`: for a shared action the offered
// attachments and the signed, queued envelope; then the item's new record.
void commit_action(store::Transaction& tx, Node& node, const store::PeerRecord& peer,
                   PreparedAction& p, TimePoint now) {
  if (p.envelope) {
    queue_envelope(tx, node, peer, std::move(*p.envelope), now);
    p.envelope.reset();
  }
  put_item_and_review_facts(tx, p.rec, p.log, p.voided);
}

// Sends one shared action of ours: the envelope and the item's new state in
// `tx`. Throws the model's error if the action is not possible.
store::ItemRecord send_action(store::Transaction& tx, Node& node, const store::PeerRecord& peer,
                              const std::string& kind, const std::string& id, ItemLog log,
                              const std::string& action, nlohmann::json args, const std::string& by,
                              const std::string& created_at, TimePoint now) {
  auto p =
      prepare_action(peer, kind, id, std::move(log), action, std::move(args), by, created_at, now);
  commit_action(tx, node, peer, p, now);
  return std::move(p.rec);
}

// The view of `rec` whose log replays to `r` and whose document is
// `document` (parsed already: a long case is neither parsed nor replayed
// again); `error`: its log could not be replayed (no deadlines then).
ItemView view_of(store::Transaction& tx, const store::ItemRecord& rec, nlohmann::json document,
                 const Replayed& r, TimePoint now, const Error* error = nullptr) {
  ItemView v;
  v.record = rec;
  for (const auto& p : tx.list_peers()) {
    if (p.link == rec.link) v.peer = p.name;
  }
  v.document = std::move(document);
  v.document["translations"] = translations_of(tx, rec.id, v.document);
  nlohmann::json deadlines = nlohmann::json::array();
  try {
    if (error) throw *error;
    for (const auto& d : deadlines_of(tx, rec.link, r, now)) deadlines.push_back(to_json(d));
  } catch (const Error& e) {
    // A deadline that cannot be computed (say, a zone missing on this
    // machine) must not hide the item.
    v.document["deadline_error"] = e.what();
  }
  v.document["deadlines"] = deadlines;
  mark_overdue_action_items(v.document, now);
  return v;
}

ItemView make_view(store::Transaction& tx, const store::ItemRecord& rec, TimePoint now) {
  Replayed r;
  try {
    r = replay(rec.kind, rec.id, item_log_from_json(nlohmann::json::parse(rec.actions)));
  } catch (const Error& e) {
    return view_of(tx, rec, nlohmann::json::parse(rec.document), r, now, &e);
  }
  return view_of(tx, rec, nlohmann::json::parse(rec.document), r, now);
}

store::ItemRecord load_item(store::Transaction& tx, const std::string& kind,
                            const std::string& id) {
  auto rec = tx.find_item(id);
  if (!rec) throw_item_unknown(kind, id);
  if (!kind.empty() && rec->kind != kind) {
    throw Error(ErrorCategory::not_found, "item_wrong_kind",
                id + " is " + (rec->kind == kAlert ? "an " : "a ") + rec->kind + ", not " +
                    (kind == kAlert ? "an " : "a ") + kind);
  }
  return *rec;
}

// load_item, for a reader (nullptr: anyone): an item they may not read is
// unknown to them.
store::ItemRecord load_readable(store::Transaction& tx, const std::string& id,
                                const std::string* reader) {
  auto rec = load_item(tx, "", id);
  if (reader && !may_read(tx, rec, *reader)) throw_item_unknown("", id);
  return rec;
}

std::set<std::string> void_envelopes(const Replayed& r) {
  std::set<std::string> out;
  for (const auto& v : r.voided) out.insert(v.envelope);
  return out;
}

}  // namespace

nlohmann::json attachments_json(const std::vector<AttachmentNote>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : files)
    out.push_back({{"sha256", f.sha256}, {"size", f.size}, {"name", f.name}});
  return out;
}

namespace {

// An "item.change" entry for `view` when there is a context.
// Every change of an item made here: an "item_changed" event (the live
// event stream and the log show it) and, given a context, its audit entry.
void audit_change(store::Transaction& tx, const AuditContext* ctx, const store::ItemRecord& item,
                  const std::string& action, TimePoint now) {
  record_event(tx, now, "item_changed", item.link,
               item.kind + " " + item.id + " " + action + " by us: " + item.state);
  if (ctx) audit(tx, *ctx, "item.change", item.id, item.kind + " " + action, now);
}

// "item.read" entries, in their own write transaction, for the views whose
// label asks for it.
void audit_reads(store::Store& store, const AuditContext* ctx,
                 const std::vector<const ItemView*>& views, const std::string& how, TimePoint now) {
  if (!ctx) return;
  bool any = false;
  for (const auto* v : views) any = any || audits_reads(v->record.tlp);
  if (!any) return;
  store.transact([&](store::Transaction& tx) {
    for (const auto* v : views) {
      if (audits_reads(v->record.tlp)) {
        audit(tx, *ctx, "item.read", v->record.id, v->record.kind + " " + how + " " + v->record.tlp,
              now);
      }
    }
  });
}

}  // namespace

ItemView raise_alert(Node& node, const std::string& peer_name, const AlertInput& in,
                     const std::string& by, TimePoint now, const AuditContext* audit_ctx) {
  auto peer = find_peer(*node.store, peer_name);
  return node.store->transact([&](store::Transaction& tx) {
    require_agreement(tx, peer);
    const std::string id = crypto::new_id(now);
    nlohmann::json args = {{"priority", model::to_string(in.priority)},
                           {"labels", model::to_json(in.labels)},
                           {"summary", in.summary},
                           {"details", in.details},
                           {"attachments", attachments_json(in.files)}};
    if (in.check) {
      args["check"] = true;
      record_check_sent(tx, peer.link, now);
    }
    auto rec = send_action(tx, node, peer, kAlert, id, ItemLog{}, "raise", std::move(args), by,
                           format_timestamp(now), now);
    auto view = make_view(tx, rec, now);
    audit_change(tx, audit_ctx, view.record, "raise", now);
    return view;
  });
}

ItemView send_check(Node& node, const std::string& peer, const std::string& by, TimePoint now,
                    const AuditContext* audit) {
  AlertInput in;
  in.priority = model::Priority::urgent;
  in.labels.tlp = model::Tlp::clear;
  in.summary = "Communication check: please acknowledge";
  in.details =
      "This is a check of the hotline, as the agreement schedules. Please acknowledge it "
      "within the alert deadline; nothing else is needed. The result counts in the review.";
  in.check = true;
  return raise_alert(node, peer, in, by, now, audit);
}

ItemView create_request(Node& node, const std::string& peer_name, const RequestInput& in,
                        const std::string& by, const std::optional<std::string>& approver,
                        TimePoint now, const AuditContext* audit_ctx) {
  // The new request is worked out (replayed, its record and envelope built)
  // before the write transaction, which then only checks the agreement and
  // stores: the writer is the node's one serialized resource.
  auto [peer, seen] = node.store->snapshot([&](store::Transaction& tx) {
    auto p = find_peer(tx, peer_name);
    return std::make_pair(p, agreement_seen(tx, p));
  });
  const std::string id = crypto::new_id(now);
  const std::string created_at = format_timestamp(now);
  bool four_eyes = seen.four_eyes;
  // Sent at once, or (four-eyes, no approver yet) a draft that stays here.
  auto prepare = [&]() -> PreparedAction {
    nlohmann::json definition = {{"kind", model::to_string(in.kind)},
                                 {"priority", model::to_string(in.priority)},
                                 {"labels", model::to_json(in.labels)},
                                 {"subject", in.subject},
                                 {"details", in.details},
                                 {"attachments", attachments_json(in.files)}};
    ItemLog log;
    log.local.push_back(LocalAction{"create", by, created_at, definition});
    std::optional<std::string> approved_by = approver;
    if (!approved_by && !four_eyes) approved_by = by;
    if (!approved_by) {
      Replayed r = replay(kRequest, id, log);
      PreparedAction draft;
      draft.document = r.document();
      draft.rec = record_of(id, peer.link, r, log, created_at, now, &draft.document);
      draft.log = std::move(log);
      draft.voided = std::move(r.voided);
      return draft;
    }
    log.local.push_back(
        LocalAction{"approve", *approved_by, created_at, {{"four_eyes_required", four_eyes}}});
    return prepare_action(peer, kRequest, id, std::move(log), "send", std::move(definition), by,
                          created_at, now);
  };
  PreparedAction p = prepare();
  node.store->transact([&](store::Transaction& tx) {
    // Still the same agreement? (Only the digest is read here; an amendment
    // accepted meanwhile is read in full and may change four-eyes.)
    if (tx.accepted_agreement_digest(peer.link) != seen.digest) {
      const bool now_four_eyes = agreement_seen(tx, peer).four_eyes;
      if (now_four_eyes != four_eyes) {
        four_eyes = now_four_eyes;
        p = prepare();
      }
    }
    const bool sends = p.envelope.has_value();
    commit_action(tx, node, peer, p, now);
    audit_change(tx, audit_ctx, p.rec, sends ? "create and send" : "create", now);
  });
  // A request we just made has not been received yet: none of its
  // deadlines runs (make_view would find the same, in the writer's time).
  ItemView view;
  view.record = std::move(p.rec);
  view.peer = peer.name;
  view.document = std::move(p.document);
  view.document["deadlines"] = nlohmann::json::array();
  return view;
}

ItemView approve_request(Node& node, const std::string& id, const std::string& by, TimePoint now,
                         const AuditContext* audit_ctx) {
  return node.store->transact([&](store::Transaction& tx) {
    auto rec = load_item(tx, kRequest, id);
    auto peer = peer_of_link(tx, rec.link);
    const bool four_eyes = require_agreement(tx, peer).four_eyes;
    ItemLog log = item_log_from_json(nlohmann::json::parse(rec.actions));
    log.local.push_back(
        LocalAction{"approve", by, format_timestamp(now), {{"four_eyes_required", four_eyes}}});
    replay(kRequest, id, log);  // throws four_eyes / illegal_transition
    nlohmann::json definition = log.local.front().args;
    auto next = send_action(tx, node, peer, kRequest, id, log, "send", std::move(definition),
                            log.local.front().actor, rec.created_at, now);
    auto view = make_view(tx, next, now);
    audit_change(tx, audit_ctx, view.record, "approve", now);
    return view;
  });
}

ItemView open_case(Node& node, const std::string& peer_name, const std::string& title,
                   const model::Labels& labels, const std::string& by, TimePoint now,
                   const AuditContext* audit_ctx) {
  auto peer = find_peer(*node.store, peer_name);
  return node.store->transact([&](store::Transaction& tx) {
    const std::string id = crypto::new_id(now);
    nlohmann::json args = {{"title", title}, {"labels", model::to_json(labels)}};
    auto rec = send_action(tx, node, peer, kCase, id, ItemLog{}, "open", std::move(args), by,
                           format_timestamp(now), now);
    auto view = make_view(tx, rec, now);
    audit_change(tx, audit_ctx, view.record, "open", now);
    return view;
  });
}

ItemView propose_round(Node& node, const std::string& peer_name, const RoundInput& in,
                       const std::string& by, TimePoint now, const AuditContext* audit_ctx) {
  auto peer = find_peer(*node.store, peer_name);
  return node.store->transact([&](store::Transaction& tx) {
    require_agreement(tx, peer);
    model::RoundPlan plan = in.plan;
    // The records as they stand now: deadlines of a period not yet ended
    // are not judged at its end (they may still be met), and a period not
    // yet begun has no records.
    const TimePoint as_of = std::min(plan.period_to, now);
    std::vector<model::AgendaPoint> agenda;
    if (as_of > plan.period_from) {
      agenda = records_agenda(tx, peer.link, node.identity.public_key().encoded(), plan.period_from,
                              as_of, node.party, peer.name);
    }
    agenda.insert(agenda.end(), plan.agenda.begin(), plan.agenda.end());
    plan.agenda = std::move(agenda);
    const std::string id = crypto::new_id(now);
    auto rec = send_action(tx, node, peer, kRound, id, ItemLog{}, "propose",
                           model::plan_args(plan, Side::ours), by, format_timestamp(now), now);
    auto view = make_view(tx, rec, now);
    audit_change(tx, audit_ctx, view.record, "propose", now);
    return view;
  });
}

ItemView open_dispute(Node& node, const std::string& peer_name, const DisputeInput& in,
                      const std::string& by, TimePoint now, const AuditContext* audit_ctx) {
  auto peer = find_peer(*node.store, peer_name);
  return node.store->transact([&](store::Transaction& tx) {
    if (!in.subject.item.empty()) {
      // The item disputed must be one of this link's (any kind but a dispute).
      auto item = tx.find_item(in.subject.item);
      if (!item || item->link != peer.link || item->kind == kDispute || item->kind == kRound)
        throw Error(ErrorCategory::not_found, "item_unknown",
                    "no alert, request or case " + in.subject.item + " shared with " + peer.name);
      if (item_log_from_json(nlohmann::json::parse(item->actions)).shared.empty())
        throw Error(ErrorCategory::conflict, "item_not_shared",
                    item->kind + " " + in.subject.item + " is a draft that " + peer.name +
                        " has not received; a dispute is about what both sides hold");
    }
    const std::string id = crypto::new_id(now);
    model::DisputeOpening o;
    o.title = in.title;
    o.labels = in.labels;
    o.ground = in.ground;
    o.subject = in.subject;
    o.text = in.text;
    o.lang = in.lang;
    nlohmann::json args = model::opening_args(o);
    args["attachments"] = attachments_json(in.files);
    auto rec = send_action(tx, node, peer, kDispute, id, ItemLog{}, "open", std::move(args), by,
                           format_timestamp(now), now);
    auto view = make_view(tx, rec, now);
    audit_change(tx, audit_ctx, view.record, "open", now);
    return view;
  });
}

ItemView add_case_note(Node& node, const std::string& id, const std::string& text,
                       const std::string& by, TimePoint now, const AuditContext* audit_ctx) {
  return node.store->transact([&](store::Transaction& tx) {
    auto rec = load_item(tx, kCase, id);
    ItemLog log = item_log_from_json(nlohmann::json::parse(rec.actions));
    log.local.push_back(LocalAction{"note", by, format_timestamp(now), {{"text", text}}});
    Replayed r = replay(kCase, id, log);
    auto next = record_of(id, rec.link, r, log, rec.created_at, now);
    put_item_and_review_facts(tx, next, log, r.voided);
    auto view = make_view(tx, next, now);
    audit_change(tx, audit_ctx, view.record, "note", now);
    return view;
  });
}

ItemView act(Node& node, const std::string& kind, const std::string& id, const std::string& action,
             nlohmann::json args, const std::string& by, TimePoint now,
             const AuditContext* audit_ctx) {
  return node.store->transact([&](store::Transaction& tx) {
    auto rec = load_item(tx, kind, id);
    if (is_creating(rec.kind, action)) {
      throw Error(ErrorCategory::conflict, "illegal_transition",
                  rec.kind + " " + id + " exists; '" + action + "' creates a new one");
    }
    auto peer = peer_of_link(tx, rec.link);
    ItemLog log = item_log_from_json(nlohmann::json::parse(rec.actions));
    if (rec.kind == kRequest && log.shared.empty()) {
      throw Error(ErrorCategory::conflict, "illegal_transition",
                  "request " + id + " is a draft; approve it first (`hotline request approve`)");
    }
    if (rec.kind == kCase) args = new_case_args(action, std::move(args), by);
    auto next = send_action(tx, node, peer, rec.kind, id, std::move(log), action, std::move(args),
                            by, rec.created_at, now);
    auto view = make_view(tx, next, now);
    audit_change(tx, audit_ctx, view.record, action, now);
    return view;
  });
}

namespace {

// Action `a` of a batch on case `id` as the shared action of ours it
// becomes (its args in their full, checked form), applied to `r`.
SharedAction batch_step(Replayed& r, const ItemLog& log, const std::string& id,
                        const BatchAction& a, const std::string& by, TimePoint now) {
  if (is_creating(kCase, a.action))
    throw Error(ErrorCategory::conflict, "illegal_transition",
                "'" + a.action + "' is not possible on case " + id);
  SharedAction s;
  s.side = Side::ours;
  s.n = log.count(Side::ours);
  s.seen = log.count(Side::theirs);
  s.sent_at = format_timestamp(now);
  s.action = a.action;
  s.actor = by;
  s.args = new_case_args(a.action, a.args, by);
  apply_case_action(r, s);  // comes last in the agreed order, as prepare_action's
  return s;
}

}  // namespace

ItemView act_case_batch(Node& node, const std::string& id, const std::vector<BatchAction>& actions,
                        const std::string& by, TimePoint now, const AuditContext* audit_ctx) {
  return node.store->transact([&](store::Transaction& tx) {
    auto rec = load_item(tx, kCase, id);
    auto peer = peer_of_link(tx, rec.link);
    ItemLog log = item_log_from_json(nlohmann::json::parse(rec.actions));
    Replayed r = replay(kCase, id, log);  // once: each action is applied to it
    for (std::size_t i = 0; i < actions.size(); ++i) {
      SharedAction s;
      try {
        s = batch_step(r, log, id, actions[i], by, now);
      } catch (const Error& e) {
        throw Error(e.category(), e.code(),
                    "actions[" + std::to_string(i) + "] (" + actions[i].action + "): " + e.what());
      }
      link::OutboundDraft d;
      d.id = crypto::new_id(now);
      d.type = std::string(kCase) + "." + s.action;
      d.ref = id;
      d.attachments = refs_of(s.args);
      d.body = {{"item", id}, {"n", s.n}, {"seen", s.seen}, {"actor", by}, {"args", s.args}};
      s.envelope = *d.id;
      queue_envelope(tx, node, peer, std::move(d), now);
      log.shared.push_back(std::move(s));
    }
    nlohmann::json document = r.document();
    rec = record_of(id, peer.link, r, log, rec.created_at, now, &document);
    put_item_and_review_facts(tx, rec, log, r.voided);
    auto view = view_of(tx, rec, std::move(document), r, now);
    audit_change(tx, audit_ctx, view.record, "batch of " + std::to_string(actions.size()), now);
    return view;
  });
}

namespace {

nlohmann::json sighting_args(const SightingInput& s) {
  return {{"type", s.type},
          {"value", s.value},
          {"first_seen", format_timestamp(s.first_seen)},
          {"last_seen", format_timestamp(s.last_seen)},
          {"count", s.count},
          {"where", s.where}};
}

}  // namespace

std::vector<ItemView> record_sightings(Node& node, const std::vector<SightingInput>& batch,
                                       const std::string& by, TimePoint now,
                                       const AuditContext* audit_ctx) {
  return node.store->transact([&](store::Transaction& tx) {
    std::vector<std::string> order;
    std::map<std::string, store::ItemRecord> last;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const SightingInput& s = batch[i];
      try {
        auto rec = load_item(tx, kCase, s.case_id);
        auto peer = peer_of_link(tx, rec.link);
        ItemLog log = item_log_from_json(nlohmann::json::parse(rec.actions));
        auto args = new_case_args("add_sighting", sighting_args(s), by);
        auto next = send_action(tx, node, peer, kCase, rec.id, std::move(log), "add_sighting",
                                std::move(args), by, rec.created_at, now);
        if (!last.count(next.id)) order.push_back(next.id);
        audit_change(tx, audit_ctx, next, "add_sighting", now);
        last[next.id] = std::move(next);
      } catch (const Error& e) {
        throw Error(e.category(), e.code(),
                    "sightings[" + std::to_string(i) + "] (case " + s.case_id + "): " + e.what());
      }
    }
    std::vector<ItemView> views;
    for (const auto& id : order) views.push_back(make_view(tx, last[id], now));
    return views;
  });
}

std::vector<ItemView> list_items(store::Store& store, const std::string& kind,
                                 const std::string& peer, std::size_t limit, TimePoint now,
                                 const AuditContext* audit_ctx, const std::string* reader) {
  auto views = store.snapshot([&](store::Transaction& tx) {
    std::string link;
    if (!peer.empty()) {
      auto p = tx.find_peer(peer);
      if (!p) throw Error(ErrorCategory::not_found, "peer_unknown", "no peer named '" + peer + "'");
      link = p->link;
    }
    std::vector<ItemView> out;
    for (const auto& rec : tx.list_items(kind, link, limit)) {
      if (reader && !may_read(tx, rec, *reader)) continue;
      out.push_back(make_view(tx, rec, now));
    }
    return out;
  });
  record_item_reads(store, audit_ctx, views, "list", now);
  return views;
}

void record_item_reads(store::Store& store, const AuditContext* audit_ctx,
                       const std::vector<ItemView>& views, const std::string& how, TimePoint now) {
  std::vector<const ItemView*> read;
  for (const auto& v : views) read.push_back(&v);
  audit_reads(store, audit_ctx, read, how, now);
}

ItemView show_item(store::Store& store, const std::string& id, TimePoint now,
                   const AuditContext* audit_ctx, const std::string* reader) {
  auto view = store.snapshot(
      [&](store::Transaction& tx) { return make_view(tx, load_readable(tx, id, reader), now); });
  audit_reads(store, audit_ctx, {&view}, "show", now);
  return view;
}

namespace {

// The due times of an item's deadlines still running (not met, stopped or
// paused), kept by item id for the overdue filter: computed again when the
// item changed (updated_at, state) or the link's agreement in force did.
// A deadline is overdue at `now` when its due time has passed.
struct RunningDeadlines {
  std::string updated_at, state, agreement;
  std::vector<TimePoint> due;
};
std::mutex g_running_mu;
std::unordered_map<std::string, RunningDeadlines> g_running;
constexpr std::size_t kMaxRunningCached = 200000;

std::vector<TimePoint> running_due_times(store::Transaction& tx, const store::ItemRecord& rec,
                                         TimePoint now) {
  std::vector<TimePoint> out;
  try {
    Replayed r = replay(rec.kind, rec.id, item_log_from_json(nlohmann::json::parse(rec.actions)));
    for (const auto& d : deadlines_of(tx, rec.link, r, now)) {
      if ((d.status == "running" || d.status == "overdue") && d.due_at)
        out.push_back(parse_timestamp(*d.due_at));
    }
  } catch (const Error&) {
    // As make_view: an item whose deadlines cannot be computed is not overdue.
  }
  return out;
}

// True when one of the item's deadlines is overdue at `now`. Only an open
// alert or request (received: it has deadlines) can have one.
// `agreement`: the digest of the link's agreement in force ("" for none).
bool has_overdue_deadline(store::Transaction& tx, const store::ItemRecord& head,
                          const std::string& agreement, TimePoint now) {
  if (head.kind != kAlert && head.kind != kRequest) return false;
  std::vector<TimePoint> due;
  bool known = false;
  {
    std::lock_guard lock(g_running_mu);
    auto it = g_running.find(head.id);
    if (it != g_running.end() && it->second.updated_at == head.updated_at &&
        it->second.state == head.state && it->second.agreement == agreement) {
      due = it->second.due;
      known = true;
    }
  }
  if (!known) {
    auto rec = tx.find_item(head.id);
    if (!rec) return false;
    due = running_due_times(tx, *rec, now);
    std::lock_guard lock(g_running_mu);
    if (g_running.size() >= kMaxRunningCached) g_running.clear();
    g_running[head.id] = RunningDeadlines{head.updated_at, head.state, agreement, due};
  }
  return std::any_of(due.begin(), due.end(), [&](TimePoint t) { return t <= now; });
}

store::ItemQuery store_query(store::Transaction& tx, const ItemListQuery& q) {
  store::ItemQuery out;
  out.kind = q.kind;
  if (!q.peer.empty()) {
    auto p = tx.find_peer(q.peer);
    if (!p) throw Error(ErrorCategory::not_found, "peer_unknown", "no peer named '" + q.peer + "'");
    out.link = p->link;
  }
  out.states = q.states;
  if (q.direction == "incoming") out.origin = "theirs";
  if (q.direction == "outgoing") out.origin = "ours";
  out.request_kind = q.request_kind;
  out.priority = q.priority;
  out.title_contains = q.title_contains;
  out.by_creation = q.by_creation;
  return out;
}

}  // namespace

ItemPage list_item_page(store::Store& store, const ItemListQuery& q, TimePoint now,
                        const std::string* reader) {
  return store.snapshot([&](store::Transaction& tx) {
    ItemPage page;
    std::vector<store::ItemRecord> on_page;
    std::map<std::string, std::string> agreements;  // link -> digest in force
    for (auto& head : tx.find_item_summaries(store_query(tx, q))) {
      if (q.status != "all" && is_open_state(head.state) != (q.status == "open")) continue;
      std::optional<store::ItemRecord> full;
      if (reader && needs_to_know(head.tlp)) {
        full = tx.find_item(head.id);
        if (!full || !may_read(tx, *full, *reader)) continue;
      }
      if (q.overdue) {
        if (!is_open_state(head.state)) continue;
        auto [it, fresh] = agreements.try_emplace(head.link);
        if (fresh) it->second = tx.accepted_agreement_digest(head.link).value_or("");
        if (!has_overdue_deadline(tx, head, it->second, now)) continue;
      }
      if (page.total >= q.offset && on_page.size() < q.limit) {
        on_page.push_back(full ? std::move(*full) : *tx.find_item(head.id));
      }
      ++page.total;
    }
    for (const auto& rec : on_page) page.items.push_back(make_view(tx, rec, now));
    return page;
  });
}

NeedToKnow get_need_to_know(store::Store& store, const std::string& id, const std::string* reader) {
  return store.snapshot([&](store::Transaction& tx) {
    auto rec = load_readable(tx, id, reader);
    return NeedToKnow{rec.id, rec.kind, rec.tlp, author_of(rec), need_to_know_list(tx, rec.id)};
  });
}

NeedToKnow set_need_to_know(store::Store& store, const std::string& id,
                            const std::vector<std::string>& people, const store::UserRecord* by,
                            TimePoint now, const AuditContext* audit_ctx) {
  return store.transact([&](store::Transaction& tx) {
    auto rec = load_readable(tx, id, by ? &by->name : nullptr);
    if (!needs_to_know(rec.tlp)) {
      throw Error(ErrorCategory::conflict, "item_not_red",
                  rec.kind + " " + rec.id + " is " + rec.tlp +
                      "; only TLP:RED items have a need-to-know list");
    }
    const std::string author = author_of(rec);
    const bool supervisor =
        by && std::find(by->roles.begin(), by->roles.end(), "supervisor") != by->roles.end();
    if (by && by->name != author && !supervisor) {
      throw Error(ErrorCategory::forbidden, "need_to_know_forbidden",
                  "only the item's author or a supervisor may change who needs to know");
    }
    for (const auto& name : people) {
      if (!tx.find_user(name))
        throw Error(ErrorCategory::not_found, "user_unknown", "no user named '" + name + "'");
    }
    put_need_to_know_list(tx, rec.id, people);
    NeedToKnow out{rec.id, rec.kind, rec.tlp, author, need_to_know_list(tx, rec.id)};
    if (audit_ctx) audit(tx, *audit_ctx, "item.need_to_know", rec.id, join_names(out.people), now);
    return out;
  });
}

std::string resolve_item_id(store::Store& store, const std::string& kind,
                            const std::string& id_or_prefix, const std::string* reader) {
  return store.snapshot([&](store::Transaction& tx) {
    // A TLP:RED item the reader may not read is not there for them.
    auto hidden = [&](const store::ItemRecord& head) {
      if (!reader || !needs_to_know(head.tlp)) return false;
      auto rec = tx.find_item(head.id);
      return !rec || !may_read(tx, *rec, *reader);
    };
    if (auto rec = tx.find_item(id_or_prefix)) {
      if (hidden(*rec)) throw_item_unknown(kind, id_or_prefix);
      return load_item(tx, kind, rec->id).id;
    }
    const std::string what = kind.empty() ? std::string("alert, request or case") : kind;
    if (id_or_prefix.size() < 8) {
      throw Error(ErrorCategory::not_found, "item_unknown",
                  "no " + what + " with id " + id_or_prefix +
                      " (give the full id, or at least its first or last 8 characters)");
    }
    // Every kind is searched (states and ids only, not the documents), so
    // that a short id of another kind is named as such.
    std::vector<std::string> hits;
    std::vector<std::string> other_kind;
    for (const auto& rec : tx.list_item_summaries("", "", 1000000)) {
      const bool suffix = rec.id.size() >= id_or_prefix.size() &&
                          rec.id.compare(rec.id.size() - id_or_prefix.size(), id_or_prefix.size(),
                                         id_or_prefix) == 0;
      if ((rec.id.rfind(id_or_prefix, 0) != 0 && !suffix) || hidden(rec)) continue;
      (kind.empty() || rec.kind == kind ? hits : other_kind).push_back(rec.id);
    }
    if (hits.empty() && other_kind.size() == 1) load_item(tx, kind, other_kind[0]);  // wrong kind
    if (hits.empty())
      throw Error(ErrorCategory::not_found, "item_unknown",
                  "no " + what + " whose id starts or ends with " + id_or_prefix);
    if (hits.size() > 1) {
      std::string list;
      for (std::size_t i = 0; i < hits.size() && i < 5; ++i) list += (i ? ", " : "") + hits[i];
      throw Error(ErrorCategory::invalid_input, "item_ambiguous",
                  id_or_prefix + " matches " + std::to_string(hits.size()) + " items (" + list +
                      "); give more characters");
    }
    return hits[0];
  });
}

namespace {

// A case's indicator actions: their refusal may quote a value that its own
// label (say TLP:RED) keeps out of events.
bool quotes_indicator(const std::string& action) {
  return action == "add_indicator" || action == "add_sighting" || action == "add_indicators" ||
         action == "add_sightings";
}

}  // namespace

void apply_item_envelope(store::Transaction& tx, const link::LinkContext& ctx,
                         const link::Envelope& e, const std::string& received_at) {
  const auto dot = e.type.find('.');
  const std::string kind = e.type.substr(0, dot);
  const std::string action = e.type.substr(dot + 1);
  kBody.object(e.body, "", {"item", "n", "seen", "actor", "args"});
  const std::string id = kBody.string(e.body["item"], "item");
  kBody.id(id, "item");
  if (e.ref != id) kBody.fail("ref", "must be the item id");
  const auto& args = e.body["args"];
  if (!args.is_object()) kBody.fail("args", "must be an object");
  if (args.contains("attachments")) {
    auto files = attachments_from_args(args, std::int64_t{1} << 40);
    std::vector<link::AttachmentRef> refs;
    for (const auto& f : files) refs.push_back(link::AttachmentRef{f.sha256, f.size});
    if (refs != e.attachments) {
      kBody.fail("attachments", "do not match the envelope's attachments");
    }
  } else if (!e.attachments.empty()) {
    kBody.fail("attachments", "the envelope lists attachments its action does not carry");
  }

  const bool creating = is_creating(kind, action);
  auto existing = tx.find_item(id);
  ItemLog log;
  std::string created_at = received_at;
  if (creating) {
    if (existing)
      throw Error(ErrorCategory::conflict, "item_exists",
                  kind + " " + id + " already exists on this node");
  } else {
    if (!existing)
      throw Error(ErrorCategory::not_found, "item_unknown",
                  "no " + kind + " with id " + id + " on this node");
    if (existing->kind != kind || existing->link != ctx.link) {
      throw Error(ErrorCategory::not_found, "item_wrong_kind",
                  id + " is not a " + kind + " of this link");
    }
    log = item_log_from_json(nlohmann::json::parse(existing->actions));
    created_at = existing->created_at;
  }
  const std::int64_t n = kBody.integer(e.body["n"], "n", 0, 1'000'000);
  const std::int64_t seen = kBody.integer(e.body["seen"], "seen", 0, 1'000'000);
  if (n != log.count(Side::theirs)) {
    kBody.fail("n",
               "is " + std::to_string(n) + "; expected " + std::to_string(log.count(Side::theirs)));
  }
  if (seen > log.count(Side::ours)) {
    kBody.fail("seen", "counts actions of ours that do not exist");
  }
  SharedAction a;
  a.side = Side::theirs;
  a.n = n;
  a.seen = seen;
  a.envelope = e.id;
  a.sent_at = e.sent_at;
  a.received_at = creating ? received_at : "";
  a.action = action;
  a.actor = kBody.string(e.body["actor"], "actor");
  a.args = args;

  std::set<std::string> void_before;
  if (existing) void_before = void_envelopes(replay(kind, id, log));
  log.shared.push_back(a);
  Replayed r = replay(kind, id, log);  // a bad creating action throws: nothing stored
  const TimePoint at = parse_timestamp(received_at);
  put_item_and_review_facts(tx, record_of(id, ctx.link, r, log, created_at, at), log, r.voided);

  if (!creating) {
    record_event(tx, at, "item_changed", ctx.link,
                 kind + " " + id + " " + action + " by " + ctx.peer_name + ": " + r.state());
  }
  // TLP:RED and AMBER+STRICT: the events name the item, never its content.
  const std::string tlp(model::to_string(r.labels().tlp));
  if (creating) {
    record_event(tx, at, kind + "_received", ctx.link,
                 ctx.peer_name + " " +
                     (kind == kAlert     ? "raised alert"
                      : kind == kRequest ? "sent request"
                      : kind == kDispute ? "opened dispute"
                      : kind == kRound   ? "proposed review round"
                                         : "opened case") +
                     " " + id + (withholds_content(tlp) ? " (" + tlp + ")" : ": " + r.title()));
    if (needs_to_know(tlp)) {
      auto people = arrival_list(tx);
      put_need_to_know_list(tx, id, people);
      audit(tx, AuditContext{"node", "node"}, "item.need_to_know", id,
            "on arrival: " + join_names(people), at);
    }
  }
  for (const auto& v : r.voided) {
    if (void_before.count(v.envelope)) continue;
    const std::string whose = v.side == Side::ours ? "our" : ctx.peer_name + "'s";
    // The model's reason may quote the action's content (a case's duplicate
    // indicator): the item shows it, the event only for unrestricted labels.
    record_event(tx, at, "item_action_void", ctx.link,
                 whose + " '" + v.action + "' on " + kind + " " + id +
                     " is void in the agreed order (" +
                     (withholds_content(tlp) || quotes_indicator(v.action)
                          ? tlp + "; the reason is on the item"
                          : v.reason) +
                     ")");
  }
  // Files the peer offers: fetched by the node's attachment worker.
  const std::int64_t limit = attachment_limit(tx);
  for (const auto& ref : e.attachments) {
    if (tx.find_attachment_link(ref.sha256, ctx.link, store::Direction::inbound)) continue;
    store::AttachmentLinkRecord w{
        ref.sha256, ctx.link, store::Direction::inbound, ref.size, "wanted", received_at, ""};
    if (ref.size > limit) {
      w.state = "failed";
      w.error =
          "larger than this node's limit of " + std::to_string(limit / (1024 * 1024)) + " MiB";
      record_event(tx, at, "attachment_refused", ctx.link,
                   "attachment " + ref.sha256.substr(0, 16) + "… on " + kind + " " + id + " (" +
                       std::to_string(ref.size) + " bytes) is " + w.error);
    }
    tx.put_attachment_link(w);
  }
}

void note_item_receipts(store::Store& store, const std::string& link, std::int64_t after_seq,
                        std::int64_t up_to_seq) {
  if (up_to_seq <= after_seq) return;
  store.transact([&](store::Transaction& tx) {
    std::int64_t from = after_seq;
    while (from < up_to_seq) {
      auto batch = tx.list_envelopes(
          link, store::Direction::outbound, from,
          static_cast<std::size_t>(std::min<std::int64_t>(up_to_seq - from, 512)));
      if (batch.empty()) break;
      for (const auto& env : batch) {
        from = env.seq;
        if (env.seq > up_to_seq) break;
        if (env.type != "alert.raise" && env.type != "request.send") continue;
        auto receipt = tx.find_receipt(link, store::Direction::outbound, env.seq);
        if (!receipt) continue;
        auto e = link::parse_envelope(env.canonical);
        if (!e.ref) continue;
        auto rec = tx.find_item(*e.ref);
        if (!rec) continue;
        ItemLog log = item_log_from_json(nlohmann::json::parse(rec->actions));
        bool changed = false;
        for (auto& a : log.shared) {
          if (a.envelope == env.id && a.received_at.empty()) {
            a.received_at = receipt->received_at;
            changed = true;
          }
        }
        if (!changed) continue;
        Replayed r = replay(rec->kind, rec->id, log);
        put_item_and_review_facts(tx,
                                  record_of(rec->id, link, r, log, rec->created_at,
                                            parse_timestamp(receipt->received_at)),
                                  log, r.voided);
      }
    }
  });
}

}  // namespace hotline::service
