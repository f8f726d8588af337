// The Merkle log's right edge as one write transaction knows it, and the
// arithmetic of appending a leaf, shared by both stores so that their leaf
// and node hashes are the same bytes (RFC 9162 hashing, ledger/merkle.h).
//
// Ownership and threads: a LogFrontier belongs to one store transaction
// object and is used by its thread only; plan_append() is a pure function
// of its arguments (no I/O of its own: a stored node it needs is asked of
// `stored`).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/ledger/merkle.h"

namespace hotline::store {

// What one write transaction has learned of the log's right edge, so that
// its appends need not ask the database again: the size, and per level the
// last node stored (a new node's left sibling is always the last node
// stored at its level, RFC 9162 compact range). Empty at first; each append
// fills it. Valid only for the transaction object that owns it: the group
// commit gives every member its own, and a member that fails is rolled back
// whole.
struct LogFrontier {
  static constexpr int kLevels = 64;
  std::int64_t size = -1;  // -1: not known
  std::array<std::int64_t, kLevels> index;
  std::array<ledger::Digest, kLevels> hash;
  LogFrontier() { index.fill(-1); }
  void forget() {
    size = -1;
    index.fill(-1);
  }
};

// One node an append completes: level >= 1 (level 0 is the leaf row).
struct LogNode {
  int level = 0;
  std::int64_t index = 0;
  std::string hash;  // hex
};

// What appending one leaf stores: the leaf's index and hash, and the hash of
// every perfect subtree the leaf completes.
struct LogAppend {
  std::int64_t index = 0;
  std::string leaf_hash;  // hex
  std::vector<LogNode> nodes;
};

// Plans the append of a leaf holding `canonical` at index frontier.size
// (which must be known, >= 0) and advances the frontier past it. A left
// sibling the frontier does not hold is read with stored(level, index).
// Leaf `index` completes the perfect subtree at level L+1 whenever its
// position at level L is odd (a right child); its left sibling is then the
// last node stored at level L.
inline LogAppend plan_append(
    LogFrontier& frontier, std::string_view canonical,
    const std::function<ledger::Digest(int level, std::int64_t index)>& stored) {
  LogAppend out;
  out.index = frontier.size;
  ledger::Digest hash = ledger::leaf_hash(canonical);
  out.leaf_hash = to_hex(hash);
  frontier.size = out.index + 1;
  int level = 0;
  std::int64_t i = out.index;
  while (true) {
    if ((i & 1) == 0) {
      frontier.index[level] = i;
      frontier.hash[level] = hash;
      break;
    }
    const ledger::Digest left =
        frontier.index[level] == i - 1 ? frontier.hash[level] : stored(level, i - 1);
    frontier.index[level] = i;
    frontier.hash[level] = hash;
    hash = ledger::node_hash(left, hash);
    ++level;
    i >>= 1;
    out.nodes.push_back(LogNode{level, i, to_hex(hash)});
  }
  return out;
}

}  // namespace hotline::store
