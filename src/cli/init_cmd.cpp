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
  cmd->callback([dir, party] {
    auto r = service::init_node(*dir, *party);
    std::printf(
        "Created node \"%s\" in %s\n\n"
        "  public key   %s\n"
        "  fingerprint  %s\n\n"
        "Next steps:\n"
        "  1. Give the public key to your peer over a channel you trust, and read the fingerprint\n"
        "     to them on the phone so that both sides know it arrived unchanged.\n"
        "  2. Start the node:  hotline serve --dir %s\n",
        party->c_str(), dir->c_str(), r.public_key.encoded().c_str(),
        r.public_key.fingerprint().c_str(), dir->c_str());
  });
}

}  // namespace hotline::cli
