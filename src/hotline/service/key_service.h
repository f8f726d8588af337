// Use cases of the node's identity keys (docs/operations.md, "Key rotation"
// and "After a key compromise"; docs/protocol.md §1.1 and §5.2):
//
//   rotate_key    a new identity; a key.rotate envelope to every peer,
//                 signed by the old key and proven by the new one; both keys
//                 sign for the overlap, then only the new one.
//   revoke_key    after a compromise, on the compromised node: a new key,
//                 the old one revoked from a given time, nothing announced
//                 over the link (the peers learn the new key by phone).
//   rekey_peer    on the peer: re-pins the peer's new key (its fingerprint
//                 read by phone) and revokes the old one.
//   apply_key_rotate / apply_key_pinned   the effects of the two envelopes.
//
// The histories themselves are link_support.h's (settings keys.self and
// keys.peer.<link>); every rotation envelope is also a leaf of the ledger.
// Files: D/identity.key is replaced (through D/identity.key.next, renamed
// once the store holds the new key, so that a crash leaves the old identity
// or the new one, never a node whose files and store disagree); a rotated
// key is kept as D/keys/<fingerprint>.key (mode 0600) for the link's TLS
// until every peer has confirmed the new one; a revoked key is not kept.
//
// Each use case is one store transaction plus those file moves; none does
// network I/O. Not thread-safe with itself on one node (an operator's command).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

inline constexpr std::chrono::hours kDefaultKeyOverlap{24 * 7};

// "7d", "36h", "90m", "600s": Error duration_invalid otherwise (or beyond
// 365 days, or zero).
std::chrono::seconds parse_duration(const std::string& text);

// A fingerprint as printed (with or without "SHA256:", spaces, case) made
// canonical: 32 lowercase hex digits; Error fingerprint_invalid otherwise.
std::string normalize_fingerprint(const std::string& text);
// The form to read aloud: "SHA256:1a2b 3c4d …" (crypto::PublicKey::fingerprint).
std::string fingerprint_hex(const crypto::PublicKey& key);  // 32 hex digits

struct RotateResult {
  crypto::PublicKey old_key;
  crypto::PublicKey new_key;
  std::string overlap_until;
  std::vector<std::string> peers;  // each got a key.rotate envelope
};
// `node.identity` is the new key on return.
RotateResult rotate_key(Node& node, std::chrono::seconds overlap, TimePoint now);

struct RevokeResult {
  crypto::PublicKey revoked;
  crypto::PublicKey new_key;
  std::string revoked_from;
};
// `fingerprint` must be our current key's (else fingerprint_mismatch, with
// expected and found); `from` an RFC 3339 time or a day.
RevokeResult revoke_key(Node& node, const std::string& fingerprint, const std::string& from,
                        TimePoint now);

struct RekeyResult {
  store::PeerRecord peer;
  crypto::PublicKey old_key;
  crypto::PublicKey new_key;
  std::string revoked_from;
};
// The peer's new key is `key` when given (its fingerprint must be
// `fingerprint`), else the key of that fingerprint that the peer presented
// in a refused TLS handshake (events peer_refused, the link's last error).
// Error fingerprint_mismatch / peer_key_not_seen otherwise.
RekeyResult rekey_peer(Node& node, const std::string& peer, const std::string& fingerprint,
                       const std::optional<std::string>& key, const std::string& revoke_from,
                       TimePoint now);

// Effects (node/inbound.cpp), inside the receiving transaction.
void apply_key_rotate(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                      const std::string& received_at);
void apply_key_pinned(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                      const std::string& received_at);

// The key the node presents in the link's TLS: the rotated key while its
// overlap runs and some peer (or `link`'s peer, when given) has not
// confirmed the new key; else the identity. Null: the identity.
std::optional<crypto::KeyPair> tls_key_during_overlap(const Node& node, TimePoint now,
                                                      const std::optional<std::string>& link);

}  // namespace hotline::service
