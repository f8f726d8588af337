// Request for information or assistance. Pure state machine: every action
// takes a Request and returns the new value, or throws hotline::Error and
// leaves the input unchanged. Each action appends {action, actor, side, at,
// ...} to `history`.
//
//   draft -approve-> approved -send-> sent -mark_received-> received
//   sent|received -acknowledge-> acknowledged
//   acknowledged|responded_partial -request_clarification-> clarification_requested
//   clarification_requested -give_clarification-> acknowledged, or
//       responded_partial when a partial response was given since the last
//       acknowledge/reopen
//   acknowledged|responded_partial -respond_partial-> responded_partial
//   acknowledged|responded_partial -respond_final-> responded_final
//   responded_final -close(rating)-> closed -reopen(reason), once-> acknowledged
//   sent|received|acknowledged|clarification_requested|responded_partial
//       -decline(reason)-> declined
//   any state before responded_final -withdraw-> withdrawn
//
// Sides: the requesting side (`origin`) approves, sends, gives
// clarifications, withdraws, closes and reopens; the responding side
// (opposite(origin)) acknowledges, asks for clarification, responds and
// declines. mark_received records the responder's receipt (its clock).
//
// Rules chosen:
// - Four-eyes: approve(..., four_eyes_required) refuses (Error "four_eyes")
//   an approver equal to the author when the agreement requires it; the
//   requirement is recorded in `four_eyes`.
// - Late receipts: mark_received is allowed whenever a request has been sent
//   and no receipt is recorded, also in later states (the responder's answers
//   travel the other direction and can overtake a lost receipt). It moves
//   the state only from sent to received. For the same reason acknowledge and
//   decline are allowed from sent.
// - Clarification pauses the deadline clock: request_clarification opens a
//   ClarificationPause at its time; give_clarification closes it. decline and withdraw
//   close an open pause at their own time. A pause may not end before it
//   started (Error "request_invalid").
// - Reopen: the requester may reopen a closed request once (reopen_count
//   0 -> 1), giving a reason; it goes back to acknowledged (no new
//   acknowledgement is needed), closed_at is cleared and the rating stays in
//   `ratings` (the last rating is the one in force when closed).
// - acknowledged_at is the first acknowledgement; responded_final_at the
//   latest final response.
// - Decline reasons come from a fixed list; "other" needs a note.
// - Times are not compared with each other except pause ends (see above).
// Errors: "illegal_transition", "wrong_side", "four_eyes", "rating_invalid",
// "request_invalid".
//
// JSON: every member of Request always present (see to_json); optional values
// are null; request_from_json replays the history through these functions and
// refuses a document whose fields do not match the replay.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/labels.h"

namespace hotline::model {

enum class RequestKind { information, preservation, takedown, assistance };
std::string_view to_string(RequestKind kind);  // "information", ...
// The inverse of to_string; nullopt for any other text.
std::optional<RequestKind> parse_request_kind(std::string_view text);
// The kind as named in the agreement's deadline matrix: "request.information".
std::string agreement_kind(RequestKind kind);

enum class RequestState {
  draft,
  approved,
  sent,
  received,
  acknowledged,
  clarification_requested,
  responded_partial,
  responded_final,
  closed,
  declined,
  withdrawn,
};
// `create` (draft) is never possible on an existing request.
enum class RequestAction {
  create,
  approve,
  send,
  mark_received,
  acknowledge,
  request_clarification,
  give_clarification,
  respond_partial,
  respond_final,
  decline,
  withdraw,
  close,
  reopen,
};
inline constexpr RequestState kRequestStates[] = {RequestState::draft,
                                                  RequestState::approved,
                                                  RequestState::sent,
                                                  RequestState::received,
                                                  RequestState::acknowledged,
                                                  RequestState::clarification_requested,
                                                  RequestState::responded_partial,
                                                  RequestState::responded_final,
                                                  RequestState::closed,
                                                  RequestState::declined,
                                                  RequestState::withdrawn};
inline constexpr RequestAction kRequestActions[] = {RequestAction::create,
                                                    RequestAction::approve,
                                                    RequestAction::send,
                                                    RequestAction::mark_received,
                                                    RequestAction::acknowledge,
                                                    RequestAction::request_clarification,
                                                    RequestAction::give_clarification,
                                                    RequestAction::respond_partial,
                                                    RequestAction::respond_final,
                                                    RequestAction::decline,
                                                    RequestAction::withdraw,
                                                    RequestAction::close,
                                                    RequestAction::reopen};
std::string_view to_string(RequestState state);
std::string_view to_string(RequestAction action);

enum class DeclineReason {
  outside_scope,
  insufficient_information,
  legal_obstacle,
  not_competent,
  duplicate,
  other,
};
std::string_view to_string(DeclineReason reason);
std::optional<DeclineReason> parse_decline_reason(std::string_view text);

// The requester's judgement of the response. Timeliness is computed from the
// history and the agreement, never typed.
struct Rating {
  int completeness = 0;  // 1..5
  int usefulness = 0;    // 1..5
  std::string comment;   // up to 4000 bytes, may be empty
  bool operator==(const Rating&) const = default;
};
// Throws "rating_invalid" naming the field.
void validate(const Rating& rating);

// The deadline clock stopped from start to end (end unset while running).
// (deadline.h's Pause {from, to} is the same interval: convert 1:1.)
struct ClarificationPause {
  TimePoint start;
  std::optional<TimePoint> end;
  bool operator==(const ClarificationPause&) const = default;
};

struct RequestEvent {
  RequestAction action = RequestAction::create;
  std::string actor;  // empty for mark_received (a receipt)
  Side side = Side::ours;
  TimePoint at;
  std::string note;                     // decline note, withdraw/reopen reason, or free text
  std::optional<DeclineReason> reason;  // decline only
  std::optional<Rating> rating;         // close only
  bool operator==(const RequestEvent&) const = default;
};

inline constexpr int kMaxReopens = 1;

struct Request {
  std::string id;            // UUIDv7
  Side origin = Side::ours;  // the requesting side
  RequestKind kind = RequestKind::information;
  Priority priority = Priority::normal;
  Labels labels;
  std::string subject;  // one line, required
  std::string details;  // up to 100000 bytes
  RequestState state = RequestState::draft;
  // For an incoming request: the sender and its sent_at.
  std::string author;
  TimePoint created_at;
  bool four_eyes = false;  // approval had to be by someone other than the author
  std::optional<std::string> approved_by;
  std::optional<TimePoint> sent_at;
  std::optional<TimePoint> received_at;
  std::optional<TimePoint> acknowledged_at;
  std::optional<TimePoint> responded_final_at;
  std::optional<TimePoint> closed_at;
  std::vector<ClarificationPause> pauses;
  std::optional<DeclineReason> decline_reason;
  std::vector<Rating> ratings;
  int reopen_count = 0;
  std::vector<RequestEvent> history;

  Side responding_side() const { return opposite(origin); }
  bool operator==(const Request&) const = default;
};

// A new outgoing request (origin ours, state draft).
Request draft(std::string id, RequestKind kind, Priority priority, Labels labels,
              std::string subject, std::string details, std::string author, TimePoint at);
// A request received from the peer (origin theirs, state received); history
// [send by sent_by at sent_at, mark_received at received_at].
Request incoming(std::string id, RequestKind kind, Priority priority, Labels labels,
                 std::string subject, std::string details, std::string sent_by, TimePoint sent_at,
                 TimePoint received_at);

Request approve(const Request& r, const std::string& by, Side side, TimePoint at,
                bool four_eyes_required);
Request send(const Request& r, const std::string& by, Side side, TimePoint at);
Request mark_received(const Request& r, TimePoint received_at);
Request acknowledge(const Request& r, const std::string& by, Side side, TimePoint at);
Request request_clarification(const Request& r, const std::string& by, Side side, TimePoint at,
                              const std::string& question);
Request give_clarification(const Request& r, const std::string& by, Side side, TimePoint at,
                           const std::string& answer);
Request respond_partial(const Request& r, const std::string& by, Side side, TimePoint at,
                        const std::string& note);
Request respond_final(const Request& r, const std::string& by, Side side, TimePoint at,
                      const std::string& note);
Request decline(const Request& r, const std::string& by, Side side, TimePoint at,
                DeclineReason reason, const std::string& note);
Request withdraw(const Request& r, const std::string& by, Side side, TimePoint at,
                 const std::string& reason);
Request close(const Request& r, const std::string& by, Side side, TimePoint at, Rating rating);
Request reopen(const Request& r, const std::string& by, Side side, TimePoint at,
               const std::string& reason);

// Whether the state (and the receipt, reopen count) allow the action; sides
// and arguments are not considered.
bool is_possible(const Request& r, RequestAction action);
std::vector<RequestAction> possible_actions(const Request& r);

// Conflicting actions from both sides at once are not resolved here: both
// nodes replay an item's actions in one agreed order and an action the
// machine refuses where it falls is void (docs/protocol.md §7.2,
// service/item_log.h).

nlohmann::json to_json(const Request& r);
nlohmann::json to_json(const Rating& rating);
Request request_from_json(const nlohmann::json& j);
// Strict; throws "rating_invalid".
Rating rating_from_json(const nlohmann::json& j);

}  // namespace hotline::model
