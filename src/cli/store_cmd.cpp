// hotline store copy: move a node's records from its SQLite file into
// PostgreSQL (service/store_copy.h).
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "hotline/service/store_copy.h"

namespace hotline::cli {
namespace {

void add_copy(CLI::App& store) {
  auto* cmd = store.add_subcommand(
      "copy",
      "Copy a node's records from its SQLite file (DIR/hotline.db) into an empty PostgreSQL "
      "database, check the copy (every kind of record as many times, the log's size and root "
      "equal), and only then switch DIR to it (DIR/store.conf). The SQLite file is kept as it "
      "was, as a backup. Stop the node's hotline serve first.");
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto to_env = std::make_shared<std::string>();
  cmd->add_option("--from", *from, "The node's data directory")->required();
  auto* to_opt = cmd->add_option(
      "--to", *to,
      "The empty PostgreSQL database: a libpq connection string without a password (as "
      "hotline init --store), kept in DIR/store.conf");
  auto* env_opt = cmd->add_option("--to-env", *to_env,
                                  "As --to, read from this environment variable at every start "
                                  "(as hotline init --store-env)")
                      ->excludes(to_opt);
  cmd->callback([from, to, to_env, to_opt, env_opt] {
    if (to_opt->count() + env_opt->count() != 1) {
      throw CLI::ValidationError("--to", "give the target as --to CONNINFO or --to-env VARIABLE");
    }
    service::StoreConfig target;
    target.kind = service::StoreConfig::Kind::postgres;
    target.conninfo = *to;
    target.conninfo_env = *to_env;
    std::printf("Copying the node in %s into %s\n", from->c_str(),
                service::describe_store(service::NodePaths(*from), target).c_str());
    std::fflush(stdout);
    auto result =
        service::copy_node_store(*from, target, [](std::string_view kind, std::int64_t n) {
          std::printf("  %-16.*s %lld\n", static_cast<int>(kind.size()), kind.data(),
                      static_cast<long long>(n));
          std::fflush(stdout);
        });
    std::printf("\nChecked: the same number of records of every kind on both sides:\n");
    for (const auto& [kind, n] : result.counts) {
      std::printf("  %-16s %lld\n", kind.c_str(), static_cast<long long>(n));
    }
    std::printf(
        "and the same log: size %lld, root %s.\n\n"
        "%s now keeps its records in %s (%s).\n"
        "The SQLite file %s is kept as it was: a backup, no longer read.\n"
        "Start the node again:  hotline serve --dir %s\n",
        static_cast<long long>(result.log_size), result.root.c_str(), from->c_str(),
        result.target.c_str(), service::NodePaths(*from).store_conf.c_str(), result.backup.c_str(),
        from->c_str());
  });
}

}  // namespace

void add_store_command(CLI::App& app) {
  auto* store = app.add_subcommand("store", "Where a node's records live");
  store->require_subcommand(1);
  add_copy(*store);
}

}  // namespace hotline::cli
