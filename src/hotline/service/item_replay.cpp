#include "hotline/service/item_replay.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/json_check.h"

namespace hotline::service {
namespace {

using model::JsonCheck;
using model::Side;

constexpr std::int64_t kMaxAttachmentBytesInArgs = std::int64_t{1} << 40;

JsonCheck checker_for(const std::string& kind) {
  if (kind == kAlert) return JsonCheck{"alert_invalid", "alert action"};
  if (kind == kRequest) return JsonCheck{"request_invalid", "request action"};
  if (kind == kRound) return JsonCheck{"round_invalid", "round action"};
  if (kind == kDispute) return JsonCheck{"dispute_invalid", "dispute action"};
  return JsonCheck{"case_invalid", "case action"};
}

bool is_void_error(const std::string& code) {
  return code == "illegal_transition" || code == "wrong_side" || code == "four_eyes" ||
         code == "rating_invalid" || code == "case_duplicate" || code == "alert_invalid" ||
         code == "request_invalid" || code == "case_invalid" || code == "labels_invalid" ||
         code == "round_invalid" || code == "round_version" || code == "dispute_invalid" ||
         code == "dispute_version" || code == "indicator_invalid" || code == "indicator_unknown";
}

TimePoint at_of(const SharedAction& a) {
  return parse_timestamp(a.sent_at);
}

std::string text_arg(const JsonCheck& c, const nlohmann::json& args, const char* name) {
  return c.string(args[name], std::string("args.") + name);
}

// ---- alerts -----------------------------------------------------------------

// A communication check (docs/review.md) carries "check": true.
bool is_check_alert(const JsonCheck& c, const nlohmann::json& args) {
  if (!args.is_object() || !args.contains("check")) {
    c.object(args, "args", {"priority", "labels", "summary", "details", "attachments"});
    return false;
  }
  c.object(args, "args", {"priority", "labels", "summary", "details", "attachments", "check"});
  if (!c.boolean(args["check"], "args.check")) c.fail("args.check", "is true or absent");
  return true;
}

model::Alert alert_create(const std::string& id, const SharedAction& a,
                          std::vector<AttachmentNote>& files, bool& check) {
  const JsonCheck c = checker_for(kAlert);
  check = is_check_alert(c, a.args);
  auto priority = c.priority(a.args["priority"], "args.priority");
  auto labels = model::labels_from_json(a.args["labels"]);
  for (auto& f : attachments_from_args(a.args, kMaxAttachmentBytesInArgs)) {
    f.action = a.action;
    f.side = a.side;
    f.actor = a.actor;
    files.push_back(std::move(f));
  }
  model::Alert alert =
      model::raise(id, a.side, priority, std::move(labels), text_arg(c, a.args, "summary"),
                   text_arg(c, a.args, "details"), a.actor, at_of(a));
  if (!a.received_at.empty()) alert = mark_delivered(alert, parse_timestamp(a.received_at));
  return alert;
}

model::Alert alert_apply(const model::Alert& alert, const SharedAction& a) {
  const JsonCheck c = checker_for(kAlert);
  if (a.action == "acknowledge") {
    c.object(a.args, "args", {});
    return model::acknowledge(alert, a.actor, a.side, at_of(a));
  }
  if (a.action == "escalate") {
    c.object(a.args, "args", {"level"});
    // Escalation is the receiving desk's own alarm: only that side records it.
    if (a.side != alert.receiving_side()) {
      throw Error(ErrorCategory::conflict, "wrong_side",
                  "only the receiving side escalates its own alert");
    }
    return model::escalate(
        alert,
        static_cast<int>(c.integer(a.args["level"], "args.level", 1, model::kMaxEscalationLevel)),
        at_of(a));
  }
  if (a.action == "close") {
    c.object(a.args, "args", {"note"});
    return model::close(alert, a.actor, a.side, at_of(a), text_arg(c, a.args, "note"));
  }
  throw Error(ErrorCategory::invalid_input, "alert_invalid",
              "alert action '" + a.action + "' is unknown");
}

// ---- requests ---------------------------------------------------------------

struct RequestDefinition {
  model::RequestKind kind = model::RequestKind::information;
  model::Priority priority = model::Priority::normal;
  model::Labels labels;
  std::string subject, details;
  std::vector<AttachmentNote> files;
};

RequestDefinition request_definition(const nlohmann::json& args) {
  const JsonCheck c = checker_for(kRequest);
  c.object(args, "args", {"kind", "priority", "labels", "subject", "details", "attachments"});
  static constexpr std::string_view kKindNames[] = {"information", "preservation", "takedown",
                                                    "assistance"};
  RequestDefinition d;
  d.kind = static_cast<model::RequestKind>(c.one_of(args["kind"], "args.kind", kKindNames));
  d.priority = c.priority(args["priority"], "args.priority");
  d.labels = model::labels_from_json(args["labels"]);
  d.subject = c.string(args["subject"], "args.subject");
  d.details = c.string(args["details"], "args.details");
  d.files = attachments_from_args(args, kMaxAttachmentBytesInArgs);
  return d;
}

void note_files(std::vector<AttachmentNote> files, const std::string& action, Side side,
                const std::string& actor, std::vector<AttachmentNote>& out) {
  for (auto& f : files) {
    f.action = action;
    f.side = side;
    f.actor = actor;
    out.push_back(std::move(f));
  }
}

model::Request request_apply(const model::Request& r, const SharedAction& a,
                             std::vector<AttachmentNote>& files) {
  const JsonCheck c = checker_for(kRequest);
  const TimePoint at = at_of(a);
  const auto& args = a.args;
  if (a.action == "acknowledge") {
    c.object(args, "args", {});
    return model::acknowledge(r, a.actor, a.side, at);
  }
  if (a.action == "request_clarification") {
    c.object(args, "args", {"question"});
    return model::request_clarification(r, a.actor, a.side, at, text_arg(c, args, "question"));
  }
  if (a.action == "give_clarification") {
    c.object(args, "args", {"answer"});
    return model::give_clarification(r, a.actor, a.side, at, text_arg(c, args, "answer"));
  }
  if (a.action == "respond_partial" || a.action == "respond_final") {
    c.object(args, "args", {"note", "attachments"});
    auto found = attachments_from_args(args, kMaxAttachmentBytesInArgs);
    auto next = a.action == "respond_final"
                    ? model::respond_final(r, a.actor, a.side, at, text_arg(c, args, "note"))
                    : model::respond_partial(r, a.actor, a.side, at, text_arg(c, args, "note"));
    note_files(std::move(found), a.action, a.side, a.actor, files);
    return next;
  }
  if (a.action == "decline") {
    c.object(args, "args", {"reason", "note"});
    auto reason = model::parse_decline_reason(c.string(args["reason"], "args.reason"));
    if (!reason) c.fail("args.reason", "is not a known decline reason");
    return model::decline(r, a.actor, a.side, at, *reason, text_arg(c, args, "note"));
  }
  if (a.action == "withdraw") {
    c.object(args, "args", {"reason"});
    return model::withdraw(r, a.actor, a.side, at, text_arg(c, args, "reason"));
  }
  if (a.action == "close") {
    c.object(args, "args", {"rating"});
    return model::close(r, a.actor, a.side, at, model::rating_from_json(args["rating"]));
  }
  if (a.action == "reopen") {
    c.object(args, "args", {"reason"});
    return model::reopen(r, a.actor, a.side, at, text_arg(c, args, "reason"));
  }
  throw Error(ErrorCategory::invalid_input, "request_invalid",
              "request action '" + a.action + "' is unknown");
}

// ---- cases ------------------------------------------------------------------

// `args` with every member of `members`, the absent ones set from `absent`
// (those not there are required).
nlohmann::json filled_args(const JsonCheck& c, nlohmann::json args,
                           std::initializer_list<std::string_view> members,
                           const nlohmann::json& absent) {
  if (!args.is_object()) c.fail("args", "must be a JSON object");
  for (const auto& item : args.items()) {
    if (std::find(members.begin(), members.end(), item.key()) == members.end())
      c.fail("args." + item.key(),
             "is not a known member (expected: " + model::list_of(members) + ")");
  }
  for (std::string_view m : members) {
    const std::string key(m);
    if (args.contains(key)) continue;
    if (!absent.contains(key)) c.fail("args." + key, "is missing");
    args[key] = absent[key];
  }
  return args;
}

model::CaseFile case_apply(const model::CaseFile& cf, const SharedAction& a,
                           std::vector<AttachmentNote>& files) {
  const JsonCheck c = checker_for(kCase);
  const TimePoint at = at_of(a);
  const auto& args = a.args;
  if (a.action == "link_alert") {
    c.object(args, "args", {"alert_id"});
    return model::link_alert(cf, text_arg(c, args, "alert_id"), a.actor, a.side, at);
  }
  if (a.action == "link_request") {
    c.object(args, "args", {"request_id"});
    return model::link_request(cf, text_arg(c, args, "request_id"), a.actor, a.side, at);
  }
  if (a.action == "add_indicator") {
    if (args.is_object() && args.size() == 2 && args.contains("type") && args.contains("value"))
      return model::add_indicator(
          cf, model::Indicator{text_arg(c, args, "type"), text_arg(c, args, "value")}, a.actor,
          a.side, at, model::IndicatorCheck::legacy);  // stored before typed indicators
    c.object(args, "args",
             {"type", "value", "first_seen", "last_seen", "confidence", "tlp", "note"});
    return model::add_indicator(cf, model::indicator_from_json(args, "args"), a.actor, a.side, at);
  }
  if (a.action == "add_sighting") {
    c.object(args, "args", {"type", "value", "first_seen", "last_seen", "count", "where"});
    nlohmann::json full = args;
    full["side"] = model::to_string(a.side);
    full["by"] = a.actor;
    full["at"] = format_timestamp(at);
    return model::add_sighting(cf, model::sighting_from_json(full, "args"));
  }
  if (a.action == "add_attachment") {
    c.object(args, "args", {"attachments"});
    auto found = attachments_from_args(args, kMaxAttachmentBytesInArgs);
    if (found.size() != 1) c.fail("args.attachments", "must hold exactly one file");
    auto next = model::add_attachment(cf, found[0].sha256, a.actor, a.side, at);
    note_files(std::move(found), a.action, a.side, a.actor, files);
    return next;
  }
  if (a.action == "add_entry") {
    c.object(args, "args", {"text"});
    return model::add_entry(cf, text_arg(c, args, "text"), a.actor, a.side, at);
  }
  if (a.action == "close") {
    c.object(args, "args", {"note"});
    return model::close(cf, a.actor, a.side, at, text_arg(c, args, "note"));
  }
  if (a.action == "reopen") {
    c.object(args, "args", {"reason"});
    return model::reopen(cf, a.actor, a.side, at, text_arg(c, args, "reason"));
  }
  throw Error(ErrorCategory::invalid_input, "case_invalid",
              "case action '" + a.action + "' is unknown");
}

// A batch action (add_indicators, add_sightings) applied to `cf` in place
// (a case of many indicators is not copied per action); any other through
// case_apply. On a throw `cf` is unchanged.
void case_step(model::CaseFile& cf, const SharedAction& a, std::vector<AttachmentNote>& files) {
  const JsonCheck c = checker_for(kCase);
  if (a.action == "add_indicators") {
    c.object(a.args, "args", {"indicators"});
    model::add_indicators(cf, model::indicators_from_json(a.args["indicators"], "args.indicators"),
                          a.actor, a.side, at_of(a));
  } else if (a.action == "add_sightings") {
    c.object(a.args, "args", {"sightings"});
    const TimePoint at = at_of(a);
    model::add_sightings(
        cf, model::sightings_from_json(a.args["sightings"], "args.sightings", a.actor, a.side, at),
        a.actor, a.side, at);
  } else {
    cf = case_apply(cf, a, files);
  }
}

// ---- review rounds ------------------------------------------------------------

model::ReviewRound round_apply(const std::optional<model::ReviewRound>& r, const std::string& id,
                               const SharedAction& a) {
  auto action = model::parse_round_action(a.action);
  if (!action) {
    throw Error(ErrorCategory::invalid_input, "round_invalid",
                "round action '" + a.action + "' is unknown");
  }
  if (r && *action == model::RoundAction::propose) {
    throw Error(ErrorCategory::conflict, "illegal_transition",
                "round " + id + " is proposed already");
  }
  return model::apply_round_action(r, id, *action, a.actor, a.side, at_of(a), a.args);
}

// ---- disputes ---------------------------------------------------------------

model::Dispute dispute_apply(const std::optional<model::Dispute>& d, const std::string& id,
                             const SharedAction& a, std::vector<AttachmentNote>& files) {
  auto action = model::parse_dispute_action(a.action);
  if (!action)
    throw Error(ErrorCategory::invalid_input, "dispute_invalid",
                "dispute action '" + a.action + "' is unknown");
  std::vector<AttachmentNote> found;
  if (a.args.is_object() && a.args.contains("attachments"))
    found = attachments_from_args(a.args, kMaxAttachmentBytesInArgs);
  auto next = model::apply_dispute_action(d, id, *action, a.actor, a.side, at_of(a), a.args);
  note_files(std::move(found), a.action, a.side, a.actor, files);
  return next;
}

// Applies `step` to every shared action after the first, in the agreed
// order, voiding the ones the model refuses. `step(item, a)` returns the
// next item or, when it returns nothing, changes `item` in place (leaving
// it as it was when it throws).
template <class Item, class Step>
void replay_rest(Item& item, const ItemLog& log, const std::vector<std::size_t>& order,
                 Replayed& out, Step step) {
  for (std::size_t k = 1; k < order.size(); ++k) {
    const SharedAction& a = log.shared[order[k]];
    try {
      if constexpr (std::is_void_v<decltype(step(item, a))>)
        step(item, a);
      else
        item = step(item, a);
    } catch (const Error& e) {
      if (!is_void_error(e.code())) throw;
      out.voided.push_back(VoidAction{a.envelope, a.side, a.action, a.actor, e.what()});
      if (order[k] + 1 == log.shared.size()) {
        out.last_error = e;
      }
    }
  }
}

}  // namespace

bool is_plain_file_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name.find('/') == std::string_view::npos &&
         name != "." && name != ".." && std::none_of(name.begin(), name.end(), [](char ch) {
           return static_cast<unsigned char>(ch) < 0x20;
         });
}

std::vector<AttachmentNote> attachments_from_args(const nlohmann::json& args,
                                                  std::int64_t max_size) {
  const JsonCheck c{"attachment_invalid", "attachment"};
  std::vector<AttachmentNote> out;
  const auto& list = c.array(args["attachments"], "attachments");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = model::element_path("attachments", i);
    c.object(list[i], path, {"sha256", "size", "name"});
    AttachmentNote n;
    n.sha256 = c.string(list[i]["sha256"], path + ".sha256");
    if (n.sha256.size() != 64 || !std::all_of(n.sha256.begin(), n.sha256.end(), [](char ch) {
          return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
        })) {
      c.fail(path + ".sha256", "must be 64 lowercase hex digits");
    }
    n.size = c.integer(list[i]["size"], path + ".size", 0, max_size);
    n.name = c.string(list[i]["name"], path + ".name");
    if (!is_plain_file_name(n.name)) {
      c.fail(path + ".name", "must be a plain file name (1 to 255 bytes, no '/')");
    }
    out.push_back(std::move(n));
  }
  return out;
}

nlohmann::json new_case_args(const std::string& action, nlohmann::json args,
                             const std::string& by) {
  const JsonCheck c = checker_for(kCase);
  if (action == "add_indicator") {
    const nlohmann::json absent = {{"first_seen", nullptr},
                                   {"last_seen", nullptr},
                                   {"confidence", nullptr},
                                   {"tlp", nullptr},
                                   {"note", ""}};
    args = filled_args(c, std::move(args),
                       {"type", "value", "first_seen", "last_seen", "confidence", "tlp", "note"},
                       absent);
    model::Indicator i = model::indicator_from_json(args, "args");
    return model::indicator_json(model::checked_indicator(std::move(i)));
  }
  if (action == "add_indicators" || action == "add_sightings") {
    const bool ind = action == "add_indicators";
    const char* key = ind ? "indicators" : "sightings";
    c.object(args, "args", {key});
    const nlohmann::json& list = c.array(args[key], std::string("args.") + key);
    if (list.empty() || list.size() > model::kMaxBatch)
      c.fail(std::string("args.") + key, "must hold 1 to " + std::to_string(model::kMaxBatch) +
                                             " entries, not " + std::to_string(list.size()));
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      try {
        out.push_back(new_case_args(ind ? "add_indicator" : "add_sighting", list[i], by));
      } catch (const Error& e) {
        throw Error(e.category(), e.code(),
                    model::element_path(std::string("args.") + key, i) + ": " + e.what());
      }
    }
    return {{key, std::move(out)}};
  }
  if (action == "add_sighting") {
    args = filled_args(c, std::move(args),
                       {"type", "value", "first_seen", "last_seen", "count", "where"},
                       {{"count", 1}, {"where", ""}});
    args["side"] = "ours";
    args["by"] = by;
    args["at"] = format_timestamp(TimePoint{});
    nlohmann::json out = model::sighting_json(model::sighting_from_json(args, "args"));
    out.erase("side");
    out.erase("by");
    out.erase("at");
    return out;
  }
  return args;
}

nlohmann::json to_json(const AttachmentNote& a) {
  return {{"sha256", a.sha256},        {"size", a.size},  {"name", a.name}, {"action", a.action},
          {"side", to_string(a.side)}, {"actor", a.actor}};
}

namespace {

using Order = std::vector<std::size_t>;

void replay_alert(const std::string& id, const ItemLog& log, const Order& order, Replayed& out) {
  if (order.empty() || log.shared[order[0]].action != "raise") {
    throw Error(ErrorCategory::invalid_input, "alert_invalid", "an alert starts with 'raise'");
  }
  model::Alert alert = alert_create(id, log.shared[order[0]], out.attachments, out.check);
  replay_rest(alert, log, order, out,
              [](const model::Alert& al, const SharedAction& a) { return alert_apply(al, a); });
  out.item = std::move(alert);
}

[[noreturn]] void bad_request_log(const std::string& what) {
  throw Error(ErrorCategory::invalid_input, "request_invalid", what);
}

// The draft and its approval (local actions), before anything is sent.
std::optional<model::Request> request_draft(const std::string& id, const ItemLog& log,
                                            Replayed& out) {
  std::optional<model::Request> r;
  for (const auto& l : log.local) {
    if (l.action == "create") {
      auto d = request_definition(l.args);
      note_files(std::move(d.files), "create", Side::ours, l.actor, out.attachments);
      r = model::draft(id, d.kind, d.priority, std::move(d.labels), std::move(d.subject),
                       std::move(d.details), l.actor, parse_timestamp(l.at));
    } else if (l.action == "approve" && r) {
      bool required = l.args.value("four_eyes_required", false);
      r = model::approve(*r, l.actor, Side::ours, parse_timestamp(l.at), required);
    } else {
      bad_request_log("request log: unexpected local action '" + l.action + "'");
    }
  }
  return r;
}

void replay_request(const std::string& id, const ItemLog& log, const Order& order, Replayed& out) {
  std::optional<model::Request> r = request_draft(id, log, out);
  if (!order.empty()) {
    const SharedAction& first = log.shared[order[0]];
    if (first.action != "send") bad_request_log("a request starts with 'send'");
    if (first.side == Side::ours) {
      if (!r) bad_request_log("request log: sent without a draft");
      r = model::send(*r, first.actor, Side::ours, at_of(first));
      if (!first.received_at.empty()) {
        r = model::mark_received(*r, parse_timestamp(first.received_at));
      }
    } else {
      auto d = request_definition(first.args);
      note_files(std::move(d.files), "send", Side::theirs, first.actor, out.attachments);
      r = model::incoming(id, d.kind, d.priority, std::move(d.labels), std::move(d.subject),
                          std::move(d.details), first.actor, at_of(first),
                          parse_timestamp(first.received_at));
    }
    replay_rest(*r, log, order, out, [&](const model::Request& cur, const SharedAction& a) {
      return request_apply(cur, a, out.attachments);
    });
  }
  if (!r) bad_request_log("request log: no draft and nothing sent");
  out.item = std::move(*r);
}

void replay_case(const std::string& id, const ItemLog& log, const Order& order, Replayed& out) {
  if (order.empty() || log.shared[order[0]].action != "open") {
    throw Error(ErrorCategory::invalid_input, "case_invalid", "a case starts with 'open'");
  }
  const SharedAction& first = log.shared[order[0]];
  const JsonCheck c = checker_for(kCase);
  c.object(first.args, "args", {"title", "labels"});
  model::CaseFile cf =
      model::open_case(id, first.side, text_arg(c, first.args, "title"),
                       model::labels_from_json(first.args["labels"]), first.actor, at_of(first));
  replay_rest(cf, log, order, out, [&](model::CaseFile& cur, const SharedAction& a) {
    case_step(cur, a, out.attachments);
  });
  for (const auto& l : log.local) {
    if (l.action != "note")
      throw Error(ErrorCategory::invalid_input, "case_invalid",
                  "case log: unexpected local action");
    cf = model::add_note(cf, l.args.value("text", ""), l.actor, Side::ours, parse_timestamp(l.at));
  }
  out.item = std::move(cf);
}

void replay_round(const std::string& id, const ItemLog& log, const Order& order, Replayed& out) {
  if (order.empty() || log.shared[order[0]].action != "propose") {
    throw Error(ErrorCategory::invalid_input, "round_invalid", "a round starts with 'propose'");
  }
  model::ReviewRound round = round_apply(std::nullopt, id, log.shared[order[0]]);
  replay_rest(round, log, order, out, [&](const model::ReviewRound& cur, const SharedAction& a) {
    return round_apply(cur, id, a);
  });
  out.item = std::move(round);
}

void replay_dispute(const std::string& id, const ItemLog& log, const Order& order, Replayed& out) {
  if (order.empty() || log.shared[order[0]].action != "open" || !log.local.empty()) {
    throw Error(ErrorCategory::invalid_input, "dispute_invalid",
                "a dispute starts with 'open' and has no local actions");
  }
  model::Dispute d = dispute_apply(std::nullopt, id, log.shared[order[0]], out.attachments);
  replay_rest(d, log, order, out, [&](const model::Dispute& cur, const SharedAction& a) {
    return dispute_apply(cur, id, a, out.attachments);
  });
  out.item = std::move(d);
}

}  // namespace

void apply_case_action(Replayed& r, const SharedAction& a) {
  case_step(std::get<model::CaseFile>(r.item), a, r.attachments);
}

Replayed replay(const std::string& kind, const std::string& id, const ItemLog& log) {
  Replayed out;
  out.kind = kind;
  const auto order = linearize(log);
  if (kind == kAlert) {
    replay_alert(id, log, order, out);
  } else if (kind == kRequest) {
    replay_request(id, log, order, out);
  } else if (kind == kCase) {
    replay_case(id, log, order, out);
  } else if (kind == kRound) {
    replay_round(id, log, order, out);
  } else if (kind == kDispute) {
    replay_dispute(id, log, order, out);
  } else {
    throw Error(ErrorCategory::invalid_input, "item_invalid", "unknown item kind '" + kind + "'");
  }
  return out;
}

std::string Replayed::state() const {
  return std::visit([](const auto& x) { return std::string(model::to_string(x.state)); }, item);
}

std::string Replayed::title() const {
  if (const auto* a = std::get_if<model::Alert>(&item)) return a->summary;
  if (const auto* r = std::get_if<model::Request>(&item)) return r->subject;
  if (const auto* d = std::get_if<model::Dispute>(&item)) return d->title;
  if (const auto* c = std::get_if<model::CaseFile>(&item)) return c->title;
  return std::get<model::ReviewRound>(item).plan.title;
}

const model::Labels& Replayed::labels() const {
  static const model::Labels round_labels{};
  return std::visit(
      [](const auto& x) -> const model::Labels& {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, model::ReviewRound>) {
          return round_labels;
        } else {
          return x.labels;
        }
      },
      item);
}

nlohmann::json Replayed::document() const {
  nlohmann::json j = std::visit([](const auto& x) { return model::to_json(x); }, item);
  j["item_kind"] = kind;
  if (kind == kAlert) j["check"] = check;
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : attachments) files.push_back(to_json(f));
  j["files"] = files;
  nlohmann::json v = nlohmann::json::array();
  for (const auto& x : voided) {
    v.push_back({{"envelope", x.envelope},
                 {"side", model::to_string(x.side)},
                 {"action", x.action},
                 {"actor", x.actor},
                 {"reason", x.reason}});
  }
  j["void"] = v;
  return j;
}

}  // namespace hotline::service
