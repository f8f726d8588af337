// KeyPair::save and KeyPair::load: the node's private key on disk.
//
// The file must never exist, even for an instant, with a mode that lets
// other users read it, and a crash must leave either no file or the whole
// file. Hence: create the temporary with mode 0600 (O_CREAT|O_EXCL, not a
// chmod afterwards), fsync it, move it into place with a no-replace rename
// (an existing identity is never silently lost), fsync the folder.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/key_io.h"
#include "hotline/crypto/random.h"

namespace hotline::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHeader = "hotline-ed25519-secret-key-v1";
constexpr std::size_t kMaxFileSize = 4096;

// Clears a string that held secret material before it is freed.
struct Wipe {
  std::string& s;
  ~Wipe() { sodium_memzero(s.data(), s.size()); }
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

void write_all(int fd, const std::string& data, const fs::path& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      key_io_error("cannot write private key file", path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void exists_error(const fs::path& path) {
  throw Error(ErrorCategory::conflict, "key_exists",
              "private key file " + path.string() +
                  " already exists; refusing to overwrite a key. Move it "
                  "away first if you really mean to replace this identity");
}

// Moves `from` to `to` unless `to` exists. renameat2(RENAME_NOREPLACE) does
// this atomically; file systems without it get link() + unlink(), which is
// atomic on the no-replace part too.
void move_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  int err = errno;
  if (err == EEXIST) exists_error(to);
  if (err != EINVAL && err != ENOSYS && err != EOPNOTSUPP) {
    key_io_error("cannot move the new private key into place at", to, err);
  }
  if (::link(from.c_str(), to.c_str()) != 0) {
    err = errno;
    if (err == EEXIST) exists_error(to);
    key_io_error("cannot move the new private key into place at", to, err);
  }
  ::unlink(from.c_str());
}

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

void KeyPair::save(const fs::path& private_key_file) const {
  const fs::path& path = private_key_file;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) exists_error(path);

  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::array<std::uint8_t, 8> r;
  random_bytes(r);
  const fs::path tmp = dir / ("." + path.filename().string() + ".tmp-" + to_hex(r));

  std::string content = std::string(kHeader) + "\n";
  Wipe wipe_content{content};
  {
    std::string encoded = base64url_encode(seed());
    Wipe wipe_encoded{encoded};
    content += encoded;
    content += "\n";
  }

  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) {
      throw Error(ErrorCategory::internal, "key_io",
                  "cannot create private key file " + path.string() + ": folder " + dir.string() +
                      " does not exist");
    }
    key_io_error("cannot create a temporary private key file", tmp, err);
  }
  try {
    // The umask may have removed bits; 0600 exactly is what load() expects.
    if (::fchmod(fd.get(), 0600) != 0) key_io_error("cannot set mode 0600 on", tmp, errno);
    write_all(fd.get(), content, tmp);
    if (::fsync(fd.get()) != 0) key_io_error("cannot fsync", tmp, errno);
    if (::close(fd.release()) != 0) key_io_error("cannot close", tmp, errno);
    move_no_replace(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }

  // Make the new directory entry durable.
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
    key_io_error("cannot fsync the folder", dir, errno);
  }
}

KeyPair KeyPair::load(const fs::path& private_key_file) {
  const fs::path& path = private_key_file;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) {
      throw Error(ErrorCategory::internal, "key_missing",
                  "private key file " + path.string() +
                      " does not exist (create one with the key generation "
                      "command, or fix the configured path)");
    }
    key_io_error("cannot open private key file", path, err);
  }
  // fstat on the open file: the mode checked is the mode of what we read.
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) key_io_error("cannot stat private key file", path, errno);
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCategory::internal, "key_invalid",
                "private key file " + path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    throw Error(ErrorCategory::internal, "key_permissions",
                "private key file " + path.string() + " has mode " + mode_text(st.st_mode) +
                    ", which lets other users read or change it; refusing to use it. "
                    "Fix with: chmod 600 " +
                    path.string());
  }
  if (st.st_size > static_cast<off_t>(kMaxFileSize)) {
    throw Error(ErrorCategory::internal, "key_invalid",
                "private key file " + path.string() + " is " + std::to_string(st.st_size) +
                    " bytes; a hotline private key file is under 100 bytes");
  }

  std::string content(kMaxFileSize + 1, '\0');
  Wipe wipe_content{content};
  std::size_t got = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      key_io_error("cannot read private key file", path, errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
    if (got == content.size()) break;
  }
  const std::string_view text(content.data(), got);

  auto invalid = [&](const std::string& why) -> Error {
    return Error(ErrorCategory::internal, "key_invalid",
                 "private key file " + path.string() + " is not a hotline key: " + why +
                     " (expected the line \"" + std::string(kHeader) +
                     "\" then one line of base64url)");
  };
  if (text.size() < kHeader.size() + 1 || text.substr(0, kHeader.size()) != kHeader ||
      text[kHeader.size()] != '\n') {
    throw invalid("the first line is wrong");
  }
  std::string_view line = text.substr(kHeader.size() + 1);
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (line.find('\n') != std::string_view::npos) throw invalid("it has extra lines");

  std::vector<std::uint8_t> seed;
  try {
    seed = base64url_decode(line);
  } catch (const Error&) {
    throw invalid("the second line is not base64url");
  }
  if (seed.size() != 32) {
    sodium_memzero(seed.data(), seed.size());
    throw invalid("the second line holds " + std::to_string(seed.size()) +
                  " bytes instead of a 32-byte seed");
  }
  KeyPair kp = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return kp;
}

void key_io_error(const std::string& what, const std::filesystem::path& path, int err) {
  throw Error(ErrorCategory::internal, "key_io",
              what + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace hotline::crypto
