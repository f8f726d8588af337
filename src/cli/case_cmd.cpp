// hotline case new|show|list|link|indicator|sighting|entry|attach|note|close|reopen: a
// shared matter with a peer (say, a data breach) linking alerts, requests,
// indicators and files, with a timeline; private notes stay on this node.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/model/indicator.h"
#include "hotline/model/json_check.h"
#include "hotline/service/desk_service.h"
#include "item_commands.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

std::string sid(const service::ItemView& v) {
  return service::short_id(v.record.id);
}

struct ActOpts {
  Target target;
  std::string id, as, alert, request, text, file, note, reason;
};

CLI::App* action(CLI::App* parent, const char* name, const char* help,
                 const std::shared_ptr<ActOpts>& o) {
  auto* cmd = parent->add_subcommand(name, help);
  add_target_options(cmd, o->target);
  cmd->add_option("id", o->id, "The case's id (or its first or last 8 characters)")->required();
  cmd->add_option("--as", o->as, as_help("doing this"));
  return cmd;
}

void add_new_command(CLI::App* cs) {
  struct NewOpts {
    Target target;
    std::string with, title, as;
    LabelOptions labels;
  };
  auto n = std::make_shared<NewOpts>();
  auto* create = cs->add_subcommand("new", "Open a case shared with a peer.");
  add_target_options(create, n->target);
  create->add_option("--with", n->with, "The peer's name (see `hotline peer list`)")->required();
  create->add_option("--title", n->title, "One line: what the case is about")->required();
  add_label_options(create, n->labels);
  create->add_option("--as", n->as, as_help("opening it"));
  create->callback([n] {
    auto desk = open_desk(n->target, n->as, Use::act);
    auto labels = parse_labels(n->labels);
    auto v = desk->open_case(n->with, n->title, labels);
    std::printf("Case %s opened with %s: \"%s\"\n", sid(v).c_str(), v.peer.c_str(),
                v.record.title.c_str());
  });
}

void add_link_command(CLI::App* cs) {
  auto lk = std::make_shared<ActOpts>();
  auto* link = action(cs, "link", "Link an alert or a request to the case.", lk);
  auto* la = link->add_option("--alert", lk->alert, "The alert's id (or 8+ characters of it)");
  auto* lr =
      link->add_option("--request", lk->request, "The request's id (or 8+ characters of it)");
  la->excludes(lr);
  link->callback([lk] {
    auto desk = open_desk(lk->target, lk->as, Use::act);
    if (lk->alert.empty() && lk->request.empty()) {
      throw Error(ErrorCategory::usage, "usage",
                  "give the item to link: --alert ID or --request ID");
    }
    const bool alert = !lk->alert.empty();
    const std::string what = alert ? "alert" : "request";
    const std::string item =
        desk->resolve(alert ? service::kAlert : service::kRequest, alert ? lk->alert : lk->request);
    auto v = desk->act(service::kCase, lk->id, alert ? "link_alert" : "link_request",
                       {{alert ? "alert_id" : "request_id", item}});
    std::printf("Case %s: %s %s linked.\n", sid(v).c_str(), what.c_str(),
                service::short_id(item).c_str());
  });
}

// The typed fields an indicator or a sighting may carry, as typed.
struct IndicatorOpts {
  Target target;
  std::string id, as, type, value, first_seen, last_seen, tlp, note, where;
  std::optional<int> confidence;
  int count = 1;
};

CLI::App* indicator_action(CLI::App* parent, const char* name, const char* help,
                           const std::shared_ptr<IndicatorOpts>& o) {
  auto* cmd = parent->add_subcommand(name, help);
  add_target_options(cmd, o->target);
  cmd->add_option("id", o->id, "The case's id (or its first or last 8 characters)")->required();
  cmd->add_option("--as", o->as, as_help("doing this"));
  cmd->add_option("--type", o->type,
                  "One of: ipv4-addr, ipv6-addr, domain-name, url, email-addr, md5, sha1, sha256, "
                  "file-name, autonomous-system (guessed from the value when left out)");
  cmd->add_option("--value", o->value, "The value, one line (normalized by the node)")->required();
  return cmd;
}

// --type, or the type the value most likely is.
std::string type_of(const IndicatorOpts& o) {
  if (!o.type.empty()) return o.type;
  if (auto t = model::guess_indicator_type(o.value)) return *t;
  throw Error(ErrorCategory::usage, "usage",
              "cannot tell which type of indicator " + escape_text(o.value, 80) +
                  " is; give --type (one of: " + model::list_of(model::kIndicatorTypes) + ")");
}

json time_or_null(const std::string& t) {
  return t.empty() ? json(nullptr) : json(t);
}

void add_case_indicator_command(CLI::App* cs) {
  auto in = std::make_shared<IndicatorOpts>();
  auto* indicator = indicator_action(
      cs, "indicator",
      "Add an indicator (IP address or range, domain, URL, e-mail address, hash, file name, AS); "
      "the same value again updates it.",
      in);
  indicator->add_option("--first-seen", in->first_seen,
                        "When it was first seen: YYYY-MM-DDTHH:MM:SS.mmmZ");
  indicator->add_option("--last-seen", in->last_seen, "When it was last seen (same form)");
  indicator->add_option("--confidence", in->confidence, "0 to 100 (STIX 2.1's scale)");
  indicator->add_option("--tlp", in->tlp,
                        "Its own TLP when it differs from the case's: TLP:CLEAR, TLP:GREEN, "
                        "TLP:AMBER, TLP:AMBER+STRICT, TLP:RED");
  indicator->add_option("--note", in->note, "A note on it");
  indicator->callback([in] {
    auto desk = open_desk(in->target, in->as, Use::act);
    const std::string type = type_of(*in);
    json args = {{"type", type},
                 {"value", in->value},
                 {"first_seen", time_or_null(in->first_seen)},
                 {"last_seen", time_or_null(in->last_seen)},
                 {"confidence", in->confidence ? json(*in->confidence) : json(nullptr)},
                 {"tlp", in->tlp.empty() ? json(nullptr) : json(in->tlp)},
                 {"note", in->note}};
    auto v = desk->act(service::kCase, in->id, "add_indicator", std::move(args));
    const auto& timeline = v.document.value("timeline", json::array());
    const bool updated =
        !timeline.empty() && timeline.back().value("action", "") == "update_indicator";
    const std::string text = timeline.empty() ? type : timeline.back().value("text", type);
    std::printf("Case %s: indicator %s %s.\n", sid(v).c_str(), escape_text(text, 300).c_str(),
                updated ? "updated (the case had it)" : "added");
  });
}

void add_sighting_command(CLI::App* cs) {
  auto in = std::make_shared<IndicatorOpts>();
  auto* sighting = indicator_action(
      cs, "sighting",
      "Report a sighting of one of the case's indicators (seen where, when, how many times); the "
      "peer sees it. Possible on a closed case too.",
      in);
  sighting->add_option("--first-seen", in->first_seen, "YYYY-MM-DDTHH:MM:SS.mmmZ")->required();
  sighting->add_option("--last-seen", in->last_seen, "YYYY-MM-DDTHH:MM:SS.mmmZ")->required();
  sighting->add_option("--count", in->count, "How many times (1 or more)")->default_val(1);
  sighting->add_option("--where", in->where, "Where, one line (\"mail relay logs\")");
  sighting->callback([in] {
    auto desk = open_desk(in->target, in->as, Use::act);
    json args = {{"type", type_of(*in)},       {"value", in->value}, {"first_seen", in->first_seen},
                 {"last_seen", in->last_seen}, {"count", in->count}, {"where", in->where}};
    auto v = desk->act(service::kCase, in->id, "add_sighting", std::move(args));
    std::printf("Case %s: sighting of %s recorded (%d time(s); sent to %s).\n", sid(v).c_str(),
                escape_text(v.document["timeline"].back().value("text", ""), 300).c_str(),
                in->count, v.peer.c_str());
  });
}

void add_entry_command(CLI::App* cs) {
  auto en = std::make_shared<ActOpts>();
  auto* entry = action(cs, "entry", "Add an entry to the shared timeline (the peer sees it).", en);
  entry->add_option("--text", en->text, "The entry")->required();
  entry->callback([en] {
    auto desk = open_desk(en->target, en->as, Use::act);
    auto v = desk->act(service::kCase, en->id, "add_entry", {{"text", en->text}});
    std::printf("Case %s: entry added to the shared timeline (sent to %s).\n", sid(v).c_str(),
                v.peer.c_str());
  });
}

void add_attach_command(CLI::App* cs) {
  auto at = std::make_shared<ActOpts>();
  auto* attach = action(cs, "attach", "Attach a file to the case (the peer can fetch it).", at);
  attach->add_option("--file", at->file, "The file")->required();
  attach->callback([at] {
    auto desk = open_desk(at->target, at->as, Use::act);
    const std::string id = desk->resolve(service::kCase, at->id);
    auto files = desk->attach({at->file});
    auto v = desk->act(service::kCase, id, "add_attachment",
                       {{"attachments", service::attachments_json(files)}});
    std::printf("Case %s: %s attached (%lld bytes, sha256 %s).\n", sid(v).c_str(),
                files[0].name.c_str(), static_cast<long long>(files[0].size),
                files[0].sha256.c_str());
  });
}

void add_note_command(CLI::App* cs) {
  auto nt = std::make_shared<ActOpts>();
  auto* note =
      action(cs, "note", "Add a private note: it stays on this node, the peer never sees it.", nt);
  note->add_option("--text", nt->text, "The note")->required();
  note->callback([nt] {
    auto desk = open_desk(nt->target, nt->as, Use::act);
    auto v = desk->add_note(nt->id, nt->text);
    std::printf("Case %s: private note added (kept on this node only).\n", sid(v).c_str());
  });
}

void add_close_command(CLI::App* cs) {
  auto cl = std::make_shared<ActOpts>();
  auto* close = action(cs, "close", "Close the case (either side may).", cl);
  close->add_option("--note", cl->note, "Why, or how it ended");
  close->callback([cl] {
    auto desk = open_desk(cl->target, cl->as, Use::act);
    auto v = desk->act(service::kCase, cl->id, "close", {{"note", cl->note}});
    std::printf("Case %s with %s closed: \"%s\"\n", sid(v).c_str(), v.peer.c_str(),
                v.record.title.c_str());
  });
}

void add_reopen_command(CLI::App* cs) {
  auto ro = std::make_shared<ActOpts>();
  auto* reopen = action(cs, "reopen", "Reopen a closed case (either side may).", ro);
  reopen->add_option("--reason", ro->reason, "Why it is reopened")->required();
  reopen->callback([ro] {
    auto desk = open_desk(ro->target, ro->as, Use::act);
    auto v = desk->act(service::kCase, ro->id, "reopen", {{"reason", ro->reason}});
    std::printf("Case %s with %s reopened: \"%s\"\n", sid(v).c_str(), v.peer.c_str(),
                v.record.title.c_str());
  });
}

}  // namespace

void add_case_command(CLI::App& app) {
  auto* cs = app.add_subcommand(
      "case",
      "Cases: a matter shared with a peer, linking alerts, requests, indicators and files, with "
      "a shared timeline. Private notes stay on this node.");
  cs->require_subcommand(1);

  add_new_command(cs);
  add_list_command(
      cs, {service::kCase, "List cases, most recently changed first: the open ones unless --all.",
           "Only cases with this peer", "Closed ones too", "No cases.",
           "No open cases (--all shows the closed ones too).", false});
  add_show_command(cs, service::kCase, "case",
                   "Show one case: links, indicators, files, the timeline and our private notes.");
  add_share_commands(cs, service::kCase, "case");
  add_export_command(cs, service::kCase, "case");
  add_import_command(cs, service::kCase, "case");
  add_link_command(cs);
  add_case_indicator_command(cs);
  add_sighting_command(cs);
  add_entry_command(cs);
  add_attach_command(cs);
  add_note_command(cs);
  add_close_command(cs);
  add_reopen_command(cs);
}

}  // namespace hotline::cli
