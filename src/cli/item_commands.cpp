#include "item_commands.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "desk.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/need_to_know.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

constexpr const char* kAsReadHelp =
    "Your name, for the audit trail (TLP:AMBER and TLP:RED reads are recorded); default: your "
    "OS account. With --dir only (over the API you are the token's user)";

void print_readers(const service::NeedToKnow& n) {
  std::cout << n.kind << " " << n.item << " (" << n.tlp << ")\n"
            << "  author:       " << (n.author.empty() ? "(the peer's)" : n.author) << "\n"
            << "  need to know: " << service::join_names(n.people) << "\n";
}

}  // namespace

void add_list_command(CLI::App* parent, const ListSpec& spec) {
  struct Opts {
    Target target;
    std::string peer, as;
    bool all = false, incoming = false, outgoing = false, json = false;
    std::size_t limit = 100;
  };
  auto o = std::make_shared<Opts>();
  auto* list = parent->add_subcommand("list", spec.help);
  add_target_options(list, o->target);
  list->add_option("--peer", o->peer, spec.peer_help);
  list->add_flag("--all", o->all, spec.all_help);
  if (spec.direction_filters) {
    auto* inc = list->add_flag("--incoming", o->incoming, "Only those from peers");
    auto* outg = list->add_flag("--outgoing", o->outgoing, "Only those of this node");
    inc->excludes(outg);
  }
  list->add_option("--limit", o->limit, "At most this many (over the API at most 1000)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  list->add_flag("--json", o->json, "Print JSON (the items as the API shows them)");
  list->add_option("--as", o->as, kAsReadHelp);
  list->callback([o, spec] {
    auto desk = open_desk(o->target, o->as, Use::read);
    ListQuery q;
    q.kind = spec.kind;
    q.peer = o->peer;
    q.all = o->all;
    q.incoming = o->incoming;
    q.outgoing = o->outgoing;
    q.limit = o->limit;
    auto shown = desk->list(q);
    if (o->json) {
      auto arr = nlohmann::json::array();
      for (const auto& v : shown) arr.push_back(item_json(v));
      print_json(arr);
      return;
    }
    print_table(shown, now_ms(), o->all ? spec.none_all : spec.none_open);
  });
}

void add_show_command(CLI::App* parent, const std::string& kind, const std::string& noun,
                      const std::string& help) {
  struct Opts {
    Target target;
    std::string id, as;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* show = parent->add_subcommand("show", help);
  add_target_options(show, o->target);
  show->add_option("id", o->id, "The " + noun + "'s id (or its first or last 8 characters)")
      ->required();
  show->add_flag("--json", o->json, "Print the item as JSON (as the API shows it)");
  show->add_option("--as", o->as, kAsReadHelp);
  show->callback([o, kind] {
    auto desk = open_desk(o->target, o->as, Use::read);
    auto v = desk->show(kind, o->id);
    if (o->json) {
      print_json(item_json(v));
      return;
    }
    print_item(v, now_ms(), desk->target_hint(), desk->actor_hint(), desk->party());
  });
}

void add_share_commands(CLI::App* parent, const std::string& kind, const std::string& noun) {
  struct Opts {
    Target target;
    std::string id, as;
    std::vector<std::string> people;
  };
  const std::string id_help = "The " + noun + "'s id (or its first or last 8 characters)";
  for (const bool share : {true, false}) {
    auto o = std::make_shared<Opts>();
    auto* cmd = parent->add_subcommand(
        share ? "share" : "unshare",
        share ? "Add people to the need-to-know list of a TLP:RED " + noun +
                    " (only they, and its author, may read it; its author or a supervisor "
                    "changes the list)"
              : "Take people off the need-to-know list of a TLP:RED " + noun);
    add_target_options(cmd, o->target);
    cmd->add_option("id", o->id, id_help)->required();
    cmd->add_option("people", o->people, "User names")->required();
    cmd->add_option("--as", o->as, as_help("changing the list"));
    cmd->callback([o, kind, share] {
      auto desk = open_desk(o->target, o->as, Use::act);
      auto list = desk->need_to_know(kind, o->id).people;
      for (const auto& p : o->people) {
        auto it = std::find(list.begin(), list.end(), p);
        if (share && it == list.end()) list.push_back(p);
        if (!share && it != list.end()) list.erase(it);
      }
      print_readers(desk->set_need_to_know(kind, o->id, list));
    });
  }
  auto o = std::make_shared<Opts>();
  auto* readers = parent->add_subcommand(
      "readers", "Who may read a TLP:RED " + noun + ": its author and its need-to-know list");
  add_target_options(readers, o->target);
  readers->add_option("id", o->id, id_help)->required();
  readers->add_option("--as", o->as, kAsReadHelp);
  readers->callback([o, kind] {
    auto desk = open_desk(o->target, o->as, Use::read);
    print_readers(desk->need_to_know(kind, o->id));
  });
}

}  // namespace hotline::cli
