// hotline dispute open|answer|position|propose|accept|reject|withdraw|list|
// show: disputes with a peer about an item or a figure of the review
// (docs/review.md, "Disputes"). Operators argue (open, answer, add positions
// and translations, withdraw); a supervisor proposes, accepts or rejects the
// settlement. Over the API the node checks those permissions; with --dir
// the person named by --as acts.
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/model/dispute.h"
#include "hotline/service/desk_service.h"
#include "item_commands.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

std::string sid(const service::ItemView& v) {
  return service::short_id(v.record.id);
}

[[noreturn]] void usage_error(const std::string& what) {
  throw Error(ErrorCategory::usage, "usage", what);
}

// --text TEXT or --text-file F: exactly one when `required`.
std::string text_of(const std::string& text, const std::string& file, bool required,
                    const char* what) {
  if (!text.empty() && !file.empty()) usage_error("give --text or --text-file, not both");
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorCategory::invalid_input, "file_unreadable", "cannot read " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  if (required && trim(text).empty())
    usage_error(std::string("--text TEXT (or --text-file FILE) is required: ") + what);
  return text;
}

model::DisputeGround ground_of(const std::string& text) {
  if (auto g = model::parse_dispute_ground(trim(text))) return *g;
  usage_error("--ground: '" + text +
              "' is not a ground; valid: timeliness, quality, attribution, jurisdiction, other");
}

// "2026-01-01" or a full timestamp.
TimePoint date_of(const std::string& text, const char* option) {
  const std::string t = trim(text);
  try {
    return parse_day_or_timestamp(t);
  } catch (const Error&) {
    usage_error(std::string(option) + ": '" + text +
                "' is not a date (YYYY-MM-DD) or a timestamp (2026-01-01T00:00:00.000Z)");
  }
}

std::string capital_ground(model::DisputeGround g) {
  std::string out(model::to_string(g));
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

json files_json(Desk& desk, const std::vector<std::string>& paths) {
  if (paths.empty()) return json::array();
  return service::attachments_json(desk.attach(paths));
}

// ---- printing ---------------------------------------------------------------

std::string who(const json& side, const std::string& us, const std::string& peer) {
  return side.is_string() && side.get<std::string>() == "ours" ? us : peer;
}

std::string s(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string subject_text(const json& d) {
  const json& sub = d.value("subject", json::object());
  if (sub.contains("figure"))
    return "figure " + escape_text(s(sub, "figure"), 200) + " of the report " +
           escape_text(s(sub, "period_from"), 40) + " to " + escape_text(s(sub, "period_to"), 40);
  return "item " + escape_text(s(sub, "item"), 60);
}

// The disputed item as this node shows it ("request 8573bee5 (closed): Subscriber
// data ..."), or nothing when the dispute is about a figure or the item is
// not one this person may read here.
std::string item_line(Desk& desk, const json& d) {
  const std::string id = s(d.value("subject", json::object()), "item");
  if (id.empty()) return "";
  for (const char* kind : {service::kRequest, service::kAlert, service::kCase}) {
    try {
      auto item = desk.show(kind, id);
      return std::string(kind) + " " + sid(item) + " (" + escape_text(item.record.state, 40) +
             "): " + escape_text(item.record.title, 160);
    } catch (const Error&) {
      // not of this kind, or not readable here: try the next kind
    }
  }
  return "";
}

void print_positions(std::string& out, const json& d, const std::string& us,
                     const std::string& peer) {
  const json& ps = d.value("positions", json::array());
  if (ps.empty()) return;
  out += "  positions\n";
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const json& p = ps[i];
    out += "    [" + std::to_string(i) + "] " + escape_text(s(p, "at"), 40) + "  " +
           escape_text(s(p, "actor"), 80) + " (" + escape_text(who(p["side"], us, peer), 80) +
           "), " + escape_text(s(p, "action"), 20) + ", " + escape_text(s(p, "lang"), 20);
    if (p.contains("translation_of") && p["translation_of"].is_number_integer())
      out += ", translation of [" + std::to_string(p["translation_of"].get<int>()) + "]";
    out += "\n";
    std::istringstream in(escape_lines(s(p, "text")));
    std::string l;
    while (std::getline(in, l)) out += "        " + l + "\n";
    for (const auto& f : p.value("attachments", json::array()))
      out += "        file " + escape_text(s(f, "name"), 255) + " (sha256 " +
             escape_text(s(f, "sha256"), 64).substr(0, 16) + "...)\n";
  }
}

void print_settlement(std::string& out, const json& d, const std::string& us,
                      const std::string& peer) {
  const json& p = d.value("proposal", json());
  if (!p.is_object()) return;
  const bool settled = s(d, "state") == "settled";
  out += std::string("  ") + (settled ? "settlement (signed by both)" : "settlement proposed") +
         ", version " + std::to_string(p.value("version", 0)) + ", by " +
         escape_text(s(p, "actor"), 80) + " (" + escape_text(who(p["side"], us, peer), 80) +
         ") at " + escape_text(s(p, "at"), 40) + "\n";
  std::istringstream in(escape_lines(s(p, "text")));
  std::string l;
  while (std::getline(in, l)) out += "        " + l + "\n";
  const json& a = p.value("adjustment", json());
  if (a.is_object())
    out += "        adjustment: the " + escape_text(s(a, "deadline"), 40) + " deadline of item " +
           escape_text(s(a, "item"), 60) + " counts as met in the review\n";
  if (settled)
    out += "  settled      " + escape_text(s(d, "settled_at"), 40) + ", accepted by " +
           escape_text(s(d, "settled_by"), 80) + "\n";
}

std::optional<model::Dispute> model_of(const service::ItemView& v) {
  try {
    if (!v.record.actions.empty()) {
      auto r = service::replay(v.record.kind, v.record.id,
                               service::item_log_from_json(json::parse(v.record.actions)));
      return std::get<model::Dispute>(r.item);
    }
    // From the API: only the model's members of the document.
    const json shape = model::to_json(model::Dispute{});
    json doc = json::object();
    for (const auto& [key, value] : shape.items()) {
      if (v.document.contains(key)) doc[key] = v.document[key];
    }
    return model::dispute_from_json(doc);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void print_next(std::string& out, const service::ItemView& v, const std::string& target,
                const std::string& actor) {
  auto d = model_of(v);
  std::vector<std::string> next;
  if (d) {
    const std::string id = sid(v);
    const std::string version = std::to_string(d->proposal_version);
    for (auto a : model::possible_actions(*d, model::Side::ours)) {
      const std::string head = "hotline dispute ";
      const std::string supervisor = "   (a supervisor)";
      std::string rest, note;
      switch (a) {
        case model::DisputeAction::answer:
          rest = "answer" + target + " " + id + " --text TEXT [--lang en] [--attach FILE]";
          break;
        case model::DisputeAction::add_position:
          rest = "position" + target + " " + id + " --text TEXT [--lang zh-CN --translation-of N]";
          break;
        case model::DisputeAction::propose:
          rest = "propose" + target + " " + id +
                 " --text TEXT [--adjust-item ID --adjust-deadline acknowledge|first_response|"
                 "final_response]";
          note = supervisor;
          break;
        case model::DisputeAction::accept:
          rest = "accept" + target + " " + id + " --version " + version;
          note = supervisor;
          break;
        case model::DisputeAction::reject:
          rest = "reject" + target + " " + id + " --version " + version + " [--reason TEXT]";
          note = supervisor;
          break;
        case model::DisputeAction::withdraw:
          rest = "withdraw" + target + " " + id + " --reason TEXT";
          break;
        case model::DisputeAction::open:
          break;
      }
      if (!rest.empty()) next.push_back(head + rest + actor + note);
    }
  }
  if (next.empty()) {
    out += "  next: nothing for this node to do\n";
    return;
  }
  out += "  next\n";
  for (const auto& c : next) out += "    " + c + "\n";
}

void print_dispute(const service::ItemView& v, const std::string& target, const std::string& actor,
                   const std::string& us_name, const std::string& item_line) {
  const json& d = v.document;
  const std::string us = escape_text(us_name, 80);
  const std::string peer = escape_text(v.peer.empty() ? "the peer" : v.peer, 80);
  std::string out = "Dispute " + sid(v) + ": " + escape_text(v.record.title, 200) + "\n";
  out += "  id           " + v.record.id + "\n";
  out += "  state        " + escape_text(v.record.state, 40) + "\n";
  out +=
      "  direction    " +
      (s(d, "origin") == "ours" ? "opened by us (" + us + ") with " + peer : "opened by " + peer) +
      "\n";
  out += "  ground       " + escape_text(s(d, "ground"), 40) + "\n";
  out += "  about        " + subject_text(d) + "\n";
  if (!item_line.empty()) out += "               " + item_line + "\n";
  out += "  labels       " + escape_text(s(d.value("labels", json::object()), "tlp"), 40) + "\n";
  print_positions(out, d, us, peer);
  print_settlement(out, d, us, peer);
  if (s(d, "state") == "withdrawn")
    out += "  withdrawn    " + escape_text(s(d, "withdraw_reason"), 400) + "\n";
  for (const auto& x : d.value("void", json::array()))
    out += "  void         " + escape_text(s(x, "action"), 40) + " by " +
           escape_text(s(x, "actor"), 80) + ": " + escape_text(s(x, "reason"), 400) + "\n";
  print_next(out, v, target, actor);
  std::fputs(out.c_str(), stdout);
}

void print_list(const std::vector<service::ItemView>& items, bool all) {
  if (items.empty()) {
    std::printf("%s\n", all ? "No disputes."
                            : "No disputes still argued (--all shows the ended "
                              "ones too).");
    return;
  }
  std::printf("%-10s %-20s %-13s %-11s %-16s %s\n", "ID", "STATE", "GROUND", "TLP", "PEER",
              "TITLE");
  for (const auto& v : items) {
    const std::string dir = s(v.document, "origin") == "ours" ? "to " : "from ";
    std::printf("%-10s %-20s %-13s %-11s %-16s %s\n", sid(v).c_str(),
                escape_text(v.record.state, 20).c_str(),
                escape_text(s(v.document, "ground"), 13).c_str(),
                escape_text(v.record.tlp, 20).c_str(), (dir + escape_text(v.peer, 16)).c_str(),
                escape_text(v.record.title, 60).c_str());
  }
}

// ---- commands ---------------------------------------------------------------

struct ActOpts {
  Target target;
  std::string id, as, text, text_file, lang = "en", reason, adjust_item, adjust_deadline;
  std::vector<std::string> files;
  int version = 0;
  int translation_of = -1;
};

CLI::App* action(CLI::App* parent, const char* name, const std::string& help,
                 const std::shared_ptr<ActOpts>& o, const char* doing) {
  auto* cmd = parent->add_subcommand(name, help);
  add_target_options(cmd, o->target);
  cmd->add_option("id", o->id, "The dispute's id (or its first or last 8 characters)")->required();
  cmd->add_option("--as", o->as, as_help(doing));
  return cmd;
}

void add_position_options(CLI::App* cmd, ActOpts& o) {
  cmd->add_option("--text", o.text, "The position, in plain words");
  cmd->add_option("--text-file", o.text_file, "Read the position from this file");
  cmd->add_option("--lang", o.lang, "Its language (a tag: en, zh-CN, fr ...)")
      ->capture_default_str();
  cmd->add_option("--attach", o.files, "A file to attach (repeatable)");
}

void print_done(const service::ItemView& v, const std::string& what) {
  std::printf("Dispute %s with %s: %s (now %s).\n", sid(v).c_str(), escape_text(v.peer, 80).c_str(),
              what.c_str(), v.record.state.c_str());
}

void add_open_command(CLI::App* ds) {
  struct OpenOpts {
    Target target;
    std::string with, title, ground, item, figure, from, to, text, text_file, lang = "en", as;
    std::vector<std::string> files;
    LabelOptions labels;
  };
  auto o = std::make_shared<OpenOpts>();
  auto* cmd = ds->add_subcommand(
      "open",
      "Open a dispute with a peer about an item (--item) or a figure of the review report of a "
      "period (--figure with --from and --to), with your side's position.");
  add_target_options(cmd, o->target);
  cmd->add_option("--with", o->with, "The peer's name (see `hotline peer list`)")->required();
  cmd->add_option("--ground", o->ground, "timeliness, quality, attribution, jurisdiction or other")
      ->required();
  auto* item = cmd->add_option("--item", o->item,
                               "The alert, request or case disputed (its id or 8+ characters)");
  auto* figure = cmd->add_option(
      "--figure", o->figure, "A figure of the review report: a JSON pointer into its body (/...)");
  item->excludes(figure);
  cmd->add_option("--from", o->from, "With --figure: the report period's first day (YYYY-MM-DD)");
  cmd->add_option("--to", o->to, "With --figure: the day after the period (YYYY-MM-DD)");
  cmd->add_option("--title", o->title, "One line (default: made from the ground and subject)");
  cmd->add_option("--text", o->text, "Your position, in plain words");
  cmd->add_option("--text-file", o->text_file, "Read your position from this file");
  cmd->add_option("--lang", o->lang, "Its language (a tag: en, zh-CN, fr ...)")
      ->capture_default_str();
  cmd->add_option("--attach", o->files, "A file to attach (repeatable)");
  add_label_options(cmd, o->labels);
  cmd->add_option("--as", o->as, as_help("opening it"));
  cmd->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::act);
    service::DisputeInput in;
    in.ground = ground_of(o->ground);
    if (o->item.empty() && o->figure.empty())
      usage_error("say what is disputed: --item ID, or --figure /PATH --from DATE --to DATE");
    if (!o->item.empty()) {
      if (!o->from.empty() || !o->to.empty())
        usage_error("--from and --to go with --figure (an item's dispute has no period)");
      in.subject.item = trim(o->item);
    } else {
      if (o->from.empty() || o->to.empty())
        usage_error("--figure needs the report's period: --from DATE --to DATE");
      in.subject.figure = o->figure;
      in.subject.period_from = date_of(o->from, "--from");
      in.subject.period_to = date_of(o->to, "--to");
    }
    in.text = text_of(o->text, o->text_file, true, "your side's position");
    in.lang = trim(o->lang);
    in.labels = parse_labels(o->labels);
    in.title = trim(o->title);
    if (in.title.empty())
      in.title = capital_ground(in.ground) + " dispute about " +
                 (o->item.empty() ? "figure " + o->figure : "item " + trim(o->item));
    desk->check_peer(o->with);
    in.files = desk->attach(o->files);
    auto v = desk->open_dispute(o->with, in);
    std::printf("Dispute %s opened with %s: \"%s\"\n", sid(v).c_str(),
                escape_text(v.peer, 80).c_str(), escape_text(v.record.title, 200).c_str());
  });
}

void add_argue_commands(CLI::App* ds) {
  auto an = std::make_shared<ActOpts>();
  auto* answer =
      action(ds, "answer", "Answer a dispute the peer opened, with your side's position.", an,
             "answering");
  add_position_options(answer, *an);
  answer->callback([an] {
    auto desk = open_desk(an->target, an->as, Use::act);
    const std::string text = text_of(an->text, an->text_file, true, "your side's answer");
    const std::string id = desk->resolve(service::kDispute, an->id);
    auto v = desk->act(
        service::kDispute, id, "answer",
        {{"text", text}, {"lang", trim(an->lang)}, {"attachments", files_json(*desk, an->files)}});
    print_done(v, "answered");
  });

  auto po = std::make_shared<ActOpts>();
  auto* position =
      action(ds, "position",
             "Add a statement to a dispute, or a translation of an earlier one (--translation-of "
             "N, N as `dispute show` numbers them). Either side, until it ends.",
             po, "writing it");
  add_position_options(position, *po);
  position->add_option("--translation-of", po->translation_of,
                       "The number of the position this one translates");
  position->callback([po] {
    auto desk = open_desk(po->target, po->as, Use::act);
    const std::string text = text_of(po->text, po->text_file, true, "the statement");
    const std::string id = desk->resolve(service::kDispute, po->id);
    auto v = desk->act(
        service::kDispute, id, "add_position",
        {{"text", text},
         {"lang", trim(po->lang)},
         {"translation_of", po->translation_of < 0 ? json(nullptr) : json(po->translation_of)},
         {"attachments", files_json(*desk, po->files)}});
    print_done(v, "position added");
  });

  auto wd = std::make_shared<ActOpts>();
  auto* withdraw =
      action(ds, "withdraw", "Withdraw a dispute this side opened.", wd, "withdrawing it");
  withdraw->add_option("--reason", wd->reason, "Why")->required();
  withdraw->callback([wd] {
    auto desk = open_desk(wd->target, wd->as, Use::act);
    auto v = desk->act(service::kDispute, wd->id, "withdraw", {{"reason", wd->reason}});
    print_done(v, "withdrawn");
  });
}

void add_settle_commands(CLI::App* ds) {
  auto pr = std::make_shared<ActOpts>();
  auto* propose = action(
      ds, "propose",
      "Propose a settlement (a supervisor; either side, once the dispute is answered). For a "
      "timeliness dispute it may adjust one deadline of an item: the review then counts it as "
      "met. A new proposal replaces the previous one.",
      pr, "proposing it");
  propose->add_option("--text", pr->text, "The settlement's words");
  propose->add_option("--text-file", pr->text_file, "Read them from this file");
  propose->add_option("--adjust-item", pr->adjust_item,
                      "The alert or request whose deadline counts as met (its id or 8+ "
                      "characters)");
  propose->add_option("--adjust-deadline", pr->adjust_deadline,
                      "acknowledge, first_response or final_response");
  propose->callback([pr] {
    auto desk = open_desk(pr->target, pr->as, Use::act);
    const std::string text = text_of(pr->text, pr->text_file, true, "the settlement's words");
    json adjustment = nullptr;
    if (pr->adjust_item.empty() != pr->adjust_deadline.empty())
      usage_error("--adjust-item and --adjust-deadline go together");
    if (!pr->adjust_item.empty()) {
      if (!model::is_adjustable_deadline(trim(pr->adjust_deadline)))
        usage_error("--adjust-deadline: '" + pr->adjust_deadline +
                    "' is not a deadline; valid: acknowledge, first_response, final_response");
      adjustment = {{"item", desk->resolve("", pr->adjust_item)},
                    {"deadline", trim(pr->adjust_deadline)}};
    }
    auto v = desk->act(service::kDispute, pr->id, "propose",
                       {{"text", text}, {"adjustment", adjustment}});
    print_done(v, "settlement version " + std::to_string(v.document.value("proposal_version", 0)) +
                      " proposed");
  });

  for (const bool accept : {true, false}) {
    auto o = std::make_shared<ActOpts>();
    auto* cmd = action(
        ds, accept ? "accept" : "reject",
        accept ? "Accept the settlement the peer proposed (a supervisor): the dispute is settled, "
                 "signed by both."
               : "Reject the settlement the peer proposed (a supervisor): the dispute goes back "
                 "to answered.",
        o, accept ? "accepting it" : "rejecting it");
    cmd->add_option("--version", o->version,
                    "The proposal's version as `dispute show` gives it (so that you " +
                        std::string(accept ? "accept" : "reject") + " what you read)")
        ->required()
        ->check(CLI::Range(1, 1000000));
    if (!accept) cmd->add_option("--reason", o->reason, "Why");
    cmd->callback([o, accept] {
      auto desk = open_desk(o->target, o->as, Use::act);
      json args = {{"version", o->version}};
      if (!accept) args["reason"] = o->reason;
      auto v = desk->act(service::kDispute, o->id, accept ? "accept" : "reject", std::move(args));
      print_done(v, accept ? "settlement accepted" : "settlement rejected");
    });
  }
}

void add_read_commands(CLI::App* ds) {
  struct ListOpts {
    Target target;
    std::string peer, as;
    bool all = false, json = false;
    std::size_t limit = 100;
  };
  auto o = std::make_shared<ListOpts>();
  auto* list = ds->add_subcommand(
      "list", "List disputes, most recently changed first: the ones still argued unless --all.");
  add_target_options(list, o->target);
  list->add_option("--peer", o->peer, "Only disputes with this peer");
  list->add_flag("--all", o->all, "Settled and withdrawn ones too");
  list->add_option("--limit", o->limit, "At most this many (over the API at most 1000)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  list->add_flag("--json", o->json, "Print JSON (the disputes as the API shows them)");
  list->add_option("--as", o->as, "Your name, for the audit trail (with --dir only)");
  list->callback([o] {
    auto desk = open_desk(o->target, o->as, Use::read);
    ListQuery q;
    q.kind = service::kDispute;
    q.peer = o->peer;
    q.all = o->all;
    q.limit = o->limit;
    auto shown = desk->list(q);
    if (o->json) {
      auto arr = json::array();
      for (const auto& v : shown) arr.push_back(item_json(v));
      print_json(arr);
      return;
    }
    print_list(shown, o->all);
  });

  struct ShowOpts {
    Target target;
    std::string id, as;
    bool json = false;
  };
  auto so = std::make_shared<ShowOpts>();
  auto* show = ds->add_subcommand(
      "show",
      "Show one dispute: its subject, both sides' positions, the settlement and what "
      "you may do next.");
  add_target_options(show, so->target);
  show->add_option("id", so->id, "The dispute's id (or its first or last 8 characters)")
      ->required();
  show->add_flag("--json", so->json, "Print the dispute as JSON (as the API shows it)");
  show->add_option("--as", so->as, "Your name, for the audit trail (with --dir only)");
  show->callback([so] {
    auto desk = open_desk(so->target, so->as, Use::read);
    auto v = desk->show(service::kDispute, so->id);
    if (so->json) {
      print_json(item_json(v));
      return;
    }
    print_dispute(v, desk->target_hint(), desk->actor_hint(), desk->party(),
                  item_line(*desk, v.document));
  });
}

}  // namespace

void add_dispute_command(CLI::App& app) {
  auto* ds = app.add_subcommand(
      "dispute",
      "Disputes with a peer about an item or a figure of the review: each side's position, a "
      "settlement proposed by one side and accepted by the other (a supervisor's), or "
      "withdrawn. See docs/review.md, \"Disputes\".");
  ds->require_subcommand(1);
  add_open_command(ds);
  add_argue_commands(ds);
  add_settle_commands(ds);
  add_read_commands(ds);
  add_share_commands(ds, service::kDispute, "dispute");
}

}  // namespace hotline::cli
