// A consistent copy of a node's SQLite file while the node runs (`hotline
// backup`), through SQLite's online backup API.
//
// Stateless free function; thread-safe. It opens its own connection, so it
// may run in another process than the node's `hotline serve`.
#pragma once

#include <filesystem>

namespace hotline::store {

// Copies the database `db` into the new file `out` (which must not exist)
// as one snapshot: the whole copy is one read transaction of the source, so
// with the node's write-ahead log the node's writers are not blocked
// meanwhile (they only keep the log from being checkpointed past it).
// Throws "store_missing" (no such database), "store_io", "store_busy",
// "store_failed"; on error `out` is removed.
void backup_sqlite(const std::filesystem::path& db, const std::filesystem::path& out);

}  // namespace hotline::store
