#include "hotline/store/sqlite/ledger_tables.h"

#include <algorithm>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/ledger/merkle.h"

namespace hotline::store::sqlite {

std::int64_t ledger_size(Connection& c) {
  Query q(c, "SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves", "reading the log's size");
  q.step();
  return q.integer(0);
}

namespace {

void insert_leaf(Connection& c, const LedgerLeafRecord& leaf) {
  Query q(c,
          "INSERT INTO ledger_leaves (idx, kind, link, direction, seq, leaf_hash) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
          "appending to the log");
  q.bind(1, leaf.index).bind(2, leaf.kind).bind(3, leaf.link).bind(4, to_string(leaf.direction));
  q.bind(5, leaf.seq).bind(6, leaf.leaf_hash);
  q.run();
}

// Levels 1 and up (level 0 is the leaf row).
void put_ledger_node(Connection& c, int level, std::int64_t index, std::string_view hash) {
  Query q(c, "INSERT INTO ledger_nodes (level, idx, hash) VALUES (?1, ?2, ?3)",
          "storing a log node");
  q.bind(1, std::int64_t{level}).bind(2, index).bind(3, hash);
  q.run();
}

ledger::Digest stored_node(Connection& c, int level, std::int64_t index) {
  auto hex = ledger_node(c, level, index);
  if (!hex)
    throw Error(ErrorCategory::internal, "store_inconsistent",
                "log node " + std::to_string(level) + "/" + std::to_string(index) + " is missing");
  return ledger::digest_from_hex(*hex);
}

}  // namespace

std::int64_t append_to_log(Connection& c, LogFrontier& frontier, std::string_view kind,
                           std::string_view link, Direction direction, std::int64_t seq,
                           std::string_view canonical) {
  try {
    if (frontier.size < 0) frontier.size = ledger_size(c);
    const LogAppend a = plan_append(
        frontier, canonical, [&](int level, std::int64_t i) { return stored_node(c, level, i); });
    insert_leaf(c, LedgerLeafRecord{a.index, std::string(kind), std::string(link), direction, seq,
                                    a.leaf_hash});
    for (const LogNode& n : a.nodes) put_ledger_node(c, n.level, n.index, n.hash);
    return a.index;
  } catch (...) {
    frontier.forget();  // part of this append may be stored: ask SQLite again
    throw;
  }
}

std::vector<LedgerLeafRecord> list_ledger_leaves(Connection& c, std::int64_t from,
                                                 std::int64_t limit) {
  Query q(c,
          "SELECT idx, kind, link, direction, seq, leaf_hash FROM ledger_leaves WHERE idx >= ?1 "
          "ORDER BY idx LIMIT ?2",
          "reading the log");
  q.bind(1, from).bind(2, limit);
  std::vector<LedgerLeafRecord> out;
  while (q.step()) {
    out.push_back(LedgerLeafRecord{q.integer(0), q.text(1), q.text(2), parse_direction(q.text(3)),
                                   q.integer(4), q.text(5)});
  }
  return out;
}

std::optional<std::string> ledger_node(Connection& c, int level, std::int64_t index) {
  // Level 0 (the leaf hashes) lives in ledger_leaves only (migration 8).
  Query q(c,
          level == 0 ? "SELECT leaf_hash FROM ledger_leaves WHERE idx = ?2"
                     : "SELECT hash FROM ledger_nodes WHERE level = ?1 AND idx = ?2",
          "reading a log node");
  if (level != 0) q.bind(1, std::int64_t{level});
  q.bind(2, index);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

void insert_tree_head(Connection& c, const TreeHeadRecord& h) {
  Query q(c,
          "INSERT INTO tree_heads (link, size, root, time, key, signature, received_at, status) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
          "storing a tree head");
  q.bind(1, h.link).bind(2, h.size).bind(3, h.root).bind(4, h.time).bind(5, h.key).bind(
      6, h.signature);
  q.bind_optional(7, h.received_at).bind(8, h.status);
  q.run();
}

void set_tree_head_status(Connection& c, std::string_view link, std::int64_t size,
                          std::string_view status) {
  Query q(c, "UPDATE tree_heads SET status = ?3 WHERE link = ?1 AND size = ?2",
          "marking a tree head");
  q.bind(1, link).bind(2, size).bind(3, status);
  q.run();
}

std::vector<TreeHeadRecord> list_tree_heads(Connection& c, std::string_view link) {
  Query q(c,
          "SELECT link, size, root, time, key, signature, received_at, status FROM tree_heads "
          "WHERE link = ?1 ORDER BY size, time",
          "listing tree heads");
  q.bind(1, link);
  std::vector<TreeHeadRecord> out;
  while (q.step()) {
    TreeHeadRecord h;
    h.link = q.text(0);
    h.size = q.integer(1);
    h.root = q.text(2);
    h.time = q.text(3);
    h.key = q.text(4);
    h.signature = q.text(5);
    h.received_at = q.optional_text(6);
    h.status = q.text(7);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace hotline::store::sqlite
