#include "hotline/model/case_file.h"

#include <algorithm>
#include <array>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kCaseStateNames{"open", "closed", "reopened"};
constexpr std::array<std::string_view, 9> kCaseActionNames{
    "open",      "link_alert", "link_request", "add_indicator", "add_attachment",
    "add_entry", "add_note",   "close",        "reopen"};

const JsonCheck kCaseCheck{"case_invalid", "case"};
constexpr std::size_t kMaxText = 20000;

void require(const CaseFile& c, CaseAction action) {
  if (is_possible(c, action)) return;
  std::vector<std::string_view> possible;
  for (CaseAction a : possible_actions(c)) possible.push_back(to_string(a));
  detail::illegal_transition("case", c.id, to_string(c.state), to_string(action), possible);
}

[[noreturn]] void duplicate(const CaseFile& c, const std::string& what) {
  throw Error(ErrorCategory::conflict, "case_duplicate", "case " + c.id + " already has " + what);
}

CaseFile with_entry(CaseFile next, CaseAction action, const std::string& by, Side side,
                    TimePoint at, std::string text) {
  kCaseCheck.name(by, "actor");
  next.timeline.push_back({at, by, side, action, std::move(text)});
  return next;
}

bool is_token(std::string_view s) {
  return !s.empty() && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

bool is_digest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

void check_indicator(const Indicator& i, const std::string& path) {
  if (!is_token(i.type))
    kCaseCheck.fail(
        member_path(path, "type"),
        "must be a lowercase token of letters, digits and '-' (1 to 40), e.g. ipv4-addr");
  kCaseCheck.name(i.value, member_path(path, "value"));
  if (i.value.size() > 2048)
    kCaseCheck.fail(member_path(path, "value"), "must be at most 2048 bytes");
}

}  // namespace

std::string_view to_string(CaseState state) {
  return kCaseStateNames[static_cast<std::size_t>(state)];
}

std::string_view to_string(CaseAction action) {
  return kCaseActionNames[static_cast<std::size_t>(action)];
}

bool is_possible(const CaseFile& c, CaseAction action) {
  bool active = c.state == CaseState::open || c.state == CaseState::reopened;
  switch (action) {
    case CaseAction::open:
      return false;
    case CaseAction::add_note:
      return true;
    case CaseAction::reopen:
      return c.state == CaseState::closed;
    case CaseAction::link_alert:
    case CaseAction::link_request:
    case CaseAction::add_indicator:
    case CaseAction::add_attachment:
    case CaseAction::add_entry:
    case CaseAction::close:
      return active;
  }
  return false;
}

std::vector<CaseAction> possible_actions(const CaseFile& c) {
  std::vector<CaseAction> out;
  for (CaseAction a : kCaseActions) {
    if (is_possible(c, a)) out.push_back(a);
  }
  return out;
}

CaseFile open_case(std::string id, Side origin, std::string title, Labels labels,
                   const std::string& by, TimePoint at) {
  kCaseCheck.id(id, "id");
  kCaseCheck.name(title, "title");
  try {
    validate(labels);
  } catch (const Error& e) {
    kCaseCheck.fail("labels", e.what());
  }
  CaseFile c;
  c.id = std::move(id);
  c.origin = origin;
  c.title = std::move(title);
  c.labels = std::move(labels);
  c.state = CaseState::open;
  std::string text = c.title;
  return with_entry(std::move(c), CaseAction::open, by, origin, at, std::move(text));
}

CaseFile link_alert(const CaseFile& c, const std::string& alert_id, const std::string& by,
                    Side side, TimePoint at) {
  require(c, CaseAction::link_alert);
  kCaseCheck.id(alert_id, "alert_id");
  if (std::find(c.alert_ids.begin(), c.alert_ids.end(), alert_id) != c.alert_ids.end())
    duplicate(c, "alert " + alert_id);
  CaseFile next = c;
  next.alert_ids.push_back(alert_id);
  return with_entry(std::move(next), CaseAction::link_alert, by, side, at, alert_id);
}

CaseFile link_request(const CaseFile& c, const std::string& request_id, const std::string& by,
                      Side side, TimePoint at) {
  require(c, CaseAction::link_request);
  kCaseCheck.id(request_id, "request_id");
  if (std::find(c.request_ids.begin(), c.request_ids.end(), request_id) != c.request_ids.end())
    duplicate(c, "request " + request_id);
  CaseFile next = c;
  next.request_ids.push_back(request_id);
  return with_entry(std::move(next), CaseAction::link_request, by, side, at, request_id);
}

CaseFile add_indicator(const CaseFile& c, Indicator indicator, const std::string& by, Side side,
                       TimePoint at) {
  require(c, CaseAction::add_indicator);
  check_indicator(indicator, "indicator");
  if (std::find(c.indicators.begin(), c.indicators.end(), indicator) != c.indicators.end())
    duplicate(c, "indicator " + indicator.type + ":" + indicator.value);
  CaseFile next = c;
  std::string text = indicator.type + ":" + indicator.value;
  next.indicators.push_back(std::move(indicator));
  return with_entry(std::move(next), CaseAction::add_indicator, by, side, at, std::move(text));
}

CaseFile add_attachment(const CaseFile& c, const std::string& digest, const std::string& by,
                        Side side, TimePoint at) {
  require(c, CaseAction::add_attachment);
  if (!is_digest(digest))
    kCaseCheck.fail("attachment", "must be a SHA-256 digest in 64 lowercase hex digits");
  if (std::find(c.attachments.begin(), c.attachments.end(), digest) != c.attachments.end())
    duplicate(c, "attachment " + digest);
  CaseFile next = c;
  next.attachments.push_back(digest);
  return with_entry(std::move(next), CaseAction::add_attachment, by, side, at, digest);
}

CaseFile add_entry(const CaseFile& c, const std::string& text, const std::string& by, Side side,
                   TimePoint at) {
  require(c, CaseAction::add_entry);
  kCaseCheck.text(text, "text", kMaxText, true);
  return with_entry(c, CaseAction::add_entry, by, side, at, text);
}

CaseFile add_note(const CaseFile& c, const std::string& text, const std::string& by, Side side,
                  TimePoint at) {
  require(c, CaseAction::add_note);
  if (side != Side::ours)
    detail::wrong_side("case", c.id, "add_note", "this node's own side (private notes)", Side::ours,
                       side);
  kCaseCheck.name(by, "author");
  kCaseCheck.text(text, "text", kMaxText, true);
  CaseFile next = c;
  next.notes.push_back({at, by, text});
  return next;
}

CaseFile close(const CaseFile& c, const std::string& by, Side side, TimePoint at,
               const std::string& note) {
  require(c, CaseAction::close);
  kCaseCheck.text(note, "note", kMaxText, false);
  CaseFile next = c;
  next.state = CaseState::closed;
  return with_entry(std::move(next), CaseAction::close, by, side, at, note);
}

CaseFile reopen(const CaseFile& c, const std::string& by, Side side, TimePoint at,
                const std::string& reason) {
  require(c, CaseAction::reopen);
  kCaseCheck.text(reason, "reason", kMaxText, true);
  CaseFile next = c;
  next.state = CaseState::reopened;
  return with_entry(std::move(next), CaseAction::reopen, by, side, at, reason);
}

json to_shared_json(const CaseFile& c) {
  json indicators = json::array();
  for (const Indicator& i : c.indicators)
    indicators.push_back({{"type", i.type}, {"value", i.value}});
  json timeline = json::array();
  for (const TimelineEntry& e : c.timeline) {
    timeline.push_back({{"at", format_timestamp(e.at)},
                        {"actor", e.actor},
                        {"side", to_string(e.side)},
                        {"action", to_string(e.action)},
                        {"text", e.text}});
  }
  json j = json::object();
  j["id"] = c.id;
  j["origin"] = to_string(c.origin);
  j["title"] = c.title;
  j["labels"] = to_json(c.labels);
  j["state"] = to_string(c.state);
  j["alert_ids"] = c.alert_ids;
  j["request_ids"] = c.request_ids;
  j["indicators"] = std::move(indicators);
  j["attachments"] = c.attachments;
  j["timeline"] = std::move(timeline);
  return j;
}

json to_json(const CaseFile& c) {
  json j = to_shared_json(c);
  json notes = json::array();
  for (const PrivateNote& n : c.notes)
    notes.push_back({{"at", format_timestamp(n.at)}, {"author", n.author}, {"text", n.text}});
  j["notes"] = std::move(notes);
  return j;
}

namespace {

std::vector<std::string> read_strings(const json& j, const char* key) {
  std::vector<std::string> out;
  const json& a = kCaseCheck.array(j, key);
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(kCaseCheck.string(a[i], element_path(key, i)));
  return out;
}

void read_indicators(const json& j, CaseFile& c) {
  const json& ind = kCaseCheck.array(j, "indicators");
  for (std::size_t i = 0; i < ind.size(); ++i) {
    std::string p = element_path("indicators", i);
    kCaseCheck.object(ind[i], p, {"type", "value"});
    c.indicators.push_back({kCaseCheck.string(ind[i]["type"], member_path(p, "type")),
                            kCaseCheck.string(ind[i]["value"], member_path(p, "value"))});
  }
}

void read_timeline(const json& j, CaseFile& c) {
  const json& tl = kCaseCheck.array(j, "timeline");
  for (std::size_t i = 0; i < tl.size(); ++i) {
    std::string p = element_path("timeline", i);
    kCaseCheck.object(tl[i], p, {"at", "actor", "side", "action", "text"});
    c.timeline.push_back({kCaseCheck.time(tl[i]["at"], member_path(p, "at")),
                          kCaseCheck.string(tl[i]["actor"], member_path(p, "actor")),
                          kCaseCheck.side(tl[i]["side"], member_path(p, "side")),
                          static_cast<CaseAction>(kCaseCheck.one_of(
                              tl[i]["action"], member_path(p, "action"), kCaseActionNames)),
                          kCaseCheck.string(tl[i]["text"], member_path(p, "text"))});
  }
}

void read_notes(const json& j, CaseFile& c) {
  const json& notes = kCaseCheck.array(j, "notes");
  for (std::size_t i = 0; i < notes.size(); ++i) {
    std::string p = element_path("notes", i);
    kCaseCheck.object(notes[i], p, {"at", "author", "text"});
    c.notes.push_back({kCaseCheck.time(notes[i]["at"], member_path(p, "at")),
                       kCaseCheck.string(notes[i]["author"], member_path(p, "author")),
                       kCaseCheck.string(notes[i]["text"], member_path(p, "text"))});
  }
}

// Timeline entry `i` (after the first) applied to `x` through its action.
CaseFile apply_entry(const CaseFile& x, const TimelineEntry& e, std::size_t i) {
  switch (e.action) {
    case CaseAction::open:
    case CaseAction::add_note:
      kCaseCheck.fail(member_path(element_path("timeline", i), "action"),
                      "cannot be '" + std::string(to_string(e.action)) + "' here");
    case CaseAction::link_alert:
      return link_alert(x, e.text, e.actor, e.side, e.at);
    case CaseAction::link_request:
      return link_request(x, e.text, e.actor, e.side, e.at);
    case CaseAction::add_indicator: {
      auto colon = e.text.find(':');
      if (colon == std::string::npos)
        kCaseCheck.fail(member_path(element_path("timeline", i), "text"), "must be type:value");
      return add_indicator(x, {e.text.substr(0, colon), e.text.substr(colon + 1)}, e.actor, e.side,
                           e.at);
    }
    case CaseAction::add_attachment:
      return add_attachment(x, e.text, e.actor, e.side, e.at);
    case CaseAction::add_entry:
      return add_entry(x, e.text, e.actor, e.side, e.at);
    case CaseAction::close:
      return close(x, e.actor, e.side, e.at, e.text);
    case CaseAction::reopen:
      return reopen(x, e.actor, e.side, e.at, e.text);
  }
  return x;
}

// Replays the timeline (then the notes); the result must equal c.
void check_timeline(const CaseFile& c) {
  const auto& tls = c.timeline;
  if (tls.empty() || tls[0].action != CaseAction::open)
    kCaseCheck.fail("timeline", "must start with 'open'");
  if (tls[0].side != c.origin || tls[0].text != c.title)
    kCaseCheck.fail("timeline[0]", "does not match origin and title");
  std::optional<CaseFile> x;
  std::size_t i = 0;
  try {
    x = open_case(c.id, c.origin, c.title, c.labels, tls[0].actor, tls[0].at);
    for (i = 1; i < tls.size(); ++i) x = apply_entry(*x, tls[i], i);
    for (const PrivateNote& n : c.notes) x = add_note(*x, n.text, n.author, Side::ours, n.at);
  } catch (const Error& err) {
    if (err.code() == "case_invalid") throw;
    kCaseCheck.fail(element_path("timeline", i), std::string("cannot be replayed: ") + err.what());
  }
  if (*x != c)
    kCaseCheck.fail("timeline", "does not match the recorded fields (replayed state '" +
                                    std::string(to_string(x->state)) + "')");
}

}  // namespace

CaseFile case_from_json(const json& j) {
  kCaseCheck.object(j, "",
                    {"id", "origin", "title", "labels", "state", "alert_ids", "request_ids",
                     "indicators", "attachments", "timeline", "notes"});
  CaseFile c;
  c.id = kCaseCheck.string(j["id"], "id");
  c.origin = kCaseCheck.side(j["origin"], "origin");
  c.title = kCaseCheck.string(j["title"], "title");
  try {
    c.labels = labels_from_json(j["labels"]);
  } catch (const Error& e) {
    kCaseCheck.fail("labels", e.what());
  }
  c.state = static_cast<CaseState>(kCaseCheck.one_of(j["state"], "state", kCaseStateNames));
  c.alert_ids = read_strings(j["alert_ids"], "alert_ids");
  c.request_ids = read_strings(j["request_ids"], "request_ids");
  c.attachments = read_strings(j["attachments"], "attachments");
  read_indicators(j["indicators"], c);
  read_timeline(j["timeline"], c);
  read_notes(j["notes"], c);
  check_timeline(c);
  return c;
}

}  // namespace hotline::model
