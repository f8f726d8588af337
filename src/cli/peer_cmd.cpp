// hotline peer add|list|rekey: the parties this node has links with.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/time.h"
#include "hotline/service/key_service.h"
#include "hotline/service/link_service.h"

namespace hotline::cli {
namespace {

nlohmann::json keys_json(const std::vector<link::KeyRecord>& keys) {
  auto arr = nlohmann::json::array();
  for (const auto& k : keys) {
    arr.push_back({{"public_key", k.key.encoded()},
                   {"fingerprint", k.key.fingerprint()},
                   {"since", k.since},
                   {"until", k.until ? nlohmann::json(*k.until) : nullptr},
                   {"revoked_from", k.revoked_from ? nlohmann::json(*k.revoked_from) : nullptr}});
  }
  return arr;
}

void print_keys(const std::vector<link::KeyRecord>& keys) {
  std::printf("  keys (oldest first):\n");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    std::string state;
    if (k.revoked_from) {
      state = "REVOKED from " + *k.revoked_from;
    } else if (k.until) {
      state = "signs until " + *k.until + " (overlap end)";
    } else {
      state = i + 1 == keys.size() ? "current" : "in use";
    }
    std::printf("    %s  since %s  %s\n", k.key.fingerprint().c_str(),
                k.since.empty() ? "(added)" : k.since.c_str(), state.c_str());
  }
}

void add_rekey_command(CLI::App* peer) {
  auto* rekey = peer->add_subcommand(
      "rekey",
      "After the peer's key was compromised: pin its new key and refuse, from --revoke-from "
      "on, everything signed with the old one. Read the new key's fingerprint with the peer's "
      "office BY PHONE (their `hotline key show`); the key itself is taken from their node's "
      "refused connection attempts, or given with --key. Envelopes they sent before "
      "--revoke-from still verify.");
  struct RekeyOpts {
    std::string dir, peer, fingerprint, key, revoke_from;
  };
  auto r = std::make_shared<RekeyOpts>();
  rekey->add_option("--dir", r->dir, "The node's data directory")->required();
  rekey->add_option("--peer", r->peer, "The peer's name (hotline peer list)")->required();
  rekey
      ->add_option("--fingerprint", r->fingerprint,
                   "The new key's fingerprint, as read by phone (SHA256:xxxx xxxx ...)")
      ->required();
  rekey
      ->add_option("--revoke-from", r->revoke_from,
                   "From when the old key is not trusted: a UTC time (2026-12-08T09:30:00.000Z) "
                   "or a day (2026-12-08)")
      ->required();
  rekey->add_option("--key", r->key,
                    "The new public key (43 characters), when their node has not tried to "
                    "connect yet; its fingerprint must match --fingerprint");
  rekey->callback([r] {
    auto node = service::open_node(r->dir);
    auto res = service::rekey_peer(node, r->peer, r->fingerprint,
                                   r->key.empty() ? std::nullopt : std::optional(r->key),
                                   r->revoke_from, now_ms());
    std::printf(
        "Re-pinned peer \"%s\"\n  old key  %s  revoked from %s\n  new key  %s\n\n"
        "Envelopes signed with the old key and sent from %s on are refused "
        "(event envelope_refused, error envelope_key_revoked). A running node uses the new key "
        "within a second.\n",
        res.peer.name.c_str(), res.old_key.fingerprint().c_str(), res.revoked_from.c_str(),
        res.new_key.fingerprint().c_str(), res.revoked_from.c_str());
  });
}

}  // namespace

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

  add_rekey_command(peer);

  auto* list = peer->add_subcommand(
      "list",
      "Show each link: connected or not, last contact, queue, sequence numbers, and the "
      "peer's keys (after a rotation: each key and when its overlap ends).");
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
             {"agreement", v.agreement ? nlohmann::json(*v.agreement) : nullptr},
             {"keys", keys_json(v.keys)}});
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
      std::printf("  fingerprint %s\n", v.fingerprint.c_str());
      if (v.keys.size() > 1) print_keys(v.keys);
      std::printf("\n");
    }
  });
}

}  // namespace hotline::cli
