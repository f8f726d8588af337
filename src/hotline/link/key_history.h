// A party's key history: every Ed25519 key it has signed with, oldest first,
// and what each key may still sign (docs/protocol.md §1.1).
//
// A node keeps one for itself and one per peer. A key is added when the
// node rotates (`hotline key rotate`: the old key gets an overlap end,
// `until`), when it replaces a compromised one (`hotline key revoke`: the old
// key gets `revoked_from`), when a peer's `key.rotate` envelope passes its
// checks, or when an operator re-pins a peer by hand (`hotline peer rekey`).
//
// Rules (each envelope is checked against the key named in its "from"):
//  - a new envelope (one arriving now) is accepted when its key is in the
//    history, is not past its overlap end (`until`, by the receiver's clock),
//    and, if revoked, was sent before `revoked_from`;
//  - a stored envelope (ledger verify) is valid when its key is in the
//    history and, if revoked, it was sent before `revoked_from`: envelopes
//    signed with an old key verify forever;
//  - the link's TLS accepts every key that is not revoked (a retired key
//    still opens the channel: its holder is the peer, which presents it until
//    it restarts after the rotation; what the key may sign is decided per
//    envelope, above).
//
// Value type; the KeyRing below shares one between threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/crypto/ed25519.h"
#include "hotline/link/envelope.h"

namespace hotline::link {

struct KeyRecord {
  crypto::PublicKey key;
  std::string since;                        // RFC 3339: when it was made or pinned
  std::optional<std::string> until;         // overlap end: no new envelopes after it
  std::optional<std::string> revoked_from;  // compromised from then on
  friend bool operator==(const KeyRecord&, const KeyRecord&) = default;
};

class KeyHistory {
 public:
  KeyHistory() = default;
  explicit KeyHistory(std::vector<KeyRecord> keys) : keys_(std::move(keys)) {}
  // A history of one key, pinned at `since`.
  static KeyHistory single(const crypto::PublicKey& key, std::string since = "");

  const std::vector<KeyRecord>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  // The newest key: the one to sign with, and to address envelopes to.
  const crypto::PublicKey& current() const { return keys_.back().key; }
  const KeyRecord* find(const crypto::PublicKey& key) const;
  const KeyRecord* find(std::string_view encoded) const;

  // Appends a key (the previous newest keeps what the caller set on it).
  // Error key_exists when the key is in the history already.
  void add(KeyRecord record);
  // Sets `until` on the newest key (before add()ing its successor).
  void retire_current(const std::string& until);
  // Marks `key` compromised from `from`; Error key_unknown when absent.
  void revoke(const crypto::PublicKey& key, const std::string& from);

  // The key that signed `e` if `e` may be accepted now (`now`: RFC 3339),
  // else Error: envelope_bad_value (not a key of this party),
  // envelope_key_revoked, envelope_key_retired. `who` names the party.
  const crypto::PublicKey& accept_new(std::string_view from, std::string_view sent_at,
                                      std::string_view now, const std::string& who) const;
  // The key that signed a stored envelope or receipt, or Error as above
  // (envelope_key_revoked only).
  const crypto::PublicKey& accept_stored(std::string_view from, std::string_view sent_at,
                                         const std::string& who) const;
  // Whether TLS may accept `key` at `now` (any key not revoked).
  bool accepts_tls(const crypto::PublicKey& key, std::string_view now) const;
  // Every key TLS accepts at `now`.
  std::vector<crypto::PublicKey> tls_keys(std::string_view now) const;

  nlohmann::json to_json() const;
  // Error key_history_invalid on a malformed document.
  static KeyHistory from_json(const nlohmann::json& j);

  friend bool operator==(const KeyHistory&, const KeyHistory&) = default;

 private:
  std::vector<KeyRecord> keys_;
};

// A key history shared by the threads of one process (the link's receiver,
// its delivery worker, the peer listener): read per envelope batch without a
// database query; replaced whenever the stored history changes. Thread-safe.
class KeyRing {
 public:
  explicit KeyRing(KeyHistory h) : history_(std::make_shared<const KeyHistory>(std::move(h))) {}
  std::shared_ptr<const KeyHistory> get() const {
    std::lock_guard lock(mu_);
    return history_;
  }
  void set(KeyHistory h) {
    auto next = std::make_shared<const KeyHistory>(std::move(h));
    std::lock_guard lock(mu_);
    history_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const KeyHistory> history_;
};

// ---------------------------------------------------------------------------
// The key.rotate envelope's body (docs/protocol.md §5.2):
//   {"new_key": KEY, "overlap_until": TS, "proof": SIG}
// The envelope is signed by the old key (its "from"); "proof" is the new
// key's signature over proof_text(), its proof of possession.

inline constexpr const char* kKeyRotate = "key.rotate";
inline constexpr const char* kKeyPinned = "key.pinned";

// {"link":L,"new_key":N,"old_key":O,"overlap_until":T,"type":"key.rotate.proof","v":1}
std::string rotation_proof_text(std::string_view link, std::string_view old_key,
                                std::string_view new_key, std::string_view overlap_until);
nlohmann::json rotation_body(std::string_view link, const crypto::PublicKey& old_key,
                             const crypto::KeyPair& new_key, const std::string& overlap_until);

struct Rotation {
  crypto::PublicKey old_key;
  crypto::PublicKey new_key;
  std::string overlap_until;
};
// Checks a key.rotate envelope whose own signature was verified already:
// its body's shape, the proof by the new key, and that the new key differs
// from every key in `history`. Error key_rotation_invalid otherwise.
Rotation check_rotation(const Envelope& e, const KeyHistory& history);
// `history` with the rotation applied: the old key's overlap ends at
// overlap_until (unless it ended earlier), the new key is pinned at `since`.
KeyHistory apply_rotation(const KeyHistory& history, const Rotation& r, const std::string& since);

}  // namespace hotline::link
