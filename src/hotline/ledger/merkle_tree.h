// The ledger's Merkle tree (RFC 9162 §2.1): an append-only list of leaves
// whose every historical root, inclusion proof and consistency proof is
// served from the perfect-subtree hashes in a TreeStorage — never by
// rehashing leaves. A proof or historical root reads O(log n) stored nodes
// (at most 2 per level, usually far fewer) in one TreeStorage::get_many().
//
// The tree keeps its right edge (CompactRange) in memory, so appending and
// the current root cost no reads. It assumes it is the only writer of its
// storage; after a write is rolled back outside its knowledge (an enclosing
// database transaction aborted), call reload(). Not synchronized: appends
// need exclusive access; const members may run concurrently with each other
// when the storage's reads may.
//
// Errors (hotline::Error):
//   ledger_bad_request      a proof or root asked for a position or size the
//                           tree does not have (messages name the numbers)
//   ledger_storage_corrupt  storage lacks a node its size says it holds
//   ledger_storage_*        whatever the storage throws while writing; the
//                           tree is then unchanged
// Proofs come out bottom-up, as RFC 9162 orders them and proof_verify.h
// expects.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/ledger/compact_range.h"
#include "hotline/ledger/tree_storage.h"

namespace hotline::ledger {

class MerkleTree {
 public:
  // Reads the right edge of the tree in `storage` (at most 64 nodes).
  // `storage` must outlive the tree.
  explicit MerkleTree(TreeStorage& storage);

  MerkleTree(const MerkleTree&) = delete;
  MerkleTree& operator=(const MerkleTree&) = delete;

  std::uint64_t size() const { return range_.size(); }

  // MTH of all leaves; empty_root() for the empty tree. No storage reads.
  Digest root() const { return range_.root(); }

  // Appending returns the 0-based index of the (first) new leaf. A batch is
  // one TreeStorage::put_many(): all of it is appended or none.
  std::uint64_t append(std::string_view leaf_data);
  std::uint64_t append_leaf_hash(const Digest& leaf_hash);
  std::uint64_t append_batch(std::span<const std::string> leaves);
  std::uint64_t append_batch(std::span<const std::string_view> leaves);
  std::uint64_t append_leaf_hashes(std::span<const Digest> leaf_hashes);

  // The stored leaf hash of leaf `index` (< size()).
  Digest leaf_hash_at(std::uint64_t index) const;

  // MTH of the first `tree_size` leaves (<= size()): the root the tree had
  // at that size. At most popcount(tree_size) reads.
  Digest root_at(std::uint64_t tree_size) const;

  // PATH(index, D[tree_size]): requires index < tree_size <= size().
  std::vector<Digest> inclusion_proof(std::uint64_t index, std::uint64_t tree_size) const;

  // PROOF(size1, D[size2]): requires 0 < size1 <= size2 <= size(); empty
  // when size1 == size2 (see proof_verify.h for why size1 = 0 is refused).
  std::vector<Digest> consistency_proof(std::uint64_t size1, std::uint64_t size2) const;

  // Forgets the in-memory right edge and reads it again from storage.
  void reload();

 private:
  template <typename Hash>
  std::uint64_t append_hashes(std::size_t count, Hash&& hash_of);

  TreeStorage& storage_;
  CompactRange range_;
};

}  // namespace hotline::ledger
