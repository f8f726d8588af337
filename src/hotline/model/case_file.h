// Case: a shared matter (say, a data breach) linking alerts, requests,
// indicators and attachments, with a timeline; each side also keeps private
// notes. ("case" is a C++ keyword, hence case_file.) Pure: every action takes
// a CaseFile and returns the new value, or throws hotline::Error.
//
//   open -close-> closed -reopen(reason)-> reopened -close-> closed ...
//
// Rules:
// - Either side may close and reopen (it is a shared matter); reopening needs
//   a reason and may happen any number of times.
// - While open or reopened: link_alert, link_request, add_indicator,
//   add_attachment, add_entry. Linking the same id or digest twice throws
//   "case_duplicate".
// - Indicators (model/indicator.h): one per (type, normalized value). Adding
//   one the case already has is not an error: it updates it (first_seen the
//   earlier, last_seen the later, confidence, tlp and note as the later add
//   gives them, when it gives them) and the timeline says "update_indicator".
//   A new indicator must be one of kIndicatorTypes with a value that
//   normalize_indicator accepts (IndicatorCheck::strict). Cases stored before
//   typed indicators may hold other tokens ([a-z0-9-], 1..40) and values
//   that do not normalize: they still load and replay (IndicatorCheck::legacy,
//   used only for actions without the typed fields).
// - add_sighting (the peer or we saw an indicator of the case: where, when,
//   how many times) is possible in every state, closed too: a sighting after
//   the close is still news (it may be why the case is reopened). The
//   indicator must be in the case ("indicator_unknown").
// - add_indicators and add_sightings carry 1 to kMaxBatch indicators or
//   sightings in one action (one envelope to the peer, one replay step):
//   each is checked as add_indicator (strict) or add_sighting checks it, and
//   applied in the list's order as that action would (an indicator the case
//   has, or one given twice, is updated); one refused refuses the whole
//   action and changes nothing. add_indicators is possible when
//   add_indicator is, add_sightings when add_sighting is. Each is ONE
//   timeline entry: text "N indicators: A new, U updated" or "N sightings",
//   data {"indicators":[indicator_json...]} or {"sightings":[sighting_json
//   without side, by and at...]} of what was given, normalized.
// - add_note is possible in every state. Private notes are written on this
//   node by our side only (Error "wrong_side" for theirs) and never leave it:
//   to_shared_json() leaves them out, and it is what goes to the peer or into
//   anything exported.
// - Every shared action appends a TimelineEntry {at, actor, side, action,
//   text, data}; text is the entry text, the linked id, the digest,
//   "type:value" for an indicator or a sighting, the close note or the reopen
//   reason; data is null but for add_indicator, update_indicator and
//   add_sighting with typed fields, where it holds the action's arguments
//   (indicator_json / sighting_json of what was given) so that the timeline
//   replays exactly.
// Errors: "illegal_transition", "wrong_side", "case_duplicate",
// "case_invalid", "indicator_invalid" (indicator.h), "indicator_unknown".
//
// JSON (every member always present, but "data" of a timeline entry, which
// is left out when null):
//   {"id","origin","title","labels","state","alert_ids":[..],
//    "request_ids":[..],
//    "indicators":[{"type","value","first_seen","last_seen","confidence",
//                   "tlp","note"}],  (times and confidence and tlp may be null)
//    "sightings":[{"type","value","first_seen","last_seen","count","where",
//                  "side","by","at"}],
//    "attachments":[HEX64],
//    "timeline":[{"at","actor","side","action","text"[,"data"]}],
//    "notes":[{"at","author","text"}]}
// Documents written before typed indicators (indicators as {"type","value"},
// no "sightings") are read too.
// case_from_json replays the timeline and refuses a document whose fields do
// not match it; to_shared_json is the same without "notes".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/labels.h"

namespace hotline::model {

enum class CaseState { open, closed, reopened };
// `open` creates a case; it is never possible on an existing one.
enum class CaseAction {
  open,
  link_alert,
  link_request,
  add_indicator,
  add_attachment,
  add_entry,
  add_note,
  close,
  reopen,
  update_indicator,  // only as a timeline entry: add_indicator of one the case has
  add_sighting,
  add_indicators,  // many at once (one envelope to the peer)
  add_sightings,
};
inline constexpr CaseState kCaseStates[] = {CaseState::open, CaseState::closed,
                                            CaseState::reopened};
inline constexpr CaseAction kCaseActions[] = {
    CaseAction::open,           CaseAction::link_alert,
    CaseAction::link_request,   CaseAction::add_indicator,
    CaseAction::add_attachment, CaseAction::add_entry,
    CaseAction::add_note,       CaseAction::close,
    CaseAction::reopen,         CaseAction::update_indicator,
    CaseAction::add_sighting,   CaseAction::add_indicators,
    CaseAction::add_sightings};
std::string_view to_string(CaseState state);
std::string_view to_string(CaseAction action);

struct Indicator {
  std::string type;                          // a kIndicatorTypes token (legacy: [a-z0-9-]{1,40})
  std::string value;                         // normalized (legacy: one line, 1..2048 bytes)
  std::optional<TimePoint> first_seen = {};  // <= last_seen when both are given
  std::optional<TimePoint> last_seen = {};
  std::optional<int> confidence = {};  // 0..100 (STIX 2.1 scale)
  std::optional<Tlp> tlp = {};         // nullopt: the case's TLP
  std::string note = {};               // may be empty; up to 2000 bytes
  bool operator==(const Indicator&) const = default;
};

// The peer (or we) saw an indicator of the case.
struct Sighting {
  std::string type, value;  // the indicator seen (normalized)
  TimePoint first_seen, last_seen;
  int count = 1;      // 1..1000000000
  std::string where;  // free text, may be empty; one line, up to 500 bytes
  Side side = Side::ours;
  std::string by;
  TimePoint at;
  bool operator==(const Sighting&) const = default;
};

// How add_indicator checks an indicator. strict: a kIndicatorTypes type and a
// value normalize_indicator accepts (normalized). legacy (stored actions
// without the typed fields): any [a-z0-9-] token of 1..40 and a one-line
// value; a known type's value is normalized when it can be.
enum class IndicatorCheck { strict, legacy };

// The indicator checked as `check` says, its value normalized, its fields
// checked; throws indicator_invalid or case_invalid (path "indicator...").
Indicator checked_indicator(Indicator indicator, IndicatorCheck check = IndicatorCheck::strict);
// The sighting's indicator normalized and its fields checked (as above).
Sighting checked_sighting(Sighting sighting);

struct TimelineEntry {
  TimePoint at;
  std::string actor;
  Side side = Side::ours;
  CaseAction action = CaseAction::add_entry;
  std::string text;
  nlohmann::json data = nullptr;  // see "Rules" above
  bool operator==(const TimelineEntry&) const = default;
};

struct PrivateNote {  // always our side's
  TimePoint at;
  std::string author;
  std::string text;
  bool operator==(const PrivateNote&) const = default;
};

struct CaseFile {
  std::string id;            // UUIDv7
  Side origin = Side::ours;  // the side that opened it
  std::string title;
  Labels labels;
  CaseState state = CaseState::open;
  std::vector<std::string> alert_ids;    // UUIDv7, in link order
  std::vector<std::string> request_ids;  // UUIDv7, in link order
  std::vector<Indicator> indicators;     // in first-add order, one per (type, value)
  std::vector<Sighting> sightings;       // in the order recorded
  std::vector<std::string> attachments;  // SHA-256 digests, 64 lowercase hex
  std::vector<TimelineEntry> timeline;
  std::vector<PrivateNote> notes;
  bool operator==(const CaseFile&) const = default;
};

CaseFile open_case(std::string id, Side origin, std::string title, Labels labels,
                   const std::string& by, TimePoint at);
CaseFile link_alert(const CaseFile& c, const std::string& alert_id, const std::string& by,
                    Side side, TimePoint at);
CaseFile link_request(const CaseFile& c, const std::string& request_id, const std::string& by,
                      Side side, TimePoint at);
// Adds the indicator, or updates the one with the same (type, normalized
// value) (see "Rules").
CaseFile add_indicator(const CaseFile& c, Indicator indicator, const std::string& by, Side side,
                       TimePoint at, IndicatorCheck check = IndicatorCheck::strict);
// Records a sighting (its side, by and at are the actor's).
CaseFile add_sighting(const CaseFile& c, Sighting sighting);

// The most indicators or sightings one add_indicators or add_sightings
// action carries.
inline constexpr std::size_t kMaxBatch = 1000;
// Many at once (see "Rules"), applied to `c` in place: every entry is
// checked before anything changes, so on a throw `c` is as it was. The
// sightings' side, by and at are set to the actor's.
void add_indicators(CaseFile& c, std::vector<Indicator> list, const std::string& by, Side side,
                    TimePoint at);
void add_sightings(CaseFile& c, std::vector<Sighting> list, const std::string& by, Side side,
                   TimePoint at);
CaseFile add_attachment(const CaseFile& c, const std::string& digest, const std::string& by,
                        Side side, TimePoint at);
CaseFile add_entry(const CaseFile& c, const std::string& text, const std::string& by, Side side,
                   TimePoint at);
CaseFile add_note(const CaseFile& c, const std::string& text, const std::string& by, Side side,
                  TimePoint at);
CaseFile close(const CaseFile& c, const std::string& by, Side side, TimePoint at,
               const std::string& note);
CaseFile reopen(const CaseFile& c, const std::string& by, Side side, TimePoint at,
                const std::string& reason);

bool is_possible(const CaseFile& c, CaseAction action);
std::vector<CaseAction> possible_actions(const CaseFile& c);

// Everything, private notes included: for this node's own store.
nlohmann::json to_json(const CaseFile& c);
// Without "notes": for the peer and for anything that leaves the node.
nlohmann::json to_shared_json(const CaseFile& c);
CaseFile case_from_json(const nlohmann::json& j);

// One indicator or sighting as in the case's JSON, and back (checked; an
// indicator without typed fields, or a legacy {"type","value"}, with
// IndicatorCheck::legacy). `path` names the place in errors.
nlohmann::json indicator_json(const Indicator& i);
nlohmann::json sighting_json(const Sighting& s);
Indicator indicator_from_json(const nlohmann::json& j, const std::string& path);
Sighting sighting_from_json(const nlohmann::json& j, const std::string& path);
// The list of an add_indicators action (1..kMaxBatch indicators in
// indicator_json's form, every one typed: IndicatorCheck::strict) and of an
// add_sightings action (sighting_json's form without side, by and at, which
// are set from `by`, `side` and `at`). `path` names the list in errors
// ("args.indicators" -> "args.indicators[3].value").
std::vector<Indicator> indicators_from_json(const nlohmann::json& list, const std::string& path);
std::vector<Sighting> sightings_from_json(const nlohmann::json& list, const std::string& path,
                                          const std::string& by, Side side, TimePoint at);

// The indicator of `c` with this (type, value) (value as given: normalized
// when the type is known), or nullptr.
const Indicator* find_indicator(const CaseFile& c, std::string_view type, std::string_view value);
// The TLP an indicator of `c` is handled under: its own, or the case's.
Tlp effective_tlp(const CaseFile& c, const Indicator& i);

}  // namespace hotline::model
