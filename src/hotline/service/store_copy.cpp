#include "hotline/service/store_copy.h"

#include <string>
#include <utility>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/service/tree_heads.h"

namespace hotline::service {
namespace {

void refuse_if_served(const NodePaths& paths, const char* when) {
  if (auto pid = serving_pid(paths)) {
    throw Error(ErrorCategory::conflict, "node_serving",
                std::string("A hotline serve (pid ") + std::to_string(*pid) + ") runs on " +
                    paths.dir.string() + " " + when +
                    ": stop it first, so that nothing is written to the old store while the "
                    "records move. Nothing was switched.");
  }
}

std::pair<std::int64_t, std::string> log_size_and_root(store::Store& st) {
  return st.snapshot([](store::Transaction& tx) {
    TxTreeStorage storage(tx);
    ledger::MerkleTree tree(storage);
    return std::pair{static_cast<std::int64_t>(tree.size()), to_hex(tree.root())};
  });
}

// Every kind of record as many times on both sides, and the same log.
void check_copy(store::Store& from, store::Store& to, StoreCopyResult& result) {
  const auto before = store::count_records(from);
  const auto after = store::count_records(to);
  std::string differences;
  for (const auto& [kind, n] : before) {
    auto it = after.find(kind);
    const std::int64_t m = it == after.end() ? 0 : it->second;
    if (n != m) {
      differences += (differences.empty() ? "" : ", ") + kind + " " + std::to_string(n) +
                     " in the source, " + std::to_string(m) + " in the target";
    }
  }
  const auto [size, root] = log_size_and_root(from);
  const auto [copied_size, copied_root] = log_size_and_root(to);
  if (size != copied_size || root != copied_root) {
    differences += (differences.empty() ? "" : ", ") + std::string("the log: size ") +
                   std::to_string(size) + " root " + root + " in the source, size " +
                   std::to_string(copied_size) + " root " + copied_root + " in the target";
  }
  if (!differences.empty()) {
    throw Error(ErrorCategory::internal, "store_copy_mismatch",
                "The copy differs from its source (" + differences + "). The node still uses " +
                    "its SQLite file; drop the target database's tables before trying again.");
  }
  result.counts = before;
  result.log_size = size;
  result.root = root;
}

}  // namespace

StoreCopyResult copy_node_store(const std::filesystem::path& dir, const StoreConfig& target,
                                const store::CopyProgress& progress) {
  NodePaths paths(dir);
  const auto self = read_public_key(dir);
  const StoreConfig source_config = read_store_config(paths);
  if (source_config.kind != StoreConfig::Kind::sqlite || !std::filesystem::exists(paths.db)) {
    throw Error(ErrorCategory::invalid_input, "store_copy_source",
                dir.string() + " keeps no records in SQLite (" +
                    describe_store(paths, source_config) +
                    "): store copy moves a node from its hotline.db into PostgreSQL.");
  }
  refuse_if_served(paths, "now");
  StoreCopyResult result;
  result.backup = paths.db;
  result.target = describe_store(paths, target);
  auto source = open_node_store(paths, source_config);
  require_store_of(*source, paths, source_config, self);
  auto copy = open_node_store(paths, target, {.create = true});
  {
    // Held until the switch: another process's writer waits on it (SQLite).
    auto writer = source->write();
    store::copy_store(*source, *copy, progress);
    check_copy(*source, *copy, result);
    refuse_if_served(paths, "(it started during the copy)");
    write_store_config(paths, target);
  }
  return result;
}

}  // namespace hotline::service
