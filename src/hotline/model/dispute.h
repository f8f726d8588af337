// Dispute: a disagreement between the two parties about an item (an alert,
// request or case) or about a figure of a review report (docs/review.md,
// "Disputes"), argued in positions and ended by a settlement both sides
// sign, or withdrawn. Pure state machine: every action takes a Dispute and
// returns the new value, or throws hotline::Error and leaves the input
// unchanged.
//
//   open -> open --answer (the other side)--> answered
//   answered | settlement_proposed --propose--> settlement_proposed (version + 1)
//   settlement_proposed --accept (the other side, same version)--> settled
//   settlement_proposed --reject (the other side, same version)--> answered
//   open | answered | settlement_proposed --withdraw (the side that opened)--> withdrawn
//   open | answered | settlement_proposed --add_position (either side)--> same state
//
// Rules:
// - Either side opens a dispute (`origin`) with its ground and its first
//   position; the other side answers with its own. Further positions
//   (statements, or translations of an earlier position: `translation_of`)
//   may be added by either side until the dispute ends. A position may carry
//   attachments (SHA-256 digests of files in the vault).
// - Either side proposes a settlement once the dispute is answered; a new
//   proposal replaces the previous one (its version rises). The side that did
//   not write it accepts or rejects that version. Accepting settles the
//   dispute: the settlement is then signed by both (each side's action
//   travels in an envelope its node signs). A rejection returns the dispute
//   to `answered`.
// - A settlement of a timeliness dispute may carry an agreed adjustment: the
//   named deadline ("acknowledge", "first_response", "final_response") of
//   the named item counts as met in the review's figures.
// - Only the side that opened the dispute withdraws it.
// - The arguments of every action name no side: the side is the actor's, so
//   both nodes replay the same arguments alike (each with its own "ours").
// - Times are not compared with each other (they come from two clocks).
// Errors: "illegal_transition", "wrong_side", "dispute_invalid",
// "dispute_version" (accepting or rejecting a proposal that was replaced).
//
// JSON: every member always present; dispute_from_json replays `history`
// (each event holds its action's arguments) and refuses a document whose
// members differ from the replay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/labels.h"

namespace hotline::model {

enum class DisputeState { open, answered, settlement_proposed, settled, withdrawn };
enum class DisputeAction { open, answer, add_position, propose, accept, reject, withdraw };
enum class DisputeGround { timeliness, quality, attribution, jurisdiction, other };
inline constexpr DisputeAction kDisputeActions[] = {
    DisputeAction::open,    DisputeAction::answer, DisputeAction::add_position,
    DisputeAction::propose, DisputeAction::accept, DisputeAction::reject,
    DisputeAction::withdraw};
inline constexpr DisputeGround kDisputeGrounds[] = {
    DisputeGround::timeliness, DisputeGround::quality, DisputeGround::attribution,
    DisputeGround::jurisdiction, DisputeGround::other};
std::string_view to_string(DisputeState state);
std::string_view to_string(DisputeAction action);
std::string_view to_string(DisputeGround ground);
std::optional<DisputeAction> parse_dispute_action(std::string_view text);
std::optional<DisputeGround> parse_dispute_ground(std::string_view text);
// The deadlines an adjustment may name.
bool is_adjustable_deadline(std::string_view deadline);

inline constexpr std::size_t kMaxPositionBytes = 20000;
inline constexpr std::size_t kMaxPositions = 200;
inline constexpr std::size_t kMaxPositionFiles = 20;

// What the dispute is about: an item, or a figure of the review report of a
// period (a JSON pointer into the report's body, RFC 6901).
struct DisputeSubject {
  std::string item;                                 // UUIDv7, or "" for a figure
  std::string figure;                               // "/figures/..." or "" for an item
  std::optional<TimePoint> period_from, period_to;  // the report's period, for a figure
  bool operator==(const DisputeSubject&) const = default;
};

// A file attached to a position (its content is in the vault).
struct PositionFile {
  std::string sha256;  // 64 lowercase hex, of the plaintext
  std::int64_t size = 0;
  std::string name;  // the file name its sender gave
  bool operator==(const PositionFile&) const = default;
};

// One side's statement, or a translation of an earlier one.
struct Position {
  Side side = Side::ours;
  std::string actor;
  TimePoint at;
  DisputeAction action = DisputeAction::open;  // open, answer or add_position
  std::string text;
  std::string lang;                           // "en", "zh-CN", ...
  std::optional<std::size_t> translation_of;  // index of the translated position
  std::vector<PositionFile> attachments;
  bool operator==(const Position&) const = default;
};

// The agreed adjustment a timeliness settlement may carry.
struct DeadlineAdjustment {
  std::string item;      // UUIDv7 of the alert or request
  std::string deadline;  // "acknowledge", "first_response" or "final_response"
  bool operator==(const DeadlineAdjustment&) const = default;
};

struct Settlement {
  int version = 0;
  Side side = Side::ours;  // who proposed it
  std::string actor;
  TimePoint at;
  std::string text;
  std::optional<DeadlineAdjustment> adjustment;
  bool operator==(const Settlement&) const = default;
};

struct DisputeEvent {
  DisputeAction action = DisputeAction::open;
  std::string actor;
  Side side = Side::ours;
  TimePoint at;
  nlohmann::json args = nlohmann::json::object();  // the action's arguments, as given
  bool operator==(const DisputeEvent&) const = default;
};

struct Dispute {
  std::string id;  // UUIDv7
  Side origin = Side::ours;
  std::string title;
  Labels labels;
  DisputeGround ground = DisputeGround::other;
  DisputeSubject subject;
  DisputeState state = DisputeState::open;
  std::vector<Position> positions;
  int proposal_version = 0;             // 0: none proposed yet
  std::optional<Settlement> proposal;   // the one in force (none after a rejection)
  std::optional<TimePoint> settled_at;  // the acceptance
  std::string settled_by;               // who accepted it
  std::string withdraw_reason;
  std::vector<DisputeEvent> history;
  bool operator==(const Dispute&) const = default;
};

// The opening: who opens is `origin`. Position: text, lang, attachments.
struct DisputeOpening {
  std::string title;
  Labels labels;
  DisputeGround ground = DisputeGround::other;
  DisputeSubject subject;
  std::string text;
  std::string lang = "en";
  std::vector<PositionFile> attachments;
};
Dispute open_dispute(std::string id, Side origin, DisputeOpening opening, const std::string& by,
                     TimePoint at);
Dispute answer_dispute(const Dispute& d, const std::string& by, Side side, TimePoint at,
                       std::string text, std::string lang, std::vector<PositionFile> attachments);
Dispute add_position(const Dispute& d, const std::string& by, Side side, TimePoint at,
                     std::string text, std::string lang, std::optional<std::size_t> translation_of,
                     std::vector<PositionFile> attachments);
Dispute propose_settlement(const Dispute& d, const std::string& by, Side side, TimePoint at,
                           std::string text, std::optional<DeadlineAdjustment> adjustment);
Dispute accept_settlement(const Dispute& d, const std::string& by, Side side, TimePoint at,
                          int version);
Dispute reject_settlement(const Dispute& d, const std::string& by, Side side, TimePoint at,
                          int version, const std::string& reason);
Dispute withdraw_dispute(const Dispute& d, const std::string& by, Side side, TimePoint at,
                         const std::string& reason);

// By state only; the side rules (who answers, accepts, withdraws) are
// checked by the actions ("wrong_side").
bool is_possible(const Dispute& d, DisputeAction action);
std::vector<DisputeAction> possible_actions(const Dispute& d);
// The actions `side` may take now (state and side rules).
std::vector<DisputeAction> possible_actions(const Dispute& d, Side side);

// Applies a history event (the action's name and its JSON arguments) to
// `d`: how both the item log's replay and dispute_from_json run an action.
// For `open`, `d` must be empty and `id` and `side` make the new dispute.
// Arguments of each action (attachments as the item log carries them,
// [{"sha256","size","name"}]):
//   open:         {"title","labels","ground","subject":{"item"}|{"figure","period_from",
//                  "period_to"},"text","lang","attachments"}
//   answer:       {"text","lang","attachments"}
//   add_position: {"text","lang","translation_of": INT|null,"attachments"}
//   propose:      {"text","adjustment": null|{"item","deadline"}}
//   accept:       {"version": INT}
//   reject:       {"version": INT, "reason": STR}
//   withdraw:     {"reason": STR}
Dispute apply_dispute_action(const std::optional<Dispute>& d, const std::string& id,
                             DisputeAction action, const std::string& by, Side side, TimePoint at,
                             const nlohmann::json& args);
// The "subject" member of open's arguments.
nlohmann::json to_json(const DisputeSubject& s);
// The arguments of `open` for an opening (what the service sends).
nlohmann::json opening_args(const DisputeOpening& o);
nlohmann::json to_json(const PositionFile& f);

nlohmann::json to_json(const Dispute& d);
Dispute dispute_from_json(const nlohmann::json& j);

}  // namespace hotline::model
