#include "hotline/crypto/secretbox.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/file_mode.h"
#include "hotline/crypto/key_io.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sodium.h"

namespace hotline::crypto {
namespace {

[[noreturn]] void corrupt() {
  throw Error(ErrorCategory::internal, "secret_corrupt",
              "a sealed secret in the database does not open with this node's secrets.key "
              "(a database from another node, or a changed value)");
}

// Creates the file with a new key; false when it already exists.
bool create_key_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    key_io_error("cannot create", path, errno);
  }
  SecretKey key{};
  WipeOnExit wipe_key(key);
  random_bytes(key);
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) key_io_error("cannot write", path, err);
  return true;
}

}  // namespace

bool is_sealed(std::string_view text) {
  return text.substr(0, kSealedPrefix.size()) == kSealedPrefix;
}

std::string seal(const SecretKey& key, std::string_view plain) {
  ensure_sodium();
  std::vector<std::uint8_t> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                plain.size());
  random_bytes(std::span<std::uint8_t>(out.data(), crypto_secretbox_NONCEBYTES));
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                        out.data(), key.data());
  return std::string(kSealedPrefix) + base64url_encode(out);
}

std::string unseal(const SecretKey& key, std::string_view sealed) {
  ensure_sodium();
  if (!is_sealed(sealed)) corrupt();
  std::vector<std::uint8_t> raw;
  try {
    raw = base64url_decode(sealed.substr(kSealedPrefix.size()));
  } catch (const Error&) {
    corrupt();
  }
  if (raw.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) corrupt();
  std::string plain(raw.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(plain.data()), raw.data() + crypto_secretbox_NONCEBYTES,
          raw.size() - crypto_secretbox_NONCEBYTES, raw.data(), key.data()) != 0) {
    corrupt();
  }
  return plain;
}

SecretKey load_or_create_secret_key(const std::filesystem::path& path) {
  create_key_file(path);  // a no-op when it exists
  require_owner_only(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) key_io_error("cannot open", path, errno);
  SecretKey key{};
  std::array<std::uint8_t, 33> buf{};
  WipeOnExit wipe_buf(buf);
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  const int err = errno;
  ::close(fd);
  if (n < 0) key_io_error("cannot read", path, err);
  if (n != static_cast<ssize_t>(key.size())) {
    throw Error(ErrorCategory::internal, "key_invalid",
                path.string() +
                    " must hold exactly 32 bytes (the key that seals the secrets "
                    "in the database); restore it from the node's backup");
  }
  std::copy(buf.begin(), buf.begin() + key.size(), key.begin());
  return key;
}

}  // namespace hotline::crypto
