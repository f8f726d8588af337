#include "hotline/store/sqlite/wal_write_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

namespace hotline::store::sqlite {
namespace {

constexpr char kName[] = "hotline-wal-write";
constexpr int kFrameHeaderBytes = 24;               // SQLite's WAL frame header (file format)
constexpr std::size_t kMaxBuffered = 4u << 20;      // flush past this many bytes
constexpr int kWalWriteLock = 0;                    // WAL_WRITE_LOCK in wal.c
constexpr std::size_t kMaxWriteBytes = 124u << 10;  // one call of the unix VFS's xWrite

sqlite3_vfs* g_real = nullptr;  // the platform VFS we wrap
sqlite3_vfs g_vfs{};

// Our part of every file SQLite opens through this VFS; the wrapped VFS's
// own file object follows it in the same allocation (szOsFile).
struct File {
  sqlite3_file base;  // must stay first: SQLite sees a File as sqlite3_file
  sqlite3_file* real = nullptr;
  bool wal = false;
  std::string db_path;  // main db: its path; WAL: the path of its database
  // WAL files only: writes not yet passed on, which start at buf_offset and
  // are consecutive. `commit_page_next`: the last write was the header of a
  // commit frame, so the write after it ends a commit.
  std::mutex mu;
  std::vector<char> buf;
  sqlite3_int64 buf_offset = 0;
  bool commit_page_next = false;
};

// The open WAL files per database path, so that a database file's lock
// release can reach the WAL file of the same database.
std::mutex g_registry_mu;
std::unordered_map<std::string, std::vector<File*>> g_wal_files;
// How many WAL files hold buffered bytes: lets the frequent barrier and lock
// calls skip the registry when there is nothing to write.
std::atomic<int> g_buffered_files{0};

// Writes the buffer out. Caller holds f->mu.
int flush_locked(File* f) {
  f->commit_page_next = false;
  if (f->buf.empty()) return SQLITE_OK;
  // The unix VFS writes at most 128 KiB - 1 bytes per call (os_unix.c masks
  // the length with 0x1ffff), so larger buffers go in pieces below that.
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f->buf.size() && rc == SQLITE_OK;) {
    const std::size_t n = std::min(f->buf.size() - done, kMaxWriteBytes);
    rc = f->real->pMethods->xWrite(f->real, f->buf.data() + done, static_cast<int>(n),
                                   f->buf_offset + static_cast<sqlite3_int64>(done));
    done += n;
  }
  f->buf.clear();
  g_buffered_files.fetch_sub(1, std::memory_order_relaxed);
  return rc;
}

int flush(File* f) {
  if (!f->wal) return SQLITE_OK;
  std::lock_guard lock(f->mu);
  return flush_locked(f);
}

// A write transaction on `db_path` ended (committed or rolled back): nothing
// buffered may outlive it, since another connection may write the WAL next.
void flush_wal_of(const std::string& db_path) {
  if (g_buffered_files.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard registry(g_registry_mu);
  auto it = g_wal_files.find(db_path);
  if (it == g_wal_files.end()) return;
  for (File* w : it->second) flush(w);  // frames no commit published: errors do not matter
}

File* self(sqlite3_file* file) {
  return reinterpret_cast<File*>(file);
}

int x_close(sqlite3_file* file) {
  File* f = self(file);
  int rc = flush(f);
  if (f->wal) {
    std::lock_guard registry(g_registry_mu);
    auto& list = g_wal_files[f->db_path];
    list.erase(std::remove(list.begin(), list.end(), f), list.end());
    if (list.empty()) g_wal_files.erase(f->db_path);
  }
  const int close_rc = f->real->pMethods->xClose(f->real);
  f->~File();
  return rc != SQLITE_OK ? rc : close_rc;
}

int x_read(sqlite3_file* file, void* data, int amt, sqlite3_int64 offset) {
  File* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xRead(f->real, data, amt, offset);
}

int x_write(sqlite3_file* file, const void* data, int amt, sqlite3_int64 offset) {
  File* f = self(file);
  if (!f->wal) return f->real->pMethods->xWrite(f->real, data, amt, offset);
  std::lock_guard lock(f->mu);
  const auto* bytes = static_cast<const char*>(data);
  if (!f->buf.empty() && offset != f->buf_offset + static_cast<sqlite3_int64>(f->buf.size())) {
    const bool ends_commit = f->commit_page_next;
    if (int rc = flush_locked(f); rc != SQLITE_OK) return rc;
    f->commit_page_next = ends_commit;
  }
  if (f->buf.empty()) {
    f->buf_offset = offset;
    g_buffered_files.fetch_add(1, std::memory_order_relaxed);
  }
  f->buf.insert(f->buf.end(), bytes, bytes + amt);
  // A frame header's bytes 4-7 hold the database size after the commit for
  // the last frame of a commit, zero otherwise (SQLite's WAL file format).
  // The page that follows that header is the commit's last write: the
  // commit is published right after it returns, so it must be on file.
  if (f->commit_page_next) return flush_locked(f);
  if (amt == kFrameHeaderBytes) {
    f->commit_page_next = bytes[4] != 0 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0;
  }
  if (f->buf.size() >= kMaxBuffered && !f->commit_page_next) return flush_locked(f);
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
  File* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  File* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

int x_lock(sqlite3_file* file, int level) {
  return self(file)->real->pMethods->xLock(self(file)->real, level);
}

int x_unlock(sqlite3_file* file, int level) {
  return self(file)->real->pMethods->xUnlock(self(file)->real, level);
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
  return self(file)->real->pMethods->xCheckReservedLock(self(file)->real, out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
  File* f = self(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int x_sector_size(sqlite3_file* file) {
  return self(file)->real->pMethods->xSectorSize(self(file)->real);
}

int x_device_characteristics(sqlite3_file* file) {
  return self(file)->real->pMethods->xDeviceCharacteristics(self(file)->real);
}

int x_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  return self(file)->real->pMethods->xShmMap(self(file)->real, page, page_size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = self(file);
  if (offset == kWalWriteLock && (flags & SQLITE_SHM_UNLOCK) != 0) flush_wal_of(f->db_path);
  return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) {
  // SQLite raises this barrier just before it publishes a commit in the
  // wal-index. The commit's last write normally flushed already (x_write);
  // this keeps the rule if a SQLite ever wrote a frame in one piece.
  flush_wal_of(self(file)->db_path);
  self(file)->real->pMethods->xShmBarrier(self(file)->real);
}

int x_shm_unmap(sqlite3_file* file, int delete_flag) {
  return self(file)->real->pMethods->xShmUnmap(self(file)->real, delete_flag);
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amt, void** out) {
  return self(file)->real->pMethods->xFetch(self(file)->real, offset, amt, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  return self(file)->real->pMethods->xUnfetch(self(file)->real, offset, p);
}

const sqlite3_io_methods kMethods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = new (file) File();
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(File));
  const int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || f->real->pMethods == nullptr) {
    // SQLite does not call xClose after a failed open.
    f->~File();
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  if (f->real->pMethods->iVersion < 3) {
    f->real->pMethods->xClose(f->real);
    f->~File();
    file->pMethods = nullptr;
    return SQLITE_CANTOPEN;
  }
  const std::string path = name ? name : "";
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0) f->db_path = path;
  if ((flags & SQLITE_OPEN_WAL) != 0) {
    f->wal = true;
    f->db_path = path.size() > 4 ? path.substr(0, path.size() - 4) : path;  // strip "-wal"
    std::lock_guard registry(g_registry_mu);
    g_wal_files[f->db_path].push_back(f);
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) {
  return g_real->xDlOpen(g_real, name);
}
void x_dl_error(sqlite3_vfs*, int n, char* out) {
  g_real->xDlError(g_real, n, out);
}
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_real->xDlSym(g_real, handle, symbol);
}
void x_dl_close(sqlite3_vfs*, void* handle) {
  g_real->xDlClose(g_real, handle);
}
int x_randomness(sqlite3_vfs*, int n, char* out) {
  return g_real->xRandomness(g_real, n, out);
}
int x_sleep(sqlite3_vfs*, int micros) {
  return g_real->xSleep(g_real, micros);
}
int x_current_time(sqlite3_vfs*, double* out) {
  return g_real->xCurrentTime(g_real, out);
}
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError(g_real, n, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}

void register_vfs() {
  g_real = sqlite3_vfs_find(nullptr);
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
  g_vfs.mxPathname = g_real->mxPathname;
  g_vfs.zName = kName;
  g_vfs.xOpen = x_open;
  g_vfs.xDelete = x_delete;
  g_vfs.xAccess = x_access;
  g_vfs.xFullPathname = x_full_pathname;
  g_vfs.xDlOpen = x_dl_open;
  g_vfs.xDlError = x_dl_error;
  g_vfs.xDlSym = x_dl_sym;
  g_vfs.xDlClose = x_dl_close;
  g_vfs.xRandomness = x_randomness;
  g_vfs.xSleep = x_sleep;
  g_vfs.xCurrentTime = x_current_time;
  g_vfs.xGetLastError = x_get_last_error;
  g_vfs.xCurrentTimeInt64 = x_current_time_int64;
  sqlite3_vfs_register(&g_vfs, 0);
}

}  // namespace

const char* wal_write_vfs() {
  static std::once_flag once;
  std::call_once(once, register_vfs);
  return kName;
}

}  // namespace hotline::store::sqlite
