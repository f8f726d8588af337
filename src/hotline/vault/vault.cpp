#include "hotline/vault/vault.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <set>
#include <span>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sha256.h"
#include "hotline/crypto/sodium.h"
#include "hotline/vault/file_io.h"
#include "hotline/vault/format.h"

namespace hotline::vault {
namespace {

namespace fs = std::filesystem;
using crypto::Digest;
using detail::chunk_count;
using detail::chunk_length;
using detail::Fd;
using detail::file_length;
using detail::HeaderBytes;
using detail::kChunkOverhead;
using detail::kFullRecordBytes;
using detail::kHeaderBytes;
using detail::kMaxPlausibleSize;
using detail::record_offset;
using detail::SecretKey;
using detail::TempFile;

constexpr std::string_view kKeyFileName = "vault.key";
constexpr std::string_view kAttSuffix = ".att";
constexpr std::string_view kPartSuffix = ".part";

// ---- names and messages ----

bool is_digest_hex(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// `s` made safe to quote in a message: printable ASCII, at most 80 chars.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (s.size() > 80) out += "...";
  return out;
}

Digest parse_digest(std::string_view hex) {
  if (!is_digest_hex(hex)) {
    throw Error(ErrorCategory::invalid_input, "attachment_invalid",
                "\"" + printable(hex) +
                    "\" is not an attachment digest (expected the SHA-256 of the content as "
                    "64 lowercase hex characters)");
  }
  const std::vector<std::uint8_t> bytes = from_hex(hex);
  Digest d;
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

std::string mib(std::int64_t bytes) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f MiB (%lld bytes)", static_cast<double>(bytes) / 1048576.0,
                static_cast<long long>(bytes));
  return buf;
}

[[noreturn]] void too_large(const std::string& what, std::int64_t size, std::int64_t max_size,
                            bool at_least = false) {
  throw Error(ErrorCategory::too_large, "attachment_too_large",
              what + " is " + (at_least ? "more than " : "") + mib(size) +
                  ", above the attachment size limit of " + mib(max_size));
}

fs::path att_path(const fs::path& dir, std::string_view hex) {
  return dir / (std::string(hex) + std::string(kAttSuffix));
}
fs::path part_path(const fs::path& dir, std::string_view hex) {
  return dir / (std::string(hex) + std::string(kPartSuffix));
}

[[noreturn]] void corrupt(std::string_view hex, const fs::path& path, const std::string& why) {
  throw Error(ErrorCategory::internal, "attachment_corrupt",
              "attachment " + std::string(hex) + " (" + path.string() +
                  ") is damaged or was tampered with: " + why);
}

[[noreturn]] void missing(const fs::path& dir, std::string_view hex) {
  std::string msg = "attachment " + std::string(hex) + " is not in the vault " + dir.string();
  struct stat st;
  if (::lstat(part_path(dir, hex).c_str(), &st) == 0) msg += " (it is still being received)";
  throw Error(ErrorCategory::not_found, "attachment_missing", msg);
}

[[noreturn]] void chunk_invalid(std::string_view hex, const std::string& why) {
  throw Error(ErrorCategory::invalid_input, "attachment_chunk_invalid",
              "attachment " + std::string(hex) + ": " + why);
}

// ---- opened vault files ----

// The header fields and file key of an open vault file.
struct Opened {
  Digest sha{};
  std::int64_t size = 0;
  std::int64_t length = 0;  // bytes in the file when opened
  SecretKey key;
};

// Reads and authenticates the header of `fd`, whose sha must be `expected`.
// Returns an empty string, or why the file is unusable.
std::string read_header(int fd, const fs::path& path, const Digest& expected,
                        const SecretKey& master, Opened& out) {
  out.length = detail::file_size(fd, path);
  HeaderBytes h;
  if (detail::read_full(fd, h.data(), h.size(), 0, "vault_io", path) != h.size()) {
    return "it is " + std::to_string(out.length) + " bytes, shorter than the " +
           std::to_string(kHeaderBytes) + "-byte header";
  }
  std::string why = detail::open_header(h, master, out.sha, out.size, out.key);
  if (!why.empty()) return why;
  if (out.sha != expected) return "its header is for another attachment, " + to_hex(out.sha);
  return {};
}

// Opens the complete attachment `hex` and checks its header and exact
// length (attachment_corrupt). False if there is none.
bool open_complete(const fs::path& dir, const SecretKey& master, std::string_view hex,
                   const Digest& d, Fd& fd, Opened& f) {
  const fs::path path = att_path(dir, hex);
  fd = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    if (errno == ENOENT) return false;
    detail::io_error("vault_io", "cannot open attachment", path, errno);
  }
  std::string why = read_header(fd.get(), path, d, master, f);
  if (why.empty() && f.length != file_length(f.size)) {
    why = "it is " + std::to_string(f.length) + " bytes instead of " +
          std::to_string(file_length(f.size)) + " (truncated or extended)";
  }
  if (!why.empty()) corrupt(hex, path, why);
  return true;
}

// Reads and decrypts chunk `index` into `plain` (chunk_length bytes).
// False if the file is too short or the chunk does not authenticate.
bool read_chunk_into(int fd, const fs::path& path, const Opened& f, std::int64_t index,
                     std::vector<std::uint8_t>& record, std::uint8_t* plain) {
  const auto n = static_cast<std::size_t>(chunk_length(f.size, index) + kChunkOverhead);
  record.resize(n);
  if (detail::read_full(fd, record.data(), n, record_offset(f.size, index), "vault_io", path) !=
      n) {
    return false;
  }
  return detail::open_chunk(f.key, f.sha, f.size, index, record, plain);
}

// True if every chunk authenticates and the plaintext has the digest.
bool all_chunks_intact(int fd, const fs::path& path, const Opened& f) {
  crypto::Sha256 h;
  std::vector<std::uint8_t> record;
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(kChunkSize));
  for (std::int64_t i = 0; i < chunk_count(f.size); ++i) {
    if (!read_chunk_into(fd, path, f, i, record, plain.data())) return false;
    h.update(std::span<const std::uint8_t>(plain.data(),
                                           static_cast<std::size_t>(chunk_length(f.size, i))));
  }
  return h.finish() == f.sha;
}

// Whole chunks in a partial file of `length` bytes (a torn tail is not
// counted).
std::int64_t whole_chunks(std::int64_t size, std::int64_t length) {
  const std::int64_t n = chunk_count(size);
  if (n == 0 || length < kHeaderBytes) return 0;
  std::int64_t k = std::min((length - kHeaderBytes) / kFullRecordBytes, n - 1);
  if (k == n - 1 && length >= file_length(size)) k = n;
  return k;
}

std::int64_t have_of(std::int64_t size, std::int64_t chunks) {
  return chunks == chunk_count(size) ? size : chunks * kChunkSize;
}

// After a crash: keeps the whole chunks of a .part whose last one
// authenticates, truncates the rest away; returns how many remain.
std::int64_t recover(int fd, const fs::path& path, const Opened& f) {
  std::int64_t k = whole_chunks(f.size, f.length);
  std::vector<std::uint8_t> record;
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(kChunkSize));
  while (k > 0 && !read_chunk_into(fd, path, f, k - 1, record, plain.data())) --k;
  const std::int64_t keep = record_offset(f.size, k);
  if (f.length != keep) detail::truncate_file(fd, keep, path);
  return k;
}

// All chunks of the locked .part are in: checks every chunk and the digest,
// then renames it to .att. Removes the .part if it is wrong.
Info finalize(int fd, const fs::path& dir, const std::string& hex, const Opened& f) {
  const fs::path part = part_path(dir, hex);
  crypto::Sha256 h;
  std::vector<std::uint8_t> record;
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(kChunkSize));
  for (std::int64_t i = 0; i < chunk_count(f.size); ++i) {
    if (!read_chunk_into(fd, part, f, i, record, plain.data())) {
      detail::remove_file(part);
      throw Error(ErrorCategory::internal, "attachment_corrupt",
                  "attachment " + hex + ": chunk " + std::to_string(i) + " of the received file " +
                      part.string() +
                      " no longer decrypts (disk damage or tampering); the partial file was "
                      "removed and the transfer must start again");
    }
    h.update(std::span<const std::uint8_t>(plain.data(),
                                           static_cast<std::size_t>(chunk_length(f.size, i))));
  }
  const Digest got = h.finish();
  if (got != f.sha) {
    detail::remove_file(part);
    throw Error(ErrorCategory::invalid_input, "attachment_digest_mismatch",
                "the received content of attachment " + hex + " has SHA-256 " + to_hex(got) +
                    ", not the announced digest; the partial file " + part.string() +
                    " was removed and the transfer must start again");
  }
  detail::sync_file(fd, part);
  detail::rename_replace(part, att_path(dir, hex));
  detail::sync_dir(dir);
  return Info{hex, f.size, true, f.size};
}

// ---- folder and master key ----

bool holds_attachments(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.ends_with(kAttSuffix) || name.ends_with(kPartSuffix)) return true;
  }
  return false;
}

void ensure_folder(const fs::path& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      throw Error(ErrorCategory::internal, "vault_io",
                  "attachment folder " + dir.string() + " exists but is not a folder");
    }
    return;
  }
  if (errno != ENOENT) detail::io_error("vault_io", "cannot reach attachment folder", dir, errno);
  if (dir.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(dir.parent_path(), ec);
    if (ec) {
      detail::io_error("vault_io", "cannot create the parent folders of", dir, ec.value());
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    detail::io_error("vault_io", "cannot create attachment folder", dir, errno);
  }
}

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

void create_master_key(const fs::path& path) {
  TempFile tmp(path.parent_path(), 0600);
  SecretKey k;
  crypto::random_bytes(std::span<std::uint8_t>(k.data(), k.size()));
  detail::write_full(tmp.fd(), k.data(), k.size(), -1, "vault_io", tmp.path());
  // False: another process created one first; the caller loads that one.
  (void)tmp.commit(path, /*no_replace=*/true);
}

void load_master_key(const fs::path& path, SecretKey& key) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
      const int err = errno;
      if (err == ENOENT) {
        if (holds_attachments(path.parent_path())) {
          throw Error(ErrorCategory::internal, "vault_key_missing",
                      "vault key file " + path.string() +
                          " is missing but the folder holds encrypted attachments; restore "
                          "vault.key from backup (a new key could not decrypt them), or move "
                          "the .att and .part files away to start an empty vault");
        }
        create_master_key(path);
        continue;
      }
      if (err == ELOOP) {
        throw Error(
            ErrorCategory::internal, "vault_key_invalid",
            "vault key file " + path.string() + " is a symbolic link; it must be a regular file");
      }
      detail::io_error("vault_io", "cannot open vault key file", path, err);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) detail::io_error("vault_io", "cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) {
      throw Error(ErrorCategory::internal, "vault_key_invalid",
                  "vault key file " + path.string() + " is not a regular file; refusing to use it");
    }
    if ((st.st_mode & 077) != 0) {
      throw Error(ErrorCategory::internal, "vault_key_insecure",
                  "vault key file " + path.string() + " has mode " + mode_text(st.st_mode) +
                      ", which lets other users read or change the key that decrypts every "
                      "attachment; refusing to use it. Fix with: chmod 600 " +
                      path.string());
    }
    if (st.st_size != static_cast<off_t>(key.size())) {
      throw Error(ErrorCategory::internal, "vault_key_invalid",
                  "vault key file " + path.string() + " is " + std::to_string(st.st_size) +
                      " bytes; a vault key is exactly 32 bytes. Restore the right file from "
                      "backup: without it the attachments cannot be decrypted");
    }
    if (detail::read_full(fd.get(), key.data(), key.size(), 0, "vault_io", path) != key.size()) {
      throw Error(ErrorCategory::internal, "vault_key_invalid",
                  "vault key file " + path.string() + " became shorter");
    }
    return;
  }
  throw Error(ErrorCategory::internal, "vault_io", "cannot create vault key file " + path.string());
}

// ---- importing ----

// Where imported bytes come from; read twice (digest, then encryption).
class Source {
 public:
  virtual ~Source() = default;
  // Up to n bytes; fewer only at the end.
  virtual std::size_t read(std::uint8_t* buf, std::size_t n) = 0;
  virtual void rewind() = 0;
  virtual std::int64_t size_hint() const = 0;
  virtual std::string what() const = 0;
};

class FileSource final : public Source {
 public:
  explicit FileSource(const fs::path& path) : path_(path) {
    // O_NONBLOCK: a FIFO must not hang the open (it is refused below); it
    // changes nothing for a regular file.
    fd_ = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd_)
      detail::io_error("attachment_unreadable", "cannot read the file to attach,", path, errno);
    struct stat st;
    if (::fstat(fd_.get(), &st) != 0) {
      detail::io_error("attachment_unreadable", "cannot read the file to attach,", path, errno);
    }
    if (!S_ISREG(st.st_mode)) {
      throw Error(ErrorCategory::internal, "attachment_unreadable",
                  "cannot attach " + path.string() + ": it is not a regular file");
    }
    size_ = static_cast<std::int64_t>(st.st_size);
  }
  std::size_t read(std::uint8_t* buf, std::size_t n) override {
    return detail::read_full(fd_.get(), buf, n, -1, "attachment_unreadable", path_);
  }
  void rewind() override {
    if (::lseek(fd_.get(), 0, SEEK_SET) != 0) {
      detail::io_error("attachment_unreadable", "cannot read the file to attach,", path_, errno);
    }
  }
  std::int64_t size_hint() const override { return size_; }
  std::string what() const override { return "file " + path_.string(); }

 private:
  fs::path path_;
  Fd fd_;
  std::int64_t size_ = 0;
};

class BytesSource final : public Source {
 public:
  explicit BytesSource(std::string_view data) : data_(data) {}
  std::size_t read(std::uint8_t* buf, std::size_t n) override {
    const std::size_t k = std::min(n, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, k, reinterpret_cast<char*>(buf));
    pos_ += k;
    return k;
  }
  void rewind() override { pos_ = 0; }
  std::int64_t size_hint() const override { return static_cast<std::int64_t>(data_.size()); }
  std::string what() const override { return "the attachment"; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

Info import_source(const fs::path& dir, const SecretKey& master, Source& src,
                   std::int64_t max_size) {
  if (src.size_hint() > max_size) too_large(src.what(), src.size_hint(), max_size);

  // Pass 1: the digest, which every chunk's AD needs.
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(kChunkSize));
  crypto::Sha256 first;
  std::int64_t size = 0;
  for (;;) {
    const std::size_t n = src.read(plain.data(), plain.size());
    size += static_cast<std::int64_t>(n);
    if (size > max_size) too_large(src.what(), size, max_size, /*at_least=*/true);
    first.update(std::span<const std::uint8_t>(plain.data(), n));
    if (n < plain.size()) break;
  }
  const Digest d = first.finish();
  const std::string hex = to_hex(d);

  // Already stored and intact (every chunk checked): keep that copy. A
  // damaged copy is replaced by the new one below.
  try {
    Fd fd;
    Opened f;
    if (open_complete(dir, master, hex, d, fd, f) &&
        all_chunks_intact(fd.get(), att_path(dir, hex), f)) {
      return Info{hex, f.size, true, f.size};
    }
  } catch (const Error& e) {
    if (e.code() != "attachment_corrupt") throw;
  }

  // Pass 2: encrypt, hashing again to notice a file that changed meanwhile.
  src.rewind();
  TempFile tmp(dir, 0600);
  SecretKey file_key;
  crypto::random_bytes(std::span<std::uint8_t>(file_key.data(), file_key.size()));
  const HeaderBytes header = detail::seal_header(d, size, master, file_key);
  detail::write_full(tmp.fd(), header.data(), header.size(), -1, "vault_io", tmp.path());
  std::vector<std::uint8_t> record(static_cast<std::size_t>(kFullRecordBytes));
  crypto::Sha256 second;
  auto changed = [&] {
    return Error(ErrorCategory::internal, "attachment_unreadable",
                 src.what() + " changed while it was being attached; attach it again");
  };
  for (std::int64_t i = 0; i < chunk_count(size); ++i) {
    const auto len = static_cast<std::size_t>(chunk_length(size, i));
    if (src.read(plain.data(), len) != len) throw changed();
    const std::span<const std::uint8_t> piece(plain.data(), len);
    second.update(piece);
    detail::seal_chunk(file_key, d, size, i, piece, record.data());
    detail::write_full(tmp.fd(), record.data(), len + kChunkOverhead, -1, "vault_io", tmp.path());
  }
  std::uint8_t extra = 0;
  if (src.read(&extra, 1) != 0 || second.finish() != d) throw changed();
  tmp.commit(att_path(dir, hex));
  return Info{hex, size, true, size};
}

}  // namespace

// ---- Vault ----

Vault::Vault(fs::path dir) : dir_(std::move(dir)), key_(std::make_unique<SecretKey>()) {
  crypto::ensure_sodium();
  if (!dir_.has_filename() && dir_.has_parent_path()) dir_ = dir_.parent_path();  // "a/b/"
  ensure_folder(dir_);
  detail::remove_stale_temporaries(dir_);
  load_master_key(dir_ / kKeyFileName, *key_);
}

Vault::~Vault() = default;
Vault::Vault(Vault&&) noexcept = default;
Vault& Vault::operator=(Vault&&) noexcept = default;

Info Vault::import_file(const fs::path& src, std::int64_t max_size) {
  FileSource source(src);
  return import_source(dir_, *key_, source, max_size);
}

Info Vault::import_bytes(std::string_view data, std::int64_t max_size) {
  BytesSource source(data);
  return import_source(dir_, *key_, source, max_size);
}

std::optional<Info> Vault::info(std::string_view sha256) const {
  const Digest d = parse_digest(sha256);
  const std::string hex(sha256);
  {
    Fd fd;
    Opened f;
    if (open_complete(dir_, *key_, hex, d, fd, f)) return Info{hex, f.size, true, f.size};
  }
  const fs::path part = part_path(dir_, hex);
  Fd fd(::open(part.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    detail::io_error("vault_io", "cannot open", part, errno);
  }
  Opened f;
  const std::string why = read_header(fd.get(), part, d, *key_, f);
  if (!why.empty()) corrupt(hex, part, why);
  return Info{hex, f.size, false, have_of(f.size, whole_chunks(f.size, f.length))};
}

Info Vault::begin_receive(std::string_view sha256, std::int64_t size, std::int64_t max_size) {
  const Digest d = parse_digest(sha256);
  const std::string hex(sha256);
  if (size < 0 || size > kMaxPlausibleSize) {
    throw Error(ErrorCategory::invalid_input, "attachment_invalid",
                "attachment " + hex + " announced with an impossible size of " +
                    std::to_string(size) + " bytes");
  }
  if (size > max_size) too_large("attachment " + hex, size, max_size);
  const fs::path part = part_path(dir_, hex);

  for (int attempt = 0; attempt < 16; ++attempt) {
    {
      Fd fd;
      Opened f;
      bool complete = false;
      try {
        complete = open_complete(dir_, *key_, hex, d, fd, f);
      } catch (const Error& e) {
        // A damaged copy is replaced when the new one completes.
        if (e.code() != "attachment_corrupt") throw;
      }
      if (complete) {
        // A leftover partial copy is no longer needed.
        auto [pfd, err] = detail::open_locked(part, O_RDONLY);
        if (pfd) detail::remove_file(part);
        return Info{hex, f.size, true, f.size};
      }
    }

    auto [fd, err] = detail::open_locked(part, O_RDWR);
    if (!fd) {
      if (err != ENOENT) detail::io_error("vault_io", "cannot open", part, err);
      TempFile tmp(dir_, 0600);
      SecretKey file_key;
      crypto::random_bytes(std::span<std::uint8_t>(file_key.data(), file_key.size()));
      const HeaderBytes header = detail::seal_header(d, size, *key_, file_key);
      detail::write_full(tmp.fd(), header.data(), header.size(), -1, "vault_io", tmp.path());
      (void)tmp.commit(part, /*no_replace=*/true);  // false: someone else made it; use theirs
      continue;
    }

    Opened f;
    const std::string why = read_header(fd.get(), part, d, *key_, f);
    if (!why.empty() || f.size != size) {
      // Unusable (other master key, damage) or announced with another size:
      // only part of a copy that the sender still has, so start over.
      detail::remove_file(part);
      continue;
    }
    const std::int64_t chunks = recover(fd.get(), part, f);
    if (chunks == chunk_count(size)) return finalize(fd.get(), dir_, hex, f);
    return Info{hex, size, false, chunks * kChunkSize};
  }
  throw Error(ErrorCategory::internal, "vault_io",
              "cannot start receiving attachment " + hex + " in " + dir_.string() +
                  ": its partial file keeps changing under us");
}

Info Vault::append_chunk(std::string_view sha256, std::int64_t offset, std::string_view plaintext) {
  const Digest d = parse_digest(sha256);
  const std::string hex(sha256);
  const fs::path part = part_path(dir_, hex);
  auto [fd, err] = detail::open_locked(part, O_RDWR);
  if (!fd) {
    if (err != ENOENT) detail::io_error("vault_io", "cannot open", part, err);
    struct stat st;
    if (::lstat(att_path(dir_, hex).c_str(), &st) == 0) {
      chunk_invalid(hex, "it is already complete; no more chunks are needed");
    }
    throw Error(ErrorCategory::not_found, "attachment_missing",
                "no transfer of attachment " + hex + " is under way in " + dir_.string() +
                    " (begin_receive first)");
  }
  Opened f;
  const std::string why = read_header(fd.get(), part, d, *key_, f);
  if (!why.empty()) corrupt(hex, part, why + "; begin the transfer again to discard it");

  const std::int64_t chunks = whole_chunks(f.size, f.length);
  const std::int64_t have = have_of(f.size, chunks);
  if (offset != have) {
    chunk_invalid(hex, "the next chunk starts at byte " + std::to_string(have) + ", not at byte " +
                           std::to_string(offset));
  }
  const std::int64_t expected = std::min(kChunkSize, f.size - have);
  if (static_cast<std::int64_t>(plaintext.size()) != expected) {
    chunk_invalid(hex, "the chunk at byte " + std::to_string(offset) + " must be " +
                           std::to_string(expected) + " bytes, not " +
                           std::to_string(plaintext.size()));
  }
  const std::int64_t at = record_offset(f.size, chunks);
  if (f.length != at) detail::truncate_file(fd.get(), at, part);  // an interrupted append

  if (have < f.size) {
    std::vector<std::uint8_t> record(plaintext.size() + kChunkOverhead);
    detail::seal_chunk(f.key, d, f.size, chunks, as_bytes(plaintext), record.data());
    detail::write_full(fd.get(), record.data(), record.size(), at, "vault_io", part);
    detail::sync_file(fd.get(), part);
    if (have + expected < f.size) return Info{hex, f.size, false, have + expected};
  }
  return finalize(fd.get(), dir_, hex, f);
}

std::string Vault::read_chunk(std::string_view sha256, std::int64_t offset) const {
  const Digest d = parse_digest(sha256);
  Fd fd;
  Opened f;
  if (!open_complete(dir_, *key_, sha256, d, fd, f)) missing(dir_, sha256);
  if (offset < 0 || offset >= f.size || offset % kChunkSize != 0) {
    chunk_invalid(sha256, "byte " + std::to_string(offset) +
                              " is not the start of a chunk (the attachment has " +
                              std::to_string(f.size) + " bytes, in chunks of " +
                              std::to_string(kChunkSize) + ")");
  }
  const std::int64_t index = offset / kChunkSize;
  std::string out(static_cast<std::size_t>(chunk_length(f.size, index)), '\0');
  std::vector<std::uint8_t> record;
  const fs::path path = att_path(dir_, sha256);
  if (!read_chunk_into(fd.get(), path, f, index, record,
                       reinterpret_cast<std::uint8_t*>(out.data()))) {
    corrupt(sha256, path,
            "the chunk at byte " + std::to_string(offset) +
                " does not decrypt (altered, reordered or taken from another file)");
  }
  return out;
}

void Vault::export_to(std::string_view sha256, const fs::path& dest) const {
  const Digest d = parse_digest(sha256);
  Fd fd;
  Opened f;
  if (!open_complete(dir_, *key_, sha256, d, fd, f)) missing(dir_, sha256);
  const fs::path path = att_path(dir_, sha256);
  fs::path folder = dest.parent_path();
  if (folder.empty()) folder = ".";

  TempFile tmp(folder, 0600);
  crypto::Sha256 h;
  std::vector<std::uint8_t> record;
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(kChunkSize));
  for (std::int64_t i = 0; i < chunk_count(f.size); ++i) {
    if (!read_chunk_into(fd.get(), path, f, i, record, plain.data())) {
      corrupt(sha256, path,
              "the chunk at byte " + std::to_string(i * kChunkSize) +
                  " does not decrypt (altered, reordered or taken from another file)");
    }
    const auto len = static_cast<std::size_t>(chunk_length(f.size, i));
    h.update(std::span<const std::uint8_t>(plain.data(), len));
    detail::write_full(tmp.fd(), plain.data(), len, -1, "vault_io", tmp.path());
  }
  const Digest got = h.finish();
  if (got != d) corrupt(sha256, path, "its decrypted content has SHA-256 " + to_hex(got));
  tmp.commit(dest);
}

std::vector<Info> Vault::list() const {
  std::set<std::string> digests;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    for (std::string_view suffix : {kAttSuffix, kPartSuffix}) {
      if (name.size() == 64 + suffix.size() && name.ends_with(suffix) &&
          is_digest_hex(std::string_view(name).substr(0, 64))) {
        digests.insert(name.substr(0, 64));
      }
    }
  }
  if (ec) detail::io_error("vault_io", "cannot list the attachment folder", dir_, ec.value());
  std::vector<Info> out;
  for (const std::string& hex : digests) {
    if (auto i = info(hex)) out.push_back(std::move(*i));
  }
  return out;
}

}  // namespace hotline::vault
