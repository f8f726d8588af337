// hotline key show: the node's public identity, to hand to a peer.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {

void add_key_command(CLI::App& app) {
  auto* key = app.add_subcommand("key", "The node's identity key.");
  key->require_subcommand(1);
  auto* show = key->add_subcommand(
      "show",
      "Print the node's public key and its fingerprint. Give the key to a peer (they add it with "
      "`hotline peer add`) and confirm the fingerprint with them by phone.");
  auto dir = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  show->add_option("--dir", *dir, "The node's data directory")->required();
  show->add_flag("--json", *as_json, "Print JSON instead of text");
  show->callback([dir, as_json] {
    auto pk = service::read_public_key(*dir);
    if (*as_json) {
      nlohmann::json j = {{"public_key", pk.encoded()}, {"fingerprint", pk.fingerprint()}};
      std::printf("%s\n", j.dump(2).c_str());
    } else {
      std::printf("public key   %s\nfingerprint  %s\n", pk.encoded().c_str(),
                  pk.fingerprint().c_str());
    }
  });
}

}  // namespace hotline::cli
