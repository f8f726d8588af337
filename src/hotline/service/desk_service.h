// Use cases of the duty desk: alerts, requests and cases shared with a peer
// (docs/protocol.md §7). Each use case is one store transaction: it checks the
// action against the item's state machine (by replaying the item's log with
// the action added, item_replay.h), and stores the new state together with
// the signed envelope that tells the peer (link/outbound.h). Nothing here does
// network I/O; the running node's delivery worker sends what these queue.
//
// The HTTP API and the CLI call these; `by` is the person acting. The
// peer's actions arrive through the node's inbound dispatch (node/inbound.h).
//
// Audit trail (audit_trail.h): given an AuditContext (the trailing `audit`
// parameter), a change is recorded as "item.change" (target the item id,
// detail "<kind> <action>") in the use case's transaction, and a read of an
// item labelled TLP:AMBER, TLP:AMBER+STRICT or TLP:RED as "item.read" in a
// short write transaction after the read. Without one nothing is recorded
// (the node's own work, tests).
//
// Errors (hotline::Error codes), besides the model's own (illegal_transition,
// wrong_side, four_eyes, rating_invalid, case_duplicate, *_invalid):
//   item_unknown       no item with that id on this node
//   item_wrong_kind    the id is an item of another kind
//   agreement_missing  no agreement in force with the peer (deadlines need one)
//   peer_unknown       (link_support.h)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/model/dispute.h"
#include "hotline/model/labels.h"
#include "hotline/model/request.h"
#include "hotline/model/review_round.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/desk_rules.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

struct ItemView {
  store::ItemRecord record;
  std::string peer;  // the peer's name
  // Replayed::document() plus "deadlines" (deadline_service.h) and
  // "translations" (translations.h, kept on this node only).
  nlohmann::json document;
};

// ---- alerts -----------------------------------------------------------------

struct AlertInput {
  model::Priority priority = model::Priority::urgent;
  model::Labels labels;
  std::string summary;
  std::string details;
  std::vector<AttachmentNote> files;  // already in the vault
  // A communication check (docs/review.md): recorded with check_plan.h's
  // record_check_sent in the same transaction.
  bool check = false;
};
ItemView raise_alert(Node& node, const std::string& peer, const AlertInput& input,
                     const std::string& by, TimePoint now, const AuditContext* audit = nullptr);

// A communication check to the peer: an urgent TLP:CLEAR alert that a person
// at their desk must acknowledge within the alert deadline. `by` is the
// person who sent it, or "" for the node's check job.
ItemView send_check(Node& node, const std::string& peer, const std::string& by, TimePoint now,
                    const AuditContext* audit = nullptr);

// ---- requests ---------------------------------------------------------------

struct RequestInput {
  model::RequestKind kind = model::RequestKind::information;
  model::Priority priority = model::Priority::normal;
  model::Labels labels;
  std::string subject;
  std::string details;
  std::vector<AttachmentNote> files;
};
// Drafts a request. When the agreement does not ask for four-eyes, it is
// approved by its author and sent at once; when it does, it is approved and
// sent only if `approver` (someone other than `by`) is given, and otherwise
// waits as a draft for approve_request().
ItemView create_request(Node& node, const std::string& peer, const RequestInput& input,
                        const std::string& by, const std::optional<std::string>& approver,
                        TimePoint now, const AuditContext* audit = nullptr);
// Approves a draft (four-eyes: `by` must not be its author when the agreement
// asks for it) and sends it.
ItemView approve_request(Node& node, const std::string& id, const std::string& by, TimePoint now,
                         const AuditContext* audit = nullptr);

// ---- cases ------------------------------------------------------------------

ItemView open_case(Node& node, const std::string& peer, const std::string& title,
                   const model::Labels& labels, const std::string& by, TimePoint now,
                   const AuditContext* audit = nullptr);
// A sighting to record on a case (act() "add_sighting" for one): the peer's
// or our own ("seen in our networks at ..., N times").
struct SightingInput {
  std::string case_id;  // full id
  std::string type, value;
  TimePoint first_seen, last_seen;
  int count = 1;
  std::string where;
};
// Records every sighting of `batch` in ONE transaction (each one a shared
// add_sighting action, sent to the case's peer): all or nothing. Throws the
// first refusal (item_unknown, indicator_unknown, case_invalid,
// indicator_invalid), naming the batch entry ("sightings[3]: ..."); then
// nothing is stored or sent. Returns each case's view after its last one,
// in the order the cases first appear.
std::vector<ItemView> record_sightings(Node& node, const std::vector<SightingInput>& batch,
                                       const std::string& by, TimePoint now,
                                       const AuditContext* audit = nullptr);

// Several shared actions of ours on case `id` (`actions`: action name and
// args, as act() takes them; add_indicators and add_sightings carry up to
// model::kMaxBatch each) in ONE store transaction, each its own envelope to
// the peer: all or nothing. The case is replayed once, each action applied
// to it in turn (item_replay.h apply_case_action), and its record and
// indicator index written once. Throws the first refusal naming its place
// ("actions[3] (add_indicators): args.indicators[7].value: ..."); then
// nothing is stored or sent. Returns the case's view after the last one.
struct BatchAction {
  std::string action;
  nlohmann::json args;
};
ItemView act_case_batch(Node& node, const std::string& id, const std::vector<BatchAction>& actions,
                        const std::string& by, TimePoint now, const AuditContext* audit = nullptr);

// A private note: stays on this node.
ItemView add_case_note(Node& node, const std::string& id, const std::string& text,
                       const std::string& by, TimePoint now, const AuditContext* audit = nullptr);

// ---- review rounds (model/review_round.h, docs/review.md) -------------------

// A round's proposal: `plan.agenda` holds the points written by a person;
// the node puts before them the points it finds in its records of the
// period (round_support.h records_agenda: worse figures, overdue and
// declined requests, alerts and checks not acknowledged in time, open
// disputes, open action items of earlier rounds).
struct RoundInput {
  model::RoundPlan plan;
};
// Proposes a round to `peer` (origin ours); its later actions go through
// act() with kind kRound: edit_agenda, accept_agenda, propose_minutes,
// accept_minutes, complete_action_item, cancel (args as
// model::apply_round_action reads them). Needs an agreement in force.
ItemView propose_round(Node& node, const std::string& peer, const RoundInput& input,
                       const std::string& by, TimePoint now, const AuditContext* audit = nullptr);

// ---- disputes ---------------------------------------------------------------

struct DisputeInput {
  std::string title;
  model::Labels labels;
  model::DisputeGround ground = model::DisputeGround::other;
  model::DisputeSubject subject;  // an item of this link, or a report figure
  std::string text;               // the opening position
  std::string lang = "en";
  std::vector<AttachmentNote> files;  // already in the vault
};
// Opens a dispute with the peer (model/dispute.h). A disputed item must be
// an alert, request or case shared with that peer (item_unknown otherwise;
// item_not_shared for a request still a draft here).
// Later actions go through act() (kind "dispute": answer, add_position,
// propose, accept, reject, withdraw).
ItemView open_dispute(Node& node, const std::string& peer, const DisputeInput& input,
                      const std::string& by, TimePoint now, const AuditContext* audit = nullptr);

// ---- any shared action ------------------------------------------------------

// Performs `action` (an action name of the item's model, e.g. "acknowledge",
// "respond_final", "link_request") with `args` (the members that action's
// envelope carries, item_replay.cpp) on item `id`, as this node's side.
// `kind` must match the item's kind ("" = any).
ItemView act(Node& node, const std::string& kind, const std::string& id, const std::string& action,
             nlohmann::json args, const std::string& by, TimePoint now,
             const AuditContext* audit = nullptr);

// The "attachments" member of an action's args: [{sha256, size, name}].
nlohmann::json attachments_json(const std::vector<AttachmentNote>& files);

// ---- reading ----------------------------------------------------------------

// Still open: not closed, declined, withdrawn, settled or (a round) cancelled
// (the lists' default filter).
inline bool is_open_state(const std::string& s) {
  return s != "closed" && s != "declined" && s != "withdrawn" && s != "settled" && s != "cancelled";
}
inline bool is_open(const ItemView& item) {
  return is_open_state(item.record.state);
}

// kind "" = all kinds; peer "" = all peers. Most recently changed first.
// `reader`: the API's user; the TLP:RED items they may not read
// (need_to_know.h) are left out of a list, and show_item says item_unknown.
// nullptr: nobody is left out (the CLI at the data directory, the node).
std::vector<ItemView> list_items(store::Store& store, const std::string& kind,
                                 const std::string& peer, std::size_t limit, TimePoint now,
                                 const AuditContext* audit = nullptr,
                                 const std::string* reader = nullptr);
// A page of a filtered list (the web app's lists, GET /v1/alerts?...):
// every member left at its default matches any item.
struct ItemListQuery {
  std::string kind;                 // kAlert, ...
  std::string peer;                 // "" = all peers
  std::string status = "all";       // "open", "closed" (is_open) or "all"
  std::string direction = "any";    // "incoming" (theirs), "outgoing" (ours) or "any"
  std::vector<std::string> states;  // the model's state names, any of them
  std::string request_kind;         // requests: "information", ...
  std::string priority;             // "urgent" or "normal"
  std::string title_contains;       // ASCII letters compared without case
  bool overdue = false;             // only items with a deadline "overdue" now
  // Newest created first (stable while paging); false: most recently
  // changed first (the lists before paging existed).
  bool by_creation = true;
  std::size_t offset = 0;
  std::size_t limit = 100;
};
struct ItemPage {
  std::vector<ItemView> items;  // at most query.limit, from query.offset
  std::size_t total = 0;        // how many match, this reader's view
};
// The filters are applied to the item records (no document is read) but for
// `overdue`, which computes the deadlines of the open alerts and requests
// that pass the others; only the page's items are then read in full.
// `reader` as for list_items. Records no read: the caller records what it
// shows (record_item_reads).
ItemPage list_item_page(store::Store& store, const ItemListQuery& query, TimePoint now,
                        const std::string* reader = nullptr);
ItemView show_item(store::Store& store, const std::string& id, TimePoint now,
                   const AuditContext* audit = nullptr, const std::string* reader = nullptr);

// ---- need to know (TLP:RED, need_to_know.h) ---------------------------------

struct NeedToKnow {
  std::string item, kind, tlp;
  std::string author;               // "" for an item from the peer
  std::vector<std::string> people;  // the list, sorted
};
// The item's readers; `reader` as for show_item.
NeedToKnow get_need_to_know(store::Store& store, const std::string& id,
                            const std::string* reader = nullptr);
// Replaces the item's need-to-know list. Only TLP:RED items have one
// (item_not_red, 409); `by` (nullptr: the CLI at the data directory) must be
// able to read the item (item_unknown) and be its author or a supervisor
// (need_to_know_forbidden, 403); every name must be a user (user_unknown,
// 404). Recorded as "item.need_to_know" (target the item id, detail the new
// list) in the same transaction.
NeedToKnow set_need_to_know(store::Store& store, const std::string& id,
                            const std::vector<std::string>& people, const store::UserRecord* by,
                            TimePoint now, const AuditContext* audit = nullptr);
// Records "item.read" entries (detail "<kind> <how> <tlp>") for the views
// labelled TLP:AMBER, TLP:AMBER+STRICT or TLP:RED, in one short write
// transaction; nothing without a context. For callers that show only part of
// what list_items returned (list_items(..., audit) records every item).
void record_item_reads(store::Store& store, const AuditContext* audit,
                       const std::vector<ItemView>& views, const std::string& how, TimePoint now);
// The full id of the item of `kind` ("" = any) whose id is `id_or_prefix`,
// or starts or ends with it (at least 8 characters): ids are long, and a duty
// officer types a few. Screens show the last 8 (short_id()): the first ones
// of a UUIDv7 are its time and repeat across items made the same minute. Throws item_unknown,
// item_wrong_kind (the id, full or short, is an item of another kind), or item_ambiguous
// naming the candidates. With a `reader` (the API's user), the TLP:RED items
// they may not read are not there (need_to_know.h): item_unknown, never
// named as a candidate.
std::string resolve_item_id(store::Store& store, const std::string& kind,
                            const std::string& id_or_prefix, const std::string* reader = nullptr);
inline std::string short_id(const std::string& id) {
  return id.size() > 8 ? id.substr(id.size() - 8) : id;
}

// ---- the link ---------------------------------------------------------------

// An item envelope from the peer, inside the transaction that stores it
// (called by the node's inbound dispatch, node/inbound.h). Content that does
// not make sense (unknown item, a creating action for an existing id, an
// action void where it falls) throws or records an event.
void apply_item_envelope(store::Transaction& tx, const link::LinkContext& ctx,
                         const link::Envelope& e, const std::string& received_at);

// After receipts for outbound seqs (after_seq, up_to_seq] are stored: the
// receipt time of an item's creating envelope is when the peer received it
// (the alert's delivered_at, the request's received_at).
void note_item_receipts(store::Store& store, const std::string& link, std::int64_t after_seq,
                        std::int64_t up_to_seq);

}  // namespace hotline::service
