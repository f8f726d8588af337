#include "hotline/service/key_service.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/sha256.h"
#include "hotline/link/key_history.h"
#include "hotline/link/outbound.h"
#include "hotline/service/link_support.h"

namespace hotline::service {
namespace {

namespace fs = std::filesystem;

std::string confirmed_setting(const std::string& link) {
  return "keys.confirmed." + link;
}

fs::path kept_key_path(const NodePaths& paths, const crypto::PublicKey& key) {
  return paths.dir / "keys" / (fingerprint_hex(key) + ".key");
}

fs::path next_key_path(const NodePaths& paths) {
  return paths.identity_key.string() + ".next";
}

// Writes D/identity.key.next (mode 0600), replacing a leftover of a crash.
void stage_new_identity(const NodePaths& paths, const crypto::KeyPair& key) {
  std::error_code ec;
  fs::remove(next_key_path(paths), ec);
  key.save(next_key_path(paths));
}

// Once the store holds the new key: D/identity.key and identity.pub follow.
void commit_new_identity(const NodePaths& paths, const crypto::PublicKey& key) {
  std::error_code ec;
  fs::rename(next_key_path(paths), paths.identity_key, ec);
  // A process that opened the node in between may have finished the move
  // (node_dir.cpp): then the file holds the new key already.
  if (ec && crypto::KeyPair::load(paths.identity_key).public_key() != key) {
    throw Error(ErrorCategory::internal, "key_io",
                "the store holds the new key " + key.fingerprint() + " but " +
                    next_key_path(paths).string() + " could not be moved over " +
                    paths.identity_key.string() + ": " + ec.message() +
                    "; the next start of the node finishes the move");
  }
  const fs::path pub_tmp = paths.identity_pub.string() + ".next";
  {
    std::ofstream pub(pub_tmp, std::ios::trunc);
    pub << key.encoded() << "\n";
    if (!pub) {
      throw Error(ErrorCategory::internal, "key_io", "cannot write " + pub_tmp.string());
    }
  }
  fs::rename(pub_tmp, paths.identity_pub);
}

void keep_old_key(const NodePaths& paths, const crypto::KeyPair& old) {
  const fs::path dir = paths.dir / "keys";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  const fs::path file = kept_key_path(paths, old.public_key());
  if (!fs::exists(file)) old.save(file);
}

std::string time_or_day(const std::string& text, const char* what) {
  try {
    return format_timestamp(parse_day_or_timestamp(text));
  } catch (const Error&) {
    throw Error(ErrorCategory::invalid_input, "timestamp_invalid",
                std::string(what) + ": expected a day (2026-12-08) or a UTC time " +
                    "(2026-12-08T09:30:00.000Z), found '" + text + "'");
  }
}

store::PeerRecord peer_of_link(store::Transaction& tx, const std::string& link) {
  for (auto& p : tx.list_peers()) {
    if (p.link == link) return p;
  }
  throw Error(ErrorCategory::not_found, "peer_unknown", "no peer has link " + link);
}

// Keys seen in text: every run of 43 base64url characters that decodes to
// a usable key.
void keys_in(const std::string& text, std::vector<crypto::PublicKey>& out) {
  auto b64 = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (!b64(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && b64(text[j])) ++j;
    if (j - i == 43) {
      try {
        out.push_back(crypto::PublicKey::decode(text.substr(i, 43)));
      } catch (const Error&) {
      }
    }
    i = j;
  }
}

crypto::PublicKey seen_key(store::Transaction& tx, const store::PeerRecord& peer,
                           const std::string& fp) {
  std::vector<crypto::PublicKey> seen;
  if (auto st = tx.find_link_state(peer.link); st && st->last_error) keys_in(*st->last_error, seen);
  const std::int64_t last = tx.last_event_id();
  for (const auto& ev : tx.list_events(std::max<std::int64_t>(0, last - 5000), 5000)) {
    if (ev.kind == "peer_refused" || ev.link == peer.link) keys_in(ev.detail, seen);
  }
  for (const auto& k : seen) {
    if (fingerprint_hex(k) == fp) return k;
  }
  throw Error(ErrorCategory::not_found, "peer_key_not_seen",
              "no key with fingerprint " + fp + " was presented by " + peer.name +
                  " yet (the node sees it when the peer's node tries to connect); give the key "
                  "itself with --key");
}

}  // namespace

std::chrono::seconds parse_duration(const std::string& text) {
  auto bad = [&] {
    return Error(
        ErrorCategory::invalid_input, "duration_invalid",
        "expected a duration such as 7d, 36h, 90m or 600s (at most 365d), found '" + text + "'");
  };
  if (text.size() < 2 || text.size() > 12) throw bad();
  const std::string digits = text.substr(0, text.size() - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw bad();
  const long long n = std::stoll(digits);
  long long unit = 0;
  switch (text.back()) {
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      throw bad();
  }
  if (n <= 0 || n > 365LL * 86400 / unit) throw bad();
  return std::chrono::seconds(n * unit);
}

std::string fingerprint_hex(const crypto::PublicKey& key) {
  return to_hex(crypto::sha256(std::string_view(reinterpret_cast<const char*>(key.bytes.data()),
                                                key.bytes.size())))
      .substr(0, 32);
}

std::string normalize_fingerprint(const std::string& text) {
  std::string t = text;
  if (t.rfind("SHA256:", 0) == 0 || t.rfind("sha256:", 0) == 0) t = t.substr(7);
  std::string out;
  for (char c : t) {
    if (c == ' ' || c == '-' || c == ':') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.size() != 32 || !std::all_of(out.begin(), out.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    throw Error(ErrorCategory::invalid_input, "fingerprint_invalid",
                "expected a fingerprint as `hotline key show` prints it (SHA256: then 8 groups "
                "of 4 hex digits), found '" +
                    text + "'");
  }
  return out;
}

RotateResult rotate_key(Node& node, std::chrono::seconds overlap, TimePoint now) {
  crypto::KeyPair next = crypto::KeyPair::generate();
  RotateResult res;
  res.old_key = node.identity.public_key();
  res.new_key = next.public_key();
  res.overlap_until =
      format_timestamp(now + std::chrono::duration_cast<std::chrono::milliseconds>(overlap));
  keep_old_key(node.paths, node.identity);
  stage_new_identity(node.paths, next);
  node.store->transact([&](store::Transaction& tx) {
    auto h = self_key_history(tx, res.old_key);
    if (h.current() != res.old_key) {
      throw Error(ErrorCategory::conflict, "node_key_mismatch",
                  "the store's newest key is " + h.current().fingerprint() +
                      " but D/identity.key holds " + res.old_key.fingerprint());
    }
    h.retire_current(res.overlap_until);
    h.add(link::KeyRecord{res.new_key, format_timestamp(now), std::nullopt, std::nullopt});
    put_self_key_history(tx, h);
    tx.put_setting("public_key", res.new_key.encoded());
    for (const auto& p : tx.list_peers()) {
      // Signed by the old key (node.identity until the end of this use case).
      link::LinkContext ctx(node.identity, peer_key_history(tx, p).current(), p.name, p.link);
      link::OutboundDraft d;
      d.type = link::kKeyRotate;
      d.body = link::rotation_body(p.link, res.old_key, next, res.overlap_until);
      link::append_outbound(tx, ctx, std::move(d), now);
      res.peers.push_back(p.name);
    }
    record_event(tx, now, "key_rotated", "",
                 "our key " + res.old_key.fingerprint() + " was replaced by " +
                     res.new_key.fingerprint() + "; both sign until " + res.overlap_until +
                     "; announced to " + std::to_string(res.peers.size()) + " peer(s)");
  });
  commit_new_identity(node.paths, res.new_key);
  node.identity = std::move(next);
  reload_key_rings(node);
  return res;
}

RevokeResult revoke_key(Node& node, const std::string& fingerprint, const std::string& from,
                        TimePoint now) {
  const std::string fp = normalize_fingerprint(fingerprint);
  RevokeResult res;
  res.revoked = node.identity.public_key();
  if (fingerprint_hex(res.revoked) != fp) {
    throw Error(ErrorCategory::invalid_input, "fingerprint_mismatch",
                "expected the fingerprint of this node's current key, " +
                    res.revoked.fingerprint() + "; found " + fingerprint +
                    " (a key that is not in use needs no revocation)");
  }
  res.revoked_from = time_or_day(from, "--from");
  crypto::KeyPair next = crypto::KeyPair::generate();
  res.new_key = next.public_key();
  stage_new_identity(node.paths, next);
  node.store->transact([&](store::Transaction& tx) {
    auto h = self_key_history(tx, res.revoked);
    h.revoke(res.revoked, res.revoked_from);
    h.add(link::KeyRecord{res.new_key, format_timestamp(now), std::nullopt, std::nullopt});
    put_self_key_history(tx, h);
    tx.put_setting("public_key", res.new_key.encoded());
    record_event(tx, now, "key_revoked", "",
                 "our key " + res.revoked.fingerprint() + " is revoked from " + res.revoked_from +
                     "; the new key is " + res.new_key.fingerprint() +
                     "; each peer must re-pin it (hotline peer rekey) after a phone check");
  });
  commit_new_identity(node.paths, res.new_key);
  std::error_code ec;
  fs::remove(kept_key_path(node.paths, res.revoked), ec);
  node.identity = std::move(next);
  reload_key_rings(node);
  return res;
}

RekeyResult rekey_peer(Node& node, const std::string& peer_name, const std::string& fingerprint,
                       const std::optional<std::string>& key, const std::string& revoke_from,
                       TimePoint now) {
  const std::string fp = normalize_fingerprint(fingerprint);
  RekeyResult res;
  res.revoked_from = time_or_day(revoke_from, "--revoke-from");
  node.store->transact([&](store::Transaction& tx) {
    res.peer = find_peer(tx, peer_name);
    if (key) {
      res.new_key = crypto::PublicKey::decode(*key);
      if (fingerprint_hex(res.new_key) != fp) {
        throw Error(ErrorCategory::invalid_input, "fingerprint_mismatch",
                    "the key given has fingerprint " + res.new_key.fingerprint() +
                        ", but the fingerprint read by phone is " + fingerprint +
                        "; do not pin it");
      }
    } else {
      res.new_key = seen_key(tx, res.peer, fp);
    }
    auto h = peer_key_history(tx, res.peer);
    res.old_key = h.current();
    if (res.old_key == res.new_key) {
      throw Error(ErrorCategory::conflict, "key_exists",
                  "the key of fingerprint " + res.new_key.fingerprint() + " is pinned already");
    }
    if (h.find(res.new_key) != nullptr) {
      throw Error(ErrorCategory::conflict, "key_exists",
                  "the key of fingerprint " + res.new_key.fingerprint() +
                      " was one of the peer's keys already; expected a new key");
    }
    // Every key of the peer's so far goes: a thief holding the old key may
    // have rotated to a key of its own, which must not outlive the rekey.
    const std::vector<link::KeyRecord> earlier = h.keys();
    for (const auto& k : earlier) {
      if (!k.revoked_from) h.revoke(k.key, res.revoked_from);
    }
    h.add(link::KeyRecord{res.new_key, format_timestamp(now), std::nullopt, std::nullopt});
    put_peer_key_history(tx, res.peer.link, h);
    record_event(tx, now, "peer_rekeyed", res.peer.link,
                 res.peer.name + "'s key " + res.old_key.fingerprint() + " is revoked from " +
                     res.revoked_from + "; its new key " + res.new_key.fingerprint() +
                     " is pinned (checked by phone)");
  });
  reload_key_rings(node);
  return res;
}

void apply_key_rotate(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                      const std::string& received_at) {
  auto peer = peer_of_link(tx, ctx.link);
  auto h = peer_key_history(tx, peer);
  link::Rotation r = link::check_rotation(e, h);
  auto next = link::apply_rotation(h, r, received_at);
  put_peer_key_history(tx, ctx.link, next);
  record_event(tx, parse_timestamp(received_at), "peer_key_rotated", ctx.link,
               ctx.peer_name + " rotated its key: " + r.old_key.fingerprint() + " -> " +
                   r.new_key.fingerprint() +
                   " (announcement signed by the old key, proof by the new one: both checked); "
                   "the old key signs until " +
                   r.overlap_until);
  link::LinkContext to_new = ctx;
  to_new.peer = r.new_key;
  link::OutboundDraft d;
  d.type = link::kKeyPinned;
  d.ref = e.id;
  d.body = {{"key", r.new_key.encoded()}, {"fingerprint", r.new_key.fingerprint()}};
  link::append_outbound(tx, to_new, std::move(d), parse_timestamp(received_at));
  if (ctx.peer_keys) ctx.peer_keys->set(next);
}

void apply_key_pinned(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                      const std::string& received_at) {
  const auto& b = e.body;
  if (!b.is_object() || !b.contains("key") || !b["key"].is_string()) {
    throw Error(ErrorCategory::invalid_input, "key_pinned_invalid",
                "expected a body {key, fingerprint}, found " + b.dump().substr(0, 200));
  }
  const std::string key = b["key"].get<std::string>();
  auto mine = ctx.self_history();
  const link::KeyRecord* rec = mine->find(key);
  if (rec == nullptr) {
    throw Error(ErrorCategory::invalid_input, "key_pinned_invalid",
                ctx.peer_name + " says it pinned key " + key +
                    ", which is not one of ours; expected " + mine->current().encoded());
  }
  tx.put_setting(confirmed_setting(ctx.link), key);
  record_event(tx, parse_timestamp(received_at), "key_confirmed", ctx.link,
               ctx.peer_name + " checked and pinned our key " + rec->key.fingerprint());
}

std::optional<crypto::KeyPair> tls_key_during_overlap(const Node& node, TimePoint now,
                                                      const std::optional<std::string>& link) {
  return node.store->snapshot([&](store::Transaction& tx) -> std::optional<crypto::KeyPair> {
    auto h = self_key_history(tx, node.identity.public_key());
    const auto& keys = h.keys();
    if (keys.size() < 2) return std::nullopt;
    const auto& prev = keys[keys.size() - 2];
    const std::string t = format_timestamp(now);
    if (prev.revoked_from || !prev.until || *prev.until <= t) return std::nullopt;
    const std::string current = h.current().encoded();
    bool all_confirmed = true;
    for (const auto& p : tx.list_peers()) {
      if (link && p.link != *link) continue;
      if (tx.get_setting(confirmed_setting(p.link)).value_or("") != current) all_confirmed = false;
    }
    if (all_confirmed) return std::nullopt;
    const fs::path file = kept_key_path(node.paths, prev.key);
    if (!fs::exists(file)) return std::nullopt;
    return crypto::KeyPair::load(file);
  });
}

}  // namespace hotline::service
