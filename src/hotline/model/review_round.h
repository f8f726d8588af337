// Review round: a periodic meeting of the two parties on how the hotline
// worked in a period (docs/review.md, "Review rounds"): its date, place and
// participants, an agenda both sides edit and accept, the minutes with their
// action items signed by both, and the action items followed up until done.
// Pure state machine: every action takes a ReviewRound and returns the new
// value, or throws hotline::Error and leaves the input unchanged.
//
//   propose -> proposed --accept_agenda (both sides, same version)--> agenda_agreed
//   proposed | agenda_agreed --edit_agenda--> proposed (a new agenda version)
//   agenda_agreed | minutes_proposed --propose_minutes--> minutes_proposed
//   minutes_proposed --accept_minutes (the other side, same version)--> closed
//   closed --complete_action_item (its owner)--> closed
//   any state before closed --cancel(reason)--> cancelled
//
// Rules:
// - Either side proposes a round (`origin`); proposing or editing the agenda
//   counts as the editor's acceptance of that version: the other side's
//   acceptance of the same version agrees it. An edit asks for a new
//   acceptance (the agenda version rises).
// - Minutes (text and action items) are proposed by either side once the
//   agenda is agreed; a new proposal replaces the previous one (its version
//   rises); the other side accepts a version to close the round: the
//   minutes are then signed by both (each side's action travels in an
//   envelope its node signs).
// - An action item has an owner side, a text and a due date (YYYY-MM-DD);
//   its owner completes it with a note. An open action item past its due
//   date is overdue (the service shows it, like a request's deadline), and
//   comes back on the next round's agenda.
// - Times are not compared with each other (they come from two clocks).
// Errors: "illegal_transition", "wrong_side", "round_invalid".
//
// JSON: every member always present; round_from_json replays `history`
// (each event holds its action's arguments) and refuses a document whose
// members differ from the replay.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/labels.h"

namespace hotline::model {

enum class RoundState { proposed, agenda_agreed, minutes_proposed, closed, cancelled };
enum class RoundAction {
  propose,
  edit_agenda,
  accept_agenda,
  propose_minutes,
  accept_minutes,
  complete_action_item,
  cancel,
};
inline constexpr RoundAction kRoundActions[] = {
    RoundAction::propose,         RoundAction::edit_agenda,    RoundAction::accept_agenda,
    RoundAction::propose_minutes, RoundAction::accept_minutes, RoundAction::complete_action_item,
    RoundAction::cancel};
std::string_view to_string(RoundState state);
std::string_view to_string(RoundAction action);
std::optional<RoundAction> parse_round_action(std::string_view text);

inline constexpr std::size_t kMaxAgendaPoints = 200;
inline constexpr std::size_t kMaxActionItems = 200;
inline constexpr std::size_t kMaxParticipants = 100;
inline constexpr std::size_t kMaxMinutesBytes = 200000;

// One point of the agenda. `source` says where it came from: "records"
// points are proposed by the node from the records (an overdue request, an
// open dispute, a worse figure, an open action item: `ref` names it);
// "party" points are written by a person.
struct AgendaPoint {
  std::string text;    // one line, required
  std::string source;  // "records" or "party"
  std::string ref;     // an item id, a figure path, "" for none
  bool operator==(const AgendaPoint&) const = default;
};

struct Participant {
  std::string name;  // required
  std::string role;  // may be empty
  Side side = Side::ours;
  bool operator==(const Participant&) const = default;
};

struct ActionItem {
  Side owner = Side::ours;
  std::string text;  // required, up to 4000 bytes
  std::string due;   // "YYYY-MM-DD"
  bool done = false;
  std::optional<TimePoint> done_at;
  std::string done_by;
  std::string done_note;
  bool operator==(const ActionItem&) const = default;
};

// What a round is about and when the parties meet.
struct RoundPlan {
  std::string title;      // one line, required
  TimePoint period_from;  // the period under review, [from, to)
  TimePoint period_to;
  TimePoint meeting_at;
  std::string place;  // one line, may be empty ("videoconference")
  std::vector<Participant> participants;
  std::vector<AgendaPoint> agenda;
  bool operator==(const RoundPlan&) const = default;
};

struct RoundEvent {
  RoundAction action = RoundAction::propose;
  std::string actor;
  Side side = Side::ours;
  TimePoint at;
  nlohmann::json args = nlohmann::json::object();  // the action's arguments, as given
  bool operator==(const RoundEvent&) const = default;
};

struct ReviewRound {
  std::string id;  // UUIDv7
  Side origin = Side::ours;
  RoundPlan plan;
  RoundState state = RoundState::proposed;
  int agenda_version = 1;
  bool agenda_accepted_ours = false, agenda_accepted_theirs = false;
  int minutes_version = 0;  // 0: none proposed yet
  Side minutes_by = Side::ours;
  std::string minutes;
  std::vector<ActionItem> action_items;
  std::optional<TimePoint> closed_at;
  std::string cancel_reason;
  std::vector<RoundEvent> history;
  bool operator==(const ReviewRound&) const = default;
};

ReviewRound propose_round(std::string id, Side origin, RoundPlan plan, const std::string& by,
                          TimePoint at);
// Replaces the plan (date, place, participants, agenda); the editor accepts
// the new agenda version.
ReviewRound edit_agenda(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                        RoundPlan plan);
ReviewRound accept_agenda(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                          int version);
ReviewRound propose_minutes(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                            std::string minutes, std::vector<ActionItem> items);
ReviewRound accept_minutes(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                           int version);
ReviewRound complete_action_item(const ReviewRound& r, const std::string& by, Side side,
                                 TimePoint at, std::size_t index, const std::string& note);
ReviewRound cancel_round(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                         const std::string& reason);

bool is_possible(const ReviewRound& r, RoundAction action);
std::vector<RoundAction> possible_actions(const ReviewRound& r);

// Applies a history event (the action's name and its JSON arguments, as
// stored in RoundEvent::args) to `r`: how both the item log's replay and
// round_from_json run an action. For `propose`, `r` is ignored and `id` and
// `side` make the new round.
ReviewRound apply_round_action(const std::optional<ReviewRound>& r, const std::string& id,
                               RoundAction action, const std::string& by, Side side, TimePoint at,
                               const nlohmann::json& args);

// The arguments' JSON of each action (what apply_round_action reads). Sides
// in arguments are seen from the acting party ("mine" or "yours"), since
// the same arguments are replayed on both nodes:
//   propose, edit_agenda: PLAN = {"title","period_from","period_to","meeting_at","place",
//                                 "participants":[{"name","role","party":"mine"|"yours"}],
//                                 "agenda":[{"text","source","ref"}]}
//   accept_agenda, accept_minutes: {"version": INT}
//   propose_minutes: {"minutes": STR,
//                     "action_items": [{"owner":"mine"|"yours","text","due"}]}
//   complete_action_item: {"index": INT, "note": STR}
//   cancel: {"reason": STR}
// The arguments of propose/edit_agenda and propose_minutes, as `actor`
// (the acting side) writes them, and their reading.
nlohmann::json plan_args(const RoundPlan& plan, Side actor);
RoundPlan plan_from_args(const nlohmann::json& args, Side actor);
nlohmann::json minutes_args(const std::string& minutes, const std::vector<ActionItem>& items,
                            Side actor);

nlohmann::json to_json(const ReviewRound& r);
ReviewRound round_from_json(const nlohmann::json& j);

}  // namespace hotline::model
