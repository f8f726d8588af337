// hotline taxii list|publish|withdraw: which peers and cases the node's
// read-only TAXII 2.1 server (on the operators' listener, /taxii2/) publishes
// to the office's own tools (service/taxii_service.h, docs/interop.md).
// Nothing is published until an admin publishes it here or through the API
// (PUT /v1/taxii/peers/{name}, PUT /v1/taxii/cases/{id}).
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/taxii_service.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

struct TaxiiOpts {
  std::string dir, peer, case_id, as;
  bool json = false;
};

void print_publication(service::Node& node, bool as_json) {
  auto p = service::taxii_publication(*node.store);
  if (as_json) {
    std::printf("%s\n", nlohmann::json{{"peers", p.peers}, {"cases", p.cases}}.dump(2).c_str());
    return;
  }
  if (p.peers.empty() && p.cases.empty()) {
    std::printf("Nothing is published over TAXII.\n");
    return;
  }
  for (const auto& peer : p.peers)
    std::printf("peer  %s  (every case shared with it)\n", escape_text(peer).c_str());
  for (const auto& id : p.cases) std::printf("case  %s\n", escape_text(id).c_str());
}

void add_change(CLI::App* taxii, const char* name, const char* help, bool publish) {
  auto o = std::make_shared<TaxiiOpts>();
  auto* cmd = taxii->add_subcommand(name, help);
  cmd->add_option("--dir", o->dir, "The node's data directory")->required();
  auto* peer = cmd->add_option("--peer", o->peer, "A peer: the collection of its cases");
  auto* one = cmd->add_option("--case", o->case_id, "A case (its full id): its own collection");
  peer->excludes(one);
  cmd->add_option("--as", o->as,
                  "Your name, recorded in the audit trail; default: your OS account");
  cmd->callback([o, publish] {
    if (o->peer.empty() == o->case_id.empty())
      throw Error(ErrorCategory::usage, "usage", "give --peer NAME or --case ID");
    auto node = service::open_node(o->dir);
    const auto ctx = cli_audit(o->as);
    const bool is_peer = !o->peer.empty();
    service::set_taxii_published(*node.store, is_peer ? "peer" : "case",
                                 is_peer ? o->peer : o->case_id, publish, now_ms(), &ctx);
    print_publication(node, false);
  });
}

}  // namespace

void add_taxii_command(CLI::App& app) {
  auto* taxii = app.add_subcommand(
      "taxii",
      "What the read-only TAXII 2.1 server (/taxii2/ on the operators' listener) publishes: a "
      "collection per published peer (all cases shared with it) and per published case. "
      "Nothing until published.");
  taxii->require_subcommand(1);

  auto o = std::make_shared<TaxiiOpts>();
  auto* list = taxii->add_subcommand("list", "Show what is published");
  list->add_option("--dir", o->dir, "The node's data directory")->required();
  list->add_flag("--json", o->json, "As JSON");
  list->callback([o] {
    auto node = service::open_node(o->dir);
    print_publication(node, o->json);
  });
  add_change(taxii, "publish", "Publish a peer's cases, or one case, over TAXII", true);
  add_change(taxii, "withdraw", "Stop publishing a peer's cases, or one case", false);
}

}  // namespace hotline::cli
