// The attachment vault: files attached to envelopes, encrypted at rest and
// named by the SHA-256 of their plaintext (content-addressed).
//
// Folder layout (`dir`, e.g. NODE/attachments, mode 0700):
//   vault.key         the master key: 32 random bytes, mode 0600, created on
//                     first use. Refused if group/other have any access
//                     (vault_key_insecure) or if it is not 32 bytes
//                     (vault_key_invalid).
//   <sha256hex>.att   a complete attachment (64 lowercase hex digits).
//   <sha256hex>.part  an attachment being received; same format, fewer chunks.
//   .tmp-<hex>        a file being written (import, key creation, new .part);
//                     renamed into place when complete. Each writer holds a
//                     flock() on it; a new Vault removes the unlocked ones a
//                     crash left behind.
//
// File format (.att and .part), all integers unsigned 64-bit big-endian:
//   header, 120 bytes:
//     0   8  magic "HLVAULT1"
//     8  32  sha  SHA-256 of the whole plaintext (raw bytes)
//    40   8  size plaintext size in bytes
//    48  24  random nonce for the wrapped key
//    72  48  wrapped key: XChaCha20-Poly1305-IETF(master key, nonce,
//            AD = magic || sha || size) of the file key (32 random bytes,
//            one per file)
//   then chunk i = 0 .. ceil(size / kChunkSize) - 1, back to back:
//            24  random nonce
//            n+16  XChaCha20-Poly1305-IETF(file key, nonce,
//                  AD = sha || i || size) of plaintext bytes
//                  [i*kChunkSize, min(size, (i+1)*kChunkSize)), n bytes
//   An empty attachment (size 0) is the header alone. A complete file is
//   exactly 120 + sum(24 + n_i + 16) bytes long.
//
// Why:
// - A key per file: the master key only wraps 32-byte file keys, so it
//   encrypts very little, and destroying one header destroys that file's
//   plaintext for good (crypto-erasure) without touching any other file.
// - The wrap AD binds the header: sha and size cannot be edited without the
//   key unwrap failing; the header's sha must also equal the file name.
// - The chunk AD binds each chunk to its position (i), to its attachment
//   (sha, and the per-file key) and to the total size, so chunks cannot be
//   reordered, moved between files or dropped, and the exact-length check
//   catches a truncated or extended file. The SHA-256 of the decrypted
//   plaintext is checked again at the end of export_to() and when a
//   received attachment completes.
//
// Invariants:
// - `<sha>.att` only ever appears by an atomic rename of a fully written
//   and fsynced file whose plaintext has SHA-256 `sha` (checked before the
//   rename), so a crash leaves either the old state or the complete file.
// - `<sha>.part` holds whole chunks 0..k-1, each written then fsynced before
//   append_chunk() returns; `have` = k * kChunkSize (or size once all are
//   in). A crash mid-chunk leaves a torn tail; begin_receive() drops any
//   tail that is not a whole chunk, and the last whole chunk too if it does
//   not authenticate, so a resumed transfer restarts from the first missing
//   chunk. Appends to one .part are serialised with flock().
// - Every function taking a digest first checks that it is exactly 64
//   lowercase hex characters (attachment_invalid); nothing else ever
//   reaches a file name.
//
// Changes to the original design, on purpose:
// - Since every chunk's AD contains the sha, the sha must be known before
//   the first chunk is written. import_file() therefore reads the source
//   twice: once to hash it, once to encrypt it while hashing it again; if
//   the two digests (or sizes) differ, the file changed during the import
//   and attachment_unreadable is thrown. Only a regular file can be
//   imported. Content already in the vault is checked (every chunk
//   decrypted, digest compared) and kept if intact, so it is not encrypted
//   and written again; a damaged copy is replaced.
// - begin_receive() of an empty attachment (size 0) completes at once (the
//   digest is checked then). A .part whose header does not open (other
//   master key, damage) or whose size differs from the size now declared
//   is discarded and the transfer starts over at 0. A .att whose header
//   or length is damaged is replaced by a new receive of the same content
//   (begin_receive() checks only those, not every chunk).
//
// Error codes (hotline::Error); messages name the file or digest:
//   attachment_invalid          digest is not 64 lowercase hex, or size < 0
//   attachment_too_large        larger than max_size (both sizes in MiB)
//   attachment_unreadable       import source missing, unreadable, not a
//                               regular file, or changed while imported
//   attachment_missing          no such attachment (or no transfer begun)
//   attachment_corrupt          authentication failure, bad header, wrong
//                               length, digest mismatch on export
//   attachment_chunk_invalid    append_chunk() offset/length not the next
//                               chunk; read_chunk() offset not a chunk start
//   attachment_digest_mismatch  received content does not have the digest;
//                               the .part was removed
//   vault_key_insecure          vault.key readable/writable by group/others
//   vault_key_invalid           vault.key not a regular 32-byte file
//   vault_io                    any other file system failure
//
// Thread safety: const functions and imports may run concurrently, also
// from several Vault objects or processes on one folder. begin_receive() and
// append_chunk() lock the .part file, so they are safe too (but a transfer
// is meant to have one writer).
//
// Ownership: a Vault is a handle on its folder, opened per use
// (service/attachment_service.h); it owns the master key it read, wiped when
// the Vault is destroyed, and depends on no other object: every call reads
// the folder afresh.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/vault/sizes.h"

namespace hotline::vault {

struct Info {
  std::string sha256;  // 64 lowercase hex digits
  std::int64_t size = 0;
  bool complete = false;
  std::int64_t have = 0;  // plaintext bytes stored (== size when complete)

  friend bool operator==(const Info&, const Info&) = default;
};

namespace detail {
class SecretKey;
}

class Vault {
 public:
  // Opens (creating if needed, mode 0700) the folder and its vault.key.
  explicit Vault(std::filesystem::path dir);
  ~Vault();
  // Movable; a moved-from Vault must not be used. Not copyable (the
  // master key is not duplicated).
  Vault(Vault&&) noexcept;
  Vault& operator=(Vault&&) noexcept;
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // Encrypts a copy of `src` into the vault; returns the complete Info.
  // Streams in kChunkSize pieces. Same content twice: the existing file is
  // kept and returned.
  Info import_file(const std::filesystem::path& src, std::int64_t max_size = kDefaultMaxSize);
  Info import_bytes(std::string_view data, std::int64_t max_size = kDefaultMaxSize);

  // The complete attachment if there is one, else the one being received
  // (`have` counts whole chunks on disk; a torn tail is not counted), else
  // nullopt.
  std::optional<Info> info(std::string_view sha256) const;

  // Receiving side. Starts or resumes a transfer of `size` bytes whose
  // plaintext has SHA-256 `sha256`; returns `have`, the offset of the next
  // chunk to append (a multiple of kChunkSize). If the attachment is already
  // complete, returns it (complete = true, and its own size).
  Info begin_receive(std::string_view sha256, std::int64_t size,
                     std::int64_t max_size = kDefaultMaxSize);
  // Appends the next chunk: `offset` must equal `have` and `plaintext` must
  // be exactly min(kChunkSize, size - offset) bytes. Durable (fsynced) on
  // return. The last chunk checks the SHA-256 of the whole plaintext and
  // renames the .part to .att; on mismatch it removes the .part and throws
  // attachment_digest_mismatch.
  Info append_chunk(std::string_view sha256, std::int64_t offset, std::string_view plaintext);

  // Plaintext of the chunk starting at `offset` (a multiple of kChunkSize,
  // below size) of a complete attachment.
  std::string read_chunk(std::string_view sha256, std::int64_t offset) const;

  // Decrypts a complete attachment to `dest` (mode 0600; written beside it
  // under a temporary name, then renamed over it). On any failure `dest` is
  // left as it was.
  void export_to(std::string_view sha256, const std::filesystem::path& dest) const;

  // Every attachment, complete or partial, sorted by digest.
  std::vector<Info> list() const;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<detail::SecretKey> key_;
};

}  // namespace hotline::vault
