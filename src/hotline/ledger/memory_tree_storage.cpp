#include "hotline/ledger/memory_tree_storage.h"

#include <array>
#include <string>

#include "hotline/common/error.h"

namespace hotline::ledger {
namespace {

std::string node_name(const NodeId& id) {
  return "(" + std::to_string(id.level) + ", " + std::to_string(id.index) + ")";
}

}  // namespace

std::uint64_t MemoryTreeStorage::size() {
  return levels_.empty() ? 0 : levels_[0].size();
}

std::optional<Digest> MemoryTreeStorage::get(int level, std::uint64_t index) {
  if (level < 0 || static_cast<std::size_t>(level) >= levels_.size()) return std::nullopt;
  const std::vector<Digest>& row = levels_[static_cast<std::size_t>(level)];
  if (index >= row.size()) return std::nullopt;
  return row[index];
}

std::vector<std::optional<Digest>> MemoryTreeStorage::get_many(std::span<const NodeId> ids) {
  std::vector<std::optional<Digest>> out;
  out.reserve(ids.size());
  for (const NodeId& id : ids) out.push_back(get(id.level, id.index));
  return out;
}

bool MemoryTreeStorage::check_put(const NodeId& id, const Digest& hash,
                                  std::uint64_t level_size) const {
  if (id.level < 0 || id.level > kMaxLevel) {
    throw Error(ErrorCategory::internal, "ledger_storage_gap",
                "tree node " + node_name(id) + " has no valid level");
  }
  if (id.index > level_size) {
    throw Error(
        ErrorCategory::internal, "ledger_storage_gap",
        "tree node " + node_name(id) + " written before the nodes to its left at its level");
  }
  if (id.index == level_size) return true;
  const auto level = static_cast<std::size_t>(id.level);
  if (level >= levels_.size() || id.index >= levels_[level].size() ||
      levels_[level][id.index] != hash) {
    throw Error(ErrorCategory::internal, "ledger_storage_conflict",
                "tree node " + node_name(id) + " is already stored with a different hash");
  }
  return false;
}

void MemoryTreeStorage::put(int level, std::uint64_t index, const Digest& hash) {
  const StoredNode node{{level, index}, hash};
  put_many(std::span<const StoredNode>(&node, 1));
}

void MemoryTreeStorage::put_many(std::span<const StoredNode> nodes) {
  // Check everything first so that a refused batch writes nothing.
  std::array<std::uint64_t, kMaxLevel + 1> sizes{};
  for (std::size_t l = 0; l < levels_.size(); ++l) sizes[l] = levels_[l].size();
  for (const StoredNode& n : nodes) {
    std::uint64_t& level_size = sizes[static_cast<std::size_t>(n.id.level & kMaxLevel)];
    if (check_put(n.id, n.hash, level_size)) ++level_size;
  }
  for (const StoredNode& n : nodes) {
    const auto level = static_cast<std::size_t>(n.id.level);
    if (levels_.size() <= level) levels_.resize(level + 1);
    if (n.id.index == levels_[level].size()) levels_[level].push_back(n.hash);
  }
}

void MemoryTreeStorage::reserve(std::uint64_t leaves) {
  for (int l = 0; l <= kMaxLevel && (leaves >> l) != 0; ++l) {
    const auto level = static_cast<std::size_t>(l);
    if (levels_.size() <= level) levels_.resize(level + 1);
    levels_[level].reserve(leaves >> l);
  }
}

}  // namespace hotline::ledger
