// A small RFC 9162 Merkle tree built whole in memory: its root and, for
// every leaf, the inclusion proof ("audit path", bottom-up as RFC 9162
// §2.1.3.1 PATH(m, D[n]) orders it). One Ed25519 signature over the root
// then stands for every leaf: a receiver signs one root per batch of
// receipts instead of one signature per receipt, and each receipt still
// verifies on its own with root_from_inclusion() (proof_verify.h) and that
// one signature.
//
// Cost: 2n - 1 hashes for n leaves, all proofs included (each hash is
// computed once and appended to the paths below it).
#pragma once

#include <span>
#include <vector>

#include "hotline/ledger/merkle.h"

namespace hotline::ledger {

struct BatchTree {
  Digest root{};
  // paths[m] proves leaf m; it holds ceil(log2 n) hashes or fewer.
  std::vector<std::vector<Digest>> paths;
};

// `leaf_hashes` are leaf_hash()es, in order. Throws Error "ledger_empty_batch"
// for no leaves: the empty tree commits to nothing.
BatchTree build_batch_tree(std::span<const Digest> leaf_hashes);

}  // namespace hotline::ledger
