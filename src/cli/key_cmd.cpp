// hotline key show|rotate|revoke: the node's identity key and its history.
#include <cstdio>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/link/key_history.h"
#include "hotline/service/key_service.h"
#include "hotline/service/link_support.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {
namespace {

// Our key history when the node's store opens (else nullopt: key show also
// works on a directory whose store is elsewhere or not reachable).
std::optional<link::KeyHistory> own_history(const std::string& dir) {
  try {
    auto node = service::open_node(dir);
    return node.store->snapshot([&](store::Transaction& tx) {
      return service::self_key_history(tx, node.identity.public_key());
    });
  } catch (const Error&) {
    return std::nullopt;
  }
}

void add_show(CLI::App* key) {
  auto* show = key->add_subcommand(
      "show",
      "Print the node's public key and its fingerprint. Give the key to a peer (they add it with "
      "`hotline peer add`) and confirm the fingerprint with them by phone: it is written in "
      "groups of four hex digits, to be read aloud. After a rotation, the earlier keys too.");
  auto dir = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  show->add_option("--dir", *dir, "The node's data directory")->required();
  show->add_flag("--json", *as_json, "Print JSON instead of text");
  show->callback([dir, as_json] {
    auto pk = service::read_public_key(*dir);
    auto history = own_history(*dir);
    if (*as_json) {
      nlohmann::json j = {{"public_key", pk.encoded()}, {"fingerprint", pk.fingerprint()}};
      if (history) j["history"] = history->to_json();
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    std::printf("public key   %s\nfingerprint  %s\n", pk.encoded().c_str(),
                pk.fingerprint().c_str());
    if (history && history->keys().size() > 1) {
      std::printf("\nearlier keys (oldest first):\n");
      for (const auto& k : history->keys()) {
        if (k.key == pk) continue;
        std::string state = k.revoked_from ? "REVOKED from " + *k.revoked_from
                            : k.until      ? "signs until " + *k.until
                                           : std::string("in use");
        std::printf("  %s  %s\n", k.key.fingerprint().c_str(), state.c_str());
      }
    }
  });
}

void add_rotate(CLI::App* key) {
  auto* rotate = key->add_subcommand(
      "rotate",
      "Replace the node's identity key with a new one. Every peer gets a key.rotate envelope "
      "signed by the old key and proven by the new one; each checks both, pins the new key and "
      "answers (event key_confirmed). Both keys sign for the overlap, then only the new one; "
      "envelopes signed with the old key still verify. Restart `hotline serve` afterwards so "
      "that it signs with the new key (within the overlap).");
  struct Opts {
    std::string dir, overlap = "7d";
  };
  auto o = std::make_shared<Opts>();
  rotate->add_option("--dir", o->dir, "The node's data directory")->required();
  rotate->add_option("--overlap", o->overlap,
                     "How long the old key still signs new envelopes: 7d (default), 36h, 90m");
  rotate->callback([o] {
    const auto overlap = service::parse_duration(o->overlap);
    auto node = service::open_node(o->dir);
    auto res = service::rotate_key(node, overlap, now_ms());
    std::printf("Rotated the node's key.\n  old key  %s  signs until %s\n  new key  %s\n",
                res.old_key.fingerprint().c_str(), res.overlap_until.c_str(),
                res.new_key.fingerprint().c_str());
    std::printf("  public key %s\n\n", res.new_key.encoded().c_str());
    std::printf("Announced to %zu peer(s)%s", res.peers.size(), res.peers.empty() ? "" : ":");
    for (const auto& p : res.peers) std::printf(" %s", p.c_str());
    std::printf(
        "\nRestart `hotline serve` so that it signs with the new key; `hotline peer list` on "
        "each peer shows both keys, and the event key_confirmed here says each peer pinned "
        "it.\n");
  });
}

void add_revoke(CLI::App* key) {
  auto* revoke = key->add_subcommand(
      "revoke",
      "After a compromise of the node's key: make a new key and mark the compromised one "
      "revoked from --from. Nothing is announced over the link: read the new fingerprint to "
      "each peer's office by phone; they re-pin with `hotline peer rekey`. Restart `hotline "
      "serve` afterwards.");
  struct Opts {
    std::string dir, key, from;
  };
  auto o = std::make_shared<Opts>();
  revoke->add_option("--dir", o->dir, "The node's data directory")->required();
  revoke
      ->add_option("--key", o->key,
                   "The fingerprint of the compromised key (this node's current one, as "
                   "`hotline key show` prints it)")
      ->required();
  revoke
      ->add_option("--from", o->from,
                   "From when the key is not trusted: a UTC time (2026-12-08T09:30:00.000Z) "
                   "or a day (2026-12-08)")
      ->required();
  revoke->callback([o] {
    auto node = service::open_node(o->dir);
    auto res = service::revoke_key(node, o->key, o->from, now_ms());
    std::printf(
        "Revoked the node's key %s from %s.\n\nNew key:\n  public key   %s\n  fingerprint  %s\n\n"
        "Call each peer's office and read them the fingerprint; they run\n"
        "  hotline peer rekey --dir DIR --peer NAME --fingerprint \"%s\" --revoke-from %s\n"
        "Then restart `hotline serve`.\n",
        res.revoked.fingerprint().c_str(), res.revoked_from.c_str(), res.new_key.encoded().c_str(),
        res.new_key.fingerprint().c_str(), res.new_key.fingerprint().c_str(),
        res.revoked_from.c_str());
  });
}

}  // namespace

void add_key_command(CLI::App& app) {
  auto* key = app.add_subcommand("key", "The node's identity key: show, rotate, revoke.");
  key->require_subcommand(1);
  add_show(key);
  add_rotate(key);
  add_revoke(key);
}

}  // namespace hotline::cli
