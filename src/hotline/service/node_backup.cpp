#include "hotline/service/node_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/crypto/secretbox.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/link/resync.h"
#include "hotline/service/ledger_verify.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/tree_heads.h"
#include "hotline/store/backup.h"
#include "hotline/store/copy.h"
#include "hotline/store/open.h"

namespace hotline::service {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kMagic = "HLBACKUP";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kMaxHeader = 64 * 1024;
constexpr std::size_t kMaxMessage = crypto::kBackupChunk + crypto::kBackupChunkOverhead;
constexpr const char* kDbName = "hotline.db";

void put_u16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xff));
}
void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& s, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_be(std::string_view s) {
  std::uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

[[noreturn]] void io_error(const std::string& what, const fs::path& path) {
  throw Error(ErrorCategory::internal, "backup_io",
              "cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

[[noreturn]] void invalid(const fs::path& file, const std::string& why) {
  throw Error(ErrorCategory::invalid_input, "backup_invalid",
              file.string() + " is not a sound backup: " + why + ". Nothing was restored.");
}

// A path in the archive: relative, of plain components.
bool safe_path(std::string_view p) {
  if (p.empty() || p.size() > 1024) return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    const auto end = std::min(p.find('/', start), p.size());
    const auto part = p.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

nlohmann::json header_json(const BackupHeader& h) {
  return {{"format", "hotline-backup"}, {"version", h.version},       {"party", h.party},
          {"public_key", h.public_key}, {"created_at", h.created_at}, {"store", h.store},
          {"log_size", h.log_size},     {"log_root", h.log_root},     {"key_id", h.key_id}};
}

// ---- writing ------------------------------------------------------------------

class ArchiveWriter {
 public:
  ArchiveWriter(const fs::path& tmp, const crypto::BackupKey& key, const BackupHeader& header)
      : path_(tmp), enc_(key) {
    fd_ = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) io_error("create", tmp);
    const std::string text = header_json(header).dump();
    ad_ = std::string(kMagic);
    put_u32(ad_, kVersion);
    put_u32(ad_, static_cast<std::uint32_t>(text.size()));
    ad_ += text;
    write_raw(ad_);
    write_raw(std::string_view(reinterpret_cast<const char*>(enc_.header().data()),
                               enc_.header().size()));
  }
  ~ArchiveWriter() {
    if (fd_ >= 0) ::close(fd_);
  }
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  void add_dir(const std::string& rel, std::uint32_t mode) {
    std::string rec = "D";
    put_u16(rec, static_cast<std::uint16_t>(rel.size()));
    rec += rel;
    put_u32(rec, mode);
    append(rec);
  }

  void add_file(const std::string& rel, const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) io_error("read", file);
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) io_error("read", file);
    std::string rec = "F";
    put_u16(rec, static_cast<std::uint16_t>(rel.size()));
    rec += rel;
    put_u32(rec, st.st_mode & 07777);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    put_u64(rec, size);
    append(rec);
    std::string chunk(crypto::kBackupChunk, '\0');
    std::uint64_t left = size;
    while (left > 0) {
      const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(left, chunk.size()));
      in.read(chunk.data(), n);
      if (in.gcount() != n) io_error("read all of (it changed while read)", file);
      append(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
      left -= static_cast<std::uint64_t>(n);
    }
    ++files_;
  }

  // The end record, the FINAL message, fsync.
  void finish() {
    append("E");
    flush(true);
    if (::fsync(fd_) != 0) io_error("write", path_);
    ::close(fd_);
    fd_ = -1;
  }
  std::int64_t files() const { return files_; }

 private:
  void append(std::string_view data) {
    while (!data.empty()) {
      const auto n = std::min(data.size(), crypto::kBackupChunk - buf_.size());
      buf_.append(data.substr(0, n));
      data.remove_prefix(n);
      if (buf_.size() == crypto::kBackupChunk) flush(false);
    }
  }
  void flush(bool final) {
    const std::string cipher = enc_.push(buf_, first_ ? ad_ : std::string_view(), final);
    first_ = false;
    buf_.clear();
    std::string len;
    put_u32(len, static_cast<std::uint32_t>(cipher.size()));
    write_raw(len);
    write_raw(cipher);
  }
  void write_raw(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) io_error("write", path_);
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  fs::path path_;
  crypto::BackupEncryptor enc_;
  int fd_ = -1;
  std::string ad_;
  std::string buf_;
  bool first_ = true;
  std::int64_t files_ = 0;
};

// Files of the node directory that go in the backup (see the header).
bool left_out(const fs::path& rel) {
  const std::string first = rel.begin()->string();
  const std::string name = rel.filename().string();
  if (first == "run" || first == "store.conf") return true;
  if (first.rfind(kDbName, 0) == 0) return true;  // hotline.db, -wal, -shm, -journal
  if (name.rfind(".tmp-", 0) == 0 || name.rfind(".backup-", 0) == 0) return true;
  return rel.extension() == ".part";
}

void add_node_files(ArchiveWriter& w, const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> dirs, files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path rel = it->path().lexically_relative(dir);
    if (left_out(rel)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!safe_path(rel.generic_string())) continue;  // nothing Hotline writes
    if (it->is_symlink()) continue;
    if (it->is_directory()) {
      dirs.emplace_back(rel.generic_string(), it->path());
    } else if (it->is_regular_file()) {
      files.emplace_back(rel.generic_string(), it->path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  std::sort(files.begin(), files.end());
  for (const auto& [rel, path] : dirs) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) io_error("read", path);
    w.add_dir(rel, st.st_mode & 07777);
  }
  for (const auto& [rel, path] : files) w.add_file(rel, path);
}

// The records as one SQLite file at `out`, from one snapshot.
std::string snapshot_records(const NodePaths& paths, const fs::path& out) {
  const StoreConfig config = read_store_config(paths);
  if (config.kind == StoreConfig::Kind::sqlite) {
    store::backup_sqlite(paths.db, out);
    return "sqlite";
  }
  auto source = open_node_store(paths, config);
  auto copy = store::open_sqlite(
      out, {.create = true, .secret_key = crypto::load_or_create_secret_key(paths.secrets_key)});
  store::copy_store(*source, *copy);  // one REPEATABLE READ snapshot of the source
  return "postgresql";
}

void fill_header_from(const fs::path& db, const fs::path& secrets_key, BackupHeader& h) {
  auto st = store::open_sqlite(
      db, {.create = false, .secret_key = crypto::load_or_create_secret_key(secrets_key)});
  st->snapshot([&](store::Transaction& tx) {
    h.party = tx.get_setting("party").value_or("");
    TxTreeStorage storage(tx);
    ledger::MerkleTree tree(storage);
    h.log_size = static_cast<std::int64_t>(tree.size());
    h.log_root = to_hex(tree.root());
  });
}

// Removes a file or directory tree when the work it guards did not finish.
struct RemoveUnlessKept {
  fs::path path;
  bool keep = false;
  ~RemoveUnlessKept() {
    std::error_code ec;
    if (!keep && !path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

BackupResult backup_node(const fs::path& dir, const fs::path& out, const crypto::BackupKey& key) {
  NodePaths paths(dir);
  const auto self = read_public_key(dir);
  std::error_code ec;
  const auto node_abs = fs::weakly_canonical(dir, ec);
  const auto out_abs = fs::weakly_canonical(out, ec);
  const auto rel = out_abs.lexically_relative(node_abs);
  if (!rel.empty() && *rel.begin() != "..") {
    throw Error(ErrorCategory::invalid_input, "backup_inside_node",
                out.string() + " lies inside the node's directory " + dir.string() +
                    ": write the backup elsewhere (it would be backed up into itself).");
  }
  if (fs::exists(out, ec) || fs::is_symlink(out, ec)) {
    throw Error(ErrorCategory::conflict, "backup_exists",
                out.string() + " exists: a backup is never overwritten. Choose a new name.");
  }
  BackupHeader h;
  h.public_key = self.encoded();
  h.key_id = crypto::backup_key_id(key);
  const fs::path snapshot = paths.dir / (".backup-" + std::to_string(::getpid()) + ".db");
  // The snapshot and the log files SQLite may leave beside it while it is open.
  RemoveUnlessKept db{snapshot}, db_wal{snapshot.string() + "-wal"},
      db_shm{snapshot.string() + "-shm"};
  fs::remove(db.path, ec);
  h.created_at = format_timestamp(now_ms());
  h.store = snapshot_records(paths, db.path);
  fill_header_from(db.path, paths.secrets_key, h);
  RemoveUnlessKept tmp{fs::path(out.string() + ".tmp-" + std::to_string(::getpid()))};
  fs::remove(tmp.path, ec);
  BackupResult result;
  {
    ArchiveWriter w(tmp.path, key, h);
    w.add_file(kDbName, db.path);
    add_node_files(w, dir);
    w.finish();
    result.files = w.files();
  }
  fs::rename(tmp.path, out, ec);
  if (ec) {
    throw Error(ErrorCategory::internal, "backup_io",
                "cannot rename the finished backup to " + out.string() + ": " + ec.message());
  }
  tmp.keep = true;
  result.header = h;
  result.bytes = static_cast<std::int64_t>(fs::file_size(out, ec));
  return result;
}

// ---- reading ------------------------------------------------------------------

namespace {

class ArchiveReader {
 public:
  explicit ArchiveReader(const fs::path& file) : file_(file), in_(file, std::ios::binary) {
    if (!in_) io_error("open", file);
  }

  BackupHeader read_header() {
    const std::string fixed = read_raw(16, "its header");
    if (fixed.substr(0, 8) != kMagic) {
      throw Error(ErrorCategory::invalid_input, "backup_not_a_backup",
                  file_.string() + " is not a Hotline backup (it does not start with " +
                      std::string(kMagic) + ")");
    }
    const auto version = get_be(fixed.substr(8, 4));
    if (version != kVersion) {
      throw Error(ErrorCategory::invalid_input, "backup_version",
                  file_.string() + " is a backup of format version " + std::to_string(version) +
                      "; this hotline reads version " + std::to_string(kVersion));
    }
    const auto n = get_be(fixed.substr(12, 4));
    if (n > kMaxHeader) damaged("its header's length is " + std::to_string(n));
    const std::string text = read_raw(n, "its header");
    ad_ = fixed + text;
    BackupHeader h;
    try {
      const auto j = nlohmann::json::parse(text);
      h.version = static_cast<int>(version);
      h.party = j.at("party").get<std::string>();
      h.public_key = j.at("public_key").get<std::string>();
      h.created_at = j.at("created_at").get<std::string>();
      h.store = j.at("store").get<std::string>();
      h.log_size = j.at("log_size").get<std::int64_t>();
      h.log_root = j.at("log_root").get<std::string>();
      h.key_id = j.at("key_id").get<std::string>();
    } catch (const std::exception&) {
      damaged("its header is not the JSON object it should be");
    }
    return h;
  }

  void start(const crypto::BackupKey& key) {
    const std::string sh = read_raw(crypto::kBackupStreamHeader, "its stream header");
    std::array<std::uint8_t, crypto::kBackupStreamHeader> header{};
    std::memcpy(header.data(), sh.data(), header.size());
    dec_.emplace(key, header);
  }

  // Exactly n bytes of the archive.
  std::string read(std::size_t n) {
    std::string out;
    while (out.size() < n) {
      if (pos_ == plain_.size()) next_message();
      const auto take = std::min(n - out.size(), plain_.size() - pos_);
      out.append(plain_, pos_, take);
      pos_ += take;
    }
    return out;
  }
  std::uint64_t read_be(std::size_t n) { return get_be(read(n)); }

  // After the end record: it closed the stream, and nothing follows.
  void require_end() {
    if (pos_ != plain_.size() || !final_) invalid(file_, "data after its end record");
    if (in_.peek() != std::char_traits<char>::eof()) damaged("bytes follow its final message");
  }

 private:
  void next_message() {
    if (final_) invalid(file_, "its archive runs past the final message");
    const std::string len = read_raw(4, "a message");
    const auto n = get_be(len);
    if (n < crypto::kBackupChunkOverhead || n > kMaxMessage) {
      damaged("a message of " + std::to_string(n) + " bytes");
    }
    const std::string cipher = read_raw(n, "a message");
    auto m = dec_->pull(cipher, first_ ? std::string_view(ad_) : std::string_view());
    first_ = false;
    plain_ = std::move(m.plain);
    pos_ = 0;
    final_ = m.final;
  }
  std::string read_raw(std::uint64_t n, const char* what) {
    std::string s(n, '\0');
    in_.read(s.data(), static_cast<std::streamsize>(n));
    if (static_cast<std::uint64_t>(in_.gcount()) != n) {
      throw Error(ErrorCategory::invalid_input, "backup_truncated",
                  file_.string() + " ends in the middle of " + what +
                      ": the file is cut short (an interrupted copy?). Nothing was restored.");
    }
    return s;
  }
  [[noreturn]] void damaged(const std::string& why) {
    throw Error(ErrorCategory::invalid_input, "backup_damaged",
                file_.string() + " is damaged: " + why + ". Nothing was restored.");
  }

  fs::path file_;
  std::ifstream in_;
  std::string ad_;
  std::optional<crypto::BackupDecryptor> dec_;
  std::string plain_;
  std::size_t pos_ = 0;
  bool first_ = true;
  bool final_ = false;
};

void write_file(ArchiveReader& r, const fs::path& file, const fs::path& to, std::uint32_t mode,
                std::uint64_t size) {
  const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) invalid(file, "a file appears twice in it");
    io_error("create", to);
  }
  std::uint64_t left = size;
  bool ok = true;
  while (left > 0 && ok) {
    const auto chunk = r.read(static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 16)));
    ok = ::write(fd, chunk.data(), chunk.size()) == static_cast<ssize_t>(chunk.size());
    left -= chunk.size();
  }
  ok = ok && ::fchmod(fd, mode & 0700) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) io_error("write", to);
}

// Unpacks the archive into `into` (an empty directory); returns the files.
std::int64_t unpack(ArchiveReader& r, const fs::path& file, const fs::path& into) {
  std::int64_t files = 0;
  bool have_db = false;
  for (;;) {
    const std::string type = r.read(1);
    if (type == "E") break;
    if (type != "D" && type != "F") invalid(file, "an unknown record");
    const std::string rel = r.read(static_cast<std::size_t>(r.read_be(2)));
    if (!safe_path(rel)) invalid(file, "a path that is not a plain relative one");
    const auto mode = static_cast<std::uint32_t>(r.read_be(4));
    const fs::path to = into / fs::path(rel);
    std::error_code ec;
    if (type == "D") {
      fs::create_directories(to, ec);
      if (ec) io_error("create", to);
      fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace, ec);
      continue;
    }
    fs::create_directories(to.parent_path(), ec);
    write_file(r, file, to, mode, r.read_be(8));
    if (rel == kDbName) have_db = true;
    ++files;
  }
  r.require_end();
  if (!have_db) invalid(file, "it holds no hotline.db");
  return files;
}

// The unpacked node is the backup's node, and its ledger verifies.
std::int64_t check_restored(const fs::path& tmp, const BackupHeader& h) {
  const auto self = read_public_key(tmp);
  if (self.encoded() != h.public_key) {
    throw Error(ErrorCategory::invalid_input, "backup_invalid",
                "the backup's identity.pub is not the key its header names");
  }
  auto node = open_node(tmp);
  auto report = verify_ledger(*node.store, self);
  if (!report.ok()) {
    throw Error(ErrorCategory::internal, "restore_verify",
                "the restored ledger does not verify (" + std::to_string(report.total_findings()) +
                    " findings, the first: " + report.findings.front().code + ": " +
                    report.findings.front().message + "). Nothing was restored.");
  }
  return node.store->transact([&](store::Transaction& tx) {
    std::int64_t links = 0;
    for (const auto& peer : tx.list_peers()) {
      link::mark_resync(tx, peer.link, h.log_size);
      ++links;
    }
    return links;
  });
}

}  // namespace

BackupHeader read_backup_header(const fs::path& file) {
  return ArchiveReader(file).read_header();
}

RestoreResult restore_node(const fs::path& file, const crypto::BackupKey& key, const fs::path& dir,
                           const RestoreOptions& options) {
  std::error_code ec;
  if (fs::exists(dir, ec) && (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec))) {
    throw Error(ErrorCategory::conflict, "restore_target_not_empty",
                dir.string() +
                    " exists and is not an empty directory: a backup is restored into a new "
                    "directory only. Nothing was changed.");
  }
  ArchiveReader r(file);
  RestoreResult result;
  result.header = r.read_header();
  const auto& h = result.header;
  if (h.key_id != crypto::backup_key_id(key)) {
    throw Error(ErrorCategory::invalid_input, "backup_wrong_key",
                file.string() + " was encrypted with the backup key " + escape_text(h.key_id) +
                    "; the key file given holds the key " + crypto::backup_key_id(key) +
                    ". Nothing was restored.");
  }
  if (options.expect_public_key && *options.expect_public_key != h.public_key) {
    throw Error(ErrorCategory::invalid_input, "backup_other_node",
                file.string() + " is a backup of the node " + escape_text(h.party) + " (key " +
                    escape_text(h.public_key) + "), not of the node with key " +
                    escape_text(*options.expect_public_key) + ". Nothing was restored.");
  }
  r.start(key);
  fs::path abs = fs::absolute(dir).lexically_normal();
  if (!abs.has_filename()) abs = abs.parent_path();  // "new/" names "new"
  RemoveUnlessKept tmp{abs.parent_path() /
                       (".restore-" + abs.filename().string() + "-" + std::to_string(::getpid()))};
  fs::remove_all(tmp.path, ec);
  fs::create_directories(tmp.path, ec);
  if (ec) io_error("create", tmp.path);
  fs::permissions(tmp.path, fs::perms::owner_all, fs::perm_options::replace, ec);
  result.files = unpack(r, file, tmp.path);
  fs::create_directories(tmp.path / "run", ec);
  result.links = check_restored(tmp.path, h);
  if (fs::exists(dir, ec)) fs::remove(dir, ec);  // empty (checked above)
  fs::rename(tmp.path, dir, ec);
  if (ec) io_error("move the restored node to", dir);
  tmp.keep = true;
  result.dir = dir;
  return result;
}

}  // namespace hotline::service
