// hotline alert raise|ack|close|list|show: "we see an attack that seems to
// come from you", and its acknowledgement by the peer's duty desk.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/time.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
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
    std::string dir, to, summary, details, details_file, priority = "urgent", as;
    LabelOptions labels;
    std::vector<std::string> attach;
  };
  auto r = std::make_shared<RaiseOpts>();
  auto* raise = alert->add_subcommand("raise", "Raise an alert to a peer.");
  raise->add_option("--dir", r->dir, "The node's data directory")->required();
  raise->add_option("--to", r->to, "The peer's name (see `hotline peer list`)")->required();
  raise->add_option("--summary", r->summary, "One line: what is seen")->required();
  raise->add_option("--details", r->details, "Free text: sources, times, logs");
  raise->add_option("--details-file", r->details_file, "Read the details from this file");
  raise->add_option("--priority", r->priority, "urgent or normal")
      ->check(CLI::IsMember({"urgent", "normal"}))
      ->capture_default_str();
  add_label_options(raise, r->labels);
  raise->add_option("--attach", r->attach, "A file to attach (evidence); repeatable");
  raise->add_option("--as", r->as, "Your name: the person raising it (required)");
  raise->callback([r] {
    const auto& by = require_actor(r->as);
    service::AlertInput in;
    in.priority = parse_priority_option(r->priority);
    in.labels = parse_labels(r->labels);
    in.summary = r->summary;
    in.details = read_details(r->details, r->details_file);
    auto node = service::open_node(r->dir);
    service::find_peer(*node.store, r->to);  // before anything goes into the vault
    in.files = import_attachments(node, r->attach);
    const auto ctx = cli_audit(by);
    auto v = service::raise_alert(node, r->to, in, by, now_ms(), &ctx);
    std::printf("Alert %s raised to %s: \"%s\"%s\n", service::short_id(v.record.id).c_str(),
                v.peer.c_str(), v.record.title.c_str(),
                deadline_terms(node, v.peer, "alert", in.priority).c_str());
  });

  // ---- ack / close ----
  struct ActOpts {
    std::string dir, id, note, as;
  };
  auto a = std::make_shared<ActOpts>();
  auto* ack = alert->add_subcommand(
      "ack", "Acknowledge an alert from a peer: a person at this desk has seen it.");
  ack->add_option("--dir", a->dir, "The node's data directory")->required();
  ack->add_option("id", a->id, "The alert's id (or its first or last 8 characters)")->required();
  ack->add_option("--as", a->as, "Your name: the person acknowledging (required)");
  ack->callback([a] {
    const auto& by = require_actor(a->as);
    auto node = service::open_node(a->dir);
    auto v = perform(node, service::kAlert, a->id, "acknowledge", nlohmann::json::object(), by);
    std::printf("Alert %s from %s acknowledged by %s: \"%s\"\n",
                service::short_id(v.record.id).c_str(), v.peer.c_str(), by.c_str(),
                v.record.title.c_str());
  });

  auto c = std::make_shared<ActOpts>();
  auto* close = alert->add_subcommand(
      "close", "Close an alert this node raised (also to call it off before it is acknowledged).");
  close->add_option("--dir", c->dir, "The node's data directory")->required();
  close->add_option("id", c->id, "The alert's id (or its first or last 8 characters)")->required();
  close->add_option("--note", c->note, "Why it is closed");
  close->add_option("--as", c->as, "Your name: the person closing it (required)");
  close->callback([c] {
    const auto& by = require_actor(c->as);
    auto node = service::open_node(c->dir);
    auto v = perform(node, service::kAlert, c->id, "close", {{"note", c->note}}, by);
    std::printf("Alert %s to %s closed: \"%s\"\n", service::short_id(v.record.id).c_str(),
                v.peer.c_str(), v.record.title.c_str());
  });

  add_list_command(alert, {service::kAlert,
                           "List alerts, most recently changed first: the open ones unless --all.",
                           "Only alerts with this peer", "Closed ones too", "No alerts.",
                           "No open alerts (--all shows the closed ones too).", false});
  add_show_command(alert, service::kAlert, "alert",
                   "Show one alert: labels, deadline, history, attachments, what to do next.");
}

}  // namespace hotline::cli
