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
//   add_attachment, add_entry. Linking the same id, indicator or digest twice
//   throws "case_duplicate".
// - add_note is possible in every state. Private notes are written on this
//   node by our side only (Error "wrong_side" for theirs) and never leave it:
//   to_shared_json() leaves them out, and it is what goes to the peer or into
//   anything exported.
// - Every shared action appends a TimelineEntry {at, actor, side, action,
//   text}; text is the entry text, the linked id, the digest, "type:value"
//   for an indicator, the close note or the reopen reason.
// Errors: "illegal_transition", "wrong_side", "case_duplicate",
// "case_invalid".
//
// JSON (every member always present):
//   {"id","origin","title","labels","state","alert_ids":[..],
//    "request_ids":[..],"indicators":[{"type","value"}],"attachments":[HEX64],
//    "timeline":[{"at","actor","side","action","text"}],
//    "notes":[{"at","author","text"}]}
// case_from_json replays the timeline and refuses a document whose fields do
// not match it; to_shared_json is the same without "notes".
#pragma once

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
};
inline constexpr CaseState kCaseStates[] = {CaseState::open, CaseState::closed,
                                            CaseState::reopened};
inline constexpr CaseAction kCaseActions[] = {
    CaseAction::open,          CaseAction::link_alert,     CaseAction::link_request,
    CaseAction::add_indicator, CaseAction::add_attachment, CaseAction::add_entry,
    CaseAction::add_note,      CaseAction::close,          CaseAction::reopen};
std::string_view to_string(CaseState state);
std::string_view to_string(CaseAction action);

struct Indicator {
  std::string type;   // lowercase token [a-z0-9-], 1..40: "ipv4-addr", "domain-name", "url"
  std::string value;  // one line, 1..2048 bytes
  bool operator==(const Indicator&) const = default;
};

struct TimelineEntry {
  TimePoint at;
  std::string actor;
  Side side = Side::ours;
  CaseAction action = CaseAction::add_entry;
  std::string text;
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
  std::vector<Indicator> indicators;
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
CaseFile add_indicator(const CaseFile& c, Indicator indicator, const std::string& by, Side side,
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

}  // namespace hotline::model
