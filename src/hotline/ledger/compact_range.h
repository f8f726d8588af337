// The compact range [0, size): the right edge of an append-only tree.
//
// The first `size` leaves split into one perfect subtree per set bit of
// `size`, largest (leftmost) first: 13 = 8 + 4 + 1 leaves are the subtrees
// (3, 0), (2, 2), (0, 12). Their roots are all a log needs in order to
//   * append: the new leaf merges with the trailing subtrees of equal size
//     (like a binary carry), completing the perfect subtrees above it;
//   * compute the current root: fold the roots right to left with node_hash.
// So append is O(1) amortized hashes (O(log n) worst case) and the root
// costs at most 63 hashes, whatever the tree's size.
//
// Invariant: hashes().size() == popcount(size()), and hashes()[k] is the
// root of the k-th subtree of node_ids(size()).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hotline/ledger/node_id.h"

namespace hotline::ledger {

class CompactRange {
 public:
  // The empty range.
  CompactRange() = default;

  // From the roots of node_ids(size), e.g. as read back from storage.
  // Throws ledger_bad_request when the count does not match.
  CompactRange(std::uint64_t size, std::vector<Digest> hashes);

  // The perfect subtrees that make up leaves [0, size), left to right.
  static std::vector<NodeId> node_ids(std::uint64_t size);

  std::uint64_t size() const { return size_; }
  std::span<const Digest> hashes() const { return hashes_; }

  // The hash of node `id` when it is one of this range's subtrees.
  const Digest* find(const NodeId& id) const;

  // Appends the leaf with hash `leaf_hash` (leaf number size()). When
  // `completed` is not null, pushes onto it the new leaf node and then every
  // perfect subtree the leaf completes, bottom-up: exactly the nodes a tree
  // of size() + 1 leaves stores and a tree of size() leaves does not.
  void append(const Digest& leaf_hash, std::vector<StoredNode>* completed);

  // MTH of leaves [0, size): empty_root() for the empty range.
  Digest root() const;

  friend bool operator==(const CompactRange&, const CompactRange&) = default;

 private:
  std::uint64_t size_ = 0;
  std::vector<Digest> hashes_;  // largest subtree first
};

}  // namespace hotline::ledger
