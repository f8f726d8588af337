#include "hotline/ledger/proof_verify.h"

namespace hotline::ledger {

std::optional<Digest> root_from_inclusion(const Digest& leaf_hash, std::uint64_t index,
                                          std::uint64_t tree_size, std::span<const Digest> proof) {
  // RFC 9162 §2.1.3.2. fn walks the leaf's position up the tree, sn the last
  // leaf's; a level where fn == sn and fn is even has no right sibling (the
  // node is promoted unchanged), which the inner loop skips.
  if (index >= tree_size) return std::nullopt;
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  Digest r = leaf_hash;
  for (const Digest& p : proof) {
    if (sn == 0) return std::nullopt;  // proof longer than the path to the root
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;  // proof shorter than the path to the root
  return r;
}

bool verify_inclusion(const Digest& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                      std::span<const Digest> proof, const Digest& root) {
  std::optional<Digest> r = root_from_inclusion(leaf_hash, index, tree_size, proof);
  return r.has_value() && *r == root;
}

bool verify_consistency(std::uint64_t size1, std::uint64_t size2, const Digest& root1,
                        const Digest& root2, std::span<const Digest> proof) {
  if (size1 == 0 || size1 > size2) return false;
  if (size1 == size2) return proof.empty() && root1 == root2;

  // RFC 9162 §2.1.4.2, for 0 < size1 < size2.
  if (proof.empty()) return false;
  // When size1 is a power of two, the old tree is one complete subtree of
  // the new one and its root (root1) is the proof's implicit first element.
  const bool prepend = (size1 & (size1 - 1)) == 0;
  std::size_t next = 0;
  const Digest& first = prepend ? root1 : proof[next++];
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Digest fr = first;  // rebuilds root1
  Digest sr = first;  // rebuilds root2
  for (; next < proof.size(); ++next) {
    const Digest& c = proof[next];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == root1 && sr == root2;
}

}  // namespace hotline::ledger
