// Verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2 and
// §2.1.4.2), exactly as the RFC states the algorithms. Pure functions of
// their arguments: a verifier needs no tree, no storage and no key, only a
// tree head it trusts (its size and root) and the proof a log handed it.
//
// These functions answer yes or no and never throw: a malformed proof (too
// short, too long, wrong sizes) is simply a proof that does not verify.
//
// Policy beyond the RFC (which leaves these cases to the caller):
//   * a consistency proof from size 0 is refused, even to size 0: the empty
//     tree commits to nothing, so "consistent with it" proves nothing and
//     usually means a caller lost track of its last tree head;
//   * size1 == size2 is consistent only with an empty proof and root1 == root2.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "hotline/ledger/merkle.h"

namespace hotline::ledger {

// The root that `proof` (an inclusion proof, bottom-up as RFC 9162 orders it)
// leads to from the leaf with hash `leaf_hash` at `index` in a tree of
// `tree_size` leaves; nullopt when the proof cannot be one for that position
// (index >= tree_size, or the proof has the wrong number of hashes).
std::optional<Digest> root_from_inclusion(const Digest& leaf_hash, std::uint64_t index,
                                          std::uint64_t tree_size, std::span<const Digest> proof);

// True when `proof` shows that the leaf with hash `leaf_hash` is at `index`
// in the tree of `tree_size` leaves whose root is `root`.
bool verify_inclusion(const Digest& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                      std::span<const Digest> proof, const Digest& root);

// True when `proof` shows that the tree of size1 leaves with root1 is a
// prefix of the tree of size2 leaves with root2 (nothing was changed or
// removed, only appended). See the policy above for size1 == 0 and size1 == size2.
bool verify_consistency(std::uint64_t size1, std::uint64_t size2, const Digest& root1,
                        const Digest& root2, std::span<const Digest> proof);

}  // namespace hotline::ledger
