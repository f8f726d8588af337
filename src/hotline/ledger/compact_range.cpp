#include "hotline/ledger/compact_range.h"

#include <bit>
#include <string>

#include "hotline/common/error.h"

namespace hotline::ledger {

CompactRange::CompactRange(std::uint64_t size, std::vector<Digest> hashes)
    : size_(size), hashes_(std::move(hashes)) {
  if (hashes_.size() != static_cast<std::size_t>(std::popcount(size_))) {
    throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                "a compact range of " + std::to_string(size_) + " leaves has " +
                    std::to_string(std::popcount(size_)) + " subtree hashes, not " +
                    std::to_string(hashes_.size()));
  }
}

std::vector<NodeId> CompactRange::node_ids(std::uint64_t size) {
  std::vector<NodeId> ids;
  ids.reserve(static_cast<std::size_t>(std::popcount(size)));
  std::uint64_t begin = 0;
  for (int level = kMaxLevel; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    ids.push_back({level, begin >> level});
    begin += std::uint64_t{1} << level;
  }
  return ids;
}

const Digest* CompactRange::find(const NodeId& id) const {
  if (id.level < 0 || id.level > kMaxLevel) return nullptr;
  // The subtree at level l exists when bit l of size is set; it is the
  // last complete one at that level, index (size >> l) - 1, and it comes
  // after one subtree per higher set bit.
  if (((size_ >> id.level) & 1) == 0 || id.index != (size_ >> id.level) - 1) return nullptr;
  const int higher = std::popcount(id.level == kMaxLevel ? 0 : size_ >> (id.level + 1));
  return &hashes_[static_cast<std::size_t>(higher)];
}

void CompactRange::append(const Digest& leaf_hash, std::vector<StoredNode>* completed) {
  Digest h = leaf_hash;
  NodeId id{0, size_};
  if (completed != nullptr) completed->push_back({id, h});
  // Each set low bit of the leaf's index is a subtree of the same size just
  // before it; merge them, as a binary counter carries.
  while ((id.index & 1) != 0) {
    h = node_hash(hashes_.back(), h);
    hashes_.pop_back();
    id = {id.level + 1, id.index >> 1};
    if (completed != nullptr) completed->push_back({id, h});
  }
  hashes_.push_back(h);
  ++size_;
}

Digest CompactRange::root() const {
  if (hashes_.empty()) return empty_root();
  Digest h = hashes_.back();
  for (auto it = hashes_.rbegin() + 1; it != hashes_.rend(); ++it) h = node_hash(*it, h);
  return h;
}

}  // namespace hotline::ledger
