// `hotline backup` and `hotline restore`: a node's records (one consistent
// snapshot) and the files of its directory (identity, secrets key, TLS
// certificate, the attachment vault) in one file, encrypted under a key the
// office keeps elsewhere (crypto/backup_stream.h); and a new node directory
// made from such a file.
//
// File format (docs/operations.md "Backups"), integers big-endian:
//   0   8  magic "HLBACKUP"
//   8   4  format version (1)
//  12   4  n, the length of the header (at most 64 KiB)
//  16   n  the header: JSON {"format":"hotline-backup","version":1,"party",
//          "public_key","created_at","store","log_size","log_root","key_id"}
//  16+n 24 the secretstream header
//  then the messages, each a 4-byte length L (17 .. 65553) and L bytes: the
//          archive below, in slices of at most 64 KiB; the first message
//          authenticates bytes 0 .. 16+n as additional data, the last one
//          carries the FINAL tag, and nothing follows it.
// The archive: records back to back, each one byte of type then
//   'D' u16 path-length, path, u32 mode        a directory
//   'F' u16 path-length, path, u32 mode, u64 size, the bytes   a file
//   'E'                                         the end (the last record)
// Paths are relative, '/'-separated, of [A-Za-z0-9._-] components (none
// "." or ".."); "hotline.db" is the snapshot of the records (always SQLite:
// a PostgreSQL store is read in one snapshot into a SQLite file).
//
// Left out: the live database files, store.conf (a restore makes an SQLite
// node unless told otherwise), run/, files being written (".tmp-*") and
// attachments still being received ("*.part").
//
// Stateless free functions; backup_node may run while `hotline serve` runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "hotline/crypto/backup_stream.h"

namespace hotline::service {

struct BackupHeader {
  int version = 1;
  std::string party;
  std::string public_key;  // base64url, the node's identity
  std::string created_at;  // our clock when the snapshot was taken
  std::string store;       // "sqlite" or "postgresql": where the records were
  std::int64_t log_size = 0;
  std::string log_root;  // hex
  std::string key_id;    // crypto::backup_key_id of the key it is encrypted with
};

struct BackupResult {
  BackupHeader header;
  std::int64_t files = 0;  // files in the archive, the snapshot included
  std::int64_t bytes = 0;  // size of the backup file
};

// Writes the backup of the node in `dir` to `out` (a new file, mode 0600,
// written under a temporary name and renamed when complete). Errors:
//   backup_exists      `out` exists (never overwritten)
//   backup_inside_node `out` lies inside the node's directory
//   node_missing, store_* (opening or reading the records), key_io
BackupResult backup_node(const std::filesystem::path& dir, const std::filesystem::path& out,
                         const crypto::BackupKey& key);

// Reads the plain header only (no key needed). Errors: backup_not_a_backup,
// backup_version, backup_damaged (a header that is not what it should be).
BackupHeader read_backup_header(const std::filesystem::path& file);

struct RestoreOptions {
  // When set: refuse (backup_other_node) a backup whose node key is not
  // this one (base64url, as identity.pub).
  std::optional<std::string> expect_public_key;
};

struct RestoreResult {
  BackupHeader header;
  std::filesystem::path dir;
  std::int64_t files = 0;
  std::int64_t links = 0;  // links that will recover from their peer (resync)
};

// Makes the node directory `dir` (absent or empty) from the backup `file`:
// unpacked beside it first, the records opened and checked (the identity is
// the database's, the ledger verifies), then moved into place. On any error
// nothing is left behind and `dir` is as it was. Each link of the restored
// node is marked to recover from its peer what it sent after the backup
// (the setting link_resync_setting(link), see link_service.h). Errors:
//   restore_target_not_empty, backup_not_a_backup, backup_version,
//   backup_wrong_key, backup_damaged, backup_truncated, backup_other_node,
//   backup_invalid (the archive breaks its rules), restore_verify (the
//   restored ledger does not verify), node_key_mismatch
RestoreResult restore_node(const std::filesystem::path& file, const crypto::BackupKey& key,
                           const std::filesystem::path& dir, const RestoreOptions& options = {});

}  // namespace hotline::service
