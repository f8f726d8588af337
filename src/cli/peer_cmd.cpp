// hotline peer add|list: the parties this node has links with.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/time.h"
#include "hotline/service/link_service.h"

namespace hotline::cli {

void add_peer_command(CLI::App& app) {
  auto* peer = app.add_subcommand("peer", "The parties this node has a link with.");
  peer->require_subcommand(1);

  auto* add = peer->add_subcommand(
      "add",
      "Add a peer: its name, the URL of its peer listener and its public key (from its "
      "`hotline key show`). Both sides add each other; then their nodes connect with mutual TLS, "
      "each pinning the other's key. A running node picks the new peer up within a second.");
  struct AddOpts {
    std::string dir, name, url, key;
  };
  auto a = std::make_shared<AddOpts>();
  add->add_option("--dir", a->dir, "The node's data directory")->required();
  add->add_option("--name", a->name, "A short name for the peer (e.g. bravo)")->required();
  add->add_option("--url", a->url, "The peer's link listener, https://HOST:PORT")->required();
  add->add_option("--key", a->key, "The peer's public key (43 characters)")->required();
  add->callback([a] {
    auto node = service::open_node(a->dir);
    auto rec = service::add_peer(node, a->name, a->url, a->key, now_ms());
    std::printf(
        "Added peer \"%s\" at %s\n  fingerprint  %s\n  link         %s\n\n"
        "Check the fingerprint with %s by phone. The link comes up once they have added you too.\n",
        rec.name.c_str(), rec.url.c_str(),
        crypto::PublicKey::decode(rec.public_key).fingerprint().c_str(), rec.link.c_str(),
        rec.name.c_str());
  });

  auto* list = peer->add_subcommand(
      "list", "Show each link: connected or not, last contact, queue, sequence numbers.");
  auto ldir = std::make_shared<std::string>();
  auto ljson = std::make_shared<bool>(false);
  list->add_option("--dir", *ldir, "The node's data directory")->required();
  list->add_flag("--json", *ljson, "Print JSON");
  list->callback([ldir, ljson] {
    auto node = service::open_node(*ldir);
    auto views = service::list_peers(*node.store);
    if (*ljson) {
      auto arr = nlohmann::json::array();
      for (const auto& v : views) {
        arr.push_back(
            {{"name", v.peer.name},
             {"url", v.peer.url},
             {"public_key", v.peer.public_key},
             {"fingerprint", v.fingerprint},
             {"link", v.peer.link},
             {"heartbeat", v.state.state},
             {"connected", v.state.connected},
             {"last_contact",
              v.state.last_contact ? nlohmann::json(*v.state.last_contact) : nullptr},
             {"last_heartbeat",
              v.state.last_heartbeat ? nlohmann::json(*v.state.last_heartbeat) : nullptr},
             {"last_error", v.state.last_error ? nlohmann::json(*v.state.last_error) : nullptr},
             {"queue", v.queue_length},
             {"last_seq_out", v.last_seq_out},
             {"last_receipted_out", v.last_receipted_out},
             {"last_seq_in", v.last_seq_in},
             {"agreement", v.agreement ? nlohmann::json(*v.agreement) : nullptr}});
      }
      std::printf("%s\n", arr.dump(2).c_str());
      return;
    }
    if (views.empty()) {
      std::printf(
          "No peers yet. Add one with: hotline peer add --dir %s --name NAME --url "
          "https://HOST:PORT --key KEY\n",
          ldir->c_str());
      return;
    }
    for (const auto& v : views) {
      const char* conn = v.state.connected ? "connected" : "not connected";
      std::printf("%s  %s\n", v.peer.name.c_str(), v.peer.url.c_str());
      std::printf("  link %s, %s, peer heartbeats: %s\n", v.peer.link.c_str(), conn,
                  v.state.state.c_str());
      std::printf("  last contact %s\n",
                  v.state.last_contact ? v.state.last_contact->c_str() : "never");
      std::printf("  sent seq %lld (receipted up to %lld, %lld queued), received seq %lld\n",
                  static_cast<long long>(v.last_seq_out),
                  static_cast<long long>(v.last_receipted_out),
                  static_cast<long long>(v.queue_length), static_cast<long long>(v.last_seq_in));
      std::printf("  agreement: %s\n",
                  v.agreement ? v.agreement->c_str() : "none yet (hotline agreement propose)");
      if (v.state.last_error && !v.state.connected)
        std::printf("  last error: %s\n", v.state.last_error->c_str());
      std::printf("  fingerprint %s\n\n", v.fingerprint.c_str());
    }
  });
}

}  // namespace hotline::cli
