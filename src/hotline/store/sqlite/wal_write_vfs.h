// A VFS that writes each commit's WAL frames with one system call.
//
// SQLite writes every WAL frame as two pwrite()s (its 24-byte header, then
// the page), so a commit of 13 pages costs 26 system calls. This VFS wraps
// the platform's own ("unix") and holds the consecutive writes to a WAL file
// in a buffer (per WAL file object, under its own mutex) that goes to the
// file before anything could need it there:
//   * right after the commit's last write, the page that follows a commit
//     frame's header (its bytes 4-7 hold the database size, SQLite's WAL
//     file format): the commit is published in the wal-index only after
//     that write returns, and a failed flush fails the commit;
//   * before any other operation on that WAL file (read, sync, size,
//     truncate, close, file control), a write that does not follow the
//     buffered ones, or when the buffer passes 4 MiB;
//   * when the WAL write lock is released, so that frames of a transaction
//     that rolled back never land on top of the next writer's;
//   * at every shared-memory barrier, as a backstop (SQLite raises one just
//     before it publishes a commit).
// The last two reach the WAL file from the database file through a
// registry keyed by the database's path. A crash with bytes still buffered
// is a crash before those frames were written, which SQLite's WAL recovery
// handles (the commit was not yet published). On-disk formats are
// untouched: other programs, and the default VFS, open the same files.
#pragma once

namespace hotline::store::sqlite {

// The VFS's name, for sqlite3_open_v2(). Registers it (not as the default)
// on the first call; thread-safe.
const char* wal_write_vfs();

}  // namespace hotline::store::sqlite
