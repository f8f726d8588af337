// Where a ledger keeps its hashes: the abstract store of perfect-subtree
// hashes (node_id.h) that MerkleTree reads proofs from. Implementations:
// MemoryTreeStorage (tests, benchmarks) and the SQLite store (store/).
//
// Invariants an implementation keeps (MerkleTree relies on them and only
// ever writes in ways that preserve them):
//   * size() is the number of level-0 nodes (leaves) stored, and node
//     (l, i) is stored exactly when (i + 1) * 2^l <= size(): every perfect
//     subtree of the stored leaves, and nothing else;
//   * a node never changes once written. Writing a stored node again with
//     the same hash is a no-op; with another hash it throws
//     ledger_storage_conflict and changes nothing;
//   * put_many() is all or nothing. MerkleTree writes each append (or batch
//     of appends) as one put_many(), leaves in order and each leaf followed
//     by the subtrees it completes, so an interrupted write leaves a prefix.
//
// The interface is deliberately tiny and batch-shaped so that a database
// can serve a proof in one query and an append in one transaction.
//
// Threads: an implementation need not be thread-safe; one thread uses it at
// a time (the store's lives inside one transaction, service/ledger_service.h).
// It must outlive the MerkleTree reading it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hotline/ledger/node_id.h"

namespace hotline::ledger {

class TreeStorage {
 public:
  virtual ~TreeStorage() = default;

  // Number of leaves stored.
  virtual std::uint64_t size() = 0;

  // The hash of node (level, index), or nullopt when it is not stored.
  virtual std::optional<Digest> get(int level, std::uint64_t index) = 0;

  // Stores one node (see the invariants above).
  virtual void put(int level, std::uint64_t index, const Digest& hash) = 0;

  // Batch forms. The defaults call get()/put() once per node; a database
  // overrides them with one query / one transaction. get_many() answers in
  // the order of `ids`.
  virtual std::vector<std::optional<Digest>> get_many(std::span<const NodeId> ids);
  virtual void put_many(std::span<const StoredNode> nodes);
};

}  // namespace hotline::ledger
