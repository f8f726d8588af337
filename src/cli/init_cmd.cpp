// hotline init: create a node's data directory, identity and database.
#include <cstdio>
#include <string>

#include "commands.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {

void add_init_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "init",
      "Create a new node: a data directory holding the node's Ed25519 identity key, its database "
      "and "
      "the certificate of its operators' web listener. Refuses to touch a directory that already "
      "holds a node.");
  auto dir = std::make_shared<std::string>();
  auto party = std::make_shared<std::string>();
  cmd->add_option("--dir", *dir, "Data directory to create (e.g. /var/lib/hotline)")->required();
  cmd->add_option("--party", *party,
                  "Name of your office as peers will see it (e.g. \"CERT-Alpha\")")
      ->required();
  auto store = std::make_shared<std::string>();
  auto store_env = std::make_shared<std::string>();
  auto* store_opt = cmd->add_option(
      "--store", *store,
      "Keep the node's records in this PostgreSQL database instead of DIR/hotline.db: a libpq "
      "connection string (\"postgresql://hotline@db.example/hotline\" or \"host=/run/postgresql "
      "dbname=hotline\"), kept in DIR/store.conf. It must hold no password: libpq reads that "
      "from a passfile=, ~/.pgpass, PGPASSFILE or PGPASSWORD. The database must be empty");
  cmd->add_option("--store-env", *store_env,
                  "As --store, but the connection string is read from this environment "
                  "variable at every start and never written to DIR (systemd credentials, "
                  "containers)")
      ->excludes(store_opt);
  cmd->callback([dir, party, store, store_env] {
    service::StoreConfig config;
    if (!store->empty() || !store_env->empty()) {
      config.kind = service::StoreConfig::Kind::postgres;
      config.conninfo = *store;
      config.conninfo_env = *store_env;
    }
    auto r = service::init_node(*dir, *party, config);
    std::printf(
        "Created node \"%s\" in %s (records in %s)\n\n"
        "  public key   %s\n"
        "  fingerprint  %s\n\n"
        "Next steps:\n"
        "  1. Give the public key to your peer over a channel you trust, and read the fingerprint\n"
        "     to them on the phone so that both sides know it arrived unchanged.\n"
        "  2. Start the node:  hotline serve --dir %s\n",
        party->c_str(), dir->c_str(), service::describe_store(r.paths, config).c_str(),
        r.public_key.encoded().c_str(), r.public_key.fingerprint().c_str(), dir->c_str());
  });
}

}  // namespace hotline::cli
