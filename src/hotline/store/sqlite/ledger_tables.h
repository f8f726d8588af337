// SQL for the Merkle log's tables (ledger_leaves, ledger_nodes, tree_heads).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "hotline/ledger/node_id.h"
#include "hotline/store/log_frontier.h"
#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

std::int64_t ledger_size(Connection& c);

// Appends one leaf (the item's canonical bytes) at the end of the log and
// stores the hash of every perfect subtree the leaf completes, so that roots
// and proofs come from O(log n) stored hashes. Returns the leaf's index.
// Level 0 of the tree is ledger_leaves.leaf_hash; ledger_nodes holds levels
// 1 and up (ledger_node() reads either).
std::int64_t append_to_log(Connection& c, LogFrontier& frontier, std::string_view kind,
                           std::string_view link, Direction direction, std::int64_t seq,
                           std::string_view canonical);
std::vector<LedgerLeafRecord> list_ledger_leaves(Connection& c, std::int64_t from,
                                                 std::int64_t limit);
std::optional<std::string> ledger_node(Connection& c, int level, std::int64_t index);
void insert_tree_head(Connection& c, const TreeHeadRecord& h);
void set_tree_head_status(Connection& c, std::string_view link, std::int64_t size,
                          std::string_view status);
std::vector<TreeHeadRecord> list_tree_heads(Connection& c, std::string_view link);

}  // namespace hotline::store::sqlite
