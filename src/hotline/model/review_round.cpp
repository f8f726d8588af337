#include "hotline/model/review_round.h"

#include <array>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kStateNames{"proposed", "agenda_agreed",
                                                      "minutes_proposed", "closed", "cancelled"};
constexpr std::array<std::string_view, 7> kActionNames{
    "propose",        "edit_agenda",          "accept_agenda", "propose_minutes",
    "accept_minutes", "complete_action_item", "cancel"};
constexpr std::array<std::string_view, 2> kSources{"records", "party"};
constexpr std::array<std::string_view, 2> kRelativeSides{"mine", "yours"};

const JsonCheck kRoundCheck{"round_invalid", "review round"};
constexpr std::size_t kMaxItemText = 4000;

void require(const ReviewRound& r, RoundAction action) {
  if (is_possible(r, action)) return;
  std::vector<std::string_view> possible;
  for (RoundAction a : possible_actions(r)) possible.push_back(to_string(a));
  detail::illegal_transition("review round", r.id, to_string(r.state), to_string(action), possible);
}

ReviewRound with_event(ReviewRound next, RoundAction action, const std::string& by, Side side,
                       TimePoint at, json args) {
  kRoundCheck.name(by, "actor");
  next.history.push_back({action, by, side, at, std::move(args)});
  return next;
}

// A YYYY-MM-DD date that exists.
void check_date(const std::string& date, const std::string& path) {
  bool ok = date.size() == 10 && date[4] == '-' && date[7] == '-';
  if (ok) {
    try {
      (void)parse_timestamp(date + "T00:00:00.000Z");
    } catch (const Error&) {
      ok = false;
    }
  }
  if (!ok) kRoundCheck.fail(path, quote_value(date) + " is not a date (YYYY-MM-DD)");
}

void check_plan(const RoundPlan& p) {
  kRoundCheck.name(p.title, "title");
  kRoundCheck.line(p.place, "place", false);
  if (p.period_to <= p.period_from) kRoundCheck.fail("period_to", "must come after period_from");
  if (p.participants.size() > kMaxParticipants)
    kRoundCheck.fail("participants", "more than " + std::to_string(kMaxParticipants));
  for (std::size_t i = 0; i < p.participants.size(); ++i) {
    kRoundCheck.name(p.participants[i].name, member_path(element_path("participants", i), "name"));
    kRoundCheck.line(p.participants[i].role, member_path(element_path("participants", i), "role"),
                     false);
  }
  if (p.agenda.size() > kMaxAgendaPoints)
    kRoundCheck.fail("agenda", "more than " + std::to_string(kMaxAgendaPoints) + " points");
  for (std::size_t i = 0; i < p.agenda.size(); ++i) {
    const std::string path = element_path("agenda", i);
    kRoundCheck.name(p.agenda[i].text, member_path(path, "text"));
    if (p.agenda[i].source != "records" && p.agenda[i].source != "party")
      kRoundCheck.fail(member_path(path, "source"), "is \"records\" or \"party\"");
    kRoundCheck.line(p.agenda[i].ref, member_path(path, "ref"), false);
  }
}

void check_items(const std::vector<ActionItem>& items) {
  if (items.size() > kMaxActionItems)
    kRoundCheck.fail("action_items", "more than " + std::to_string(kMaxActionItems));
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = element_path("action_items", i);
    kRoundCheck.text(items[i].text, member_path(path, "text"), kMaxItemText, true);
    check_date(items[i].due, member_path(path, "due"));
  }
}

void check_version(const std::string& id, int given, int current, const char* what) {
  if (given != current) {
    throw Error(ErrorCategory::conflict, "round_version",
                "review round " + id + ": the " + what + " is at version " +
                    std::to_string(current) + ", not " + std::to_string(given) +
                    " (it was changed since; read it again before accepting)");
  }
}

std::string_view relative(Side side, Side actor) {
  return side == actor ? "mine" : "yours";
}
Side absolute(const json& j, const std::string& path, Side actor) {
  return kRoundCheck.one_of(j, path, kRelativeSides) == 0 ? actor : opposite(actor);
}

}  // namespace

std::string_view to_string(RoundState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}
std::string_view to_string(RoundAction action) {
  return kActionNames[static_cast<std::size_t>(action)];
}
std::optional<RoundAction> parse_round_action(std::string_view text) {
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == text) return static_cast<RoundAction>(i);
  }
  return std::nullopt;
}

bool is_possible(const ReviewRound& r, RoundAction action) {
  switch (action) {
    case RoundAction::propose:
      return false;
    case RoundAction::edit_agenda:
      return r.state == RoundState::proposed || r.state == RoundState::agenda_agreed;
    case RoundAction::accept_agenda:
      return r.state == RoundState::proposed;
    case RoundAction::propose_minutes:
      return r.state == RoundState::agenda_agreed || r.state == RoundState::minutes_proposed;
    case RoundAction::accept_minutes:
      return r.state == RoundState::minutes_proposed;
    case RoundAction::complete_action_item:
      return r.state == RoundState::closed;
    case RoundAction::cancel:
      return r.state != RoundState::closed && r.state != RoundState::cancelled;
  }
  return false;
}

std::vector<RoundAction> possible_actions(const ReviewRound& r) {
  std::vector<RoundAction> out;
  for (RoundAction a : kRoundActions) {
    if (is_possible(r, a)) out.push_back(a);
  }
  return out;
}

ReviewRound propose_round(std::string id, Side origin, RoundPlan plan, const std::string& by,
                          TimePoint at) {
  kRoundCheck.id(id, "id");
  check_plan(plan);
  ReviewRound r;
  r.id = std::move(id);
  r.origin = origin;
  json args = plan_args(plan, origin);
  r.plan = std::move(plan);
  (origin == Side::ours ? r.agenda_accepted_ours : r.agenda_accepted_theirs) = true;
  return with_event(std::move(r), RoundAction::propose, by, origin, at, std::move(args));
}

ReviewRound edit_agenda(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                        RoundPlan plan) {
  require(r, RoundAction::edit_agenda);
  check_plan(plan);
  ReviewRound next = r;
  json args = plan_args(plan, side);
  next.plan = std::move(plan);
  next.agenda_version += 1;
  next.agenda_accepted_ours = side == Side::ours;
  next.agenda_accepted_theirs = side == Side::theirs;
  next.state = RoundState::proposed;
  return with_event(std::move(next), RoundAction::edit_agenda, by, side, at, std::move(args));
}

ReviewRound accept_agenda(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                          int version) {
  require(r, RoundAction::accept_agenda);
  check_version(r.id, version, r.agenda_version, "agenda");
  ReviewRound next = r;
  (side == Side::ours ? next.agenda_accepted_ours : next.agenda_accepted_theirs) = true;
  if (next.agenda_accepted_ours && next.agenda_accepted_theirs)
    next.state = RoundState::agenda_agreed;
  return with_event(std::move(next), RoundAction::accept_agenda, by, side, at,
                    json{{"version", version}});
}

ReviewRound propose_minutes(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                            std::string minutes, std::vector<ActionItem> items) {
  require(r, RoundAction::propose_minutes);
  kRoundCheck.text(minutes, "minutes", kMaxMinutesBytes, true);
  check_items(items);
  for (auto& item : items) {
    item.done = false;
    item.done_at.reset();
    item.done_by.clear();
    item.done_note.clear();
  }
  ReviewRound next = r;
  json args = minutes_args(minutes, items, side);
  next.minutes = std::move(minutes);
  next.action_items = std::move(items);
  next.minutes_version += 1;
  next.minutes_by = side;
  next.state = RoundState::minutes_proposed;
  return with_event(std::move(next), RoundAction::propose_minutes, by, side, at, std::move(args));
}

ReviewRound accept_minutes(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                           int version) {
  require(r, RoundAction::accept_minutes);
  if (side == r.minutes_by)
    detail::wrong_side("review round", r.id, "accept_minutes",
                       "the side that did not write the minutes", opposite(r.minutes_by), side);
  check_version(r.id, version, r.minutes_version, "minutes");
  ReviewRound next = r;
  next.state = RoundState::closed;
  next.closed_at = at;
  return with_event(std::move(next), RoundAction::accept_minutes, by, side, at,
                    json{{"version", version}});
}

ReviewRound complete_action_item(const ReviewRound& r, const std::string& by, Side side,
                                 TimePoint at, std::size_t index, const std::string& note) {
  require(r, RoundAction::complete_action_item);
  if (index >= r.action_items.size())
    kRoundCheck.fail("index", "there is no action item " + std::to_string(index + 1) + " (the " +
                                  "minutes have " + std::to_string(r.action_items.size()) + ")");
  const ActionItem& item = r.action_items[index];
  if (item.owner != side)
    detail::wrong_side("review round", r.id, "complete_action_item", "the action item's owner",
                       item.owner, side);
  if (item.done)
    kRoundCheck.fail("index", "action item " + std::to_string(index + 1) + " is already done");
  kRoundCheck.text(note, "note", kMaxItemText, false);
  ReviewRound next = r;
  ActionItem& done = next.action_items[index];
  done.done = true;
  done.done_at = at;
  done.done_by = by;
  done.done_note = note;
  return with_event(std::move(next), RoundAction::complete_action_item, by, side, at,
                    json{{"index", static_cast<std::int64_t>(index)}, {"note", note}});
}

ReviewRound cancel_round(const ReviewRound& r, const std::string& by, Side side, TimePoint at,
                         const std::string& reason) {
  require(r, RoundAction::cancel);
  kRoundCheck.text(reason, "reason", kMaxItemText, true);
  ReviewRound next = r;
  next.state = RoundState::cancelled;
  next.cancel_reason = reason;
  return with_event(std::move(next), RoundAction::cancel, by, side, at, json{{"reason", reason}});
}

json plan_args(const RoundPlan& p, Side actor) {
  json participants = json::array();
  for (const auto& x : p.participants)
    participants.push_back(
        {{"name", x.name}, {"role", x.role}, {"party", relative(x.side, actor)}});
  json agenda = json::array();
  for (const auto& a : p.agenda)
    agenda.push_back({{"text", a.text}, {"source", a.source}, {"ref", a.ref}});
  return {{"title", p.title},
          {"period_from", format_timestamp(p.period_from)},
          {"period_to", format_timestamp(p.period_to)},
          {"meeting_at", format_timestamp(p.meeting_at)},
          {"place", p.place},
          {"participants", std::move(participants)},
          {"agenda", std::move(agenda)}};
}

RoundPlan plan_from_args(const json& args, Side actor) {
  kRoundCheck.object(
      args, "args",
      {"title", "period_from", "period_to", "meeting_at", "place", "participants", "agenda"});
  RoundPlan p;
  p.title = kRoundCheck.string(args["title"], "title");
  p.period_from = kRoundCheck.time(args["period_from"], "period_from");
  p.period_to = kRoundCheck.time(args["period_to"], "period_to");
  p.meeting_at = kRoundCheck.time(args["meeting_at"], "meeting_at");
  p.place = kRoundCheck.string(args["place"], "place");
  const json& people = kRoundCheck.array(args["participants"], "participants");
  for (std::size_t i = 0; i < people.size(); ++i) {
    const std::string path = element_path("participants", i);
    kRoundCheck.object(people[i], path, {"name", "role", "party"});
    p.participants.push_back({kRoundCheck.string(people[i]["name"], member_path(path, "name")),
                              kRoundCheck.string(people[i]["role"], member_path(path, "role")),
                              absolute(people[i]["party"], member_path(path, "party"), actor)});
  }
  const json& agenda = kRoundCheck.array(args["agenda"], "agenda");
  for (std::size_t i = 0; i < agenda.size(); ++i) {
    const std::string path = element_path("agenda", i);
    kRoundCheck.object(agenda[i], path, {"text", "source", "ref"});
    p.agenda.push_back({kRoundCheck.string(agenda[i]["text"], member_path(path, "text")),
                        std::string(kSources[kRoundCheck.one_of(
                            agenda[i]["source"], member_path(path, "source"), kSources)]),
                        kRoundCheck.string(agenda[i]["ref"], member_path(path, "ref"))});
  }
  return p;
}

json minutes_args(const std::string& minutes, const std::vector<ActionItem>& items, Side actor) {
  json list = json::array();
  for (const auto& i : items)
    list.push_back({{"owner", relative(i.owner, actor)}, {"text", i.text}, {"due", i.due}});
  return {{"minutes", minutes}, {"action_items", std::move(list)}};
}

namespace {

std::vector<ActionItem> items_from_args(const json& args, Side actor) {
  const json& list = kRoundCheck.array(args["action_items"], "action_items");
  std::vector<ActionItem> items;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = element_path("action_items", i);
    kRoundCheck.object(list[i], path, {"owner", "text", "due"});
    ActionItem item;
    item.owner = absolute(list[i]["owner"], member_path(path, "owner"), actor);
    item.text = kRoundCheck.string(list[i]["text"], member_path(path, "text"));
    item.due = kRoundCheck.string(list[i]["due"], member_path(path, "due"));
    items.push_back(std::move(item));
  }
  return items;
}

int version_of(const json& args) {
  kRoundCheck.object(args, "args", {"version"});
  return static_cast<int>(kRoundCheck.integer(args["version"], "version", 1, 1000000));
}

}  // namespace

ReviewRound apply_round_action(const std::optional<ReviewRound>& r, const std::string& id,
                               RoundAction action, const std::string& by, Side side, TimePoint at,
                               const json& args) {
  if (action == RoundAction::propose) {
    if (r) require(*r, action);
    return propose_round(id, side, plan_from_args(args, side), by, at);
  }
  if (!r) kRoundCheck.fail("history", "must start with 'propose'");
  switch (action) {
    case RoundAction::edit_agenda:
      return edit_agenda(*r, by, side, at, plan_from_args(args, side));
    case RoundAction::accept_agenda:
      return accept_agenda(*r, by, side, at, version_of(args));
    case RoundAction::propose_minutes:
      kRoundCheck.object(args, "args", {"minutes", "action_items"});
      return propose_minutes(*r, by, side, at, kRoundCheck.string(args["minutes"], "minutes"),
                             items_from_args(args, side));
    case RoundAction::accept_minutes:
      return accept_minutes(*r, by, side, at, version_of(args));
    case RoundAction::complete_action_item:
      kRoundCheck.object(args, "args", {"index", "note"});
      return complete_action_item(
          *r, by, side, at,
          static_cast<std::size_t>(kRoundCheck.integer(args["index"], "index", 0, 1000000)),
          kRoundCheck.string(args["note"], "note"));
    case RoundAction::cancel:
      kRoundCheck.object(args, "args", {"reason"});
      return cancel_round(*r, by, side, at, kRoundCheck.string(args["reason"], "reason"));
    case RoundAction::propose:
      break;
  }
  kRoundCheck.fail("action", "is unknown");
}

json to_json(const ReviewRound& r) {
  json items = json::array();
  for (const auto& i : r.action_items) {
    items.push_back({{"owner", to_string(i.owner)},
                     {"text", i.text},
                     {"due", i.due},
                     {"done", i.done},
                     {"done_at", time_json(i.done_at)},
                     {"done_by", i.done_by},
                     {"done_note", i.done_note}});
  }
  json history = json::array();
  for (const auto& e : r.history) {
    history.push_back({{"action", to_string(e.action)},
                       {"actor", e.actor},
                       {"side", to_string(e.side)},
                       {"at", format_timestamp(e.at)},
                       {"args", e.args}});
  }
  json plan = plan_args(r.plan, Side::ours);
  for (std::size_t i = 0; i < r.plan.participants.size(); ++i)
    plan["participants"][i]["party"] = to_string(r.plan.participants[i].side);
  return {{"id", r.id},
          {"origin", to_string(r.origin)},
          {"plan", std::move(plan)},
          {"state", to_string(r.state)},
          {"agenda_version", r.agenda_version},
          {"agenda_accepted_ours", r.agenda_accepted_ours},
          {"agenda_accepted_theirs", r.agenda_accepted_theirs},
          {"minutes_version", r.minutes_version},
          {"minutes_by", to_string(r.minutes_by)},
          {"minutes", r.minutes},
          {"action_items", std::move(items)},
          {"closed_at", time_json(r.closed_at)},
          {"cancel_reason", r.cancel_reason},
          {"history", std::move(history)}};
}

ReviewRound round_from_json(const json& j) {
  kRoundCheck.object(j, "",
                     {"id", "origin", "plan", "state", "agenda_version", "agenda_accepted_ours",
                      "agenda_accepted_theirs", "minutes_version", "minutes_by", "minutes",
                      "action_items", "closed_at", "cancel_reason", "history"});
  const std::string id = kRoundCheck.string(j["id"], "id");
  const json& h = kRoundCheck.array(j["history"], "history");
  std::optional<ReviewRound> r;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::string path = element_path("history", i);
    kRoundCheck.object(h[i], path, {"action", "actor", "side", "at", "args"});
    auto action = static_cast<RoundAction>(
        kRoundCheck.one_of(h[i]["action"], member_path(path, "action"), kActionNames));
    r = apply_round_action(r, id, action,
                           kRoundCheck.string(h[i]["actor"], member_path(path, "actor")),
                           kRoundCheck.side(h[i]["side"], member_path(path, "side")),
                           kRoundCheck.time(h[i]["at"], member_path(path, "at")), h[i]["args"]);
  }
  if (!r) kRoundCheck.fail("history", "must start with 'propose'");
  if (to_json(*r) != j) kRoundCheck.fail("history", "does not give the document's members");
  return *r;
}

}  // namespace hotline::model
