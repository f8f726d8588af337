#include "hotline/model/dispute.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kDisputeStateNames{
    "open", "answered", "settlement_proposed", "settled", "withdrawn"};
constexpr std::array<std::string_view, 7> kDisputeActionNames{
    "open", "answer", "add_position", "propose", "accept", "reject", "withdraw"};
constexpr std::array<std::string_view, 5> kDisputeGroundNames{
    "timeliness", "quality", "attribution", "jurisdiction", "other"};
constexpr std::array<std::string_view, 3> kAdjustableDeadlines{"acknowledge", "first_response",
                                                               "final_response"};

const JsonCheck kDisputeCheck{"dispute_invalid", "dispute"};
constexpr std::size_t kMaxDisputeReason = 4000;

void require(const Dispute& d, DisputeAction action) {
  if (is_possible(d, action)) return;
  std::vector<std::string_view> possible;
  for (DisputeAction a : possible_actions(d)) possible.push_back(to_string(a));
  detail::illegal_transition("dispute", d.id, to_string(d.state), to_string(action), possible);
}

Dispute with_dispute_event(Dispute next, DisputeAction action, const std::string& by, Side side,
                           TimePoint at, json args) {
  kDisputeCheck.name(by, "actor");
  next.history.push_back({action, by, side, at, std::move(args)});
  return next;
}

bool is_file_digest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

// A language tag: 2 or 3 letters, then "-" subtags of 1 to 8 letters or
// digits ("en", "zh-CN", "zh-Hans-CN").
bool is_language_tag(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    std::size_t j = ++i;
    while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i || j - i > 8) return false;
    i = j;
  }
  return true;
}

void check_position_files(const std::vector<PositionFile>& files) {
  if (files.size() > kMaxPositionFiles)
    kDisputeCheck.fail("attachments", "more than " + std::to_string(kMaxPositionFiles) + " files");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string path = element_path("attachments", i);
    if (!is_file_digest(files[i].sha256))
      kDisputeCheck.fail(member_path(path, "sha256"), "must be 64 lowercase hex digits");
    if (files[i].size < 0) kDisputeCheck.fail(member_path(path, "size"), "must not be negative");
    kDisputeCheck.name(files[i].name, member_path(path, "name"));
  }
}

void check_position(const std::string& text, const std::string& lang,
                    const std::vector<PositionFile>& files) {
  kDisputeCheck.text(text, "text", kMaxPositionBytes, true);
  if (!is_language_tag(lang))
    kDisputeCheck.fail("lang", quote_value(lang) + " is not a language tag (e.g. en, zh-CN)");
  check_position_files(files);
}

// A JSON pointer (RFC 6901) into a report body: "/..." with "~" only as
// "~0" or "~1".
bool is_pointer(std::string_view p) {
  if (p.empty() || p[0] != '/' || p.size() > 500) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const auto ch = static_cast<unsigned char>(p[i]);
    if (ch < 0x20 || ch == 0x7f) return false;
    if (p[i] == '~' && (i + 1 == p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) return false;
  }
  return true;
}

void check_subject(const DisputeSubject& s) {
  if (s.item.empty() == s.figure.empty())
    kDisputeCheck.fail("subject", "names an item or a figure (one of the two)");
  if (!s.item.empty()) {
    kDisputeCheck.id(s.item, "subject.item");
    if (s.period_from || s.period_to)
      kDisputeCheck.fail("subject", "an item's dispute has no report period");
    return;
  }
  if (!is_pointer(s.figure))
    kDisputeCheck.fail("subject.figure", quote_value(s.figure) +
                                             " is not a JSON pointer into the report body (/...)");
  if (!s.period_from || !s.period_to)
    kDisputeCheck.fail("subject",
                       "a figure's dispute names the report period (period_from, period_to)");
  if (*s.period_to <= *s.period_from)
    kDisputeCheck.fail("subject.period_to", "must come after period_from");
}

void check_proposal_version(const Dispute& d, int given) {
  if (given != d.proposal_version) {
    throw Error(ErrorCategory::conflict, "dispute_version",
                "dispute " + d.id + ": the proposed settlement is at version " +
                    std::to_string(d.proposal_version) + ", not " + std::to_string(given) +
                    " (it was replaced since; read it again)");
  }
}

json position_files_json(const std::vector<PositionFile>& files) {
  json out = json::array();
  for (const auto& f : files) out.push_back(to_json(f));
  return out;
}

json adjustment_json(const std::optional<DeadlineAdjustment>& a) {
  if (!a) return nullptr;
  return {{"item", a->item}, {"deadline", a->deadline}};
}

Position position_of(DisputeAction action, const std::string& by, Side side, TimePoint at,
                     std::string text, std::string lang, std::optional<std::size_t> translation_of,
                     std::vector<PositionFile> files) {
  return Position{
      side, by, at, action, std::move(text), std::move(lang), translation_of, std::move(files)};
}

}  // namespace

std::string_view to_string(DisputeState state) {
  return kDisputeStateNames[static_cast<std::size_t>(state)];
}
std::string_view to_string(DisputeAction action) {
  return kDisputeActionNames[static_cast<std::size_t>(action)];
}
std::string_view to_string(DisputeGround ground) {
  return kDisputeGroundNames[static_cast<std::size_t>(ground)];
}
std::optional<DisputeAction> parse_dispute_action(std::string_view text) {
  for (std::size_t i = 0; i < kDisputeActionNames.size(); ++i) {
    if (kDisputeActionNames[i] == text) return static_cast<DisputeAction>(i);
  }
  return std::nullopt;
}
std::optional<DisputeGround> parse_dispute_ground(std::string_view text) {
  for (std::size_t i = 0; i < kDisputeGroundNames.size(); ++i) {
    if (kDisputeGroundNames[i] == text) return static_cast<DisputeGround>(i);
  }
  return std::nullopt;
}
bool is_adjustable_deadline(std::string_view deadline) {
  return std::find(kAdjustableDeadlines.begin(), kAdjustableDeadlines.end(), deadline) !=
         kAdjustableDeadlines.end();
}

bool is_possible(const Dispute& d, DisputeAction action) {
  const bool live = d.state == DisputeState::open || d.state == DisputeState::answered ||
                    d.state == DisputeState::settlement_proposed;
  switch (action) {
    case DisputeAction::open:
      return false;
    case DisputeAction::answer:
      return d.state == DisputeState::open;
    case DisputeAction::add_position:
    case DisputeAction::withdraw:
      return live;
    case DisputeAction::propose:
      return d.state == DisputeState::answered || d.state == DisputeState::settlement_proposed;
    case DisputeAction::accept:
    case DisputeAction::reject:
      return d.state == DisputeState::settlement_proposed;
  }
  return false;
}

std::vector<DisputeAction> possible_actions(const Dispute& d) {
  std::vector<DisputeAction> out;
  for (DisputeAction a : kDisputeActions) {
    if (is_possible(d, a)) out.push_back(a);
  }
  return out;
}

std::vector<DisputeAction> possible_actions(const Dispute& d, Side side) {
  std::vector<DisputeAction> out;
  for (DisputeAction a : possible_actions(d)) {
    if (a == DisputeAction::answer && side == d.origin) continue;
    if (a == DisputeAction::withdraw && side != d.origin) continue;
    if ((a == DisputeAction::accept || a == DisputeAction::reject) && d.proposal &&
        d.proposal->side == side)
      continue;
    out.push_back(a);
  }
  return out;
}

Dispute open_dispute(std::string id, Side origin, DisputeOpening o, const std::string& by,
                     TimePoint at) {
  kDisputeCheck.id(id, "id");
  kDisputeCheck.name(o.title, "title");
  try {
    validate(o.labels);
  } catch (const Error& e) {
    kDisputeCheck.fail("labels", e.what());
  }
  check_subject(o.subject);
  check_position(o.text, o.lang, o.attachments);
  json args = opening_args(o);
  Dispute d;
  d.id = std::move(id);
  d.origin = origin;
  d.title = std::move(o.title);
  d.labels = std::move(o.labels);
  d.ground = o.ground;
  d.subject = std::move(o.subject);
  d.positions.push_back(position_of(DisputeAction::open, by, origin, at, std::move(o.text),
                                    std::move(o.lang), std::nullopt, std::move(o.attachments)));
  return with_dispute_event(std::move(d), DisputeAction::open, by, origin, at, std::move(args));
}

Dispute answer_dispute(const Dispute& d, const std::string& by, Side side, TimePoint at,
                       std::string text, std::string lang, std::vector<PositionFile> files) {
  require(d, DisputeAction::answer);
  if (side == d.origin)
    detail::wrong_side("dispute", d.id, "answer", "the side that did not open it",
                       opposite(d.origin), side);
  check_position(text, lang, files);
  json args = {{"text", text}, {"lang", lang}, {"attachments", position_files_json(files)}};
  Dispute next = d;
  next.positions.push_back(position_of(DisputeAction::answer, by, side, at, std::move(text),
                                       std::move(lang), std::nullopt, std::move(files)));
  next.state = DisputeState::answered;
  return with_dispute_event(std::move(next), DisputeAction::answer, by, side, at, std::move(args));
}

Dispute add_position(const Dispute& d, const std::string& by, Side side, TimePoint at,
                     std::string text, std::string lang, std::optional<std::size_t> translation_of,
                     std::vector<PositionFile> files) {
  require(d, DisputeAction::add_position);
  check_position(text, lang, files);
  if (d.positions.size() >= kMaxPositions)
    kDisputeCheck.fail("positions", "more than " + std::to_string(kMaxPositions));
  if (translation_of && *translation_of >= d.positions.size())
    kDisputeCheck.fail("translation_of", "there is no position " + std::to_string(*translation_of) +
                                             " (the dispute has " +
                                             std::to_string(d.positions.size()) +
                                             ", numbered from 0)");
  json args = {{"text", text},
               {"lang", lang},
               {"translation_of",
                translation_of ? json(static_cast<std::int64_t>(*translation_of)) : json(nullptr)},
               {"attachments", position_files_json(files)}};
  Dispute next = d;
  next.positions.push_back(position_of(DisputeAction::add_position, by, side, at, std::move(text),
                                       std::move(lang), translation_of, std::move(files)));
  return with_dispute_event(std::move(next), DisputeAction::add_position, by, side, at,
                            std::move(args));
}

Dispute propose_settlement(const Dispute& d, const std::string& by, Side side, TimePoint at,
                           std::string text, std::optional<DeadlineAdjustment> adjustment) {
  require(d, DisputeAction::propose);
  kDisputeCheck.text(text, "text", kMaxPositionBytes, true);
  if (adjustment) {
    if (d.ground != DisputeGround::timeliness)
      kDisputeCheck.fail("adjustment",
                         "only a timeliness dispute's settlement adjusts a deadline (this "
                         "dispute's ground is " +
                             std::string(to_string(d.ground)) + ")");
    kDisputeCheck.id(adjustment->item, "adjustment.item");
    if (!is_adjustable_deadline(adjustment->deadline))
      kDisputeCheck.fail("adjustment.deadline", quote_value(adjustment->deadline) +
                                                    " is not acknowledge, first_response or "
                                                    "final_response");
  }
  json args = {{"text", text}, {"adjustment", adjustment_json(adjustment)}};
  Dispute next = d;
  next.proposal_version += 1;
  next.proposal =
      Settlement{next.proposal_version, side, by, at, std::move(text), std::move(adjustment)};
  next.state = DisputeState::settlement_proposed;
  return with_dispute_event(std::move(next), DisputeAction::propose, by, side, at, std::move(args));
}

Dispute accept_settlement(const Dispute& d, const std::string& by, Side side, TimePoint at,
                          int version) {
  require(d, DisputeAction::accept);
  if (side == d.proposal->side)
    detail::wrong_side("dispute", d.id, "accept", "the side that did not propose the settlement",
                       opposite(d.proposal->side), side);
  check_proposal_version(d, version);
  Dispute next = d;
  next.state = DisputeState::settled;
  next.settled_at = at;
  next.settled_by = by;
  return with_dispute_event(std::move(next), DisputeAction::accept, by, side, at,
                            json{{"version", version}});
}

Dispute reject_settlement(const Dispute& d, const std::string& by, Side side, TimePoint at,
                          int version, const std::string& reason) {
  require(d, DisputeAction::reject);
  if (side == d.proposal->side)
    detail::wrong_side("dispute", d.id, "reject", "the side that did not propose the settlement",
                       opposite(d.proposal->side), side);
  check_proposal_version(d, version);
  kDisputeCheck.text(reason, "reason", kMaxDisputeReason, false);
  Dispute next = d;
  next.state = DisputeState::answered;
  next.proposal.reset();
  return with_dispute_event(std::move(next), DisputeAction::reject, by, side, at,
                            json{{"version", version}, {"reason", reason}});
}

Dispute withdraw_dispute(const Dispute& d, const std::string& by, Side side, TimePoint at,
                         const std::string& reason) {
  require(d, DisputeAction::withdraw);
  if (side != d.origin)
    detail::wrong_side("dispute", d.id, "withdraw", "the side that opened it", d.origin, side);
  kDisputeCheck.text(reason, "reason", kMaxDisputeReason, true);
  Dispute next = d;
  next.state = DisputeState::withdrawn;
  next.withdraw_reason = reason;
  return with_dispute_event(std::move(next), DisputeAction::withdraw, by, side, at,
                            json{{"reason", reason}});
}

json to_json(const PositionFile& f) {
  return {{"sha256", f.sha256}, {"size", f.size}, {"name", f.name}};
}

json to_json(const DisputeSubject& s) {
  if (!s.figure.empty())
    return {{"figure", s.figure},
            {"period_from", time_json(s.period_from)},
            {"period_to", time_json(s.period_to)}};
  return {{"item", s.item}};
}

json opening_args(const DisputeOpening& o) {
  return {{"title", o.title},
          {"labels", to_json(o.labels)},
          {"ground", to_string(o.ground)},
          {"subject", to_json(o.subject)},
          {"text", o.text},
          {"lang", o.lang},
          {"attachments", position_files_json(o.attachments)}};
}

namespace {

std::vector<PositionFile> position_files_from(const json& args) {
  const json& list = kDisputeCheck.array(args["attachments"], "attachments");
  std::vector<PositionFile> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = element_path("attachments", i);
    kDisputeCheck.object(list[i], path, {"sha256", "size", "name"});
    out.push_back({kDisputeCheck.string(list[i]["sha256"], member_path(path, "sha256")),
                   kDisputeCheck.integer(list[i]["size"], member_path(path, "size"), 0,
                                         std::int64_t{1} << 50),
                   kDisputeCheck.string(list[i]["name"], member_path(path, "name"))});
  }
  return out;
}

DisputeSubject subject_from(const json& j) {
  DisputeSubject s;
  if (j.is_object() && j.contains("item")) {
    kDisputeCheck.object(j, "subject", {"item"});
    s.item = kDisputeCheck.string(j["item"], "subject.item");
    return s;
  }
  kDisputeCheck.object(j, "subject", {"figure", "period_from", "period_to"});
  s.figure = kDisputeCheck.string(j["figure"], "subject.figure");
  s.period_from = kDisputeCheck.time(j["period_from"], "subject.period_from");
  s.period_to = kDisputeCheck.time(j["period_to"], "subject.period_to");
  return s;
}

DisputeOpening opening_from(const json& args) {
  kDisputeCheck.object(args, "args",
                       {"title", "labels", "ground", "subject", "text", "lang", "attachments"});
  DisputeOpening o;
  o.title = kDisputeCheck.string(args["title"], "title");
  try {
    o.labels = labels_from_json(args["labels"]);
  } catch (const Error& e) {
    kDisputeCheck.fail("labels", e.what());
  }
  o.ground = static_cast<DisputeGround>(
      kDisputeCheck.one_of(args["ground"], "ground", kDisputeGroundNames));
  o.subject = subject_from(args["subject"]);
  o.text = kDisputeCheck.string(args["text"], "text");
  o.lang = kDisputeCheck.string(args["lang"], "lang");
  o.attachments = position_files_from(args);
  return o;
}

std::optional<DeadlineAdjustment> adjustment_from(const json& j) {
  if (j.is_null()) return std::nullopt;
  kDisputeCheck.object(j, "adjustment", {"item", "deadline"});
  return DeadlineAdjustment{kDisputeCheck.string(j["item"], "adjustment.item"),
                            kDisputeCheck.string(j["deadline"], "adjustment.deadline")};
}

int proposal_version_of(const json& args) {
  return static_cast<int>(kDisputeCheck.integer(args["version"], "version", 1, 1000000));
}

Dispute apply_to(const Dispute& d, DisputeAction action, const std::string& by, Side side,
                 TimePoint at, const json& args) {
  switch (action) {
    case DisputeAction::answer:
      kDisputeCheck.object(args, "args", {"text", "lang", "attachments"});
      return answer_dispute(d, by, side, at, kDisputeCheck.string(args["text"], "text"),
                            kDisputeCheck.string(args["lang"], "lang"), position_files_from(args));
    case DisputeAction::add_position: {
      kDisputeCheck.object(args, "args", {"text", "lang", "translation_of", "attachments"});
      std::optional<std::size_t> of;
      if (!args["translation_of"].is_null())
        of = static_cast<std::size_t>(
            kDisputeCheck.integer(args["translation_of"], "translation_of", 0, 1000000));
      return add_position(d, by, side, at, kDisputeCheck.string(args["text"], "text"),
                          kDisputeCheck.string(args["lang"], "lang"), of,
                          position_files_from(args));
    }
    case DisputeAction::propose:
      kDisputeCheck.object(args, "args", {"text", "adjustment"});
      return propose_settlement(d, by, side, at, kDisputeCheck.string(args["text"], "text"),
                                adjustment_from(args["adjustment"]));
    case DisputeAction::accept:
      kDisputeCheck.object(args, "args", {"version"});
      return accept_settlement(d, by, side, at, proposal_version_of(args));
    case DisputeAction::reject:
      kDisputeCheck.object(args, "args", {"version", "reason"});
      return reject_settlement(d, by, side, at, proposal_version_of(args),
                               kDisputeCheck.string(args["reason"], "reason"));
    case DisputeAction::withdraw:
      kDisputeCheck.object(args, "args", {"reason"});
      return withdraw_dispute(d, by, side, at, kDisputeCheck.string(args["reason"], "reason"));
    case DisputeAction::open:
      break;
  }
  kDisputeCheck.fail("action", "is unknown");
}

}  // namespace

Dispute apply_dispute_action(const std::optional<Dispute>& d, const std::string& id,
                             DisputeAction action, const std::string& by, Side side, TimePoint at,
                             const json& args) {
  if (action == DisputeAction::open) {
    if (d) require(*d, action);
    return open_dispute(id, side, opening_from(args), by, at);
  }
  if (!d) kDisputeCheck.fail("history", "must start with 'open'");
  // Refuse by state before reading the arguments: "not possible now" is the
  // clearer error.
  require(*d, action);
  return apply_to(*d, action, by, side, at, args);
}

json to_json(const Dispute& d) {
  json positions = json::array();
  for (const auto& p : d.positions) {
    positions.push_back(
        {{"side", to_string(p.side)},
         {"actor", p.actor},
         {"at", format_timestamp(p.at)},
         {"action", to_string(p.action)},
         {"text", p.text},
         {"lang", p.lang},
         {"translation_of",
          p.translation_of ? json(static_cast<std::int64_t>(*p.translation_of)) : json(nullptr)},
         {"attachments", position_files_json(p.attachments)}});
  }
  json proposal = nullptr;
  if (d.proposal) {
    proposal = {
        {"version", d.proposal->version}, {"side", to_string(d.proposal->side)},
        {"actor", d.proposal->actor},     {"at", format_timestamp(d.proposal->at)},
        {"text", d.proposal->text},       {"adjustment", adjustment_json(d.proposal->adjustment)}};
  }
  json history = json::array();
  for (const auto& e : d.history) {
    history.push_back({{"action", to_string(e.action)},
                       {"actor", e.actor},
                       {"side", to_string(e.side)},
                       {"at", format_timestamp(e.at)},
                       {"args", e.args}});
  }
  return {{"id", d.id},
          {"origin", to_string(d.origin)},
          {"title", d.title},
          {"labels", to_json(d.labels)},
          {"ground", to_string(d.ground)},
          {"subject", to_json(d.subject)},
          {"state", to_string(d.state)},
          {"positions", std::move(positions)},
          {"proposal_version", d.proposal_version},
          {"proposal", std::move(proposal)},
          {"settled_at", time_json(d.settled_at)},
          {"settled_by", d.settled_by},
          {"withdraw_reason", d.withdraw_reason},
          {"history", std::move(history)}};
}

Dispute dispute_from_json(const json& j) {
  kDisputeCheck.object(
      j, "",
      {"id", "origin", "title", "labels", "ground", "subject", "state", "positions",
       "proposal_version", "proposal", "settled_at", "settled_by", "withdraw_reason", "history"});
  const std::string id = kDisputeCheck.string(j["id"], "id");
  const json& h = kDisputeCheck.array(j["history"], "history");
  std::optional<Dispute> d;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::string path = element_path("history", i);
    kDisputeCheck.object(h[i], path, {"action", "actor", "side", "at", "args"});
    auto action = static_cast<DisputeAction>(
        kDisputeCheck.one_of(h[i]["action"], member_path(path, "action"), kDisputeActionNames));
    d = apply_dispute_action(d, id, action,
                             kDisputeCheck.string(h[i]["actor"], member_path(path, "actor")),
                             kDisputeCheck.side(h[i]["side"], member_path(path, "side")),
                             kDisputeCheck.time(h[i]["at"], member_path(path, "at")), h[i]["args"]);
  }
  if (!d) kDisputeCheck.fail("history", "must start with 'open'");
  if (to_json(*d) != j) kDisputeCheck.fail("history", "does not give the document's members");
  return *d;
}

}  // namespace hotline::model
