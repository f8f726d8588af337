// A VFS that writes each commit's WAL frames with one system call.
//
// SQLite writes every WAL frame as two pwrite()s (its 24-byte header, then
// the page), so a commit of 13 pages costs 26 system calls. This VFS wraps
// the platform's own ("unix") and holds the consecutive writes to a WAL file
// in a buffer that goes to the file in one pwrite() before anything could
// need it there:
//   * at the shared-memory barrier SQLite raises just before it publishes a
//     commit in the wal-index (walIndexHdrWrite): no reader, in this process
//     or another, looks at a frame before it is published;
//   * at every shared-memory lock change (so a transaction that rolls back
//     leaves nothing behind when it gives up the write lock);
//   * before any other operation on that WAL file (read, sync, size,
//     truncate, close, file control), a write that does not follow the
//     buffered ones, or when the buffer passes 4 MiB.
// The buffer belongs to the thread that wrote it (SQLite runs a whole
// commit on the caller's thread), so the barrier and lock calls flush the
// calling thread's buffer only. A crash with bytes still buffered is a crash
// before those frames were written, which SQLite's WAL recovery handles (the
// commit was not yet published). On-disk formats are untouched: other
// programs, and the default VFS, open the same files.
#pragma once

namespace hotline::store::sqlite {

// The VFS's name, for sqlite3_open_v2(). Registers it (not as the default)
// on the first call; thread-safe.
const char* wal_write_vfs();

}  // namespace hotline::store::sqlite
