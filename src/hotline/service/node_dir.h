// A node's data directory: where its identity, database and certificates live.
//
//   D/identity.key        Ed25519 private key (mode 0600), the node's identity
//   D/identity.pub        its public key, base64url, to hand to peers
//   D/hotline.db          the SQLite store (WAL: also -wal and -shm files)
//   D/tls/operator.crt    the operators' listener certificate (ECDSA P-256)
//   D/tls/operator.key    its private key (mode 0600)
//   D/run/serve.json      written by a running `hotline serve`: pid and URLs
//   D/secrets.key         32 bytes (mode 0600) sealing the TOTP seeds and the
//                         webhook secret stored in hotline.db
//
// The directory itself is mode 0700: everything in it is the office's.
#pragma once

#include <filesystem>
#include <memory>
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
};

// Party names appear in agreements, logs and screens: 1 to 64 characters of
// letters, digits, space, '-', '_' and '.', starting with a letter or digit.
void validate_party_name(const std::string& party);

struct InitResult {
  NodePaths paths;
  crypto::PublicKey public_key;
};

// Creates a new node in `dir`: refuses (Error "node_exists") when the
// directory already holds a node, so an identity is never overwritten.
InitResult init_node(const std::filesystem::path& dir, const std::string& party);

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

// Reads only the public identity (no private key, no database writes).
crypto::PublicKey read_public_key(const std::filesystem::path& dir);

}  // namespace hotline::service
