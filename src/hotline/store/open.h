// Opening a Store. Each backend has one function here; callers pick one at
// start-up from configuration and afterwards see only hotline::store::Store.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "hotline/crypto/secretbox.h"
#include "hotline/store/store.h"

namespace hotline::store {

struct SqliteOptions {
  // Create the file (and the schema) when it does not exist; when false a
  // missing file throws "store_missing".
  bool create = true;
  // normal: a power cut may lose the last commits but never corrupts (WAL).
  // full:   every commit is on disk when commit() returns.
  enum class Sync { normal, full } sync = Sync::normal;
  // How long write() waits for another process's writer before throwing
  // "store_busy".
  std::chrono::milliseconds busy_timeout{10000};
  // Given: the secrets in the database (users' TOTP seeds, the setting
  // "webhook.secret") are stored sealed under this key (crypto/secretbox.h)
  // and unsealed when read; plaintext ones left by an older version are
  // sealed when the store opens. Not given (tests, tools): stored as given.
  std::optional<crypto::SecretKey> secret_key = std::nullopt;
};

struct PostgresOptions {
  // A libpq connection string ("host=/run/postgresql dbname=hotline" or
  // "postgresql://user@host/db"); a password comes from libpq's own places
  // (PGPASSWORD, a passfile=, ~/.pgpass), never from a log. Kept only to
  // connect; messages name just the host and the database.
  std::string conninfo;
  // Create the schema in an empty database; when false an empty database
  // throws "store_missing".
  bool create = true;
  // As SqliteOptions::secret_key.
  std::optional<crypto::SecretKey> secret_key = std::nullopt;
  // Idle read connections kept open for reuse.
  std::size_t idle_readers = 4;
};

// Opens (and migrates to the newest schema) the PostgreSQL database the
// connection string names. Several processes may open one database: their
// writers take turns (an advisory lock per write transaction), leases and
// the event wake-ups span them all (store.h). Throws "store_unavailable"
// (cannot connect), "store_missing", "store_corrupt" (tables that are not
// Hotline's), "store_too_new", "store_failed".
std::unique_ptr<Store> open_postgres(const PostgresOptions& options);

// The host and database a PostgreSQL connection string names, for messages
// (never its password or the rest of it).
std::string describe_postgres(const std::string& conninfo);

// Throws "store_conninfo_invalid" when libpq cannot read `conninfo`, and
// "store_conninfo_password" when it holds a password (password=..., or
// USER:PASSWORD@ in a URI): a password belongs in libpq's own places
// (passfile=, ~/.pgpass, PGPASSFILE, PGPASSWORD), not in a node's files.
void require_conninfo_without_password(const std::string& conninfo);

// Opens (and migrates to the newest schema) the SQLite database db_file.
// Throws "store_missing", "store_corrupt" (not a Hotline/SQLite database),
// "store_too_new" (written by a newer Hotline), "store_io".
std::unique_ptr<Store> open_sqlite(const std::filesystem::path& db_file,
                                   const SqliteOptions& options = {});

}  // namespace hotline::store
