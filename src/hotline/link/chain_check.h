// Checks one direction of a link's hash chain as stored: seq 1, 2, 3… with
// no gap, each envelope's digest the SHA-256 of its stored bytes, its "prev"
// the digest of the one before, its signature valid for the sender, and (for
// the direction given) a receipt for every envelope that should have one.
//
// Used by tests and by `hotline ledger verify`. It reports every finding,
// not only the first, so an auditor sees the extent of a problem.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hotline/crypto/ed25519.h"
#include "hotline/link/key_history.h"
#include "hotline/store/store.h"

namespace hotline::link {

struct ChainReport {
  std::int64_t envelopes = 0;
  std::int64_t receipts = 0;
  std::vector<std::string> findings;  // empty when the chain is intact
  bool ok() const { return findings.empty(); }
};

// `sender` signed the envelopes of this direction; `receiver` signed their
// receipts. Outbound envelopes still queued are not expected to have one.
ChainReport check_chain(store::Transaction& tx, const std::string& link, store::Direction direction,
                        const crypto::PublicKey& sender, const crypto::PublicKey& receiver);
// The same with key histories (key_history.h): each envelope and receipt is
// checked against the key it names, which must be in the signer's history
// and, if revoked, signed before the revocation.
ChainReport check_chain(store::Transaction& tx, const std::string& link, store::Direction direction,
                        const KeyHistory& sender, const KeyHistory& receiver);

}  // namespace hotline::link
