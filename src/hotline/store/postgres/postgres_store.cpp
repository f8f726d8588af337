// PostgresStore: the Store over one PostgreSQL database, which several
// processes of one node may share.
//
// Concurrency design (the rules callers see are in store.h):
//  - One writer connection per process, behind a gate, as in the SQLite
//    store. Each write transaction begins with pg_advisory_xact_lock on the
//    node's writer key, so writers of every process take turns: event ids,
//    ledger indexes and the hash chains are assigned in commit order, never
//    two at once.
//  - Group commit (store.h transact()): the caller first in line leads a
//    group, runs its fn, then the fns of the callers queued meanwhile, each
//    in a savepoint, and commits once for all (one WAL flush, one lock
//    round). The engine is the SQLite store's; the statements differ.
//    Members defer their writes whose result nobody reads (conn.h,
//    Conn::write) to the member's next round trip; each member ends with
//    one round trip that carries them, releases its savepoint and takes the
//    next member's, so a refused write still fails only its member.
//  - Readers take a pooled connection and BEGIN ISOLATION LEVEL REPEATABLE
//    READ, READ ONLY, fixing the snapshot with their first statement.
//  - A connection that broke (the server restarted) is dropped; the next
//    transaction opens a new one. A transaction in flight gets
//    "store_unavailable" and nothing of it is saved.
//  - Leases and event wake-ups: coordination.h.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/store/open.h"
#include "hotline/store/postgres/conn.h"
#include "hotline/store/postgres/coordination.h"
#include "hotline/store/postgres/migrations.h"
#include "hotline/store/postgres/postgres_transaction.h"

namespace hotline::store {
namespace postgres {
namespace {

// The node's writer key: one per database (a database holds one node). The
// log's size, read once the lock is held, tells whether another process
// wrote envelopes or receipts since this one's last commit (WriteCache).
// The newest event id and audit seq come in the same round trip (WriteCache).
constexpr const char* kBeginWrite =
    "BEGIN; SELECT pg_advisory_xact_lock(7261700002); "
    "SELECT (SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves), "
    "(SELECT coalesce(max(id), 0) FROM events), (SELECT coalesce(max(seq), 0) FROM audit_trail)";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SELECT 1";
constexpr std::size_t kMaxGroup = 32;

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const PostgresOptions& options)
      : options_(options), where_(describe_conninfo(options.conninfo)) {
    writer_ = std::make_unique<Conn>(options_.conninfo);
    migrate(*writer_, options_.create, where_);
    coordination_ = std::make_unique<Coordination>(options_.conninfo);
  }

  std::unique_ptr<Transaction> write() override;
  std::unique_ptr<Transaction> read() override;
  int schema_version() override {
    auto c = take_reader();
    const int version = recorded_schema_version(*c);
    return_reader(std::move(c));
    return version;
  }

  std::unique_ptr<Lease> try_lease(std::string_view name) override {
    return coordination_->try_lease(name);
  }
  void wait_for_events(std::int64_t after_id, std::chrono::milliseconds timeout) override {
    coordination_->wait_for_events(after_id, timeout);
  }

 protected:
  void write_in_group(const WriteFn& fn) override;

 private:
  struct Turn {
    std::condition_variable cv;
    const WriteFn* fn = nullptr;
    bool done = false;
    std::exception_ptr error;
  };

  const crypto::SecretKey* secret_key() const {
    return options_.secret_key ? &*options_.secret_key : nullptr;
  }

  void refuse_nested_write() const {
    if (writer_thread_.load() == std::this_thread::get_id()) {
      throw Error(ErrorCategory::internal, "store_nested_write",
                  "Internal error: a thread asked for a second write transaction while holding "
                  "one (this would deadlock). Report this.");
    }
  }

  // The writer connection, reopened when the last one broke (writer held).
  Conn& writer() {
    if (!writer_ || !writer_->usable()) {
      writer_.reset();
      writer_ = std::make_unique<Conn>(options_.conninfo);
    }
    return *writer_;
  }

  void take_writer() {
    std::unique_lock lock(gate_mu_);
    gate_cv_.wait(lock, [&] { return !writer_open_; });
    writer_open_ = true;
    writer_thread_.store(std::this_thread::get_id());
  }

  void release_writer() noexcept {
    writer_thread_.store(std::thread::id());
    std::lock_guard lock(gate_mu_);
    writer_open_ = false;
    wake_next();
  }

  void wake_next() noexcept {
    if (!queue_.empty()) queue_.front()->cv.notify_one();
    if (!writer_open_) gate_cv_.notify_all();
  }

  void begin_write(Conn& c, WriteCache& cache);
  Conn& start_write(WriteCache& cache);
  std::unique_ptr<Conn> start_read();
  void end_write(Conn& c, bool commit, const WriteCache& cache);
  std::exception_ptr run_first(Conn& c, const WriteFn& fn, WriteCache& cache,
                               bool& aborted) noexcept;
  std::exception_ptr run_member(Conn& c, const WriteFn& fn, WriteCache& cache,
                                const WriteCache& before, bool& savepoint_open,
                                bool& aborted) noexcept;
  void undo_member(Conn& c, WriteCache& cache, const WriteCache& before, bool& savepoint_open,
                   bool& aborted, std::exception_ptr& error) noexcept;
  std::exception_ptr end_member(Conn& c, bool has_next, WriteCache& cache, const WriteCache& before,
                                bool& savepoint_open, bool& aborted) noexcept;
  Turn* next_member(std::size_t group_size);
  std::exception_ptr run_group(const WriteFn& fn, std::vector<Turn*>& members);

  std::unique_ptr<Conn> take_reader() {
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return std::make_unique<Conn>(options_.conninfo);
  }

  void return_reader(std::unique_ptr<Conn> c) noexcept {
    if (!c || !c->usable() || c->failed()) return;
    std::lock_guard lock(pool_mu_);
    if (idle_.size() < options_.idle_readers) idle_.push_back(std::move(c));
  }

  PostgresOptions options_;
  std::string where_;  // for messages: host and database only

  std::unique_ptr<Conn> writer_;  // used only by the thread that holds the writer
  // What the last transaction this process committed knew (postgres_transaction.h,
  // WriteCache), valid while the log's size is still known_size_: every
  // envelope and receipt appends to the log, so no other process changed
  // the log or a chain head meanwhile. Used only by the writer's holder.
  WriteCache known_;
  std::int64_t known_size_ = -1;  // -1: nothing known
  std::int64_t begin_size_ = -1;  // the log's size when the open write began
  WriteCache write_cache_;        // the cache of a write() transaction
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
  bool writer_open_ = false;
  std::deque<Turn*> queue_;
  std::atomic<std::thread::id> writer_thread_{};

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> idle_;

  std::unique_ptr<Coordination> coordination_;
};

void PostgresStore::begin_write(Conn& c, WriteCache& cache) {
  auto r = c.exec_simple("starting a write transaction", kBeginWrite);
  begin_size_ = r.empty() ? -1 : integer(r[0], 0);
  if (begin_size_ >= 0 && begin_size_ == known_size_) {
    cache = known_;
  } else {
    cache = WriteCache{};
  }
  if (r.empty()) return;
  cache.last_event_id = integer(r[0], 1);
  // The audit entry this process last knew is still the newest when the
  // newest seq is still its seq (entries are only ever appended).
  const std::int64_t audit_seq = integer(r[0], 2);
  if (!cache.audit_known || (cache.last_audit ? cache.last_audit->seq : 0) != audit_seq) {
    cache.audit_known = false;
    cache.last_audit.reset();
  }
}

void PostgresStore::end_write(Conn& c, bool commit, const WriteCache& cache) {
  if (!commit || c.failed()) {
    c.rollback_quietly();  // known_ still holds: nothing of this transaction is saved
    return;
  }
  known_size_ = -1;  // until the COMMIT is known to have succeeded
  try {
    c.exec_simple("saving a transaction", "COMMIT");
  } catch (...) {
    c.rollback_quietly();
    throw;
  }
  try {
    known_ = cache;
    known_size_ = cache.frontier.size >= 0 ? cache.frontier.size : begin_size_;
  } catch (...) {
    known_size_ = -1;  // out of memory: the next transaction asks again
  }
}

// The writer connection with a write transaction begun. A connection that
// broke while it was idle (the server restarted) shows it at BEGIN, before
// anything was done on it: it is replaced and BEGIN is tried once more.
Conn& PostgresStore::start_write(WriteCache& cache) {
  for (int attempt = 1;; ++attempt) {
    Conn& c = writer();
    try {
      begin_write(c, cache);
      return c;
    } catch (const Error&) {
      c.rollback_quietly();  // BEGIN may have passed and the lock failed
      if (c.usable() || attempt == 2) throw;
    }
  }
}

// A read connection with its snapshot begun; a pooled one that broke while
// idle is replaced once, as in start_write().
std::unique_ptr<Conn> PostgresStore::start_read() {
  auto conn = take_reader();
  try {
    conn->exec_simple("starting a read", kBeginRead);
    return conn;
  } catch (const Error&) {
    if (conn->usable()) {
      return_reader(std::move(conn));
      throw;
    }
  }
  conn = std::make_unique<Conn>(options_.conninfo);
  try {
    conn->exec_simple("starting a read", kBeginRead);
  } catch (...) {
    return_reader(std::move(conn));
    throw;
  }
  return conn;
}

std::unique_ptr<Transaction> PostgresStore::write() {
  refuse_nested_write();
  take_writer();
  try {
    Conn& c = start_write(write_cache_);
    return std::make_unique<PostgresTransaction>(
        c, PostgresTransaction::Kind::write, secret_key(),
        [this, &c](bool commit) {
          struct Release {
            PostgresStore* s;
            ~Release() { s->release_writer(); }
          } release{this};
          end_write(c, commit, write_cache_);
        },
        &write_cache_);
  } catch (...) {
    if (writer_) writer_->rollback_quietly();
    release_writer();
    throw;
  }
}

std::unique_ptr<Transaction> PostgresStore::read() {
  auto conn = start_read();
  Conn& c = *conn;
  auto holder = std::make_shared<std::unique_ptr<Conn>>(std::move(conn));
  return std::make_unique<PostgresTransaction>(c, PostgresTransaction::Kind::read, secret_key(),
                                               [this, holder](bool commit) {
                                                 Conn& rc = **holder;
                                                 if (commit && !rc.failed()) {
                                                   try {
                                                     rc.exec_simple("ending a read", "COMMIT");
                                                   } catch (...) {
                                                     return_reader(std::move(*holder));
                                                     throw;
                                                   }
                                                 } else {
                                                   rc.rollback_quietly();
                                                 }
                                                 return_reader(std::move(*holder));
                                               });
}

std::exception_ptr PostgresStore::run_first(Conn& c, const WriteFn& fn, WriteCache& cache,
                                            bool& aborted) noexcept {
  try {
    PostgresTransaction tx(c, PostgresTransaction::Kind::member, secret_key(), nullptr, &cache);
    fn(tx);
  } catch (...) {
    aborted = true;  // nothing else is in the transaction: roll it all back
    return std::current_exception();
  }
  if (c.failed()) {  // fn swallowed a statement's error: the transaction is spoiled
    aborted = true;
    return std::make_exception_ptr(spoiled_transaction(c));
  }
  return nullptr;
}

// A member runs in the savepoint that the end of the member before took
// (end_member). When it fails, that savepoint is rolled back and released.
std::exception_ptr PostgresStore::run_member(Conn& c, const WriteFn& fn, WriteCache& cache,
                                             const WriteCache& before, bool& savepoint_open,
                                             bool& aborted) noexcept {
  std::exception_ptr error;
  try {
    PostgresTransaction tx(c, PostgresTransaction::Kind::member, secret_key(), nullptr, &cache);
    fn(tx);
  } catch (...) {
    error = std::current_exception();
  }
  if (error || c.failed()) {
    if (!error) error = std::make_exception_ptr(spoiled_transaction(c));
    undo_member(c, cache, before, savepoint_open, aborted, error);
  }
  return error;
}

void PostgresStore::undo_member(Conn& c, WriteCache& cache, const WriteCache& before,
                                bool& savepoint_open, bool& aborted,
                                std::exception_ptr& error) noexcept {
  try {
    cache = before;  // the member's writes are undone
  } catch (...) {
    cache = WriteCache{};  // out of memory: nothing known
  }
  try {
    savepoint_open = false;
    if (!c.usable()) throw spoiled_transaction(c);
    c.rollback_to("hotline_member");
  } catch (...) {
    aborted = true;  // cannot tell what of this member is left: give the group up
    if (!error) error = std::current_exception();
  }
}

// Ends the member just run, with one round trip that sends its deferred
// writes (conn.h) and releases its savepoint; when another member follows,
// the same round trip takes that one's savepoint. The last member's
// deferred writes of a group of one go with the COMMIT instead. An error
// here is the member's: its savepoint is undone (the first member has none:
// the group is then given up, as when its fn throws).
std::exception_ptr PostgresStore::end_member(Conn& c, bool has_next, WriteCache& cache,
                                             const WriteCache& before, bool& savepoint_open,
                                             bool& aborted) noexcept {
  std::string tail;
  if (savepoint_open && (has_next || c.has_deferred())) tail = "RELEASE hotline_member; ";
  if (has_next) tail += "SAVEPOINT hotline_member";
  if (tail.empty()) return nullptr;  // nothing to send now: the COMMIT does
  std::exception_ptr error;
  try {
    c.exec_simple("starting a write transaction", tail);
    savepoint_open = has_next;
    return nullptr;
  } catch (...) {
    error = std::current_exception();
  }
  if (!savepoint_open) {
    aborted = true;
    return error;
  }
  undo_member(c, cache, before, savepoint_open, aborted, error);
  if (!aborted && has_next) {
    try {
      c.exec_simple("starting a write transaction", "SAVEPOINT hotline_member");
      savepoint_open = true;
    } catch (...) {
      aborted = true;  // the member's own error stays its error; the group is lost
    }
  }
  return error;
}

PostgresStore::Turn* PostgresStore::next_member(std::size_t group_size) {
  if (group_size >= kMaxGroup) return nullptr;
  std::lock_guard lock(gate_mu_);
  if (queue_.empty()) return nullptr;
  Turn* m = queue_.front();
  queue_.pop_front();
  return m;
}

// The members' fns run in turn on the writer's connection (the first with
// no savepoint, each other in one), then one COMMIT. `lost` is the error of
// the whole group (every member that has none of its own gets it).
std::exception_ptr PostgresStore::run_group(const WriteFn& fn, std::vector<Turn*>& members) {
  bool aborted = false;
  std::exception_ptr lost;
  Conn* c = nullptr;
  WriteCache cache;  // shared by the group's members in turn
  try {
    c = &start_write(cache);
  } catch (...) {
    return std::current_exception();
  }
  struct Deferring {
    Conn& c;
    ~Deferring() { c.set_deferring(false); }
  } deferring{*c};
  c->set_deferring(true);
  lost = run_first(*c, fn, cache, aborted);
  bool savepoint_open = false;  // the first member has none
  Turn* current = nullptr;      // the member just run (nullptr: the first)
  WriteCache before;            // the cache before `current` ran
  while (!aborted) {
    Turn* next = next_member(members.size() + 1);
    if (next) members.push_back(next);
    std::exception_ptr e = end_member(*c, next != nullptr, cache, before, savepoint_open, aborted);
    if (e) {
      if (current) {
        current->error = e;
      } else {
        lost = e;
      }
    }
    if (!next || aborted) break;
    try {
      before = cache;  // what the group knew before this member
    } catch (...) {
      cache = WriteCache{};  // out of memory: the member starts with nothing known
      before = WriteCache{};
    }
    current = next;
    next->error = run_member(*c, *next->fn, cache, before, savepoint_open, aborted);
    if (aborted) lost = next->error;
  }
  try {
    end_write(*c, !aborted, cache);
  } catch (...) {
    lost = std::current_exception();
  }
  return lost;
}

void PostgresStore::write_in_group(const WriteFn& fn) {
  refuse_nested_write();
  Turn turn;
  turn.fn = &fn;
  std::unique_lock lock(gate_mu_);
  queue_.push_back(&turn);
  turn.cv.wait(lock, [&] { return turn.done || (queue_.front() == &turn && !writer_open_); });
  if (turn.done) {
    if (turn.error) std::rethrow_exception(turn.error);
    return;
  }
  queue_.pop_front();
  writer_open_ = true;
  lock.unlock();
  writer_thread_.store(std::this_thread::get_id());

  std::vector<Turn*> members;
  std::exception_ptr lost = run_group(fn, members);
  writer_thread_.store(std::thread::id());

  lock.lock();
  for (Turn* m : members) {
    if (!m->error) m->error = lost;
    m->done = true;
    m->cv.notify_one();
  }
  writer_open_ = false;
  wake_next();
  lock.unlock();
  if (lost) std::rethrow_exception(lost);
}

}  // namespace
}  // namespace postgres

std::unique_ptr<Store> open_postgres(const PostgresOptions& options) {
  return std::make_unique<postgres::PostgresStore>(options);
}

}  // namespace hotline::store
