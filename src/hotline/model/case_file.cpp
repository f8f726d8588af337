#include "hotline/model/case_file.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/indicator.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kCaseStateNames{"open", "closed", "reopened"};
constexpr std::array<std::string_view, 13> kCaseActionNames{
    "open",         "link_alert",     "link_request", "add_indicator", "add_attachment",
    "add_entry",    "add_note",       "close",        "reopen",        "update_indicator",
    "add_sighting", "add_indicators", "add_sightings"};

const JsonCheck kCaseCheck{"case_invalid", "case"};
constexpr std::size_t kMaxText = 20000;
constexpr std::size_t kMaxIndicatorNote = 2000;
constexpr std::size_t kMaxWhere = 500;
constexpr int kMaxSightingCount = 1000000000;

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
                    TimePoint at, std::string text, nlohmann::json data = nullptr) {
  kCaseCheck.name(by, "actor");
  next.timeline.push_back({at, by, side, action, std::move(text), std::move(data)});
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

void check_legacy_indicator(const Indicator& i, const std::string& path) {
  if (!is_token(i.type))
    kCaseCheck.fail(
        member_path(path, "type"),
        "must be a lowercase token of letters, digits and '-' (1 to 40), e.g. ipv4-addr");
  kCaseCheck.name(i.value, member_path(path, "value"));
  if (i.value.size() > 2048)
    kCaseCheck.fail(member_path(path, "value"), "must be at most 2048 bytes");
}

// normalize_indicator's error, naming the place.
std::string normalized(std::string_view type, std::string_view value, const std::string& path) {
  try {
    return normalize_indicator(type, value);
  } catch (const Error& e) {
    throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                "indicator invalid: " + path + ": " + e.what());
  }
}

void check_seen(const std::optional<TimePoint>& first, const std::optional<TimePoint>& last,
                const std::string& path) {
  if (first && last && *first > *last)
    kCaseCheck.fail(member_path(path, "first_seen"), "must not be after last_seen (" +
                                                         format_timestamp(*first) + " > " +
                                                         format_timestamp(*last) + ")");
}

bool has_typed_fields(const Indicator& i) {
  return i.first_seen || i.last_seen || i.confidence || i.tlp || !i.note.empty();
}

Indicator checked_at(Indicator i, IndicatorCheck check, const std::string& path) {
  if (check == IndicatorCheck::strict || is_indicator_type(i.type)) {
    if (!is_indicator_type(i.type))
      throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                  "indicator invalid: " + member_path(path, "type") + " must be one of: " +
                      list_of(kIndicatorTypes) + "; not " + quote_value(i.type));
    if (check == IndicatorCheck::strict) {
      i.value = normalized(i.type, i.value, member_path(path, "value"));
    } else {
      check_legacy_indicator(i, path);
      try {
        i.value = normalize_indicator(i.type, i.value);
      } catch (const Error&) {  // kept as stored before typed indicators
      }
    }
  } else {
    check_legacy_indicator(i, path);
    if (has_typed_fields(i))
      throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                  "indicator invalid: " + member_path(path, "type") + " must be one of: " +
                      list_of(kIndicatorTypes) + "; not " + quote_value(i.type));
  }
  check_seen(i.first_seen, i.last_seen, path);
  if (i.confidence && (*i.confidence < 0 || *i.confidence > 100))
    kCaseCheck.fail(member_path(path, "confidence"),
                    "must be an integer from 0 to 100, not " + std::to_string(*i.confidence));
  kCaseCheck.text(i.note, member_path(path, "note"), kMaxIndicatorNote, false);
  return i;
}

Indicator* find_in(std::vector<Indicator>& list, std::string_view type, std::string_view value) {
  for (Indicator& i : list) {
    if (i.type == type && i.value == value) return &i;
  }
  return nullptr;
}

// The earlier (or later) of two optional times.
std::optional<TimePoint> earlier(std::optional<TimePoint> a, std::optional<TimePoint> b, bool min) {
  if (!a) return b;
  if (!b) return a;
  return min ? std::min(*a, *b) : std::max(*a, *b);
}

void merge_into(Indicator& have, const Indicator& given) {
  have.first_seen = earlier(have.first_seen, given.first_seen, true);
  have.last_seen = earlier(have.last_seen, given.last_seen, false);
  if (given.confidence) have.confidence = given.confidence;
  if (given.tlp) have.tlp = given.tlp;
  if (!given.note.empty()) have.note = given.note;
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
    case CaseAction::update_indicator:  // through add_indicator
      return false;
    case CaseAction::add_note:
    case CaseAction::add_sighting:
    case CaseAction::add_sightings:
      return true;
    case CaseAction::reopen:
      return c.state == CaseState::closed;
    case CaseAction::link_alert:
    case CaseAction::link_request:
    case CaseAction::add_indicator:
    case CaseAction::add_indicators:
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

Indicator checked_indicator(Indicator indicator, IndicatorCheck check) {
  return checked_at(std::move(indicator), check, "indicator");
}

Sighting checked_sighting(Sighting s) {
  if (!is_indicator_type(s.type))
    throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                "indicator invalid: sighting.type must be one of: " + list_of(kIndicatorTypes) +
                    "; not " + quote_value(s.type));
  s.value = normalized(s.type, s.value, "sighting.value");
  check_seen(s.first_seen, s.last_seen, "sighting");
  if (s.count < 1 || s.count > kMaxSightingCount)
    kCaseCheck.fail("sighting.count",
                    "must be an integer from 1 to 1000000000, not " + std::to_string(s.count));
  kCaseCheck.line(s.where, "sighting.where", false);
  if (s.where.size() > kMaxWhere) kCaseCheck.fail("sighting.where", "must be at most 500 bytes");
  kCaseCheck.name(s.by, "sighting.by");
  return s;
}

CaseFile add_indicator(const CaseFile& c, Indicator indicator, const std::string& by, Side side,
                       TimePoint at, IndicatorCheck check) {
  require(c, CaseAction::add_indicator);
  // The timeline keeps what was given: a typed action with its fields, a
  // legacy one as it was written then.
  std::string text = indicator.type + ":" + indicator.value;
  Indicator given = checked_indicator(std::move(indicator), check);
  nlohmann::json data = nullptr;
  if (check == IndicatorCheck::strict) {
    data = indicator_json(given);
    text = given.type + ":" + given.value;
  }
  CaseFile next = c;
  if (Indicator* have = find_in(next.indicators, given.type, given.value)) {
    merge_into(*have, given);
    return with_entry(std::move(next), CaseAction::update_indicator, by, side, at, std::move(text),
                      std::move(data));
  }
  next.indicators.push_back(std::move(given));
  return with_entry(std::move(next), CaseAction::add_indicator, by, side, at, std::move(text),
                    std::move(data));
}

CaseFile add_sighting(const CaseFile& c, Sighting sighting) {
  require(c, CaseAction::add_sighting);
  Sighting s = checked_sighting(std::move(sighting));
  if (!find_indicator(c, s.type, s.value))
    throw Error(ErrorCategory::conflict, "indicator_unknown",
                "case " + c.id + " has no indicator " + s.type + " " + quote_value(s.value) +
                    " to record a sighting of (add it first)");
  CaseFile next = c;
  json data = sighting_json(s);
  data.erase("side");
  data.erase("by");
  data.erase("at");
  std::string text = s.type + ":" + s.value;
  const std::string by = s.by;
  const Side side = s.side;
  const TimePoint at = s.at;
  next.sightings.push_back(std::move(s));
  return with_entry(std::move(next), CaseAction::add_sighting, by, side, at, std::move(text),
                    std::move(data));
}

namespace {

constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

// "type\nvalue" (a type has no newline) in `buf`, reused to spare allocations.
const std::string& key_of(std::string_view type, std::string_view value, std::string& buf) {
  buf.assign(type);
  buf += '\n';
  buf.append(value);
  return buf;
}

// For each (type, value) of `list`, the position of the case's indicator
// with it (the first one, as find_in), or kAbsent: one pass over the case.
template <class T>
std::unordered_map<std::string, std::size_t> positions(const CaseFile& c,
                                                       const std::vector<T>& list) {
  std::unordered_map<std::string, std::size_t> at;
  at.reserve(list.size() * 2);
  std::string buf;
  for (const T& x : list) at.emplace(key_of(x.type, x.value, buf), kAbsent);
  for (std::size_t j = 0; j < c.indicators.size(); ++j) {
    auto it = at.find(key_of(c.indicators[j].type, c.indicators[j].value, buf));
    if (it != at.end() && it->second == kAbsent) it->second = j;
  }
  return at;
}

void check_batch(std::size_t n, const std::string& path) {
  if (n == 0 || n > kMaxBatch)
    kCaseCheck.fail(
        path, "must hold 1 to " + std::to_string(kMaxBatch) + " entries, not " + std::to_string(n));
}

// The error of entry `i`, naming it.
[[noreturn]] void rethrow_at(const Error& e, const std::string& path, std::size_t i) {
  throw Error(e.category(), e.code(), element_path(path, i) + ": " + e.what());
}

}  // namespace

void add_indicators(CaseFile& c, std::vector<Indicator> list, const std::string& by, Side side,
                    TimePoint at) {
  require(c, CaseAction::add_indicators);
  kCaseCheck.name(by, "actor");
  check_batch(list.size(), "indicators");
  for (std::size_t i = 0; i < list.size(); ++i)
    list[i] = checked_at(std::move(list[i]), IndicatorCheck::strict, element_path("indicators", i));
  // Nothing throws from here on.
  auto pos = positions(c, list);
  json data = json::array();
  std::size_t added = 0;
  std::string buf;
  for (Indicator& given : list) {
    data.push_back(indicator_json(given));
    std::size_t& p = pos[key_of(given.type, given.value, buf)];
    if (p == kAbsent) {
      p = c.indicators.size();
      c.indicators.push_back(std::move(given));
      ++added;
    } else {
      merge_into(c.indicators[p], given);
    }
  }
  std::string text = std::to_string(list.size()) + " indicators: " + std::to_string(added) +
                     " new, " + std::to_string(list.size() - added) + " updated";
  c.timeline.push_back({at, by, side, CaseAction::add_indicators, std::move(text),
                        json{{"indicators", std::move(data)}}});
}

void add_sightings(CaseFile& c, std::vector<Sighting> list, const std::string& by, Side side,
                   TimePoint at) {
  require(c, CaseAction::add_sightings);
  kCaseCheck.name(by, "actor");
  check_batch(list.size(), "sightings");
  for (std::size_t i = 0; i < list.size(); ++i) {
    list[i].side = side;
    list[i].by = by;
    list[i].at = at;
    try {
      list[i] = checked_sighting(std::move(list[i]));
    } catch (const Error& e) {
      rethrow_at(e, "sightings", i);
    }
  }
  const auto pos = positions(c, list);
  std::string buf;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (pos.at(key_of(list[i].type, list[i].value, buf)) == kAbsent)
      throw Error(ErrorCategory::conflict, "indicator_unknown",
                  element_path("sightings", i) + ": case " + c.id + " has no indicator " +
                      list[i].type + " " + quote_value(list[i].value) +
                      " to record a sighting of (add it first)");
  }
  // Nothing throws from here on.
  json data = json::array();
  for (Sighting& s : list) {
    json d = sighting_json(s);
    d.erase("side");
    d.erase("by");
    d.erase("at");
    data.push_back(std::move(d));
    c.sightings.push_back(std::move(s));
  }
  c.timeline.push_back({at, by, side, CaseAction::add_sightings,
                        std::to_string(list.size()) + " sightings",
                        json{{"sightings", std::move(data)}}});
}

std::vector<Indicator> indicators_from_json(const json& list, const std::string& path) {
  const json& a = kCaseCheck.array(list, path);
  check_batch(a.size(), path);
  std::vector<Indicator> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string p = element_path(path, i);
    kCaseCheck.object(a[i], p,
                      {"type", "value", "first_seen", "last_seen", "confidence", "tlp", "note"});
    out.push_back(checked_at(indicator_from_json(a[i], p), IndicatorCheck::strict, p));
  }
  return out;
}

std::vector<Sighting> sightings_from_json(const json& list, const std::string& path,
                                          const std::string& by, Side side, TimePoint at) {
  const json& a = kCaseCheck.array(list, path);
  check_batch(a.size(), path);
  std::vector<Sighting> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string p = element_path(path, i);
    kCaseCheck.object(a[i], p, {"type", "value", "first_seen", "last_seen", "count", "where"});
    json full = a[i];
    full["side"] = to_string(side);
    full["by"] = by;
    full["at"] = format_timestamp(at);
    out.push_back(sighting_from_json(full, p));
  }
  return out;
}

const Indicator* find_indicator(const CaseFile& c, std::string_view type, std::string_view value) {
  std::string norm(value);
  if (is_indicator_type(type)) {
    try {
      norm = normalize_indicator(type, value);
    } catch (const Error&) {  // a legacy value, compared as it is
    }
  }
  for (const Indicator& i : c.indicators) {
    if (i.type == type && i.value == norm) return &i;
  }
  return nullptr;
}

Tlp effective_tlp(const CaseFile& c, const Indicator& i) {
  return i.tlp ? *i.tlp : c.labels.tlp;
}

json indicator_json(const Indicator& i) {
  return {{"type", i.type},
          {"value", i.value},
          {"first_seen", time_json(i.first_seen)},
          {"last_seen", time_json(i.last_seen)},
          {"confidence", i.confidence ? json(*i.confidence) : json(nullptr)},
          {"tlp", i.tlp ? json(to_string(*i.tlp)) : json(nullptr)},
          {"note", i.note}};
}

json sighting_json(const Sighting& s) {
  return {{"type", s.type},
          {"value", s.value},
          {"first_seen", format_timestamp(s.first_seen)},
          {"last_seen", format_timestamp(s.last_seen)},
          {"count", s.count},
          {"where", s.where},
          {"side", to_string(s.side)},
          {"by", s.by},
          {"at", format_timestamp(s.at)}};
}

Indicator indicator_from_json(const json& j, const std::string& path) {
  if (j.is_object() && j.size() == 2 && j.contains("type") && j.contains("value")) {
    return checked_at({kCaseCheck.string(j["type"], member_path(path, "type")),
                       kCaseCheck.string(j["value"], member_path(path, "value"))},
                      IndicatorCheck::legacy, path);
  }
  kCaseCheck.object(j, path,
                    {"type", "value", "first_seen", "last_seen", "confidence", "tlp", "note"});
  Indicator i;
  i.type = kCaseCheck.string(j["type"], member_path(path, "type"));
  i.value = kCaseCheck.string(j["value"], member_path(path, "value"));
  i.first_seen = kCaseCheck.optional_time(j["first_seen"], member_path(path, "first_seen"));
  i.last_seen = kCaseCheck.optional_time(j["last_seen"], member_path(path, "last_seen"));
  if (!j["confidence"].is_null())
    i.confidence = static_cast<int>(
        kCaseCheck.integer(j["confidence"], member_path(path, "confidence"), 0, 100));
  if (!j["tlp"].is_null()) {
    static constexpr std::string_view kTlpNames[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
                                                     "TLP:AMBER+STRICT", "TLP:RED"};
    i.tlp = kTlpLevels[kCaseCheck.one_of(j["tlp"], member_path(path, "tlp"), kTlpNames)];
  }
  i.note = kCaseCheck.string(j["note"], member_path(path, "note"));
  // Without typed fields it may be a legacy one (a document is checked
  // against its timeline, which says how each indicator came).
  const IndicatorCheck check =
      has_typed_fields(i) ? IndicatorCheck::strict : IndicatorCheck::legacy;
  return checked_at(std::move(i), check, path);
}

Sighting sighting_from_json(const json& j, const std::string& path) {
  kCaseCheck.object(
      j, path, {"type", "value", "first_seen", "last_seen", "count", "where", "side", "by", "at"});
  Sighting s;
  s.type = kCaseCheck.string(j["type"], member_path(path, "type"));
  s.value = kCaseCheck.string(j["value"], member_path(path, "value"));
  s.first_seen = kCaseCheck.time(j["first_seen"], member_path(path, "first_seen"));
  s.last_seen = kCaseCheck.time(j["last_seen"], member_path(path, "last_seen"));
  s.count = static_cast<int>(
      kCaseCheck.integer(j["count"], member_path(path, "count"), 1, kMaxSightingCount));
  s.where = kCaseCheck.string(j["where"], member_path(path, "where"));
  s.side = kCaseCheck.side(j["side"], member_path(path, "side"));
  s.by = kCaseCheck.string(j["by"], member_path(path, "by"));
  s.at = kCaseCheck.time(j["at"], member_path(path, "at"));
  return checked_sighting(std::move(s));
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
  for (const Indicator& i : c.indicators) indicators.push_back(indicator_json(i));
  json sightings = json::array();
  for (const Sighting& s : c.sightings) sightings.push_back(sighting_json(s));
  json timeline = json::array();
  for (const TimelineEntry& e : c.timeline) {
    json entry = {{"at", format_timestamp(e.at)},
                  {"actor", e.actor},
                  {"side", to_string(e.side)},
                  {"action", to_string(e.action)},
                  {"text", e.text}};
    if (!e.data.is_null()) entry["data"] = e.data;
    timeline.push_back(std::move(entry));
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
  j["sightings"] = std::move(sightings);
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
  for (std::size_t i = 0; i < ind.size(); ++i)
    c.indicators.push_back(indicator_from_json(ind[i], element_path("indicators", i)));
}

void read_sightings(const json& j, CaseFile& c) {
  const json& list = kCaseCheck.array(j, "sightings");
  for (std::size_t i = 0; i < list.size(); ++i)
    c.sightings.push_back(sighting_from_json(list[i], element_path("sightings", i)));
}

void read_timeline(const json& j, CaseFile& c) {
  const json& tl = kCaseCheck.array(j, "timeline");
  for (std::size_t i = 0; i < tl.size(); ++i) {
    std::string p = element_path("timeline", i);
    const bool with_data = tl[i].is_object() && tl[i].contains("data");
    if (with_data)
      kCaseCheck.object(tl[i], p, {"at", "actor", "side", "action", "text", "data"});
    else
      kCaseCheck.object(tl[i], p, {"at", "actor", "side", "action", "text"});
    json data = with_data ? tl[i]["data"] : json(nullptr);
    if (!data.is_null() && !data.is_object())
      kCaseCheck.fail(member_path(p, "data"), "must be an object or null");
    c.timeline.push_back({kCaseCheck.time(tl[i]["at"], member_path(p, "at")),
                          kCaseCheck.string(tl[i]["actor"], member_path(p, "actor")),
                          kCaseCheck.side(tl[i]["side"], member_path(p, "side")),
                          static_cast<CaseAction>(kCaseCheck.one_of(
                              tl[i]["action"], member_path(p, "action"), kCaseActionNames)),
                          kCaseCheck.string(tl[i]["text"], member_path(p, "text")),
                          std::move(data)});
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

// An indicator entry: typed (its data) or legacy ("type:value").
CaseFile replay_indicator(const CaseFile& x, const TimelineEntry& e, std::size_t i) {
  const std::string p = element_path("timeline", i);
  CaseFile next;
  if (e.data.is_null()) {
    auto colon = e.text.find(':');
    if (colon == std::string::npos) kCaseCheck.fail(member_path(p, "text"), "must be type:value");
    next = add_indicator(x, {e.text.substr(0, colon), e.text.substr(colon + 1)}, e.actor, e.side,
                         e.at, IndicatorCheck::legacy);
  } else {
    next = add_indicator(x, indicator_from_json(e.data, member_path(p, "data")), e.actor, e.side,
                         e.at);
  }
  if (next.timeline.back().action != e.action)
    kCaseCheck.fail(member_path(p, "action"),
                    "must be '" + std::string(to_string(next.timeline.back().action)) +
                        "' (the case's indicators at that point say so)");
  return next;
}

CaseFile replay_sighting(const CaseFile& x, const TimelineEntry& e, std::size_t i) {
  const std::string p = member_path(element_path("timeline", i), "data");
  if (!e.data.is_object()) kCaseCheck.fail(p, "must be the sighting");
  json full = e.data;
  full["side"] = to_string(e.side);
  full["by"] = e.actor;
  full["at"] = format_timestamp(e.at);
  return add_sighting(x, sighting_from_json(full, p));
}

// An add_indicators or add_sightings entry: its data's list.
CaseFile replay_batch(const CaseFile& x, const TimelineEntry& e, std::size_t i) {
  const std::string p = member_path(element_path("timeline", i), "data");
  const bool indicators = e.action == CaseAction::add_indicators;
  const char* key = indicators ? "indicators" : "sightings";
  if (!e.data.is_object()) kCaseCheck.fail(p, "must be an object");
  kCaseCheck.object(e.data, p, {key});
  CaseFile next = x;
  if (indicators)
    add_indicators(next, indicators_from_json(e.data[key], member_path(p, key)), e.actor, e.side,
                   e.at);
  else
    add_sightings(next,
                  sightings_from_json(e.data[key], member_path(p, key), e.actor, e.side, e.at),
                  e.actor, e.side, e.at);
  return next;
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
    case CaseAction::add_indicator:
    case CaseAction::update_indicator:
      return replay_indicator(x, e, i);
    case CaseAction::add_sighting:
      return replay_sighting(x, e, i);
    case CaseAction::add_indicators:
    case CaseAction::add_sightings:
      return replay_batch(x, e, i);
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
  if (j.is_object() && !j.contains("sightings")) {  // written before sightings
    json with = j;
    with["sightings"] = json::array();
    return case_from_json(with);
  }
  kCaseCheck.object(j, "",
                    {"id", "origin", "title", "labels", "state", "alert_ids", "request_ids",
                     "indicators", "attachments", "timeline", "notes", "sightings"});
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
  read_sightings(j["sightings"], c);
  read_timeline(j["timeline"], c);
  read_notes(j["notes"], c);
  check_timeline(c);
  return c;
}

}  // namespace hotline::model
