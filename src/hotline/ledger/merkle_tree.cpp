#include "hotline/ledger/merkle_tree.h"

#include <algorithm>
#include <bit>
#include <string>

#include "hotline/common/error.h"

namespace hotline::ledger {
namespace {

// A subtree of an RFC 9162 tree: leaves [begin, end) where begin is a
// multiple of a power of two that is >= end - begin. Every MTH a proof
// contains has this shape; perfect subtrees are the case end - begin = 2^k.
struct Range {
  std::uint64_t begin;
  std::uint64_t end;
};

[[noreturn]] void bad_request(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "ledger_bad_request", message);
}

std::string leaves(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " leaf" : " leaves");
}

// Appends the perfect subtrees that [begin, end) splits into, largest
// (leftmost) first: one per set bit of end - begin. The alignment of begin
// makes each of them a stored node.
void split(const Range& r, std::vector<NodeId>& out) {
  std::uint64_t begin = r.begin;
  const std::uint64_t count = r.end - r.begin;
  for (int level = kMaxLevel; level >= 0; --level) {
    if (((count >> level) & 1) == 0) continue;
    out.push_back({level, begin >> level});
    begin += std::uint64_t{1} << level;
  }
}

// The inclusion path of node (level, index) in a tree of tree_size leaves:
// at each level up to the root, the sibling of the node's ancestor, cut off
// at tree_size; levels where the sibling lies wholly past tree_size have no
// entry (RFC 9162 promotes the lone child). Bottom-up.
//
// Left siblings are always perfect. At most one right sibling is cut off
// (it contains leaf tree_size - 1); every ancestor above it is the last at
// its level, so it has no right sibling.
void path(int level, std::uint64_t index, std::uint64_t tree_size, std::vector<Range>& out) {
  for (int l = level; l <= kMaxLevel && ((tree_size - 1) >> l) != 0; ++l) {
    const std::uint64_t sibling_begin = ((index >> (l - level)) ^ 1) << l;
    if (sibling_begin >= tree_size) continue;
    out.push_back({sibling_begin, std::min(sibling_begin + (std::uint64_t{1} << l), tree_size)});
  }
}

// MTH of each range, from stored nodes read in one get_many() and, where it
// has them, the in-memory right edge `edge` of the tree.
std::vector<Digest> hash_ranges(TreeStorage& storage, const CompactRange& edge,
                                std::span<const Range> ranges) {
  // Split every range into stored nodes, take those on the right edge from
  // memory and read the rest in one batch.
  std::vector<NodeId> ids;
  std::vector<std::size_t> ends;  // ids of ranges[k] are [ends[k-1], ends[k])
  ends.reserve(ranges.size());
  for (const Range& r : ranges) {
    split(r, ids);
    ends.push_back(ids.size());
  }
  std::vector<Digest> hashes(ids.size());
  std::vector<NodeId> to_read;
  std::vector<std::size_t> read_pos;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (const Digest* d = edge.find(ids[i])) {
      hashes[i] = *d;
    } else {
      to_read.push_back(ids[i]);
      read_pos.push_back(i);
    }
  }
  if (!to_read.empty()) {
    std::vector<std::optional<Digest>> got = storage.get_many(to_read);
    for (std::size_t k = 0; k < to_read.size(); ++k) {
      if (k >= got.size() || !got[k]) {
        throw Error(ErrorCategory::internal, "ledger_storage_corrupt",
                    "the ledger of " + leaves(edge.size()) + " lacks the hash of its subtree (" +
                        std::to_string(to_read[k].level) + ", " + std::to_string(to_read[k].index) +
                        ")");
      }
      hashes[read_pos[k]] = *got[k];
    }
  }
  // MTH of a range = its perfect subtrees folded right to left: the RFC
  // splits n leaves at the largest power of two below n, which is exactly
  // the first (largest) subtree, and recurses on the rest.
  std::vector<Digest> out;
  out.reserve(ranges.size());
  std::size_t begin = 0;
  for (std::size_t end : ends) {
    Digest h = hashes[end - 1];
    for (std::size_t j = end - 1; j > begin; --j) h = node_hash(hashes[j - 1], h);
    out.push_back(h);
    begin = end;
  }
  return out;
}

}  // namespace

MerkleTree::MerkleTree(TreeStorage& storage) : storage_(storage) {
  reload();
}

void MerkleTree::reload() {
  const std::uint64_t size = storage_.size();
  const std::vector<NodeId> ids = CompactRange::node_ids(size);
  std::vector<std::optional<Digest>> got = storage_.get_many(ids);
  std::vector<Digest> hashes;
  hashes.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i >= got.size() || !got[i]) {
      throw Error(ErrorCategory::internal, "ledger_storage_corrupt",
                  "the ledger holds " + leaves(size) + " but not the hash of its subtree (" +
                      std::to_string(ids[i].level) + ", " + std::to_string(ids[i].index) + ")");
    }
    hashes.push_back(*got[i]);
  }
  range_ = CompactRange(size, std::move(hashes));
}

template <typename Hash>
std::uint64_t MerkleTree::append_hashes(std::size_t count, Hash&& hash_of) {
  const std::uint64_t first = range_.size();
  if (count == 0) return first;
  // Work on a copy so that a refused write leaves the tree as it was.
  CompactRange next = range_;
  std::vector<StoredNode> nodes;
  nodes.reserve(2 * count + kMaxLevel);  // each leaf completes one node, amortized
  for (std::size_t i = 0; i < count; ++i) next.append(hash_of(i), &nodes);
  storage_.put_many(nodes);
  range_ = std::move(next);
  return first;
}

std::uint64_t MerkleTree::append(std::string_view leaf_data) {
  return append_hashes(1, [&](std::size_t) { return leaf_hash(leaf_data); });
}

std::uint64_t MerkleTree::append_leaf_hash(const Digest& hash) {
  return append_hashes(1, [&](std::size_t) { return hash; });
}

std::uint64_t MerkleTree::append_batch(std::span<const std::string> leaves_data) {
  return append_hashes(leaves_data.size(),
                       [&](std::size_t i) { return leaf_hash(leaves_data[i]); });
}

std::uint64_t MerkleTree::append_batch(std::span<const std::string_view> leaves_data) {
  return append_hashes(leaves_data.size(),
                       [&](std::size_t i) { return leaf_hash(leaves_data[i]); });
}

std::uint64_t MerkleTree::append_leaf_hashes(std::span<const Digest> leaf_hashes) {
  return append_hashes(leaf_hashes.size(), [&](std::size_t i) { return leaf_hashes[i]; });
}

Digest MerkleTree::leaf_hash_at(std::uint64_t index) const {
  if (index >= size()) {
    bad_request("leaf " + std::to_string(index) + " asked of a ledger of " + leaves(size()));
  }
  const Range r{index, index + 1};
  return hash_ranges(storage_, range_, std::span<const Range>(&r, 1))[0];
}

Digest MerkleTree::root_at(std::uint64_t tree_size) const {
  if (tree_size > size()) {
    bad_request("the root at " + leaves(tree_size) + " asked of a ledger of " + leaves(size()));
  }
  if (tree_size == size()) return root();
  if (tree_size == 0) return empty_root();
  const Range r{0, tree_size};
  return hash_ranges(storage_, range_, std::span<const Range>(&r, 1))[0];
}

std::vector<Digest> MerkleTree::inclusion_proof(std::uint64_t index,
                                                std::uint64_t tree_size) const {
  if (tree_size > size()) {
    bad_request("an inclusion proof in a tree of " + leaves(tree_size) + " asked of a ledger of " +
                leaves(size()));
  }
  if (index >= tree_size) {
    bad_request("an inclusion proof for leaf " + std::to_string(index) + " asked in a tree of " +
                leaves(tree_size) + " (leaves are numbered from 0)");
  }
  std::vector<Range> ranges;
  path(0, index, tree_size, ranges);
  return hash_ranges(storage_, range_, ranges);
}

std::vector<Digest> MerkleTree::consistency_proof(std::uint64_t size1, std::uint64_t size2) const {
  if (size2 > size()) {
    bad_request("a consistency proof to a tree of " + leaves(size2) + " asked of a ledger of " +
                leaves(size()));
  }
  if (size1 > size2) {
    bad_request("a consistency proof from " + leaves(size1) + " to fewer (" +
                std::to_string(size2) + ") asked: trees only grow");
  }
  if (size1 == 0) {
    bad_request("a consistency proof from the empty tree asked: it proves nothing");
  }
  if (size1 == size2) return {};
  // PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1) is the inclusion path of the
  // largest perfect subtree ending at size1, preceded by that subtree's own
  // hash unless it is the whole old tree (size1 a power of two), whose root
  // the verifier already holds.
  const int level = std::countr_zero(size1);
  const std::uint64_t index = (size1 - 1) >> level;
  std::vector<Range> ranges;
  if (index != 0) ranges.push_back({index << level, size1});
  path(level, index, size2, ranges);
  return hash_ranges(storage_, range_, ranges);
}

}  // namespace hotline::ledger
