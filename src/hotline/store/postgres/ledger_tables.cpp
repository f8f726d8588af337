#include "hotline/store/postgres/ledger_tables.h"

#include <string>

#include "hotline/common/error.h"
#include "hotline/ledger/merkle.h"
#include "hotline/store/postgres/schema.h"

namespace hotline::store::postgres {

// The end state of SQLite's ledger_leaves, ledger_nodes and tree_heads
// (migrations 3, 8, 10): level 0 of the tree lives in ledger_leaves only.
const char* const kLedgerSchema = R"sql(
CREATE TABLE ledger_leaves (
  idx       BIGINT PRIMARY KEY CHECK (idx >= 0),
  kind      TEXT NOT NULL CHECK (kind IN ('envelope', 'receipt')),
  link      TEXT COLLATE "C" NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq       BIGINT NOT NULL,
  leaf_hash TEXT NOT NULL
);

CREATE TABLE ledger_nodes (
  level INTEGER NOT NULL CHECK (level >= 0),
  idx   BIGINT NOT NULL CHECK (idx >= 0),
  hash  TEXT NOT NULL,
  PRIMARY KEY (level, idx)
);

CREATE TABLE tree_heads (
  link        TEXT COLLATE "C" NOT NULL,
  size        BIGINT NOT NULL CHECK (size >= 0),
  root        TEXT COLLATE "C" NOT NULL,
  time        TEXT COLLATE "C" NOT NULL,
  key         TEXT NOT NULL,
  signature   TEXT NOT NULL,
  received_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('ok', 'unchecked', 'inconsistent')),
  PRIMARY KEY (link, size, root)
);
)sql";

namespace {

// The size of the log, and per level L whose bit is set in the size, the
// last node stored at L (index (size >> L) - 1): a left child still waiting
// for its right sibling. One row with NULL level when the log is empty.
constexpr const char* kFrontierSql = R"sql(
WITH s AS (SELECT coalesce(max(idx) + 1, 0) AS n FROM ledger_leaves)
SELECT s.n, w.lv, w.i,
       CASE WHEN w.lv = 0 THEN (SELECT leaf_hash FROM ledger_leaves WHERE idx = w.i)
            ELSE (SELECT hash FROM ledger_nodes WHERE level = w.lv AND idx = w.i) END
FROM s LEFT JOIN LATERAL (
  SELECT lv, (s.n >> lv) - 1 AS i FROM generate_series(0, 62) AS lv
  WHERE ((s.n >> lv) & 1) = 1) w ON true)sql";

[[noreturn]] void missing_node(int level, std::int64_t index) {
  throw Error(ErrorCategory::internal, "store_inconsistent",
              "The log node " + std::to_string(level) + "/" + std::to_string(index) +
                  " should be stored (the log is longer) but is missing. Restore a backup.");
}

ledger::Digest stored_node(Conn& c, int level, std::int64_t index) {
  auto hex = ledger_node(c, level, index);
  if (!hex) missing_node(level, index);
  return ledger::digest_from_hex(*hex);
}

// '{a,b,c}': a PostgreSQL array literal of values that need no quoting
// (numbers, hex).
template <class F>
std::string array_literal(const std::vector<LogNode>& nodes, F value) {
  std::string out = "{";
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i) out += ',';
    out += value(nodes[i]);
  }
  out += '}';
  return out;
}

}  // namespace

std::int64_t ledger_size(Conn& c) {
  auto r = c.exec("reading the log's size", "SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves");
  return integer(r[0], 0);
}

void load_frontier(Conn& c, LogFrontier& frontier) {
  frontier.forget();
  auto r = c.exec("reading the end of the log", kFrontierSql);
  for (const auto& row : r) {
    if (row[1].is_null()) continue;  // the empty log
    const int level = static_cast<int>(integer(row, 1));
    const std::int64_t index = integer(row, 2);
    const auto hex = optional_text(row, 3);
    if (!hex) missing_node(level, index);
    frontier.index[level] = index;
    frontier.hash[level] = ledger::digest_from_hex(*hex);
  }
  frontier.size = integer(r[0], 0);
}

LogParams plan_log_append(Conn& c, LogFrontier& frontier, std::string_view canonical) {
  if (frontier.size < 0) load_frontier(c, frontier);
  const LogAppend a = plan_append(
      frontier, canonical, [&](int level, std::int64_t i) { return stored_node(c, level, i); });
  LogParams p;
  p.index = a.index;
  p.leaf_hash = a.leaf_hash;
  p.levels = array_literal(a.nodes, [](const LogNode& n) { return std::to_string(n.level); });
  p.indexes = array_literal(a.nodes, [](const LogNode& n) { return std::to_string(n.index); });
  p.hashes = array_literal(a.nodes, [](const LogNode& n) { return n.hash; });
  return p;
}

std::int64_t append_to_log(Conn& c, LogFrontier& frontier, std::string_view kind,
                           std::string_view link, Direction direction, std::int64_t seq,
                           std::string_view canonical) {
  try {
    const LogParams p = plan_log_append(c, frontier, canonical);
    c.exec("appending to the log",
           "WITH l AS (INSERT INTO ledger_leaves (idx, kind, link, direction, seq, leaf_hash) "
           "VALUES ($1, $2, $3, $4, $5, $6)) "
           "INSERT INTO ledger_nodes (level, idx, hash) "
           "SELECT * FROM unnest($7::int[], $8::bigint[], $9::text[])",
           p.index, kind, link, to_string(direction), seq, p.leaf_hash, p.levels, p.indexes,
           p.hashes);
    return p.index;
  } catch (...) {
    frontier.forget();  // the transaction is spoiled anyway: ask again next time
    throw;
  }
}

std::vector<LedgerLeafRecord> list_ledger_leaves(Conn& c, std::int64_t from, std::int64_t limit) {
  auto r = c.exec("reading the log",
                  "SELECT idx, kind, link, direction, seq, leaf_hash FROM ledger_leaves "
                  "WHERE idx >= $1 ORDER BY idx LIMIT $2",
                  from, limit);
  std::vector<LedgerLeafRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    out.push_back(LedgerLeafRecord{integer(row, 0), text(row, 1), text(row, 2),
                                   parse_direction(text(row, 3)), integer(row, 4), text(row, 5)});
  }
  return out;
}

std::optional<std::string> ledger_node(Conn& c, int level, std::int64_t index) {
  // Level 0 (the leaf hashes) lives in ledger_leaves only.
  auto r = level == 0 ? c.exec("reading a log node",
                               "SELECT leaf_hash FROM ledger_leaves WHERE idx = $1", index)
                      : c.exec("reading a log node",
                               "SELECT hash FROM ledger_nodes WHERE level = $1 AND idx = $2", level,
                               index);
  if (r.empty()) return std::nullopt;
  return text(r[0], 0);
}

void insert_tree_head(Conn& c, const TreeHeadRecord& h) {
  c.exec_guarded("storing a tree head",
                 "INSERT INTO tree_heads (link, size, root, time, key, signature, received_at, "
                 "status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 h.link, h.size, h.root, h.time, h.key, h.signature, h.received_at, h.status);
}

void set_tree_head_status(Conn& c, std::string_view link, std::int64_t size,
                          std::string_view status) {
  c.exec_guarded("marking a tree head",
                 "UPDATE tree_heads SET status = $3 WHERE link = $1 AND size = $2", link, size,
                 status);
}

std::vector<TreeHeadRecord> list_tree_heads(Conn& c, std::string_view link) {
  auto r = c.exec("listing tree heads",
                  "SELECT link, size, root, time, key, signature, received_at, status "
                  "FROM tree_heads WHERE link = $1 ORDER BY size, time, root",
                  link);
  std::vector<TreeHeadRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    TreeHeadRecord h;
    h.link = text(row, 0);
    h.size = integer(row, 1);
    h.root = text(row, 2);
    h.time = text(row, 3);
    h.key = text(row, 4);
    h.signature = text(row, 5);
    h.received_at = optional_text(row, 6);
    h.status = text(row, 7);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace hotline::store::postgres
