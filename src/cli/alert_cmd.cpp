// hotline alert raise|ack|close|list|show: "we see an attack that seems to
// come from you", and its acknowledgement by the peer's duty desk.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/time.h"
#include "hotline/service/desk_service.h"
#include "item_commands.h"
#include "item_format.h"

namespace hotline::cli {
void add_alert_command(CLI::App& app) {
  auto* alert = app.add_subcommand(
      "alert",
      "Alerts: \"we see an attack that seems to come from you\". The peer's duty desk must "
      "acknowledge within the agreed minutes; unacknowledged alerts escalate.");
  alert->require_subcommand(1);

  // ---- raise ----
  struct RaiseOpts {
    Target target;
    std::string to, summary, details, details_file, priority = "urgent", as;
    LabelOptions labels;
    std::vector<std::string> attach;
  };
  auto r = std::make_shared<RaiseOpts>();
  auto* raise = alert->add_subcommand("raise", "Raise an alert to a peer.");
  add_target_options(raise, r->target);
  raise->add_option("--to", r->to, "The peer's name (see `hotline peer list`)")->required();
  raise->add_option("--summary", r->summary, "One line: what is seen")->required();
  raise->add_option("--details", r->details, "Free text: sources, times, logs");
  raise->add_option("--details-file", r->details_file, "Read the details from this file");
  raise->add_option("--priority", r->priority, "urgent or normal")
      ->check(CLI::IsMember({"urgent", "normal"}))
      ->capture_default_str();
  add_label_options(raise, r->labels);
  raise->add_option("--attach", r->attach, "A file to attach (evidence); repeatable");
  raise->add_option("--as", r->as, as_help("raising it"));
  raise->callback([r] {
    auto desk = open_desk(r->target, r->as, Use::act);
    service::AlertInput in;
    in.priority = parse_priority_option(r->priority);
    in.labels = parse_labels(r->labels);
    in.summary = r->summary;
    in.details = read_details(r->details, r->details_file);
    if (!r->attach.empty()) {
      desk->check_peer(r->to);  // before anything goes into the vault
      in.files = desk->attach(r->attach);
    }
    auto v = desk->raise_alert(r->to, in);
    std::printf("Alert %s raised to %s: \"%s\"%s\n", service::short_id(v.record.id).c_str(),
                v.peer.c_str(), v.record.title.c_str(),
                desk->deadline_terms(v.peer, "alert", in.priority).c_str());
  });

  // ---- ack / close ----
  struct ActOpts {
    Target target;
    std::string id, note, as;
  };
  auto a = std::make_shared<ActOpts>();
  auto* ack = alert->add_subcommand(
      "ack", "Acknowledge an alert from a peer: a person at this desk has seen it.");
  add_target_options(ack, a->target);
  ack->add_option("id", a->id, "The alert's id (or its first or last 8 characters)")->required();
  ack->add_option("--as", a->as, as_help("acknowledging"));
  ack->callback([a] {
    auto desk = open_desk(a->target, a->as, Use::act);
    auto v = desk->act(service::kAlert, a->id, "acknowledge", nlohmann::json::object());
    std::printf("Alert %s from %s acknowledged by %s: \"%s\"\n",
                service::short_id(v.record.id).c_str(), v.peer.c_str(), desk->actor().c_str(),
                v.record.title.c_str());
  });

  auto c = std::make_shared<ActOpts>();
  auto* close = alert->add_subcommand(
      "close", "Close an alert this node raised (also to call it off before it is acknowledged).");
  add_target_options(close, c->target);
  close->add_option("id", c->id, "The alert's id (or its first or last 8 characters)")->required();
  close->add_option("--note", c->note, "Why it is closed");
  close->add_option("--as", c->as, as_help("closing it"));
  close->callback([c] {
    auto desk = open_desk(c->target, c->as, Use::act);
    auto v = desk->act(service::kAlert, c->id, "close", {{"note", c->note}});
    std::printf("Alert %s to %s closed: \"%s\"\n", service::short_id(v.record.id).c_str(),
                v.peer.c_str(), v.record.title.c_str());
  });

  add_list_command(alert, {service::kAlert,
                           "List alerts, most recently changed first: the open ones unless --all.",
                           "Only alerts with this peer", "Closed ones too", "No alerts.",
                           "No open alerts (--all shows the closed ones too).", false});
  add_show_command(alert, service::kAlert, "alert",
                   "Show one alert: labels, deadline, history, attachments, what to do next.");
  add_share_commands(alert, service::kAlert, "alert");
  add_export_command(alert, service::kAlert, "alert");
  add_import_command(alert, service::kAlert, "alert");
}

}  // namespace hotline::cli
