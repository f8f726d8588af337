#include "item_commands.h"

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/service/audit_trail.h"
#include "hotline/service/desk_service.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

constexpr const char* kAsReadHelp =
    "Your name, for the audit trail (TLP:AMBER and TLP:RED reads are recorded); default: your "
    "OS account";

}  // namespace

void add_list_command(CLI::App* parent, const ListSpec& spec) {
  struct Opts {
    std::string dir, peer, as;
    bool all = false, incoming = false, outgoing = false, json = false;
    std::size_t limit = 100;
  };
  auto o = std::make_shared<Opts>();
  auto* list = parent->add_subcommand("list", spec.help);
  list->add_option("--dir", o->dir, "The node's data directory")->required();
  list->add_option("--peer", o->peer, spec.peer_help);
  list->add_flag("--all", o->all, spec.all_help);
  if (spec.direction_filters) {
    auto* inc = list->add_flag("--incoming", o->incoming, "Only those from peers");
    auto* outg = list->add_flag("--outgoing", o->outgoing, "Only those of this node");
    inc->excludes(outg);
  }
  list->add_option("--limit", o->limit, "At most this many")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  list->add_flag("--json", o->json, "Print JSON (the documents)");
  list->add_option("--as", o->as, kAsReadHelp);
  list->callback([o, spec] {
    auto node = service::open_node(o->dir);
    const auto now = now_ms();
    const auto ctx = cli_audit(o->as);
    std::vector<service::ItemView> shown;
    for (auto& v : service::list_items(*node.store, spec.kind, o->peer, 100000, now)) {
      if (shown.size() >= o->limit) break;
      const bool ours = v.document.value("origin", "") == "ours";
      if ((o->incoming && ours) || (o->outgoing && !ours)) continue;
      if (o->all || is_open(v)) shown.push_back(std::move(v));
    }
    // Only what is shown counts as read.
    service::record_item_reads(*node.store, &ctx, shown, "list", now);
    if (o->json) {
      auto arr = nlohmann::json::array();
      for (const auto& v : shown) arr.push_back(item_json(v));
      print_json(arr);
      return;
    }
    print_table(shown, now, o->all ? spec.none_all : spec.none_open);
  });
}

void add_show_command(CLI::App* parent, const std::string& kind, const std::string& noun,
                      const std::string& help) {
  struct Opts {
    std::string dir, id, as;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* show = parent->add_subcommand("show", help);
  show->add_option("--dir", o->dir, "The node's data directory")->required();
  show->add_option("id", o->id, "The " + noun + "'s id (or its first or last 8 characters)")
      ->required();
  show->add_flag("--json", o->json, "Print the document as JSON");
  show->add_option("--as", o->as, kAsReadHelp);
  show->callback([o, kind] {
    auto node = service::open_node(o->dir);
    const auto now = now_ms();
    const auto ctx = cli_audit(o->as);
    auto v = service::show_item(*node.store, resolve_id(node, kind, o->id), now, &ctx);
    if (o->json) {
      print_json(item_json(v));
      return;
    }
    print_item(v, now, o->dir, node.party);
  });
}

}  // namespace hotline::cli
