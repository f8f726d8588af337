// hotline metrics token: the token a Prometheus server shows to read GET
// /metrics on the operators' listener (service/metrics_service.h;
// docs/operations.md, "Metrics").
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "hotline/common/time.h"
#include "hotline/service/metrics_service.h"
#include "hotline/service/node_dir.h"
#include "item_format.h"

namespace hotline::cli {

void add_metrics_command(CLI::App& app) {
  auto* metrics = app.add_subcommand(
      "metrics", "The Prometheus metrics at GET /metrics of the operators' listener");
  metrics->require_subcommand(1);
  struct Opts {
    std::string dir;
    bool remove = false;
  };
  auto o = std::make_shared<Opts>();
  auto* token = metrics->add_subcommand(
      "token",
      "Make the metrics token (shown once; it replaces the previous one), or remove it. It "
      "reads /metrics only; no API route accepts it");
  token->add_option("--dir", o->dir, "The node's data directory")->required();
  token->add_flag("--remove", o->remove,
                  "Remove the token: only the addresses of serve --metrics-allow read /metrics");
  token->callback([o] {
    auto node = service::open_node(o->dir);
    const auto audit = cli_audit("");
    if (o->remove) {
      const bool removed = service::remove_metrics_token(*node.store, audit, now_ms());
      std::printf("%s\n", removed ? "Metrics token removed." : "There was no metrics token.");
      return;
    }
    const std::string t = service::create_metrics_token(*node.store, audit, now_ms());
    std::printf(
        "%s\n\nThis token is shown once; any earlier one no longer works. Give it to the "
        "Prometheus server as its bearer token (authorization: credentials_file), and keep it as "
        "you keep a password: it shows the node's link and desk counts.\n",
        t.c_str());
  });
}

}  // namespace hotline::cli
