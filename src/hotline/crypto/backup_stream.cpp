#include "hotline/crypto/backup_stream.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/file_mode.h"
#include "hotline/crypto/key_io.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sha256.h"
#include "hotline/crypto/sodium.h"

namespace hotline::crypto {
namespace {

static_assert(kBackupStreamHeader == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kBackupChunkOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);
static_assert(sizeof(BackupKey) == crypto_secretstream_xchacha20poly1305_KEYBYTES);

constexpr std::string_view kKeyPrefix = "hotline-backup-key-v1 ";

[[noreturn]] void invalid_key(const std::filesystem::path& path, const std::string& found) {
  throw Error(ErrorCategory::invalid_input, "backup_key_invalid",
              path.string() + " is not a backup key file (expected one line \"" +
                  std::string(kKeyPrefix) + "\" and 43 base64url characters, as written by " +
                  "hotline backup key; found " + found + ")");
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

BackupKey create_backup_key_file(const std::filesystem::path& path) {
  ensure_sodium();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw Error(ErrorCategory::conflict, "backup_key_exists",
                  path.string() +
                      " exists: a backup key is never overwritten (the backups made with it "
                      "could no longer be read). Choose another file name.");
    }
    key_io_error("cannot create", path, errno);
  }
  BackupKey key{};
  random_bytes(key);
  const std::string line = std::string(kKeyPrefix) + base64url_encode(key) + "\n";
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) key_io_error("cannot write", path, err);
  return key;
}

BackupKey load_backup_key_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) key_io_error("cannot open", path, errno);
  std::array<char, 128> buf{};
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  const int err = errno;
  ::close(fd);
  if (n < 0) key_io_error("cannot read", path, err);
  require_owner_only(path);
  std::string_view text(buf.data(), static_cast<std::size_t>(n));
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.substr(0, kKeyPrefix.size()) != kKeyPrefix) {
    invalid_key(path, std::to_string(n) + " bytes without that prefix");
  }
  std::vector<std::uint8_t> raw;
  try {
    raw = base64url_decode(text.substr(kKeyPrefix.size()));
  } catch (const Error&) {
    invalid_key(path, "a key that is not base64url");
  }
  if (raw.size() != sizeof(BackupKey)) {
    invalid_key(path, "a key of " + std::to_string(raw.size()) + " bytes");
  }
  BackupKey key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  sodium_memzero(raw.data(), raw.size());
  sodium_memzero(buf.data(), buf.size());
  return key;
}

std::string backup_key_id(const BackupKey& key) {
  std::string data = "hotline backup key id";
  data.append(reinterpret_cast<const char*>(key.data()), key.size());
  const auto digest = sha256(data);
  sodium_memzero(data.data(), data.size());
  return to_hex(std::span<const std::uint8_t>(digest.data(), 8));
}

struct BackupEncryptor::State {
  crypto_secretstream_xchacha20poly1305_state st;
};

BackupEncryptor::BackupEncryptor(const BackupKey& key) : state_(std::make_unique<State>()) {
  ensure_sodium();
  crypto_secretstream_xchacha20poly1305_init_push(&state_->st, header_.data(), key.data());
}

BackupEncryptor::~BackupEncryptor() {
  sodium_memzero(state_.get(), sizeof(State));
}

std::string BackupEncryptor::push(std::string_view plain, std::string_view ad, bool final) {
  if (plain.size() > kBackupChunk) {
    throw Error(ErrorCategory::internal, "backup_chunk", "a backup chunk over 64 KiB");
  }
  std::string out(plain.size() + kBackupChunkOverhead, '\0');
  crypto_secretstream_xchacha20poly1305_push(
      &state_->st, reinterpret_cast<unsigned char*>(out.data()), nullptr, bytes(plain),
      plain.size(), ad.empty() ? nullptr : bytes(ad), ad.size(),
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  return out;
}

struct BackupDecryptor::State {
  crypto_secretstream_xchacha20poly1305_state st;
};

BackupDecryptor::BackupDecryptor(const BackupKey& key,
                                 const std::array<std::uint8_t, kBackupStreamHeader>& header)
    : state_(std::make_unique<State>()) {
  ensure_sodium();
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state_->st, header.data(), key.data()) !=
      0) {
    throw Error(ErrorCategory::invalid_input, "backup_damaged",
                "the backup's stream header is invalid");
  }
}

BackupDecryptor::~BackupDecryptor() {
  sodium_memzero(state_.get(), sizeof(State));
}

BackupDecryptor::Message BackupDecryptor::pull(std::string_view cipher, std::string_view ad) {
  Message m;
  if (cipher.size() < kBackupChunkOverhead) {
    throw Error(ErrorCategory::invalid_input, "backup_damaged", "a backup chunk is cut short");
  }
  m.plain.resize(cipher.size() - kBackupChunkOverhead);
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          &state_->st, reinterpret_cast<unsigned char*>(m.plain.data()), nullptr, &tag,
          bytes(cipher), cipher.size(), ad.empty() ? nullptr : bytes(ad), ad.size()) != 0) {
    throw Error(ErrorCategory::invalid_input, "backup_damaged",
                "a chunk of the backup does not authenticate: the file was changed or damaged");
  }
  m.final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  return m;
}

}  // namespace hotline::crypto
