// hotline round propose|agenda|accept|minutes|sign|done|cancel|list|show:
// review rounds with a peer (docs/review.md, "Review rounds"). A round is a
// shared item of kind "round" (model/review_round.h): either side proposes
// it with the period under review, the meeting's date, place and
// participants; the node adds the agenda points it finds in the records;
// both sides edit and accept the agenda (by version), record the minutes
// and their action items, accept them (by version: both signatures), and
// each owner completes its action items.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/model/review_round.h"
#include "hotline/service/desk_service.h"
#include "item_format.h"

namespace hotline::cli {
namespace round_cmd {

using nlohmann::json;

[[noreturn]] void usage(const std::string& message) {
  throw Error(ErrorCategory::usage, "usage", message);
}

std::string sid(const service::ItemView& v) {
  return service::short_id(v.record.id);
}

std::string safe(const json& j, const char* key, std::size_t max = 4096) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return escape_text(j[key].get<std::string>(), max);
}

// "2026-11-20", "2026-11-20T09:30", "2026-11-20T09:30Z", "2026-11-20T09:30:00Z"
// or the full "2026-11-20T09:30:00.000Z": a time in UTC.
TimePoint parse_when(const std::string& text, const char* option) {
  std::string t = trim(text);
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  if (t.size() == 10) t += "T00:00";
  if (t.size() == 16) t += ":00";
  if (t.size() == 19) t += ".000";
  t += "Z";
  try {
    return parse_timestamp(t);
  } catch (const Error&) {
    usage(std::string(option) + " '" + escape_text(text, 80) +
          "' is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM[:SS]Z)");
  }
}

// "NAME:ROLE" (ROLE may be empty or hold ':').
model::Participant parse_participant(const std::string& text, model::Side side) {
  const auto colon = text.find(':');
  model::Participant p;
  p.name = trim(text.substr(0, colon));
  if (colon != std::string::npos) p.role = trim(text.substr(colon + 1));
  p.side = side;
  if (p.name.empty()) usage("--participant '" + escape_text(text, 80) + "': give NAME:ROLE");
  return p;
}

// An action item as typed: "OWNER:YYYY-MM-DD:TEXT", OWNER being "ours",
// "theirs", or a party's name.
json parse_action_item(const std::string& text, const std::string& us, const std::string& peer) {
  const auto c1 = text.find(':');
  const auto c2 = c1 == std::string::npos ? c1 : text.find(':', c1 + 1);
  if (c2 == std::string::npos) {
    usage("--action '" + escape_text(text, 80) + "': give OWNER:YYYY-MM-DD:TEXT");
  }
  const std::string owner = trim(text.substr(0, c1));
  std::string mine;
  if (owner == "ours" || owner == "us" || owner == us) {
    mine = "mine";
  } else if (owner == "theirs" || owner == "them" || owner == peer) {
    mine = "yours";
  } else {
    usage("--action: the owner '" + escape_text(owner, 80) + "' is neither ours (" + us +
          ") nor theirs (" + peer + ")");
  }
  return {{"owner", mine},
          {"text", trim(text.substr(c2 + 1))},
          {"due", trim(text.substr(c1 + 1, c2 - c1 - 1))}};
}

std::string party_of(const std::string& side, const std::string& us, const std::string& peer) {
  return side == "ours" ? us : side == "theirs" ? peer : side;
}

// ---- show -------------------------------------------------------------------

void append_plan(std::string& out, const json& d, const std::string& us, const std::string& peer) {
  const json& plan = d["plan"];
  out += "  period       " + safe(plan, "period_from").substr(0, 10) + " to " +
         safe(plan, "period_to").substr(0, 10) + " (the end excluded)\n";
  out += "  meeting      " + safe(plan, "meeting_at") + ", " + safe(plan, "place") + "\n";
  out += "  participants\n";
  for (const auto& p : plan["participants"]) {
    out += "    " + safe(p, "name") + (safe(p, "role").empty() ? "" : ", " + safe(p, "role")) +
           " (" + escape_text(party_of(p.value("party", ""), us, peer)) + ")\n";
  }
  const bool ours = d.value("agenda_accepted_ours", false);
  const bool theirs = d.value("agenda_accepted_theirs", false);
  out += "  agenda       version " + std::to_string(d.value("agenda_version", 0)) +
         ", accepted by " +
         (ours && theirs ? "both"
          : ours         ? us + " (waiting for " + peer + ")"
          : theirs       ? peer + " (waiting for " + us + ")"
                         : "nobody yet") +
         "\n";
  int n = 0;
  for (const auto& a : plan["agenda"]) {
    out += "    " + std::to_string(++n) + ". " + safe(a, "text") +
           (a.value("source", "") == "records" ? "  [from the records]" : "") + "\n";
  }
}

void append_minutes(std::string& out, const json& d, const std::string& us,
                    const std::string& peer) {
  if (d.value("minutes_version", 0) == 0) return;
  out += "  minutes      version " + std::to_string(d.value("minutes_version", 0)) +
         ", proposed by " + escape_text(party_of(d.value("minutes_by", ""), us, peer)) +
         (d.value("state", "") == "closed" ? ", accepted by both" : ", not accepted yet") + "\n";
  std::string text;
  for (char c : escape_lines(d.value("minutes", ""))) {
    text += c;
    if (c == '\n') text += "    ";
  }
  out += "    " + text + "\n";
  int n = 0;
  if (!d["action_items"].empty()) out += "  action items\n";
  for (const auto& a : d["action_items"]) {
    std::string status = a.value("done", false)      ? "done"
                         : a.value("overdue", false) ? "OVERDUE"
                                                     : "open";
    out += "    " + std::to_string(++n) + ". [" + status + "] " +
           escape_text(party_of(a.value("owner", ""), us, peer)) + ", due " + safe(a, "due") +
           ": " + safe(a, "text") + "\n";
    if (a.value("done", false)) {
      out += "       done " + safe(a, "done_at") + " by " + safe(a, "done_by") + ": " +
             safe(a, "done_note") + "\n";
    }
  }
}

// What this node can do next, as commands (the node spelled as `target`,
// the person as `actor`).
std::vector<std::string> next_steps(const service::ItemView& v, const std::string& peer,
                                    const std::string& target, const std::string& actor) {
  const json& d = v.document;
  const std::string id = sid(v);
  const std::string tail = target + actor;
  const std::string state = v.record.state;
  std::vector<std::string> out;
  if (state == "proposed") {
    const std::string version = std::to_string(d.value("agenda_version", 0));
    if (d.value("agenda_accepted_ours", false)) {
      out.push_back("waiting for " + peer + " to accept agenda version " + version);
    } else {
      out.push_back("hotline round accept " + id + " --version " + version + tail);
    }
    out.push_back("hotline round agenda " + id + " --add TEXT | --remove N" + tail +
                  "   (a new version)");
  } else if (state == "agenda_agreed") {
    out.push_back("hotline round minutes " + id +
                  " --text TEXT --action OWNER:YYYY-MM-DD:TEXT ..." + tail);
  } else if (state == "minutes_proposed") {
    const std::string version = std::to_string(d.value("minutes_version", 0));
    if (d.value("minutes_by", "") == "theirs") {
      out.push_back("hotline round sign " + id + " --version " + version + tail);
    } else {
      out.push_back("waiting for " + peer + " to sign minutes version " + version);
    }
  } else if (state == "closed") {
    int n = 0;
    for (const auto& a : d["action_items"]) {
      ++n;
      if (a.value("owner", "") == "ours" && !a.value("done", false)) {
        out.push_back("hotline round done " + id + " --item " + std::to_string(n) + " --note TEXT" +
                      tail);
      }
    }
  }
  if (state != "closed" && state != "cancelled") {
    out.push_back("hotline round cancel " + id + " --reason TEXT" + tail);
  }
  return out;
}

void print_round(const service::ItemView& v, const std::string& us, const std::string& target,
                 const std::string& actor) {
  const json& d = v.document;
  const std::string peer = escape_text(v.peer.empty() ? "the peer" : v.peer);
  std::string out = "Round " + sid(v) + ": " + escape_text(v.record.title) + "\n";
  out += "  id           " + v.record.id + "\n";
  out += "  state        " + v.record.state + "\n";
  out += "  proposed by  " + (d.value("origin", "") == "ours" ? us : peer) + "\n";
  append_plan(out, d, us, peer);
  append_minutes(out, d, us, peer);
  if (!d.value("cancel_reason", "").empty()) {
    out += "  cancelled    " + safe(d, "cancel_reason") + "\n";
  }
  out += "  history\n";
  for (const auto& h : d["history"]) {
    out += "    " + safe(h, "at") + "  " + safe(h, "action") + " by " + safe(h, "actor") + " (" +
           escape_text(party_of(h.value("side", ""), us, peer)) + ")\n";
  }
  for (const auto& x : d["void"]) {
    out += "  void: " + safe(x, "action") + " by " + safe(x, "actor") + ": " + safe(x, "reason") +
           "\n";
  }
  const auto next = next_steps(v, peer, target, actor);
  out += next.empty() ? "  next: nothing for this node to do\n" : "  next\n";
  for (const auto& n : next) out += "    " + n + "\n";
  std::fputs(out.c_str(), stdout);
}

void print_rounds(const std::vector<service::ItemView>& rounds, bool all) {
  if (rounds.empty()) {
    std::printf("%s\n", all ? "No review rounds." : "No open review rounds (--all shows all).");
    return;
  }
  std::printf("%-9s %-17s %-8s %-17s %-8s %s\n", "ID", "STATE", "PEER", "MEETING (UTC)", "OVERDUE",
              "TITLE");
  for (const auto& v : rounds) {
    const json& plan = v.document["plan"];
    std::printf("%-9s %-17s %-8s %-17s %-8d %s\n", sid(v).c_str(), v.record.state.c_str(),
                escape_text(v.peer, 8).c_str(), safe(plan, "meeting_at").substr(0, 16).c_str(),
                v.document.value("action_items_overdue", 0),
                escape_text(v.record.title, 60).c_str());
  }
}

// ---- commands -----------------------------------------------------------------

struct ActOpts {
  Target target;
  std::string id, as, text, file, note, reason, place, date;
  int version = 0;
  int item = 0;
  std::vector<std::string> add, participants, their_participants, actions;
  std::vector<int> remove;
};

CLI::App* action(CLI::App* parent, const char* name, const char* help,
                 const std::shared_ptr<ActOpts>& o) {
  auto* cmd = parent->add_subcommand(name, help);
  add_target_options(cmd, o->target);
  cmd->add_option("id", o->id, "The round's id (or its first or last 8 characters)")->required();
  cmd->add_option("--as", o->as, as_help("doing this"));
  return cmd;
}

void add_propose_command(CLI::App* rs) {
  struct Opts {
    Target target;
    std::string peer, from, to, date, place, title, as;
    std::vector<std::string> participants, their_participants, points;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = rs->add_subcommand(
      "propose",
      "Propose a review round: the period under review, when and where the parties meet, who "
      "comes. The agenda starts with what the records show (overdue and declined requests, "
      "alerts not acknowledged in time, open disputes, open action items of earlier rounds).");
  add_target_options(cmd, o->target);
  cmd->add_option("--peer", o->peer, "The peer's name")->required();
  cmd->add_option("--from", o->from, "First day of the period under review (YYYY-MM-DD)")
      ->required();
  cmd->add_option("--to", o->to, "The day after the period (YYYY-MM-DD; excluded)")->required();
  cmd->add_option("--date", o->date, "When the parties meet (YYYY-MM-DDTHH:MMZ, UTC)")->required();
  cmd->add_option("--place", o->place, "Where (one line, e.g. \"Videoconference\")");
  cmd->add_option("--title", o->title, "One line (default: \"Review round FROM to TO\")");
  cmd->add_option("--participant", o->participants, "One of ours: NAME:ROLE (repeat)");
  cmd->add_option("--their-participant", o->their_participants,
                  "One of the peer's: NAME:ROLE (repeat)");
  cmd->add_option("--point", o->points, "An agenda point of ours, one line (repeat)");
  cmd->add_option("--as", o->as, as_help("proposing it"));
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    service::RoundInput in;
    in.plan.period_from = parse_when(o->from, "--from");
    in.plan.period_to = parse_when(o->to, "--to");
    in.plan.meeting_at = parse_when(o->date, "--date");
    in.plan.place = o->place;
    in.plan.title =
        o->title.empty() ? "Review round " + trim(o->from) + " to " + trim(o->to) : o->title;
    for (const auto& p : o->participants)
      in.plan.participants.push_back(parse_participant(p, model::Side::ours));
    for (const auto& p : o->their_participants)
      in.plan.participants.push_back(parse_participant(p, model::Side::theirs));
    for (const auto& p : o->points) in.plan.agenda.push_back({trim(p), "party", ""});
    auto v = desk->propose_round(o->peer, in);
    std::printf("Round %s proposed to %s: \"%s\", meeting %s; agenda version 1 with %zu points.\n",
                sid(v).c_str(), escape_text(v.peer).c_str(), escape_text(v.record.title).c_str(),
                format_timestamp(in.plan.meeting_at).c_str(), v.document["plan"]["agenda"].size());
  });
}

// The round's plan as the arguments of edit_agenda, with the changes asked.
json edited_plan(const service::ItemView& v, const ActOpts& o) {
  // The document names sides "ours"/"theirs"; the arguments "mine"/"yours"
  // (relative to the actor: us).
  json p = v.document["plan"];
  for (auto& x : p["participants"]) x["party"] = x.value("party", "") == "ours" ? "mine" : "yours";
  std::vector<int> drop = o.remove;
  std::sort(drop.rbegin(), drop.rend());
  for (int n : drop) {
    if (n < 1 || static_cast<std::size_t>(n) > p["agenda"].size())
      usage("--remove " + std::to_string(n) + ": the agenda has " +
            std::to_string(p["agenda"].size()) + " points");
    p["agenda"].erase(static_cast<std::size_t>(n - 1));
  }
  for (const auto& t : o.add)
    p["agenda"].push_back({{"text", trim(t)}, {"source", "party"}, {"ref", ""}});
  if (!o.place.empty()) p["place"] = o.place;
  if (!o.date.empty()) p["meeting_at"] = format_timestamp(parse_when(o.date, "--date"));
  if (!o.participants.empty() || !o.their_participants.empty()) {
    p["participants"] = json::array();
    for (const auto& s : o.participants) {
      auto x = parse_participant(s, model::Side::ours);
      p["participants"].push_back({{"name", x.name}, {"role", x.role}, {"party", "mine"}});
    }
    for (const auto& s : o.their_participants) {
      auto x = parse_participant(s, model::Side::theirs);
      p["participants"].push_back({{"name", x.name}, {"role", x.role}, {"party", "yours"}});
    }
  }
  return p;
}

void add_agenda_command(CLI::App* rs) {
  auto o = std::make_shared<ActOpts>();
  auto* cmd = action(rs, "agenda",
                     "Show the agenda, or edit it (a new version; the other side accepts it "
                     "again): add or remove points, change the date, place or participants.",
                     o);
  cmd->add_option("--add", o->add, "Add a point, one line (repeat)");
  cmd->add_option("--remove", o->remove, "Remove point N (from 1; repeat)");
  cmd->add_option("--date", o->date, "A new meeting time (YYYY-MM-DDTHH:MMZ)");
  cmd->add_option("--place", o->place, "A new place");
  cmd->add_option("--participant", o->participants,
                  "Replace the participants: ours as NAME:ROLE (repeat)");
  cmd->add_option("--their-participant", o->their_participants,
                  "Replace the participants: the peer's as NAME:ROLE (repeat)");
  cmd->callback([o] {
    const bool edits = !o->add.empty() || !o->remove.empty() || !o->date.empty() ||
                       !o->place.empty() || !o->participants.empty() ||
                       !o->their_participants.empty();
    auto desk = open_desk(o->target, o->as, edits ? Use::act : Use::read);
    auto v = desk->show(service::kRound, o->id);
    if (edits) {
      v = desk->act(service::kRound, v.record.id, "edit_agenda", edited_plan(v, *o));
      std::printf(
          "Round %s: agenda version %d sent to %s (accepted by us; %s accepts it with "
          "`hotline round accept %s --version %d`).\n",
          sid(v).c_str(), v.document.value("agenda_version", 0), escape_text(v.peer).c_str(),
          escape_text(v.peer).c_str(), sid(v).c_str(), v.document.value("agenda_version", 0));
    }
    std::string out;
    append_plan(out, v.document, desk->party(), escape_text(v.peer));
    std::fputs(out.c_str(), stdout);
  });
}

void add_accept_command(CLI::App* rs) {
  auto o = std::make_shared<ActOpts>();
  auto* cmd = action(rs, "accept", "Accept the agenda of the version you read.", o);
  cmd->add_option("--version", o->version, "The agenda's version (see `round show`)")->required();
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    auto v = desk->act(service::kRound, o->id, "accept_agenda", {{"version", o->version}});
    std::printf(
        "Round %s: agenda version %d accepted; %s.\n", sid(v).c_str(), o->version,
        v.record.state == "agenda_agreed" ? "agreed by both" : "waiting for the other side");
  });
}

void add_minutes_command(CLI::App* rs) {
  auto o = std::make_shared<ActOpts>();
  auto* cmd = action(rs, "minutes",
                     "Propose the minutes and their action items (replaces an earlier proposal; "
                     "the other side signs them with `round sign`).",
                     o);
  auto* text = cmd->add_option("--text", o->text, "The minutes");
  auto* file = cmd->add_option("--file", o->file, "The minutes, from a UTF-8 text file");
  text->excludes(file);
  cmd->add_option("--action", o->actions,
                  "An action item: OWNER:YYYY-MM-DD:TEXT, OWNER ours, theirs or a party's name "
                  "(repeat)");
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    const std::string minutes = read_details(o->text, o->file);
    if (minutes.empty()) usage("give the minutes: --text TEXT or --file F");
    auto round = desk->show(service::kRound, o->id);
    json items = json::array();
    for (const auto& a : o->actions)
      items.push_back(parse_action_item(a, desk->party(), round.peer));
    auto v = desk->act(service::kRound, round.record.id, "propose_minutes",
                       {{"minutes", minutes}, {"action_items", items}});
    std::printf(
        "Round %s: minutes version %d with %zu action items sent to %s; they sign them "
        "with `hotline round sign %s --version %d`.\n",
        sid(v).c_str(), v.document.value("minutes_version", 0), items.size(),
        escape_text(v.peer).c_str(), sid(v).c_str(), v.document.value("minutes_version", 0));
  });
}

void add_sign_command(CLI::App* rs) {
  auto o = std::make_shared<ActOpts>();
  auto* cmd = action(rs, "sign",
                     "Accept (sign) the other side's minutes of the version you read: the round "
                     "closes, its action items are followed up.",
                     o);
  cmd->add_option("--version", o->version, "The minutes' version (see `round show`)")->required();
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    auto v = desk->act(service::kRound, o->id, "accept_minutes", {{"version", o->version}});
    std::printf("Round %s: minutes version %d signed by both; the round is %s.\n", sid(v).c_str(),
                o->version, v.record.state.c_str());
  });
}

void add_done_command(CLI::App* rs) {
  auto o = std::make_shared<ActOpts>();
  auto* cmd = action(rs, "done", "Complete one of our action items.", o);
  cmd->add_option("--item", o->item, "The action item's number (from 1, as `round show` lists)")
      ->required()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--note", o->note, "What was done")->required();
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    auto v = desk->act(service::kRound, o->id, "complete_action_item",
                       {{"index", o->item - 1}, {"note", o->note}});
    std::printf("Round %s: action item %d done.\n", sid(v).c_str(), o->item);
  });
}

void add_cancel_command(CLI::App* rs) {
  auto o = std::make_shared<ActOpts>();
  auto* cmd =
      action(rs, "cancel", "Cancel the round (either side, before its minutes are signed).", o);
  cmd->add_option("--reason", o->reason, "Why")->required();
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    auto v = desk->act(service::kRound, o->id, "cancel", {{"reason", o->reason}});
    std::printf("Round %s cancelled.\n", sid(v).c_str());
  });
}

void add_read_commands(CLI::App* rs) {
  struct Opts {
    Target target;
    std::string id, peer, as;
    bool all = false, json = false;
  };
  auto l = std::make_shared<Opts>();
  auto* list = rs->add_subcommand(
      "list", "List review rounds, most recently changed first: the open ones unless --all.");
  add_target_options(list, l->target);
  list->add_option("--peer", l->peer, "Only rounds with this peer");
  list->add_flag("--all", l->all, "Closed and cancelled ones too");
  list->add_flag("--json", l->json, "Print JSON (as the API shows them)");
  list->add_option("--as", l->as, "Your name, for the audit trail (with --dir)");
  list->callback([l] {
    auto desk = open_desk(l->target, l->as, Use::read);
    ListQuery q;
    q.kind = service::kRound;
    q.peer = l->peer;
    q.all = true;
    q.limit = 1000;
    std::vector<service::ItemView> shown;
    for (auto& v : desk->list(q)) {
      const bool open = v.record.state != "closed" && v.record.state != "cancelled";
      // A closed round stays in view while it has action items not done.
      bool pending = false;
      for (const auto& a : v.document.value("action_items", json::array()))
        pending = pending || (v.record.state == "closed" && !a.value("done", false));
      if (l->all || open || pending) shown.push_back(std::move(v));
    }
    if (l->json) {
      auto arr = json::array();
      for (const auto& v : shown) arr.push_back(item_json(v));
      print_json(arr);
      return;
    }
    print_rounds(shown, l->all);
  });

  auto s = std::make_shared<Opts>();
  auto* show = rs->add_subcommand(
      "show", "Show one round: plan, agenda, minutes, action items (overdue marked), history.");
  add_target_options(show, s->target);
  show->add_option("id", s->id, "The round's id (or its first or last 8 characters)")->required();
  show->add_flag("--json", s->json, "Print the round as JSON (as the API shows it)");
  show->add_option("--as", s->as, "Your name, for the audit trail (with --dir)");
  show->callback([s] {
    auto desk = open_desk(s->target, s->as, Use::read);
    auto v = desk->show(service::kRound, s->id);
    if (s->json) {
      print_json(item_json(v));
      return;
    }
    print_round(v, desk->party(), desk->target_hint(), desk->actor_hint());
  });
}

}  // namespace round_cmd

void add_round_command(CLI::App& app) {
  auto* rs = app.add_subcommand(
      "round",
      "Review rounds: periodic meetings with a peer on how the hotline worked, with an agenda "
      "both sides accept, minutes signed by both and action items followed up.");
  rs->require_subcommand(1);
  using namespace round_cmd;
  add_propose_command(rs);
  add_agenda_command(rs);
  add_accept_command(rs);
  add_minutes_command(rs);
  add_sign_command(rs);
  add_done_command(rs);
  add_cancel_command(rs);
  add_read_commands(rs);
}

}  // namespace hotline::cli
