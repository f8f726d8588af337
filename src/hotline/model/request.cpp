#include "hotline/model/request.h"

#include <array>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kKindNames{"information", "preservation", "takedown",
                                                     "assistance"};
constexpr std::array<std::string_view, 11> kRequestStateNames{"draft",
                                                              "approved",
                                                              "sent",
                                                              "received",
                                                              "acknowledged",
                                                              "clarification_requested",
                                                              "responded_partial",
                                                              "responded_final",
                                                              "closed",
                                                              "declined",
                                                              "withdrawn"};
constexpr std::array<std::string_view, 13> kRequestActionNames{"create",
                                                               "approve",
                                                               "send",
                                                               "mark_received",
                                                               "acknowledge",
                                                               "request_clarification",
                                                               "give_clarification",
                                                               "respond_partial",
                                                               "respond_final",
                                                               "decline",
                                                               "withdraw",
                                                               "close",
                                                               "reopen"};
constexpr std::array<std::string_view, 6> kReasonNames{"outside_scope",  "insufficient_information",
                                                       "legal_obstacle", "not_competent",
                                                       "duplicate",      "other"};

const JsonCheck kRequestCheck{"request_invalid", "request"};
const JsonCheck kRating{"rating_invalid", "rating"};

constexpr std::size_t kMaxRequestDetails = 100000;
constexpr std::size_t kMaxRequestNote = 20000;

bool in(RequestState s, std::initializer_list<RequestState> states) {
  for (RequestState x : states) {
    if (x == s) return true;
  }
  return false;
}

void require(const Request& r, RequestAction action) {
  if (is_possible(r, action)) return;
  std::vector<std::string_view> possible;
  for (RequestAction a : possible_actions(r)) possible.push_back(to_string(a));
  std::string_view why;
  if (action == RequestAction::mark_received && r.received_at)
    why = "the receipt is already recorded";
  if (action == RequestAction::reopen && r.state == RequestState::closed)
    why = "a request can be reopened only once";
  detail::illegal_transition("request", r.id, to_string(r.state), to_string(action), possible, why);
}

void require_requester(const Request& r, RequestAction action, Side side) {
  if (side != r.origin)
    detail::wrong_side("request", r.id, to_string(action), "the requesting side", r.origin, side);
}

void require_responder(const Request& r, RequestAction action, Side side) {
  if (side != r.responding_side())
    detail::wrong_side("request", r.id, to_string(action), "the responding side",
                       r.responding_side(), side);
}

Request with_event(Request next, RequestAction action, const std::string& actor, Side side,
                   TimePoint at, const std::string& note = {},
                   std::optional<DeclineReason> reason = {}, std::optional<Rating> rating = {}) {
  next.history.push_back({action, actor, side, at, note, reason, std::move(rating)});
  return next;
}

void end_pause(Request& r, TimePoint at) {
  if (r.pauses.empty() || r.pauses.back().end) return;
  if (at < r.pauses.back().start)
    kRequestCheck.fail("pauses", "a pause cannot end (" + format_timestamp(at) +
                                     ") before it started (" +
                                     format_timestamp(r.pauses.back().start) + ")");
  r.pauses.back().end = at;
}

Request create(std::string id, Side origin, RequestKind kind, Priority priority, Labels labels,
               std::string subject, std::string details, std::string author, TimePoint at) {
  kRequestCheck.id(id, "id");
  try {
    validate(labels);
  } catch (const Error& e) {
    kRequestCheck.fail("labels", e.what());
  }
  if (static_cast<std::size_t>(kind) >= kKindNames.size())
    kRequestCheck.fail("kind", "is out of range");
  kRequestCheck.name(subject, "subject");
  kRequestCheck.text(details, "details", kMaxRequestDetails, false);
  kRequestCheck.name(author, "author");
  Request r;
  r.id = std::move(id);
  r.origin = origin;
  r.kind = kind;
  r.priority = priority;
  r.labels = std::move(labels);
  r.subject = std::move(subject);
  r.details = std::move(details);
  r.author = std::move(author);
  r.created_at = at;
  return r;
}

}  // namespace

std::string_view to_string(RequestKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<RequestKind> parse_request_kind(std::string_view text) {
  for (std::size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == text) return static_cast<RequestKind>(i);
  }
  return std::nullopt;
}

std::string agreement_kind(RequestKind kind) {
  return "request." + std::string(to_string(kind));
}

std::string_view to_string(RequestState state) {
  return kRequestStateNames[static_cast<std::size_t>(state)];
}

std::string_view to_string(RequestAction action) {
  return kRequestActionNames[static_cast<std::size_t>(action)];
}

std::string_view to_string(DeclineReason reason) {
  return kReasonNames[static_cast<std::size_t>(reason)];
}

std::optional<DeclineReason> parse_decline_reason(std::string_view text) {
  for (std::size_t i = 0; i < kReasonNames.size(); ++i) {
    if (kReasonNames[i] == text) return static_cast<DeclineReason>(i);
  }
  return std::nullopt;
}

void validate(const Rating& rating) {
  if (rating.completeness < 1 || rating.completeness > 5)
    kRating.fail("completeness",
                 "must be an integer from 1 to 5, not " + std::to_string(rating.completeness));
  if (rating.usefulness < 1 || rating.usefulness > 5)
    kRating.fail("usefulness",
                 "must be an integer from 1 to 5, not " + std::to_string(rating.usefulness));
  kRating.text(rating.comment, "comment", 4000, false);
}

bool is_possible(const Request& r, RequestAction action) {
  RequestState s = r.state;
  switch (action) {
    case RequestAction::create:
      return false;
    case RequestAction::approve:
      return s == RequestState::draft;
    case RequestAction::send:
      return s == RequestState::approved;
    case RequestAction::mark_received:
      return r.sent_at.has_value() && !r.received_at.has_value();
    case RequestAction::acknowledge:
      return in(s, {RequestState::sent, RequestState::received});
    case RequestAction::request_clarification:
    case RequestAction::respond_partial:
    case RequestAction::respond_final:
      return in(s, {RequestState::acknowledged, RequestState::responded_partial});
    case RequestAction::give_clarification:
      return s == RequestState::clarification_requested;
    case RequestAction::decline:
      return in(s, {RequestState::sent, RequestState::received, RequestState::acknowledged,
                    RequestState::clarification_requested, RequestState::responded_partial});
    case RequestAction::withdraw:
      return in(s, {RequestState::draft, RequestState::approved, RequestState::sent,
                    RequestState::received, RequestState::acknowledged,
                    RequestState::clarification_requested, RequestState::responded_partial});
    case RequestAction::close:
      return s == RequestState::responded_final;
    case RequestAction::reopen:
      return s == RequestState::closed && r.reopen_count < kMaxReopens;
  }
  return false;
}

std::vector<RequestAction> possible_actions(const Request& r) {
  std::vector<RequestAction> out;
  for (RequestAction a : kRequestActions) {
    if (is_possible(r, a)) out.push_back(a);
  }
  return out;
}

Request draft(std::string id, RequestKind kind, Priority priority, Labels labels,
              std::string subject, std::string details, std::string author, TimePoint at) {
  Request r = create(std::move(id), Side::ours, kind, priority, std::move(labels),
                     std::move(subject), std::move(details), std::move(author), at);
  r.state = RequestState::draft;
  std::string author_name = r.author;
  return with_event(std::move(r), RequestAction::create, author_name, Side::ours, at);
}

Request incoming(std::string id, RequestKind kind, Priority priority, Labels labels,
                 std::string subject, std::string details, std::string sent_by, TimePoint sent_at,
                 TimePoint received_at) {
  Request r = create(std::move(id), Side::theirs, kind, priority, std::move(labels),
                     std::move(subject), std::move(details), std::move(sent_by), sent_at);
  r.state = RequestState::received;
  r.sent_at = sent_at;
  r.received_at = received_at;
  r.history.push_back({RequestAction::send, r.author, Side::theirs, sent_at, "", {}, {}});
  r.history.push_back({RequestAction::mark_received, "", Side::ours, received_at, "", {}, {}});
  return r;
}

Request approve(const Request& r, const std::string& by, Side side, TimePoint at,
                bool four_eyes_required) {
  require(r, RequestAction::approve);
  require_requester(r, RequestAction::approve, side);
  kRequestCheck.name(by, "approved_by");
  if (four_eyes_required && by == r.author)
    throw Error(ErrorCategory::forbidden, "four_eyes",
                "request " + r.id + " was written by " + r.author +
                    "; the agreement requires someone else to approve it");
  Request next = r;
  next.state = RequestState::approved;
  next.approved_by = by;
  next.four_eyes = four_eyes_required;
  return with_event(std::move(next), RequestAction::approve, by, side, at);
}

Request send(const Request& r, const std::string& by, Side side, TimePoint at) {
  require(r, RequestAction::send);
  require_requester(r, RequestAction::send, side);
  kRequestCheck.name(by, "actor");
  Request next = r;
  next.state = RequestState::sent;
  next.sent_at = at;
  return with_event(std::move(next), RequestAction::send, by, side, at);
}

Request mark_received(const Request& r, TimePoint received_at) {
  require(r, RequestAction::mark_received);
  Request next = r;
  next.received_at = received_at;
  if (next.state == RequestState::sent) next.state = RequestState::received;
  return with_event(std::move(next), RequestAction::mark_received, "", r.responding_side(),
                    received_at);
}

Request acknowledge(const Request& r, const std::string& by, Side side, TimePoint at) {
  require(r, RequestAction::acknowledge);
  require_responder(r, RequestAction::acknowledge, side);
  kRequestCheck.name(by, "actor");
  Request next = r;
  next.state = RequestState::acknowledged;
  if (!next.acknowledged_at) next.acknowledged_at = at;
  return with_event(std::move(next), RequestAction::acknowledge, by, side, at);
}

Request request_clarification(const Request& r, const std::string& by, Side side, TimePoint at,
                              const std::string& question) {
  require(r, RequestAction::request_clarification);
  require_responder(r, RequestAction::request_clarification, side);
  kRequestCheck.name(by, "actor");
  kRequestCheck.text(question, "note", kMaxRequestNote, true);
  Request next = r;
  next.state = RequestState::clarification_requested;
  next.pauses.push_back({at, std::nullopt});
  return with_event(std::move(next), RequestAction::request_clarification, by, side, at, question);
}

Request give_clarification(const Request& r, const std::string& by, Side side, TimePoint at,
                           const std::string& answer) {
  require(r, RequestAction::give_clarification);
  require_requester(r, RequestAction::give_clarification, side);
  kRequestCheck.name(by, "actor");
  kRequestCheck.text(answer, "note", kMaxRequestNote, true);
  Request next = r;
  end_pause(next, at);
  next.state = RequestState::acknowledged;
  for (auto it = r.history.rbegin(); it != r.history.rend(); ++it) {
    if (it->action == RequestAction::respond_partial) {
      next.state = RequestState::responded_partial;
      break;
    }
    if (it->action == RequestAction::acknowledge || it->action == RequestAction::reopen) break;
  }
  return with_event(std::move(next), RequestAction::give_clarification, by, side, at, answer);
}

Request respond_partial(const Request& r, const std::string& by, Side side, TimePoint at,
                        const std::string& note) {
  require(r, RequestAction::respond_partial);
  require_responder(r, RequestAction::respond_partial, side);
  kRequestCheck.name(by, "actor");
  kRequestCheck.text(note, "note", kMaxRequestNote, false);
  Request next = r;
  next.state = RequestState::responded_partial;
  return with_event(std::move(next), RequestAction::respond_partial, by, side, at, note);
}

Request respond_final(const Request& r, const std::string& by, Side side, TimePoint at,
                      const std::string& note) {
  require(r, RequestAction::respond_final);
  require_responder(r, RequestAction::respond_final, side);
  kRequestCheck.name(by, "actor");
  kRequestCheck.text(note, "note", kMaxRequestNote, false);
  Request next = r;
  next.state = RequestState::responded_final;
  next.responded_final_at = at;
  return with_event(std::move(next), RequestAction::respond_final, by, side, at, note);
}

Request decline(const Request& r, const std::string& by, Side side, TimePoint at,
                DeclineReason reason, const std::string& note) {
  require(r, RequestAction::decline);
  require_responder(r, RequestAction::decline, side);
  kRequestCheck.name(by, "actor");
  if (static_cast<std::size_t>(reason) >= kReasonNames.size())
    kRequestCheck.fail("decline_reason", "is out of range");
  kRequestCheck.text(note, "note", kMaxRequestNote, reason == DeclineReason::other);
  Request next = r;
  end_pause(next, at);
  next.state = RequestState::declined;
  next.decline_reason = reason;
  return with_event(std::move(next), RequestAction::decline, by, side, at, note, reason);
}

Request withdraw(const Request& r, const std::string& by, Side side, TimePoint at,
                 const std::string& reason) {
  require(r, RequestAction::withdraw);
  require_requester(r, RequestAction::withdraw, side);
  kRequestCheck.name(by, "actor");
  kRequestCheck.text(reason, "note", kMaxRequestNote, false);
  Request next = r;
  end_pause(next, at);
  next.state = RequestState::withdrawn;
  return with_event(std::move(next), RequestAction::withdraw, by, side, at, reason);
}

Request close(const Request& r, const std::string& by, Side side, TimePoint at, Rating rating) {
  require(r, RequestAction::close);
  require_requester(r, RequestAction::close, side);
  kRequestCheck.name(by, "actor");
  validate(rating);
  Request next = r;
  next.state = RequestState::closed;
  next.closed_at = at;
  next.ratings.push_back(rating);
  return with_event(std::move(next), RequestAction::close, by, side, at, "", std::nullopt,
                    std::move(rating));
}

Request reopen(const Request& r, const std::string& by, Side side, TimePoint at,
               const std::string& reason) {
  require(r, RequestAction::reopen);
  require_requester(r, RequestAction::reopen, side);
  kRequestCheck.name(by, "actor");
  kRequestCheck.text(reason, "note", kMaxRequestNote, true);
  Request next = r;
  next.state = RequestState::acknowledged;
  next.closed_at.reset();
  next.reopen_count += 1;
  return with_event(std::move(next), RequestAction::reopen, by, side, at, reason);
}

// ---------------------------------------------------------------------------
// JSON

json to_json(const Rating& rating) {
  return {{"completeness", rating.completeness},
          {"usefulness", rating.usefulness},
          {"comment", rating.comment}};
}

Rating rating_from_json(const json& j) {
  kRating.object(j, "", {"completeness", "usefulness", "comment"});
  Rating r;
  r.completeness = static_cast<int>(kRating.integer(j["completeness"], "completeness", 1, 5));
  r.usefulness = static_cast<int>(kRating.integer(j["usefulness"], "usefulness", 1, 5));
  r.comment = kRating.string(j["comment"], "comment");
  validate(r);
  return r;
}

json to_json(const Request& r) {
  json pauses = json::array();
  for (const ClarificationPause& p : r.pauses)
    pauses.push_back({{"start", format_timestamp(p.start)}, {"end", time_json(p.end)}});
  json ratings = json::array();
  for (const Rating& x : r.ratings) ratings.push_back(to_json(x));
  json history = json::array();
  for (const RequestEvent& e : r.history) {
    history.push_back({{"action", to_string(e.action)},
                       {"actor", e.actor},
                       {"side", to_string(e.side)},
                       {"at", format_timestamp(e.at)},
                       {"note", e.note},
                       {"reason", e.reason ? json(to_string(*e.reason)) : json(nullptr)},
                       {"rating", e.rating ? to_json(*e.rating) : json(nullptr)}});
  }
  json j = json::object();
  j["id"] = r.id;
  j["origin"] = to_string(r.origin);
  j["kind"] = to_string(r.kind);
  j["priority"] = to_string(r.priority);
  j["labels"] = to_json(r.labels);
  j["subject"] = r.subject;
  j["details"] = r.details;
  j["state"] = to_string(r.state);
  j["author"] = r.author;
  j["created_at"] = format_timestamp(r.created_at);
  j["four_eyes"] = r.four_eyes;
  j["approved_by"] = r.approved_by ? json(*r.approved_by) : json(nullptr);
  j["sent_at"] = time_json(r.sent_at);
  j["received_at"] = time_json(r.received_at);
  j["acknowledged_at"] = time_json(r.acknowledged_at);
  j["responded_final_at"] = time_json(r.responded_final_at);
  j["closed_at"] = time_json(r.closed_at);
  j["pauses"] = std::move(pauses);
  j["decline_reason"] = r.decline_reason ? json(to_string(*r.decline_reason)) : json(nullptr);
  j["ratings"] = std::move(ratings);
  j["reopen_count"] = r.reopen_count;
  j["history"] = std::move(history);
  return j;
}

namespace {

// A rating inside a request document: its errors name their place there.
Rating rating_at(const json& x, const std::string& path) {
  try {
    return rating_from_json(x);
  } catch (const Error& e) {
    kRequestCheck.fail(path, e.what());
  }
}

// The members of a request document up to its first list, in the order
// they are checked.
void read_fields(const json& j, Request& r) {
  r.id = kRequestCheck.string(j["id"], "id");
  r.origin = kRequestCheck.side(j["origin"], "origin");
  r.kind = static_cast<RequestKind>(kRequestCheck.one_of(j["kind"], "kind", kKindNames));
  r.priority = kRequestCheck.priority(j["priority"], "priority");
  try {
    r.labels = labels_from_json(j["labels"]);
  } catch (const Error& e) {
    kRequestCheck.fail("labels", e.what());
  }
  r.subject = kRequestCheck.string(j["subject"], "subject");
  r.details = kRequestCheck.string(j["details"], "details");
  r.state =
      static_cast<RequestState>(kRequestCheck.one_of(j["state"], "state", kRequestStateNames));
  r.author = kRequestCheck.string(j["author"], "author");
  r.created_at = kRequestCheck.time(j["created_at"], "created_at");
  r.four_eyes = kRequestCheck.boolean(j["four_eyes"], "four_eyes");
  if (!j["approved_by"].is_null())
    r.approved_by = kRequestCheck.string(j["approved_by"], "approved_by");
  r.sent_at = kRequestCheck.optional_time(j["sent_at"], "sent_at");
  r.received_at = kRequestCheck.optional_time(j["received_at"], "received_at");
  r.acknowledged_at = kRequestCheck.optional_time(j["acknowledged_at"], "acknowledged_at");
  r.responded_final_at = kRequestCheck.optional_time(j["responded_final_at"], "responded_final_at");
  r.closed_at = kRequestCheck.optional_time(j["closed_at"], "closed_at");
}

void read_pauses(const json& j, Request& r) {
  const json& pauses = kRequestCheck.array(j, "pauses");
  for (std::size_t i = 0; i < pauses.size(); ++i) {
    std::string p = element_path("pauses", i);
    kRequestCheck.object(pauses[i], p, {"start", "end"});
    r.pauses.push_back({kRequestCheck.time(pauses[i]["start"], member_path(p, "start")),
                        kRequestCheck.optional_time(pauses[i]["end"], member_path(p, "end"))});
  }
}

void read_ratings(const json& j, Request& r) {
  const json& ratings = kRequestCheck.array(j, "ratings");
  for (std::size_t i = 0; i < ratings.size(); ++i)
    r.ratings.push_back(rating_at(ratings[i], element_path("ratings", i)));
}

RequestEvent read_event(const json& h, const std::string& p) {
  kRequestCheck.object(h, p, {"action", "actor", "side", "at", "note", "reason", "rating"});
  RequestEvent e;
  e.action = static_cast<RequestAction>(
      kRequestCheck.one_of(h["action"], member_path(p, "action"), kRequestActionNames));
  e.actor = kRequestCheck.string(h["actor"], member_path(p, "actor"));
  e.side = kRequestCheck.side(h["side"], member_path(p, "side"));
  e.at = kRequestCheck.time(h["at"], member_path(p, "at"));
  e.note = kRequestCheck.string(h["note"], member_path(p, "note"));
  if (!h["reason"].is_null())
    e.reason = static_cast<DeclineReason>(
        kRequestCheck.one_of(h["reason"], member_path(p, "reason"), kReasonNames));
  if (!h["rating"].is_null()) e.rating = rating_at(h["rating"], member_path(p, "rating"));
  return e;
}

void read_history(const json& j, Request& r) {
  const json& h = kRequestCheck.array(j, "history");
  for (std::size_t i = 0; i < h.size(); ++i)
    r.history.push_back(read_event(h[i], element_path("history", i)));
}

// The request as its first events create it (the draft of ours, or the one
// received from the peer); `next` is set to the first event not yet applied.
Request start_replay(const Request& r, std::size_t& next) {
  const auto& ev = r.history;
  if (!ev.empty() && ev[0].action == RequestAction::create && r.origin == Side::ours) {
    next = 1;
    return draft(r.id, r.kind, r.priority, r.labels, r.subject, r.details, ev[0].actor, ev[0].at);
  }
  if (ev.size() >= 2 && ev[0].action == RequestAction::send &&
      ev[1].action == RequestAction::mark_received && r.origin == Side::theirs) {
    next = 2;
    return incoming(r.id, r.kind, r.priority, r.labels, r.subject, r.details, ev[0].actor, ev[0].at,
                    ev[1].at);
  }
  kRequestCheck.fail("history",
                     "must start with 'create' (origin ours) or 'send', 'mark_received' "
                     "(origin theirs)");
}

// Event `i` of a history applied to `x` through its action.
Request apply_event(const Request& x, const RequestEvent& e, std::size_t i, bool four_eyes) {
  const std::string p = element_path("history", i);
  if (e.reason && e.action != RequestAction::decline)
    kRequestCheck.fail(member_path(p, "reason"), "is only for 'decline'");
  if (e.rating && e.action != RequestAction::close)
    kRequestCheck.fail(member_path(p, "rating"), "is only for 'close'");
  switch (e.action) {
    case RequestAction::create:
      require(x, RequestAction::create);
      return x;  // not reached: create is never possible after the start
    case RequestAction::approve:
      return approve(x, e.actor, e.side, e.at, four_eyes);
    case RequestAction::send:
      return send(x, e.actor, e.side, e.at);
    case RequestAction::mark_received:
      return mark_received(x, e.at);
    case RequestAction::acknowledge:
      return acknowledge(x, e.actor, e.side, e.at);
    case RequestAction::request_clarification:
      return request_clarification(x, e.actor, e.side, e.at, e.note);
    case RequestAction::give_clarification:
      return give_clarification(x, e.actor, e.side, e.at, e.note);
    case RequestAction::respond_partial:
      return respond_partial(x, e.actor, e.side, e.at, e.note);
    case RequestAction::respond_final:
      return respond_final(x, e.actor, e.side, e.at, e.note);
    case RequestAction::decline:
      if (!e.reason) kRequestCheck.fail(member_path(p, "reason"), "is required for 'decline'");
      return decline(x, e.actor, e.side, e.at, *e.reason, e.note);
    case RequestAction::withdraw:
      return withdraw(x, e.actor, e.side, e.at, e.note);
    case RequestAction::close:
      if (!e.rating) kRequestCheck.fail(member_path(p, "rating"), "is required for 'close'");
      return close(x, e.actor, e.side, e.at, *e.rating);
    case RequestAction::reopen:
      return reopen(x, e.actor, e.side, e.at, e.note);
  }
  return x;
}

// Replays the history through the actions; the result must equal r.
void check_history(const Request& r) {
  std::optional<Request> x;
  std::size_t i = 0;
  try {
    x = start_replay(r, i);
    for (; i < r.history.size(); ++i) x = apply_event(*x, r.history[i], i, r.four_eyes);
  } catch (const Error& err) {
    if (err.code() == "request_invalid") throw;
    kRequestCheck.fail(element_path("history", i),
                       std::string("cannot be replayed: ") + err.what());
  }
  if (*x != r)
    kRequestCheck.fail("history", "does not match the recorded fields (replayed state '" +
                                      std::string(to_string(x->state)) + "')");
}

}  // namespace

Request request_from_json(const json& j) {
  kRequestCheck.object(j, "",
                       {"id",
                        "origin",
                        "kind",
                        "priority",
                        "labels",
                        "subject",
                        "details",
                        "state",
                        "author",
                        "created_at",
                        "four_eyes",
                        "approved_by",
                        "sent_at",
                        "received_at",
                        "acknowledged_at",
                        "responded_final_at",
                        "closed_at",
                        "pauses",
                        "decline_reason",
                        "ratings",
                        "reopen_count",
                        "history"});
  Request r;
  read_fields(j, r);
  read_pauses(j["pauses"], r);
  if (!j["decline_reason"].is_null())
    r.decline_reason = static_cast<DeclineReason>(
        kRequestCheck.one_of(j["decline_reason"], "decline_reason", kReasonNames));
  read_ratings(j["ratings"], r);
  r.reopen_count =
      static_cast<int>(kRequestCheck.integer(j["reopen_count"], "reopen_count", 0, kMaxReopens));
  read_history(j["history"], r);
  check_history(r);
  return r;
}

}  // namespace hotline::model
