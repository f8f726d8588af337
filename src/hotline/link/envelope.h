// The envelope: the one signed unit that travels a link (docs/protocol.md).
//
// On the wire an envelope is the RFC 8785 canonical JSON of exactly these
// members, signed with the sender's Ed25519 key over the canonical JSON of
// all members except "sig":
//
//   {"attachments":[{"sha256":HEX,"size":INT}...],"body":{...},"from":KEY,
//    "id":UUIDv7,"link":LINKID,"prev":HEX64,"ref":STRING|null,"sent_at":TS,
//    "seq":INT,"sig":B64URL,"to":KEY,"type":STRING,"v":1}
//
// Parsing is strict, and each way an input can be wrong has its own error
// code, so that a peer's bug shows up as a precise log line rather than a
// generic "bad request":
//   json_*                      not strict JSON (see crypto/canonical_json.h)
//   envelope_not_object         top level is not an object
//   envelope_unknown_version    "v" is missing, not an integer, or not 1
//   envelope_missing_field      a member is missing (message names it)
//   envelope_unknown_field      a member that version 1 does not define
//   envelope_wrong_type         a member has the wrong JSON type
//   envelope_bad_value          right type, impossible value (seq 0, bad id…)
//   envelope_not_canonical      the bytes are not the canonical form
//   envelope_bad_signature      the signature does not verify
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/sha256.h"

namespace hotline::link {

inline constexpr int kEnvelopeVersion = 1;
// prev of the first envelope in each direction of a link.
inline constexpr std::string_view kGenesisPrev =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AttachmentRef {
  std::string sha256;  // lowercase hex of the plaintext's SHA-256
  std::int64_t size = 0;
  friend bool operator==(const AttachmentRef&, const AttachmentRef&) = default;
};

struct Envelope {
  int v = kEnvelopeVersion;
  std::string id;                  // UUIDv7, lowercase
  std::string link;                // link id, see link_id()
  std::string from;                // sender's Ed25519 public key, base64url
  std::string to;                  // receiver's Ed25519 public key, base64url
  std::int64_t seq = 0;            // 1, 2, 3… per direction of a link
  std::string prev;                // hex SHA-256 of the previous envelope in this direction
  std::string sent_at;             // RFC 3339 UTC with milliseconds (common/time.h)
  std::string type;                // e.g. "desk.message"; lowercase letters, digits, '.', '_'
  std::optional<std::string> ref;  // id of the item this one refers to
  nlohmann::json body = nlohmann::json::object();
  std::vector<AttachmentRef> attachments;
  std::string sig;  // base64url Ed25519 signature; empty until sealed

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// The link id both ends compute alike: hex of the first 16 bytes of
// SHA-256("hotline-link-v1" || smaller key || larger key), raw key bytes.
std::string link_id(const crypto::PublicKey& a, const crypto::PublicKey& b);

// Canonical JSON of every member except "sig": the bytes that are signed.
std::string signing_input(const Envelope& e);

// Canonical JSON of the whole envelope: the bytes stored, sent and hashed.
std::string canonical(const Envelope& e);

// Signs e with `key` (e.from must be key's public key) and returns it sealed.
Envelope seal(Envelope e, const crypto::KeyPair& key);

// Parses and checks the shape of an envelope (every check above except the
// signature, which needs the sender's key).
Envelope parse_envelope(std::string_view text);

// Throws envelope_bad_signature unless e.sig is a valid signature by `key`
// over signing_input(e), and envelope_bad_value if e.from is not `key`.
void verify_signature(const Envelope& e, const crypto::PublicKey& key);

// SHA-256 of canonical(e): what "prev" and receipts refer to.
crypto::Digest envelope_digest(const Envelope& e);

}  // namespace hotline::link
