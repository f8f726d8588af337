// SQL for the Merkle log's tables (ledger_leaves, ledger_nodes, tree_heads).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/ledger/node_id.h"
#include "hotline/store/log_frontier.h"
#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

std::int64_t ledger_size(Conn& c);

// The frontier (store/log_frontier.h) filled from the database when it is not
// known yet: the log's size and every stored node a later append may need
// as a left sibling, in one query.
void load_frontier(Conn& c, LogFrontier& frontier);

// The log part of an insert that appends a leaf in the same statement
// (envelope_tables.cpp): the leaf's index and hash, and the nodes it
// completes as three array parameters (levels, indexes, hashes).
struct LogParams {
  std::int64_t index = 0;
  std::string leaf_hash;
  std::string levels;   // '{1,2}'
  std::string indexes;  // '{3,1}'
  std::string hashes;   // '{ab..,cd..}'
};
// Plans the next append (loading the frontier first when needed) and
// advances the frontier; the caller restores or forgets it when the
// statement does not store the leaf.
LogParams plan_log_append(Conn& c, LogFrontier& frontier, std::string_view canonical);

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
