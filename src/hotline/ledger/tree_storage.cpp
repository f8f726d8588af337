#include "hotline/ledger/tree_storage.h"

namespace hotline::ledger {

std::vector<std::optional<Digest>> TreeStorage::get_many(std::span<const NodeId> ids) {
  std::vector<std::optional<Digest>> out;
  out.reserve(ids.size());
  for (const NodeId& id : ids) out.push_back(get(id.level, id.index));
  return out;
}

void TreeStorage::put_many(std::span<const StoredNode> nodes) {
  for (const StoredNode& n : nodes) put(n.id.level, n.id.index, n.hash);
}

}  // namespace hotline::ledger
