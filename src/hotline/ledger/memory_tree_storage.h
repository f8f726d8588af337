// TreeStorage in memory: one vector of hashes per level, node (l, i) at
// levels_[l][i]. For tests, benchmarks and tools that rebuild a tree from
// items they already hold. About 64 bytes per leaf (32 for the leaf hash,
// 32 for the interior nodes above it, amortized).
//
// Nodes must be written in order within each level (index i only after
// i - 1), which MerkleTree does; a gap throws ledger_storage_gap.
// put_many() is all or nothing only for these two refusals (it checks
// the whole batch before writing).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hotline/ledger/tree_storage.h"

namespace hotline::ledger {

class MemoryTreeStorage final : public TreeStorage {
 public:
  std::uint64_t size() override;
  std::optional<Digest> get(int level, std::uint64_t index) override;
  void put(int level, std::uint64_t index, const Digest& hash) override;
  std::vector<std::optional<Digest>> get_many(std::span<const NodeId> ids) override;
  void put_many(std::span<const StoredNode> nodes) override;

  // Preallocates room for `leaves` leaves (and the nodes above them).
  void reserve(std::uint64_t leaves);

 private:
  // Throws unless `id` may be written when its level already holds
  // `level_size` nodes. True when the node is new, false when it repeats a
  // stored node with the same hash.
  bool check_put(const NodeId& id, const Digest& hash, std::uint64_t level_size) const;

  std::vector<std::vector<Digest>> levels_;
};

}  // namespace hotline::ledger
