// The two hash functions of an RFC 9162 (§2.1.1) Merkle tree over SHA-256.
//
// Leaves and interior nodes are hashed with different one-byte prefixes, so
// no leaf can be passed off as an interior node (second-preimage defence):
//
//   leaf hash  = SHA-256(0x00 || leaf data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")            (the root of the empty tree)
//
// Everything else in this folder (tree, proofs, tree heads) is built from
// these three functions.
#pragma once

#include <string_view>

#include "hotline/crypto/sha256.h"

namespace hotline::ledger {

using crypto::Digest;

Digest leaf_hash(std::string_view leaf_data);
Digest node_hash(const Digest& left, const Digest& right);
Digest empty_root();

// Parses 64 hex digits (as hashes are stored and sent) into a Digest; any
// other text throws Error "ledger_bad_hash".
Digest digest_from_hex(std::string_view hex);

}  // namespace hotline::ledger
