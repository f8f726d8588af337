// The receipt: the receiver's signed statement that it stored an envelope.
//
//   {"envelope":HEX64,"envelope_id":UUID,"from":KEY,"index":INT,"link":LINKID,
//    "received_at":TS,"seq":INT,"sig":B64URL,"to":KEY,"v":1}
//
// "from" is the receiver (who signs), "to" the envelope's sender. "index" is
// the position of the envelope in the receiver's log (0-based), "received_at"
// the receiver's clock when it stored the envelope durably; deadlines start
// there (docs/protocol.md §4).
//
// Errors: json_* as for envelopes, then receipt_invalid (shape or values)
// and receipt_bad_signature.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hotline/crypto/ed25519.h"

namespace hotline::link {

struct Receipt {
  int v = 1;
  std::string link;
  std::string from;  // receiver's key (the signer)
  std::string to;    // the envelope's sender
  std::int64_t seq = 0;
  std::string envelope;     // hex SHA-256 of the envelope's canonical bytes
  std::string envelope_id;  // the envelope's id
  std::string received_at;  // receiver's clock
  std::int64_t index = 0;   // position in the receiver's log
  std::string sig;

  friend bool operator==(const Receipt&, const Receipt&) = default;
};

std::string receipt_signing_input(const Receipt& r);
std::string canonical(const Receipt& r);
Receipt seal(Receipt r, const crypto::KeyPair& key);

// Parses a receipt given as JSON text; the text need not be canonical (a
// receipt travels inside a response document), the signature is checked over
// the canonical form.
Receipt parse_receipt(std::string_view text);

// Throws receipt_bad_signature unless r is signed by `key` (and r.from is it).
void verify_signature(const Receipt& r, const crypto::PublicKey& key);

}  // namespace hotline::link
