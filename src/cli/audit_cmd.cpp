// hotline audit list: the audit trail (hotline/service/audit_trail.h) —
// who changed or read (TLP:AMBER, TLP:RED) which item, and who changed the
// accounts, when and from where.
//
// Only admins may read it. Whoever can run `hotline` on the data directory
// can read the database anyway (CLI access is root-equivalent), so here --as
// must merely name an existing, enabled admin of this node; the HTTP API
// enforces it by sign-in.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"

namespace hotline::cli {

void add_audit_command(CLI::App& app) {
  auto* audit = app.add_subcommand(
      "audit",
      "The audit trail: every change of an item, every read of a TLP:AMBER or TLP:RED item, "
      "every change to the accounts; hash-chained (checked by `hotline ledger verify`).");
  audit->require_subcommand(1);

  struct ListOpts {
    std::string dir, as;
    std::int64_t after = 0;
    std::size_t limit = 1000;
    bool json = false;
  };
  auto o = std::make_shared<ListOpts>();
  auto* list = audit->add_subcommand("list", "List audit entries, oldest first (admins only).");
  list->add_option("--dir", o->dir, "The node's data directory")->required();
  list->add_option("--as", o->as, "Your user name: an enabled admin of this node (required)")
      ->required();
  list->add_option("--after", o->after, "Only entries after this number")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  list->add_option("--limit", o->limit, "At most this many")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([o] {
    auto node = service::open_node(o->dir);
    store::UserRecord reader;
    try {
      reader = service::get_user(*node.store, o->as);
    } catch (const Error& e) {
      if (e.code() != "user_unknown") throw;
      throw Error(ErrorCategory::forbidden, "forbidden",
                  "There is no user \"" + o->as +
                      "\" on this node; the audit trail is for admins only "
                      "(see `hotline user list`).");
    }
    if (!service::may(reader, service::Permission::manage_users)) {
      throw Error(ErrorCategory::forbidden, "forbidden",
                  "\"" + o->as +
                      "\" is not an enabled admin of this node; the audit trail is "
                      "for admins only.");
    }
    auto entries = service::read_audit(*node.store, reader, o->after, o->limit);
    if (o->json) {
      auto arr = nlohmann::json::array();
      for (const auto& r : entries) {
        arr.push_back({{"seq", r.seq},
                       {"at", r.at},
                       {"actor", r.actor},
                       {"source", r.source},
                       {"action", r.action},
                       {"target", r.target},
                       {"detail", r.detail},
                       {"prev", r.prev},
                       {"hash", r.hash}});
      }
      std::printf("%s\n", arr.dump(2).c_str());
      return;
    }
    if (entries.empty()) {
      std::printf("No audit entries%s.\n", o->after > 0 ? " after that one" : "");
      return;
    }
    for (const auto& r : entries) {
      std::printf("%6lld  %s  %-17s %-16s %-20s %s  %s\n", static_cast<long long>(r.seq),
                  r.at.c_str(), r.action.c_str(), r.actor.c_str(), r.source.c_str(),
                  r.target.c_str(), r.detail.c_str());
    }
  });
}

}  // namespace hotline::cli
