// SQL for the Merkle log's tables (ledger_leaves, ledger_nodes, tree_heads).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "hotline/ledger/node_id.h"
#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

std::int64_t ledger_size(Conn& c);

// What one write transaction has learned of the log's right edge, so that
// its appends need not ask PostgreSQL again: the size, and per level the last
// node stored (a new node's left sibling is always the last node stored at
// its level, RFC 9162 compact range). Empty at first; each append fills it.
// Valid only for the transaction object that owns it: the group commit
// gives every member its own, and a member that fails is rolled back whole.
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

// Appends one leaf (the item's canonical bytes) at the end of the log and
// stores the hash of every perfect subtree the leaf completes, so that roots
// and proofs come from O(log n) stored hashes. Returns the leaf's index.
// Level 0 of the tree is ledger_leaves.leaf_hash; ledger_nodes holds levels
// 1 and up (ledger_node() reads either).
std::int64_t append_to_log(Conn& c, LogFrontier& frontier, std::string_view kind,
                           std::string_view link, Direction direction, std::int64_t seq,
                           std::string_view canonical);
std::vector<LedgerLeafRecord> list_ledger_leaves(Conn& c, std::int64_t from, std::int64_t limit);
std::optional<std::string> ledger_node(Conn& c, int level, std::int64_t index);
void insert_tree_head(Conn& c, const TreeHeadRecord& h);
void set_tree_head_status(Conn& c, std::string_view link, std::int64_t size,
                          std::string_view status);
std::vector<TreeHeadRecord> list_tree_heads(Conn& c, std::string_view link);

}  // namespace hotline::store::postgres
