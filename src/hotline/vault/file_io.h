// Internal to hotline/vault: POSIX file helpers. Failures throw
// hotline::Error with the code the caller passes (messages name the file
// and give strerror).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include <unistd.h>

namespace hotline::vault::detail {

namespace fs = std::filesystem;

// An owned file descriptor (-1: none).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // close() with its error checked (it can report a delayed write error).
  void close_checked(const std::string& code, const fs::path& path);

 private:
  int fd_ = -1;
};

// Throws an internal Error (a fault of this node) with `code`, saying what
// failed on which path and why (strerror of err).
[[noreturn]] void io_error(const std::string& code, const std::string& what, const fs::path& path,
                           int err);

// Reads up to n bytes at `offset` (or at the current position when offset
// is -1), stopping early only at end of file. Returns the count.
std::size_t read_full(int fd, void* buf, std::size_t n, std::int64_t offset,
                      const std::string& code, const fs::path& path);
void write_full(int fd, const void* buf, std::size_t n, std::int64_t offset,
                const std::string& code, const fs::path& path);

std::int64_t file_size(int fd, const fs::path& path);
void sync_file(int fd, const fs::path& path);
void truncate_file(int fd, std::int64_t length, const fs::path& path);
void sync_dir(const fs::path& dir);
// unlink() + sync_dir(); a missing file is fine.
void remove_file(const fs::path& path);

// Renames unless `to` exists (atomically). False if `to` exists.
bool rename_no_replace(const fs::path& from, const fs::path& to);
void rename_replace(const fs::path& from, const fs::path& to);

// A new file `dir/.tmp-<random>` opened read-write with `mode` (exactly,
// whatever the umask) and flock()ed, so that remove_stale_temporaries()
// leaves it alone. Removed by the destructor unless commit() was called.
class TempFile {
 public:
  TempFile(const fs::path& dir, unsigned mode);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_.get(); }
  const fs::path& path() const { return path_; }
  // fsync, close, then move to `to`: replacing it, or (no_replace) only if
  // it does not exist; returns false in that case. Syncs the folder.
  bool commit(const fs::path& to, bool no_replace = false);

 private:
  Fd fd_;
  fs::path path_;
  bool done_ = false;
};

// Removes the `.tmp-*` files in `dir` that no process holds a lock on
// (left behind by a crash). Best effort: errors are ignored.
void remove_stale_temporaries(const fs::path& dir);

// Opens `path` (flags | O_CLOEXEC | O_NOFOLLOW) and takes an exclusive
// flock(), retrying if the file was replaced or removed while waiting.
// Returns {fd, 0} or {empty, errno of the failed open}.
std::pair<Fd, int> open_locked(const fs::path& path, int flags);

}  // namespace hotline::vault::detail
