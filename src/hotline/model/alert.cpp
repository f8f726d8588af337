#include "hotline/model/alert.h"

#include <array>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kAlertStateNames{"raised", "delivered", "acknowledged",
                                                           "closed"};
constexpr std::array<std::string_view, 5> kAlertActionNames{"raise", "mark_delivered",
                                                            "acknowledge", "escalate", "close"};

const JsonCheck kAlertCheck{"alert_invalid", "alert"};

constexpr std::size_t kMaxAlertDetails = 20000;
constexpr std::size_t kMaxAlertNote = 4000;

void require(const Alert& alert, AlertAction action) {
  if (is_possible(alert, action)) return;
  std::vector<std::string_view> possible;
  for (AlertAction a : possible_actions(alert)) possible.push_back(to_string(a));
  std::string_view why;
  if (action == AlertAction::mark_delivered && alert.delivered_at)
    why = "the receipt is already recorded";
  detail::illegal_transition("alert", alert.id, to_string(alert.state), to_string(action), possible,
                             why);
}

Alert with_event(Alert next, AlertAction action, std::string actor, Side side, TimePoint at,
                 int level = 0, std::string note = {}) {
  next.history.push_back({action, std::move(actor), side, at, level, std::move(note)});
  return next;
}

}  // namespace

std::string_view to_string(AlertState state) {
  return kAlertStateNames[static_cast<std::size_t>(state)];
}

std::string_view to_string(AlertAction action) {
  return kAlertActionNames[static_cast<std::size_t>(action)];
}

bool is_possible(const Alert& alert, AlertAction action) {
  bool open = alert.state == AlertState::raised || alert.state == AlertState::delivered;
  switch (action) {
    case AlertAction::raise:
      return false;
    case AlertAction::mark_delivered:
      return !alert.delivered_at.has_value();
    case AlertAction::acknowledge:
    case AlertAction::escalate:
      return open;
    case AlertAction::close:
      return alert.state != AlertState::closed;
  }
  return false;
}

std::vector<AlertAction> possible_actions(const Alert& alert) {
  std::vector<AlertAction> out;
  for (AlertAction a : kAlertActions) {
    if (is_possible(alert, a)) out.push_back(a);
  }
  return out;
}

Alert raise(std::string id, Side origin, Priority priority, Labels labels, std::string summary,
            std::string details, std::string by, TimePoint at) {
  kAlertCheck.id(id, "id");
  try {
    validate(labels);
  } catch (const Error& e) {
    kAlertCheck.fail("labels", e.what());
  }
  kAlertCheck.name(summary, "summary");
  kAlertCheck.text(details, "details", kMaxAlertDetails, false);
  kAlertCheck.name(by, "raised_by");
  Alert a;
  a.id = std::move(id);
  a.origin = origin;
  a.priority = priority;
  a.labels = std::move(labels);
  a.summary = std::move(summary);
  a.details = std::move(details);
  a.state = AlertState::raised;
  a.raised_by = by;
  a.raised_at = at;
  return with_event(std::move(a), AlertAction::raise, std::move(by), origin, at);
}

Alert mark_delivered(const Alert& alert, TimePoint received_at) {
  require(alert, AlertAction::mark_delivered);
  Alert next = alert;
  next.delivered_at = received_at;
  if (next.state == AlertState::raised) next.state = AlertState::delivered;
  return with_event(std::move(next), AlertAction::mark_delivered, "", alert.receiving_side(),
                    received_at);
}

Alert acknowledge(const Alert& alert, const std::string& by, Side side, TimePoint at) {
  require(alert, AlertAction::acknowledge);
  if (side != alert.receiving_side())
    detail::wrong_side("alert", alert.id, "acknowledge", "the receiving side",
                       alert.receiving_side(), side);
  kAlertCheck.name(by, "acknowledged_by");
  Alert next = alert;
  next.state = AlertState::acknowledged;
  next.acknowledged_by = by;
  next.acknowledged_at = at;
  return with_event(std::move(next), AlertAction::acknowledge, by, side, at);
}

Alert escalate(const Alert& alert, int level, TimePoint at) {
  require(alert, AlertAction::escalate);
  if (level <= alert.escalation_level || level > kMaxEscalationLevel)
    kAlertCheck.fail("escalation_level",
                     "must rise: from " + std::to_string(alert.escalation_level) + " to at most " +
                         std::to_string(kMaxEscalationLevel) + ", not " + std::to_string(level));
  Alert next = alert;
  next.escalation_level = level;
  return with_event(std::move(next), AlertAction::escalate, "", alert.receiving_side(), at, level);
}

Alert close(const Alert& alert, const std::string& by, Side side, TimePoint at,
            const std::string& note) {
  require(alert, AlertAction::close);
  if (side != alert.origin)
    detail::wrong_side("alert", alert.id, "close", "the raising side", alert.origin, side);
  kAlertCheck.name(by, "closed_by");
  kAlertCheck.text(note, "close_note", kMaxAlertNote, false);
  Alert next = alert;
  next.state = AlertState::closed;
  next.closed_by = by;
  next.closed_at = at;
  next.close_note = note;
  return with_event(std::move(next), AlertAction::close, by, side, at, 0, note);
}

json to_json(const Alert& a) {
  json history = json::array();
  for (const AlertEvent& e : a.history) {
    history.push_back({{"action", to_string(e.action)},
                       {"actor", e.actor},
                       {"side", to_string(e.side)},
                       {"at", format_timestamp(e.at)},
                       {"level", e.level},
                       {"note", e.note}});
  }
  json j = json::object();
  j["id"] = a.id;
  j["origin"] = to_string(a.origin);
  j["priority"] = to_string(a.priority);
  j["labels"] = to_json(a.labels);
  j["summary"] = a.summary;
  j["details"] = a.details;
  j["state"] = to_string(a.state);
  j["raised_by"] = a.raised_by;
  j["raised_at"] = format_timestamp(a.raised_at);
  j["delivered_at"] = time_json(a.delivered_at);
  j["acknowledged_by"] = a.acknowledged_by ? json(*a.acknowledged_by) : json(nullptr);
  j["acknowledged_at"] = time_json(a.acknowledged_at);
  j["escalation_level"] = a.escalation_level;
  j["closed_by"] = a.closed_by ? json(*a.closed_by) : json(nullptr);
  j["closed_at"] = time_json(a.closed_at);
  j["close_note"] = a.close_note;
  j["history"] = std::move(history);
  return j;
}

Alert alert_from_json(const json& j) {
  kAlertCheck.object(
      j, "",
      {"id", "origin", "priority", "labels", "summary", "details", "state", "raised_by",
       "raised_at", "delivered_at", "acknowledged_by", "acknowledged_at", "escalation_level",
       "closed_by", "closed_at", "close_note", "history"});
  Alert a;
  a.id = kAlertCheck.string(j["id"], "id");
  a.origin = kAlertCheck.side(j["origin"], "origin");
  a.priority = kAlertCheck.priority(j["priority"], "priority");
  try {
    a.labels = labels_from_json(j["labels"]);
  } catch (const Error& e) {
    kAlertCheck.fail("labels", e.what());
  }
  a.summary = kAlertCheck.string(j["summary"], "summary");
  a.details = kAlertCheck.string(j["details"], "details");
  a.state = static_cast<AlertState>(kAlertCheck.one_of(j["state"], "state", kAlertStateNames));
  a.raised_by = kAlertCheck.string(j["raised_by"], "raised_by");
  a.raised_at = kAlertCheck.time(j["raised_at"], "raised_at");
  a.delivered_at = kAlertCheck.optional_time(j["delivered_at"], "delivered_at");
  if (!j["acknowledged_by"].is_null())
    a.acknowledged_by = kAlertCheck.string(j["acknowledged_by"], "acknowledged_by");
  a.acknowledged_at = kAlertCheck.optional_time(j["acknowledged_at"], "acknowledged_at");
  a.escalation_level = static_cast<int>(
      kAlertCheck.integer(j["escalation_level"], "escalation_level", 0, kMaxEscalationLevel));
  if (!j["closed_by"].is_null()) a.closed_by = kAlertCheck.string(j["closed_by"], "closed_by");
  a.closed_at = kAlertCheck.optional_time(j["closed_at"], "closed_at");
  a.close_note = kAlertCheck.string(j["close_note"], "close_note");
  const json& h = kAlertCheck.array(j["history"], "history");
  for (std::size_t i = 0; i < h.size(); ++i) {
    std::string p = element_path("history", i);
    kAlertCheck.object(h[i], p, {"action", "actor", "side", "at", "level", "note"});
    AlertEvent e;
    e.action = static_cast<AlertAction>(
        kAlertCheck.one_of(h[i]["action"], member_path(p, "action"), kAlertActionNames));
    e.actor = kAlertCheck.string(h[i]["actor"], member_path(p, "actor"));
    e.side = kAlertCheck.side(h[i]["side"], member_path(p, "side"));
    e.at = kAlertCheck.time(h[i]["at"], member_path(p, "at"));
    e.level = static_cast<int>(
        kAlertCheck.integer(h[i]["level"], member_path(p, "level"), 0, kMaxEscalationLevel));
    e.note = kAlertCheck.string(h[i]["note"], member_path(p, "note"));
    a.history.push_back(std::move(e));
  }

  // Replay.
  if (a.history.empty() || a.history[0].action != AlertAction::raise)
    kAlertCheck.fail("history", "must start with 'raise'");
  std::optional<Alert> r;
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    const AlertEvent& e = a.history[i];
    try {
      switch (e.action) {
        case AlertAction::raise:
          if (r) require(*r, AlertAction::raise);
          if (e.side != a.origin || e.actor != a.raised_by || e.at != a.raised_at)
            kAlertCheck.fail("history[0]", "does not match origin, raised_by and raised_at");
          r = raise(a.id, a.origin, a.priority, a.labels, a.summary, a.details, e.actor, e.at);
          break;
        case AlertAction::mark_delivered:
          r = mark_delivered(*r, e.at);
          break;
        case AlertAction::acknowledge:
          r = acknowledge(*r, e.actor, e.side, e.at);
          break;
        case AlertAction::escalate:
          r = escalate(*r, e.level, e.at);
          break;
        case AlertAction::close:
          r = close(*r, e.actor, e.side, e.at, e.note);
          break;
      }
    } catch (const Error& err) {
      if (err.code() == "alert_invalid") throw;
      kAlertCheck.fail(element_path("history", i),
                       std::string("cannot be replayed: ") + err.what());
    }
  }
  if (*r != a)
    kAlertCheck.fail("history", "does not match the recorded fields (replayed state '" +
                                    std::string(to_string(r->state)) + "')");
  return a;
}

}  // namespace hotline::model
