// Copying every record of a store into another, empty store (`hotline store
// copy`: a node's SQLite file into PostgreSQL), through the Store interface
// only, so between any two backends.
//
// What is copied keeps its identity: envelopes and receipts go in the
// order of the source's Merkle log (so the target's log has the same leaves
// at the same indexes and the same root), events and escalations keep their
// ids, the audit trail its seqs. Derived rows (the log's inner nodes, the
// items' list facets) are made by the target as it stores the records.
//
// Ownership and threads: free functions; the caller keeps both stores open
// and lets no one else write to either meanwhile (the copy reads one
// snapshot of `from` and writes `to` in one transaction: all or nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "hotline/store/store.h"

namespace hotline::store {

// Records per kind ("settings", "envelopes", "events", ...).
using RecordCounts = std::map<std::string, std::int64_t>;

// Told, now and then, how many records of a kind are copied so far.
using CopyProgress = std::function<void(std::string_view kind, std::int64_t done)>;

// Refuses (Error "store_not_empty", naming what it found) when `to` holds
// any setting, peer, log entry, item, user or event.
void require_empty(Store& to);

// Copies everything; returns the counts of what it wrote. `to` must be
// empty (require_empty). On any error nothing is committed to `to`.
RecordCounts copy_store(Store& from, Store& to, const CopyProgress& progress = {});

// Counts every kind of record the copy writes, by reading them (to compare
// a copy with its source).
RecordCounts count_records(Store& store);

}  // namespace hotline::store
