// Alert: "we see an attack that seems to come from you". Pure state machine:
// every action takes an Alert and returns the new value, or throws
// hotline::Error and leaves the input unchanged.
//
//   raised --mark_delivered--> delivered --acknowledge--> acknowledged
//      \______________________acknowledge______________/      |
//   raised | delivered | acknowledged --close--> closed <------'
//
// Rules:
// - The raising side (`origin`) raises and may close (from any state before
//   closed: an alert can be called off before it is acknowledged). The
//   receiving side (opposite(origin)) acknowledges, by a named person.
// - mark_delivered records the peer's receipt time (the receiver's clock);
//   the acknowledgement deadline runs from it. It is allowed whenever no
//   receipt is recorded yet, also after acknowledge/close: an acknowledgement
//   travels the other direction and can arrive before a receipt that was lost
//   and is fetched again. It moves the state only from raised to delivered.
// - acknowledge is allowed from raised (receipt still missing, see above) and
//   delivered.
// - escalate(level) records that the acknowledgement deadline passed: an
//   event, not a state. Allowed while raised or delivered; the level must
//   rise (1 = the duty desk's screen, 2 = webhook/e-mail to the on-call
//   contact, ... up to 9). It never blocks acknowledge.
// - Times are not compared with each other: they may come from the two
//   parties' clocks.
// Errors: "illegal_transition" (state/action), "wrong_side", "alert_invalid"
// (bad arguments or JSON).
//
// JSON (every member always present):
//   {"id","origin":"ours"|"theirs","priority","labels":LABELS,"summary",
//    "details","state","raised_by","raised_at","delivered_at":TS|null,
//    "acknowledged_by":STR|null,"acknowledged_at":TS|null,
//    "escalation_level":INT,"closed_by":STR|null,"closed_at":TS|null,
//    "close_note":STR,"history":[{"action","actor","side","at","level","note"}]}
// alert_from_json replays the history through the functions below and
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

enum class AlertState { raised, delivered, acknowledged, closed };
// `raise` creates an alert; it is never possible on an existing one.
enum class AlertAction { raise, mark_delivered, acknowledge, escalate, close };

inline constexpr AlertState kAlertStates[] = {AlertState::raised, AlertState::delivered,
                                              AlertState::acknowledged, AlertState::closed};
inline constexpr AlertAction kAlertActions[] = {AlertAction::raise, AlertAction::mark_delivered,
                                                AlertAction::acknowledge, AlertAction::escalate,
                                                AlertAction::close};

std::string_view to_string(AlertState state);
std::string_view to_string(AlertAction action);

inline constexpr int kMaxEscalationLevel = 9;

struct AlertEvent {
  AlertAction action = AlertAction::raise;
  std::string actor;  // empty for system events (mark_delivered, escalate)
  Side side = Side::ours;
  TimePoint at;
  int level = 0;     // escalate only
  std::string note;  // close only
  bool operator==(const AlertEvent&) const = default;
};

struct Alert {
  std::string id;  // UUIDv7
  Side origin = Side::ours;
  Priority priority = Priority::urgent;
  Labels labels;
  std::string summary;  // one line, required
  std::string details;  // free text, up to 20000 bytes
  AlertState state = AlertState::raised;
  std::string raised_by;
  TimePoint raised_at;
  std::optional<TimePoint> delivered_at;
  std::optional<std::string> acknowledged_by;
  std::optional<TimePoint> acknowledged_at;
  int escalation_level = 0;  // 0 = never escalated
  std::optional<std::string> closed_by;
  std::optional<TimePoint> closed_at;
  std::string close_note;
  std::vector<AlertEvent> history;

  bool escalated() const { return escalation_level > 0; }
  Side receiving_side() const { return opposite(origin); }
  bool operator==(const Alert&) const = default;
};

Alert raise(std::string id, Side origin, Priority priority, Labels labels, std::string summary,
            std::string details, std::string by, TimePoint at);
Alert mark_delivered(const Alert& alert, TimePoint received_at);
Alert acknowledge(const Alert& alert, const std::string& by, Side side, TimePoint at);
Alert escalate(const Alert& alert, int level, TimePoint at);
Alert close(const Alert& alert, const std::string& by, Side side, TimePoint at,
            const std::string& note);

// Whether the state (and the receipt) allow the action; sides and arguments
// are not considered.
bool is_possible(const Alert& alert, AlertAction action);
std::vector<AlertAction> possible_actions(const Alert& alert);

nlohmann::json to_json(const Alert& alert);
Alert alert_from_json(const nlohmann::json& j);

}  // namespace hotline::model
