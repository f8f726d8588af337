// Encryption of a node's backup file (`hotline backup`): libsodium's
// crypto_secretstream_xchacha20poly1305, streamed, under a 32-byte key the
// office holds in its own file (never in the backup, never in the node's
// directory). docs/operations.md "Backups" gives the file format.
//
//   key file:  the line "hotline-backup-key-v1 " + base64url(32 bytes) + "\n",
//              mode 0600 (refused when group or others may read it)
//   key id:    the first 8 bytes of SHA-256("hotline backup key id" || key),
//              hex: names the key in the backup's header, so that a wrong
//              key is told apart from a damaged file before decrypting
//
// The writer encrypts messages of at most kBackupChunk bytes, each one
// authenticated; the first carries the file's plain header as additional
// data (so the header cannot be edited), the last carries the FINAL tag
// (so a truncated file is told apart from a complete one).
//
// Ownership and threads: BackupEncryptor / BackupDecryptor own their state
// and are used by one thread; the free functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace hotline::crypto {

using BackupKey = std::array<std::uint8_t, 32>;

inline constexpr std::size_t kBackupChunk = 64 * 1024;
// The secretstream header's size (crypto_secretstream_xchacha20poly1305_HEADERBYTES).
inline constexpr std::size_t kBackupStreamHeader = 24;
// What each message adds to its plaintext (..._ABYTES).
inline constexpr std::size_t kBackupChunkOverhead = 17;

// Makes a new key file at `path` (O_EXCL, mode 0600). Throws
// Error(conflict, "backup_key_exists") when the file exists (a key is never
// overwritten: backups made with it would be lost), "key_io" on I/O errors.
BackupKey create_backup_key_file(const std::filesystem::path& path);
// Reads a key file. Throws Error(invalid_input, "backup_key_invalid") for a
// file that is not a backup key, "file_permissions" for one others may read,
// "key_io" when it cannot be read.
BackupKey load_backup_key_file(const std::filesystem::path& path);
// 16 hex digits (see above).
std::string backup_key_id(const BackupKey& key);

// Encrypts a stream: header() first (24 bytes, to write right after the
// file's plain header), then push() each chunk, the last one with final.
class BackupEncryptor {
 public:
  explicit BackupEncryptor(const BackupKey& key);
  ~BackupEncryptor();
  BackupEncryptor(const BackupEncryptor&) = delete;
  BackupEncryptor& operator=(const BackupEncryptor&) = delete;

  const std::array<std::uint8_t, kBackupStreamHeader>& header() const { return header_; }
  // plain.size() <= kBackupChunk; returns plain.size() + 17 bytes.
  std::string push(std::string_view plain, std::string_view ad, bool final);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::array<std::uint8_t, kBackupStreamHeader> header_{};
};

// Decrypts what BackupEncryptor wrote. pull() throws Error(invalid_input,
// "backup_damaged") when a message does not authenticate (changed bytes, a
// wrong key, a changed header).
class BackupDecryptor {
 public:
  BackupDecryptor(const BackupKey& key,
                  const std::array<std::uint8_t, kBackupStreamHeader>& header);
  ~BackupDecryptor();
  BackupDecryptor(const BackupDecryptor&) = delete;
  BackupDecryptor& operator=(const BackupDecryptor&) = delete;

  struct Message {
    std::string plain;
    bool final = false;
  };
  Message pull(std::string_view cipher, std::string_view ad);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hotline::crypto
