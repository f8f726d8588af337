// A node's data directory: where its identity, database and certificates live.
//
//   D/identity.key        Ed25519 private key (mode 0600), the node's identity
//   D/identity.pub        its public key, base64url, to hand to peers
//   D/hotline.db          the SQLite store (WAL: also -wal and -shm files)
//   D/store.conf          present when the records live in PostgreSQL instead
//                         (mode 0600): the connection string, or the name of
//                         the environment variable holding it
//   D/tls/operator.crt    the operators' listener certificate (ECDSA P-256)
//   D/tls/operator.key    its private key (mode 0600)
//   D/run/serve.json      written by a running `hotline serve`: pid and URLs
//                         (with several serve processes on one PostgreSQL
//                         store: the last one started; each process also
//                         writes D/run/serve-<pid>.json)
//   D/secrets.key         32 bytes (mode 0600) sealing the TOTP seeds and the
//                         webhook secret stored in hotline.db
//
// The directory itself is mode 0700: everything in it is the office's.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "hotline/crypto/ed25519.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct NodePaths {
  explicit NodePaths(std::filesystem::path d);
  std::filesystem::path dir, identity_key, identity_pub, db, tls_dir, operator_cert, operator_key,
      run_dir, serve_status;
  // The key that seals the secrets in the database (crypto/secretbox.h):
  // made by init, or at the first open of a node made before it existed.
  std::filesystem::path secrets_key;
  // Names the PostgreSQL store; absent: the SQLite file `db`.
  std::filesystem::path store_conf;
};

// Party names appear in agreements, logs and screens: 1 to 64 characters of
// letters, digits, space, '-', '_' and '.', starting with a letter or digit.
void validate_party_name(const std::string& party);

// Where a node's records live (D/store.conf). Thread-safe values.
struct StoreConfig {
  enum class Kind { sqlite, postgres };
  Kind kind = Kind::sqlite;
  // postgres: the libpq connection string (kept in store.conf; never holds
  // a password), or else the environment variable that holds it (read at
  // every start, never written to D).
  std::string conninfo;
  std::string conninfo_env;
};

// D/store.conf as written by init or `hotline store copy`; {} (SQLite) when
// there is none. Throws "store_conf_invalid" for a file it cannot read.
StoreConfig read_store_config(const NodePaths& paths);
// Writes store.conf (mode 0600) atomically; a SQLite config removes it.
void write_store_config(const NodePaths& paths, const StoreConfig& config);
// The connection string of a postgres config: conninfo, or the environment
// variable's value (Error "store_conninfo_missing" when it is unset or
// empty). Checks it as init does: a conninfo kept in store.conf must hold no
// password ("store_conninfo_password").
std::string resolve_conninfo(const StoreConfig& config);
// For messages: "the SQLite file D/hotline.db" or "PostgreSQL database 'x'
// on HOST" (never the whole connection string).
std::string describe_store(const NodePaths& paths, const StoreConfig& config);

struct StoreOpenOptions {
  bool create = false;     // create the schema (init and store copy's target)
  bool sync_full = false;  // SQLite: fsync every commit
  // Seal and unseal the secrets in the database with D/secrets.key (made when
  // missing). False: read them as stored (tools that only read).
  bool secret_key = true;
};
// The one door to a node's store: opens what `config` names. Every command
// that opens a node's records goes through here (or open_node()).
std::unique_ptr<store::Store> open_node_store(const NodePaths& paths, const StoreConfig& config,
                                              const StoreOpenOptions& options = {});

// Refuses (Error "node_key_mismatch") when the store's setting public_key
// is not `self`: "this database belongs to node <party> (fingerprint ...),
// not to the node in D". Returns the store's party name.
std::string require_store_of(store::Store& store, const NodePaths& paths, const StoreConfig& config,
                             const crypto::PublicKey& self);

struct InitResult {
  NodePaths paths;
  crypto::PublicKey public_key;
};

// Creates a new node in `dir`: refuses (Error "node_exists") when the
// directory already holds a node, or (PostgreSQL) when the database already
// holds one (naming its party), so an identity is never overwritten.
InitResult init_node(const std::filesystem::path& dir, const std::string& party,
                     const StoreConfig& store = {});

// An opened node: its identity and store. Throws "node_missing" with a hint
// to run `hotline init` when `dir` holds no node.
struct Node {
  NodePaths paths;
  std::string party;
  crypto::KeyPair identity;
  std::unique_ptr<store::Store> store;
};
// sync_full: fsync every commit (survives power loss, not only crashes).
Node open_node(const std::filesystem::path& dir, bool sync_full = false);

// The pid of a `hotline serve` running on this directory (run/serve.json or
// a run/serve-<pid>.json names a live process), or nullopt. With several
// serve processes on one PostgreSQL store serve.json names the last one
// started and each has its serve-<pid>.json.
std::optional<long> serving_pid(const NodePaths& paths);

// Reads only the public identity (no private key, no database writes).
crypto::PublicKey read_public_key(const std::filesystem::path& dir);

}  // namespace hotline::service
