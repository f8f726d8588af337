// Addresses of perfect subtrees, the only nodes a ledger ever stores.
//
// Node (level, index) is the root of the perfect subtree over the 2^level
// leaves [index * 2^level, (index + 1) * 2^level). Level 0 nodes are leaf
// hashes; node (l, i) for l > 0 is node_hash((l-1, 2i), (l-1, 2i+1)).
//
// A tree of n leaves contains node (l, i) exactly when (i + 1) * 2^l <= n.
// Any other subtree an RFC 9162 proof needs (one that ends at n, not on a
// power-of-two boundary) is not stored: its hash is computed from the
// perfect subtrees it splits into, at most one per level.
#pragma once

#include <cstdint>

#include "hotline/ledger/merkle.h"

namespace hotline::ledger {

// Deepest level a tree of fewer than 2^63 leaves can have.
inline constexpr int kMaxLevel = 63;

struct NodeId {
  int level = 0;
  std::uint64_t index = 0;

  std::uint64_t begin() const { return index << level; }      // first leaf covered
  std::uint64_t end() const { return (index + 1) << level; }  // one past the last

  friend bool operator==(const NodeId&, const NodeId&) = default;
};

struct StoredNode {
  NodeId id;
  Digest hash;

  friend bool operator==(const StoredNode&, const StoredNode&) = default;
};

}  // namespace hotline::ledger
