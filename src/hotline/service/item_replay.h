// Replaying an item's action log (item_log.h) through the model's state
// machines: the one way an item's state is computed, on both nodes alike.
//
// The creating action (alert "raise", request "create"/"send", case or
// dispute "open", round "propose")
// must be valid, or replay throws the model's error: there is no item
// without it. Any later action that the model refuses where it falls in the
// agreed order (illegal transition, wrong side, bad arguments) is void: it
// is listed in `voided` with the model's message and changes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/model/alert.h"
#include "hotline/model/case_file.h"
#include "hotline/model/dispute.h"
#include "hotline/model/request.h"
#include "hotline/model/review_round.h"
#include "hotline/service/item_log.h"

namespace hotline::service {

inline constexpr const char* kAlert = "alert";
inline constexpr const char* kRequest = "request";
inline constexpr const char* kCase = "case";
inline constexpr const char* kDispute = "dispute";  // model/dispute.h
inline constexpr const char* kRound = "round";      // model/review_round.h

// A file attached to an item by one of its actions.
struct AttachmentNote {
  std::string sha256;  // 64 lowercase hex, of the plaintext
  std::int64_t size = 0;
  std::string name;  // the file name its sender gave, for display and export
  std::string action;
  model::Side side = model::Side::ours;
  std::string actor;
};

struct VoidAction {
  std::string envelope;
  model::Side side = model::Side::ours;
  std::string action;
  std::string actor;
  std::string reason;  // the model's error message
};

struct Replayed {
  std::string kind;
  std::variant<model::Alert, model::Request, model::CaseFile, model::Dispute, model::ReviewRound>
      item;
  std::vector<AttachmentNote> attachments;
  std::vector<VoidAction> voided;
  bool check = false;  // an alert sent as a communication check
  // The model's refusal of the last shared action in arrival order (the one
  // just added), when it is void. The service refuses a local action that
  // would be void by rethrowing it.
  std::optional<Error> last_error;

  std::string state() const;
  std::string title() const;
  // A review round has no labels of its own: TLP:AMBER, the default
  // (shared within the two parties' offices).
  const model::Labels& labels() const;
  // The model's JSON of the item plus "item_kind" ("alert", "request",
  // "case", "dispute"), for alerts "check" (a communication check or not), "files" (every
  // AttachmentNote, with names and who attached it) and "void" (the void actions).
  nlohmann::json document() const;
};

Replayed replay(const std::string& kind, const std::string& id, const ItemLog& log);

// One more shared action of the case replayed in `r` (replay() of its log),
// applied as replay() would apply it last in the agreed order: what a new
// action of ours is. Throws the model's error if it is not possible; then
// `r` is unchanged. Batch actions (add_indicators, add_sightings) change
// the case in place: a long case is not copied.
void apply_case_action(Replayed& r, const SharedAction& a);

// A file name an attachment may carry: 1 to 255 bytes, no '/', no control
// characters, not "." or "..".
bool is_plain_file_name(std::string_view name);

// Reading the attachments member of an action's args:
// [{"sha256":HEX64,"size":INT,"name":STR}], sizes up to max_size.
std::vector<AttachmentNote> attachments_from_args(const nlohmann::json& args,
                                                  std::int64_t max_size);
nlohmann::json to_json(const AttachmentNote& a);

// The arguments of a new case action of ours in their full, checked form
// (docs/protocol.md §7.1): for "add_indicator" the indicator's seven members
// (type and value required; first_seen, last_seen, confidence, tlp and note
// optional: null or "" when absent), checked with IndicatorCheck::strict and
// the value normalized; for "add_sighting" its six (type, value, first_seen,
// last_seen required; count 1 and where "" when absent), the sighting's
// actor `by`; for "add_indicators" and "add_sightings" ({"indicators":
// [...]} or {"sightings":[...]}, 1 to model::kMaxBatch) each entry so, an
// error naming it ("args.indicators[3]: ..."). Other actions' args are
// returned as they are. Throws
// case_invalid or indicator_invalid naming the member ("args.confidence").
// Actions stored or received with only {type, value} (before typed
// indicators) replay with IndicatorCheck::legacy.
nlohmann::json new_case_args(const std::string& action, nlohmann::json args, const std::string& by);

}  // namespace hotline::service
