// Moving a node's records from its SQLite file into PostgreSQL (`hotline
// store copy`): copy (store/copy.h), check the copy, and only then switch
// the node's directory to the new store (D/store.conf). The SQLite file is
// left as it was: a backup the node no longer reads.
//
// Stateless free function; run it while no `hotline serve` uses the node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "hotline/service/node_dir.h"
#include "hotline/store/copy.h"

namespace hotline::service {

struct StoreCopyResult {
  store::RecordCounts counts;    // records copied, by kind (equal on both sides)
  std::int64_t log_size = 0;     // the log's size and root, equal on both sides
  std::string root;              // hex
  std::filesystem::path backup;  // the SQLite file, kept unchanged
  std::string target;            // describe_store() of the new store
};

// Copies the node in `dir` (records in SQLite) into the empty PostgreSQL
// database `target` names, checks that every kind of record has as many
// rows on both sides and that the log has the same size and root, then
// writes D/store.conf. Errors (hotline::Error):
//   node_serving          a `hotline serve` runs on `dir` (before or after)
//   store_copy_source     the node's records are not in SQLite
//   store_not_empty       the target holds records
//   store_copy_mismatch   the check failed: D still uses SQLite; the target
//                         holds the copy (drop it before trying again)
// and whatever opening either store throws.
StoreCopyResult copy_node_store(const std::filesystem::path& dir, const StoreConfig& target,
                                const store::CopyProgress& progress = {});

}  // namespace hotline::service
