// Tree heads: a node's signed statement "my ledger had `size` leaves with
// root `root` at `time`". Peers keep the heads they receive and ask for
// consistency proofs between them, so a node that rewrites its history is
// caught by its own signature.
//
// Signed bytes: the RFC 8785 canonical JSON of
//   {"root":HEX64,"size":N,"time":TS,"type":"tree_head","v":1}
// (lowercase hex; N <= 2^53 - 1; TS as in common/time.h). "type" keeps a
// tree-head signature from ever being valid as another kind of statement.
// On the wire, the signed head carries two more members:
//   {"key":B64URL,"root":…,"sig":B64URL,"size":…,"time":…,"type":"tree_head","v":1}
// with the signer's public key and the Ed25519 signature (base64url, no padding).
//
// Errors: tree_head_invalid (shape or values; the message says which). The
// JSON text reader also throws the json_* codes of crypto/canonical_json.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hotline/crypto/ed25519.h"
#include "hotline/ledger/merkle.h"

namespace hotline::ledger {

struct TreeHead {
  std::uint64_t size = 0;
  Digest root{};
  std::string time;  // "YYYY-MM-DDTHH:MM:SS.mmmZ"

  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

struct SignedTreeHead {
  TreeHead head;
  std::string key;  // signer's public key, base64url
  std::string sig;  // Ed25519 signature over signing_input(head), base64url

  friend bool operator==(const SignedTreeHead&, const SignedTreeHead&) = default;
};

// The canonical bytes that are signed. Throws tree_head_invalid for a size
// above 2^53 - 1 or a time not in the one timestamp form.
std::string signing_input(const TreeHead& head);

SignedTreeHead sign_tree_head(TreeHead head, const crypto::KeyPair& key);

// True when `sth` is signed by `key` and names it. Never throws.
bool verify_tree_head(const SignedTreeHead& sth, const crypto::PublicKey& key);

// nlohmann::json conversions (so `json j = sth;` and `j.get<SignedTreeHead>()`
// work). from_json is strict: exactly the seven members above, each of its
// type and form, else tree_head_invalid. It does not check the signature.
void to_json(nlohmann::json& j, const SignedTreeHead& sth);
void from_json(const nlohmann::json& j, SignedTreeHead& sth);

// The wire form as canonical JSON text, and its strict reader (the text need
// not be canonical; it must not hold floats, duplicate keys, etc.).
std::string canonical(const SignedTreeHead& sth);
SignedTreeHead parse_signed_tree_head(std::string_view text);

}  // namespace hotline::ledger
