#include "hotline/vault/file_io.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/random.h"

namespace hotline::vault::detail {
namespace {

constexpr std::string_view kTempPrefix = ".tmp-";

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// True if `fd` is still the file named `path` (not removed or replaced).
bool still_named(int fd, const fs::path& path) {
  struct stat a;
  struct stat b;
  return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && same_file(a, b);
}

void lock_exclusive(int fd, const fs::path& path) {
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) io_error("vault_io", "cannot lock", path, errno);
  }
}

}  // namespace

void Fd::close_checked(const std::string& code, const fs::path& path) {
  const int fd = std::exchange(fd_, -1);
  if (fd >= 0 && ::close(fd) != 0) io_error(code, "cannot close", path, errno);
}

void io_error(const std::string& code, const std::string& what, const fs::path& path, int err) {
  throw Error(ErrorCategory::internal, code,
              what + " " + path.string() + ": " + std::strerror(err));
}

std::size_t read_full(int fd, void* buf, std::size_t n, std::int64_t offset,
                      const std::string& code, const fs::path& path) {
  auto* p = static_cast<char*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = offset < 0 ? ::read(fd, p + done, n - done)
                                 : ::pread(fd, p + done, n - done,
                                           static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (r < 0) {
      if (errno == EINTR) continue;
      io_error(code, "cannot read", path, errno);
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return done;
}

void write_full(int fd, const void* buf, std::size_t n, std::int64_t offset,
                const std::string& code, const fs::path& path) {
  const auto* p = static_cast<const char*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = offset < 0 ? ::write(fd, p + done, n - done)
                                 : ::pwrite(fd, p + done, n - done,
                                            static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (r < 0) {
      if (errno == EINTR) continue;
      io_error(code, "cannot write", path, errno);
    }
    done += static_cast<std::size_t>(r);
  }
}

std::int64_t file_size(int fd, const fs::path& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) io_error("vault_io", "cannot stat", path, errno);
  return static_cast<std::int64_t>(st.st_size);
}

void sync_file(int fd, const fs::path& path) {
  if (::fsync(fd) != 0) io_error("vault_io", "cannot fsync", path, errno);
}

void truncate_file(int fd, std::int64_t length, const fs::path& path) {
  if (::ftruncate(fd, static_cast<off_t>(length)) != 0) {
    io_error("vault_io", "cannot truncate", path, errno);
  }
  sync_file(fd, path);
}

void sync_dir(const fs::path& folder) {
  const fs::path dir = folder.empty() ? fs::path(".") : folder;
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) io_error("vault_io", "cannot fsync the folder", dir, errno);
}

void remove_file(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return;
    io_error("vault_io", "cannot remove", path, errno);
  }
  sync_dir(path.parent_path());
}

bool rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  int err = errno;
  if (err == EEXIST) return false;
  if (err != EINVAL && err != ENOSYS && err != EOPNOTSUPP) {
    io_error("vault_io", "cannot rename " + from.string() + " to", to, err);
  }
  // No renameat2 on this file system: link() refuses to replace too.
  if (::link(from.c_str(), to.c_str()) != 0) {
    err = errno;
    if (err == EEXIST) return false;
    io_error("vault_io", "cannot rename " + from.string() + " to", to, err);
  }
  ::unlink(from.c_str());
  return true;
}

void rename_replace(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    io_error("vault_io", "cannot rename " + from.string() + " to", to, errno);
  }
}

TempFile::TempFile(const fs::path& dir, unsigned mode) {
  for (int attempt = 0;; ++attempt) {
    std::array<std::uint8_t, 8> r;
    crypto::random_bytes(r);
    path_ = dir / (std::string(kTempPrefix) + to_hex(r));
    Fd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd) {
      if (errno == EEXIST && attempt < 8) continue;
      io_error("vault_io", "cannot create a temporary file", path_, errno);
    }
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) {
      const int err = errno;
      ::unlink(path_.c_str());
      io_error("vault_io", "cannot set the mode of", path_, err);
    }
    lock_exclusive(fd.get(), path_);
    // A concurrent remove_stale_temporaries() may have removed it between
    // open() and flock(); then take another name.
    if (!still_named(fd.get(), path_)) {
      if (attempt < 8) continue;
      throw Error(ErrorCategory::internal, "vault_io",
                  "temporary file " + path_.string() + " keeps disappearing");
    }
    fd_ = std::move(fd);
    return;
  }
}

TempFile::~TempFile() {
  if (!done_) ::unlink(path_.c_str());
}

bool TempFile::commit(const fs::path& to, bool no_replace) {
  sync_file(fd_.get(), path_);
  fd_.close_checked("vault_io", path_);
  bool moved = true;
  if (no_replace) {
    moved = rename_no_replace(path_, to);
  } else {
    rename_replace(path_, to);
  }
  if (!moved) return false;  // the destructor removes the temporary
  done_ = true;
  sync_dir(to.parent_path());
  return true;
}

void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path path = it->path();
    if (!path.filename().string().starts_with(kTempPrefix)) continue;
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd) continue;
    // Locked: a writer is still at work on it.
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
    if (still_named(fd.get(), path)) ::unlink(path.c_str());
  }
}

std::pair<Fd, int> open_locked(const fs::path& path, int flags) {
  for (;;) {
    Fd fd(::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return {Fd(), errno};
    lock_exclusive(fd.get(), path);
    if (still_named(fd.get(), path)) return {std::move(fd), 0};
    // Renamed or removed by the previous holder of the lock: look again.
  }
}

}  // namespace hotline::vault::detail
