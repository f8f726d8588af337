#include "hotline/ledger/batch_tree.h"

#include <bit>
#include <cstddef>

#include "hotline/common/error.h"

namespace hotline::ledger {
namespace {

// MTH(D[lo:hi]), appending to the path of every leaf in [lo, hi) the root of
// the sibling subtree at each level (RFC 9162 §2.1.1: k is the largest power
// of two smaller than n). Recursion finishes the lower levels first, so each
// path comes out bottom-up.
Digest subtree(std::span<const Digest> leaves, std::size_t lo, std::size_t hi,
               std::vector<std::vector<Digest>>& paths) {
  const std::size_t n = hi - lo;
  if (n == 1) return leaves[lo];
  const std::size_t k = std::bit_floor(n - 1);
  const Digest left = subtree(leaves, lo, lo + k, paths);
  const Digest right = subtree(leaves, lo + k, hi, paths);
  for (std::size_t m = lo; m < lo + k; ++m) paths[m].push_back(right);
  for (std::size_t m = lo + k; m < hi; ++m) paths[m].push_back(left);
  return node_hash(left, right);
}

}  // namespace

BatchTree build_batch_tree(std::span<const Digest> leaf_hashes) {
  if (leaf_hashes.empty())
    throw Error(ErrorCategory::invalid_input, "ledger_empty_batch",
                "a batch tree needs one leaf or more");
  BatchTree t;
  t.paths.resize(leaf_hashes.size());
  t.root = subtree(leaf_hashes, 0, leaf_hashes.size(), t.paths);
  return t;
}

}  // namespace hotline::ledger
