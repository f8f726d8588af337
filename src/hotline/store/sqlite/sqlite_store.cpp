// SqliteStore: the Store over one SQLite file in WAL mode.
//
// Concurrency design (the rules callers see are in store.h):
//  - One writer connection, guarded by writer_mutex_. write() locks the mutex
//    for the life of the transaction, then BEGIN IMMEDIATE takes SQLite's
//    write lock (waiting up to busy_timeout for another process). Serializing
//    in-process writers on a mutex instead of SQLite's busy handler gives
//    fair, unbounded-but-ordered waiting and no SQLITE_BUSY between threads.
//  - Read connections come from a small pool; each read() runs BEGIN and
//    then touches the schema so the WAL snapshot is fixed at read() time.
//    WAL lets these readers run while the writer writes.
//  - Each connection is used by one thread at a time (the owner of the
//    transaction), so connections are opened with SQLITE_OPEN_NOMUTEX.
#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/store/open.h"
#include "hotline/store/sqlite/audit_tables.h"
#include "hotline/store/sqlite/connection.h"
#include "hotline/store/sqlite/item_tables.h"
#include "hotline/store/sqlite/ledger_tables.h"
#include "hotline/store/sqlite/link_tables.h"
#include "hotline/store/sqlite/migrations.h"
#include "hotline/store/sqlite/user_tables.h"

namespace hotline::store {
namespace sqlite {
namespace {

// Idle read connections kept for reuse; more can be open at once, the extra
// ones are closed when their transaction ends.
constexpr std::size_t kMaxIdleReaders = 4;

std::int64_t clamp_limit(std::size_t limit) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(limit > max ? max : limit);
}

void configure(Connection& conn, const SqliteOptions& options, bool writer) {
  const std::string busy = "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout.count());
  conn.exec(busy.c_str(), "setting the busy timeout");
  conn.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
  if (writer) {
    // journal_mode is stored in the file; the writer sets it once for all.
    Query q(conn, "PRAGMA journal_mode = WAL", "switching to WAL mode");
    if (!q.step() || q.text(0) != "wal") {
      throw Error("store_io", "Could not switch the database " + conn.file().string() +
                                  " to WAL mode (it stayed in '" + q.text(0) +
                                  "' mode). Put the data directory on a local file system.");
    }
  } else {
    conn.exec("PRAGMA query_only = ON", "making a read connection read-only");
  }
  conn.exec(options.sync == SqliteOptions::Sync::full ? "PRAGMA synchronous = FULL"
                                                      : "PRAGMA synchronous = NORMAL",
            "setting the sync mode");
}

constexpr const char* kEnvelopeColumns =
    "id, link, direction, seq, digest, type, sent_at, canonical, received_at";

EnvelopeRecord read_envelope(const Query& q) {
  EnvelopeRecord e;
  e.id = q.text(0);
  e.link = q.text(1);
  e.direction = parse_direction(q.text(2));
  e.seq = q.integer(3);
  e.digest = q.text(4);
  e.type = q.text(5);
  e.sent_at = q.text(6);
  e.canonical = q.text(7);
  e.received_at = q.optional_text(8);
  return e;
}

OutboxItem read_outbox(const Query& q) {
  OutboxItem o;
  o.link = q.text(0);
  o.seq = q.integer(1);
  o.envelope_id = q.text(2);
  o.attempts = q.integer(3);
  o.next_attempt_at = q.optional_text(4);
  return o;
}

// SQL with the envelope column list spliced in, built once.
const std::string& envelope_sql(int which) {
  static const std::string sqls[] = {
      std::string("SELECT ") + kEnvelopeColumns + " FROM envelopes WHERE id = ?1",
      std::string("SELECT ") + kEnvelopeColumns +
          " FROM envelopes WHERE link = ?1 AND direction = ?2 AND seq = ?3",
      std::string("SELECT ") + kEnvelopeColumns +
          " FROM envelopes WHERE link = ?1 AND direction = ?2 AND seq > ?3 "
          "ORDER BY seq LIMIT ?4",
  };
  return sqls[which];
}

class SqliteStore;

class SqliteTransaction final : public Transaction {
 public:
  // A write transaction on the store's writer connection.
  SqliteTransaction(SqliteStore& store, Connection& writer)
      : store_(store), conn_(writer), writable_(true) {}
  // A read transaction owning a pooled read connection until it ends.
  SqliteTransaction(SqliteStore& store, std::unique_ptr<Connection> reader)
      : store_(store), conn_(*reader), reader_(std::move(reader)), writable_(false) {}
  ~SqliteTransaction() override;

  std::optional<std::string> get_setting(std::string_view key) override {
    check_open();
    Query q(conn_, "SELECT value FROM settings WHERE key = ?1", "reading a setting");
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    return q.text(0);
  }

  void put_setting(std::string_view key, std::string_view value) override {
    check_writable();
    Query q(conn_,
            "INSERT INTO settings (key, value) VALUES (?1, ?2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            "saving a setting");
    q.bind(1, key).bind(2, value);
    q.run();
  }

  std::int64_t insert_envelope(const EnvelopeRecord& e) override {
    check_writable();
    Query q(conn_,
            "INSERT INTO envelopes (id, link, direction, seq, digest, type, sent_at, canonical, "
            "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            "storing an envelope");
    q.bind(1, e.id).bind(2, e.link).bind(3, to_string(e.direction)).bind(4, e.seq);
    q.bind(5, e.digest).bind(6, e.type).bind(7, e.sent_at).bind(8, e.canonical);
    q.bind_optional(9, e.received_at);
    q.run();
    return sqlite::append_to_log(conn_, "envelope", e.link, e.direction, e.seq, e.canonical);
  }

  std::optional<EnvelopeRecord> find_envelope(std::string_view id) override {
    check_open();
    Query q(conn_, envelope_sql(0).c_str(), "reading an envelope");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_envelope(q);
  }

  std::optional<EnvelopeRecord> find_envelope_by_seq(std::string_view link, Direction direction,
                                                     std::int64_t seq) override {
    check_open();
    Query q(conn_, envelope_sql(1).c_str(), "reading an envelope");
    q.bind(1, link).bind(2, to_string(direction)).bind(3, seq);
    if (!q.step()) return std::nullopt;
    return read_envelope(q);
  }

  std::int64_t last_seq(std::string_view link, Direction direction) override {
    check_open();
    Query q(conn_, "SELECT coalesce(max(seq), 0) FROM envelopes WHERE link = ?1 AND direction = ?2",
            "reading the last sequence number");
    q.bind(1, link).bind(2, to_string(direction));
    q.step();
    return q.integer(0);
  }

  std::vector<EnvelopeRecord> list_envelopes(std::string_view link, Direction direction,
                                             std::int64_t after_seq, std::size_t limit) override {
    check_open();
    Query q(conn_, envelope_sql(2).c_str(), "listing envelopes");
    q.bind(1, link).bind(2, to_string(direction)).bind(3, after_seq).bind(4, clamp_limit(limit));
    std::vector<EnvelopeRecord> out;
    while (q.step()) out.push_back(read_envelope(q));
    return out;
  }

  std::int64_t count_envelopes() override {
    check_open();
    Query q(conn_, "SELECT count(*) FROM envelopes", "counting envelopes");
    q.step();
    return q.integer(0);
  }

  void enqueue_outbox(const OutboxItem& item) override {
    check_writable();
    Query q(conn_,
            "INSERT INTO outbox (link, seq, envelope_id, attempts, next_attempt_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)",
            "queueing an envelope for delivery");
    q.bind(1, item.link).bind(2, item.seq).bind(3, item.envelope_id).bind(4, item.attempts);
    q.bind_optional(5, item.next_attempt_at);
    q.run();
  }

  std::vector<OutboxItem> pending_outbox(std::string_view link, std::size_t limit) override {
    check_open();
    Query q(conn_,
            "SELECT link, seq, envelope_id, attempts, next_attempt_at FROM outbox "
            "WHERE link = ?1 ORDER BY seq LIMIT ?2",
            "reading the outbox");
    q.bind(1, link).bind(2, clamp_limit(limit));
    std::vector<OutboxItem> out;
    while (q.step()) out.push_back(read_outbox(q));
    return out;
  }

  bool remove_outbox(std::string_view link, std::int64_t seq) override {
    check_writable();
    Query q(conn_, "DELETE FROM outbox WHERE link = ?1 AND seq = ?2",
            "removing an envelope from the outbox");
    q.bind(1, link).bind(2, seq);
    q.run();
    return sqlite3_changes(conn_.handle()) > 0;
  }

  bool note_outbox_attempt(std::string_view link, std::int64_t seq,
                           std::string_view next_attempt_at) override {
    check_writable();
    Query q(conn_,
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?3 "
            "WHERE link = ?1 AND seq = ?2",
            "recording a delivery attempt");
    q.bind(1, link).bind(2, seq).bind(3, next_attempt_at);
    q.run();
    return sqlite3_changes(conn_.handle()) > 0;
  }

  std::int64_t outbox_length(std::string_view link) override {
    check_open();
    Query q(conn_, "SELECT count(*) FROM outbox WHERE link = ?1", "counting the outbox");
    q.bind(1, link);
    q.step();
    return q.integer(0);
  }

  std::int64_t insert_receipt(const ReceiptRecord& r) override {
    check_writable();
    Query q(conn_,
            "INSERT INTO receipts (link, direction, seq, envelope_digest, received_at, "
            "ledger_index, canonical) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            "storing a receipt");
    q.bind(1, r.link).bind(2, to_string(r.direction)).bind(3, r.seq).bind(4, r.envelope_digest);
    q.bind(5, r.received_at).bind(6, r.ledger_index).bind(7, r.canonical);
    q.run();
    return sqlite::append_to_log(conn_, "receipt", r.link, r.direction, r.seq, r.canonical);
  }

  std::optional<ReceiptRecord> find_receipt(std::string_view link, Direction direction,
                                            std::int64_t seq) override {
    check_open();
    Query q(conn_,
            "SELECT link, direction, seq, envelope_digest, received_at, ledger_index, canonical "
            "FROM receipts WHERE link = ?1 AND direction = ?2 AND seq = ?3",
            "reading a receipt");
    q.bind(1, link).bind(2, to_string(direction)).bind(3, seq);
    if (!q.step()) return std::nullopt;
    ReceiptRecord r;
    r.link = q.text(0);
    r.direction = parse_direction(q.text(1));
    r.seq = q.integer(2);
    r.envelope_digest = q.text(3);
    r.received_at = q.text(4);
    r.ledger_index = q.integer(5);
    r.canonical = q.text(6);
    return r;
  }

  // Link tables: SQL in link_tables.cpp.
  void insert_peer(const PeerRecord& p) override {
    check_writable();
    sqlite::insert_peer(conn_, p);
  }
  std::vector<PeerRecord> list_peers() override {
    check_open();
    return sqlite::list_peers(conn_);
  }
  std::optional<PeerRecord> find_peer(std::string_view name) override {
    check_open();
    return sqlite::find_peer(conn_, name);
  }
  std::optional<PeerRecord> find_peer_by_key(std::string_view key) override {
    check_open();
    return sqlite::find_peer_by_key(conn_, key);
  }
  void put_link_state(const LinkStateRecord& s) override {
    check_writable();
    sqlite::put_link_state(conn_, s);
  }
  std::optional<LinkStateRecord> find_link_state(std::string_view link) override {
    check_open();
    return sqlite::find_link_state(conn_, link);
  }
  std::int64_t append_event(const EventRecord& e) override {
    check_writable();
    return sqlite::append_event(conn_, e);
  }
  std::vector<EventRecord> list_events(std::int64_t after_id, std::size_t limit) override {
    check_open();
    return sqlite::list_events(conn_, after_id, clamp_limit(limit));
  }
  std::int64_t last_event_id() override {
    check_open();
    return sqlite::last_event_id(conn_);
  }
  void insert_desk_message(const DeskMessageRecord& m) override {
    check_writable();
    sqlite::insert_desk_message(conn_, m);
  }
  std::vector<DeskMessageRecord> list_desk_messages(std::string_view link,
                                                    std::size_t limit) override {
    check_open();
    return sqlite::list_desk_messages(conn_, link, clamp_limit(limit));
  }
  void put_agreement(const AgreementRecord& a) override {
    check_writable();
    sqlite::put_agreement(conn_, a);
  }
  std::optional<AgreementRecord> find_agreement(std::string_view digest) override {
    check_open();
    return sqlite::find_agreement(conn_, digest);
  }
  std::vector<AgreementRecord> list_agreements(std::string_view link) override {
    check_open();
    return sqlite::list_agreements(conn_, link);
  }

  // Desk tables: SQL in item_tables.cpp.
  void put_item(const ItemRecord& i) override {
    check_writable();
    sqlite::put_item(conn_, i);
  }
  std::optional<ItemRecord> find_item(std::string_view id) override {
    check_open();
    return sqlite::find_item(conn_, id);
  }
  std::vector<ItemRecord> list_items(std::string_view kind, std::string_view link,
                                     std::size_t limit) override {
    check_open();
    return sqlite::list_items(conn_, kind, link, clamp_limit(limit));
  }
  std::int64_t insert_escalation(const EscalationRecord& e) override {
    check_writable();
    return sqlite::insert_escalation(conn_, e);
  }
  std::vector<EscalationRecord> list_escalations(std::int64_t after_id,
                                                 std::size_t limit) override {
    check_open();
    return sqlite::list_escalations(conn_, after_id, clamp_limit(limit));
  }
  std::vector<EscalationRecord> pending_escalations(std::size_t limit) override {
    check_open();
    return sqlite::pending_escalations(conn_, clamp_limit(limit));
  }
  void update_escalation_delivery(const EscalationRecord& e) override {
    check_writable();
    sqlite::update_escalation_delivery(conn_, e);
  }
  void put_attachment_link(const AttachmentLinkRecord& r) override {
    check_writable();
    sqlite::put_attachment_link(conn_, r);
  }
  std::optional<AttachmentLinkRecord> find_attachment_link(std::string_view sha256,
                                                           std::string_view link,
                                                           Direction direction) override {
    check_open();
    return sqlite::find_attachment_link(conn_, sha256, link, direction);
  }
  std::vector<AttachmentLinkRecord> list_attachment_links(std::string_view state,
                                                          std::size_t limit) override {
    check_open();
    return sqlite::list_attachment_links(conn_, state, clamp_limit(limit));
  }

  // Users, API tokens and sessions: SQL in user_tables.cpp.
  void insert_user(const UserRecord& u) override {
    check_writable();
    sqlite::insert_user(conn_, u);
  }
  bool put_user(const UserRecord& u) override {
    check_writable();
    return sqlite::put_user(conn_, u);
  }
  std::optional<UserRecord> find_user(std::string_view name) override {
    check_open();
    return sqlite::find_user(conn_, name);
  }
  std::vector<UserRecord> list_users() override {
    check_open();
    return sqlite::list_users(conn_);
  }
  void insert_api_token(const ApiTokenRecord& t) override {
    check_writable();
    sqlite::insert_api_token(conn_, t);
  }
  std::optional<ApiTokenRecord> find_api_token_by_hash(std::string_view token_hash) override {
    check_open();
    return sqlite::find_api_token_by_hash(conn_, token_hash);
  }
  std::vector<ApiTokenRecord> list_api_tokens(std::string_view user) override {
    check_open();
    return sqlite::list_api_tokens(conn_, user);
  }
  bool put_api_token(const ApiTokenRecord& t) override {
    check_writable();
    return sqlite::put_api_token(conn_, t);
  }
  void insert_session(const SessionRecord& s) override {
    check_writable();
    sqlite::insert_session(conn_, s);
  }
  std::optional<SessionRecord> find_session(std::string_view id_hash) override {
    check_open();
    return sqlite::find_session(conn_, id_hash);
  }
  bool touch_session(std::string_view id_hash, std::string_view last_seen_at) override {
    check_writable();
    return sqlite::touch_session(conn_, id_hash, last_seen_at);
  }
  bool delete_session(std::string_view id_hash) override {
    check_writable();
    return sqlite::delete_session(conn_, id_hash);
  }
  std::int64_t delete_expired_sessions(std::string_view now) override {
    check_writable();
    return sqlite::delete_expired_sessions(conn_, now);
  }

  // The audit trail: SQL in audit_tables.cpp.
  void append_audit(const AuditRecord& r) override {
    check_writable();
    sqlite::append_audit(conn_, r);
  }
  std::vector<AuditRecord> list_audit(std::int64_t after_seq, std::size_t limit) override {
    check_open();
    return sqlite::list_audit(conn_, after_seq, clamp_limit(limit));
  }
  std::optional<AuditRecord> last_audit() override {
    check_open();
    return sqlite::last_audit(conn_);
  }

  // The Merkle log: SQL in ledger_tables.cpp.
  std::int64_t ledger_size() override {
    check_open();
    return sqlite::ledger_size(conn_);
  }
  std::vector<LedgerLeafRecord> list_ledger_leaves(std::int64_t from, std::size_t limit) override {
    check_open();
    return sqlite::list_ledger_leaves(conn_, from, clamp_limit(limit));
  }
  std::optional<std::string> ledger_node(int level, std::int64_t index) override {
    check_open();
    return sqlite::ledger_node(conn_, level, index);
  }
  void insert_tree_head(const TreeHeadRecord& h) override {
    check_writable();
    sqlite::insert_tree_head(conn_, h);
  }
  void set_tree_head_status(std::string_view link, std::int64_t size,
                            std::string_view status) override {
    check_writable();
    sqlite::set_tree_head_status(conn_, link, size, status);
  }
  std::vector<TreeHeadRecord> list_tree_heads(std::string_view link) override {
    check_open();
    return sqlite::list_tree_heads(conn_, link);
  }

  void commit() override {
    check_open();
    try {
      conn_.exec("COMMIT", writable_ ? "saving a transaction" : "ending a read");
    } catch (...) {
      rollback_quietly();
      finish();
      throw;
    }
    finish();  // frees the writer (or read connection) for others now
  }

 private:
  void check_open() {
    if (!open_) {
      throw Error("store_transaction_closed",
                  "Internal error: a store transaction was used after commit(). Report this.");
    }
    // SQLite rolls a transaction back by itself after some errors (disk
    // full, I/O). Going on would run later statements in autocommit mode,
    // saving half a transaction: refuse instead.
    if (conn_.in_autocommit()) {
      throw Error("store_transaction_aborted",
                  "The database rolled back this transaction after an earlier error; nothing "
                  "of it was saved. Retry the operation.");
    }
  }

  void check_writable() {
    check_open();
    if (!writable_) {
      throw Error("store_read_only",
                  "Internal error: a write was attempted in a read-only store transaction. "
                  "Report this.");
    }
  }

  // Ends the transaction and hands its connection back to the store. Once
  // only: open_ guards every other member function.
  void finish() noexcept;

  void rollback_quietly() noexcept {
    if (!conn_.in_autocommit()) sqlite3_exec(conn_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  friend class SqliteStore;
  SqliteStore& store_;
  Connection& conn_;
  std::unique_ptr<Connection> reader_;  // empty for a write transaction
  bool writable_;
  bool open_ = true;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::filesystem::path file, const SqliteOptions& options)
      : file_(std::move(file)), options_(options), writer_(file_, options.create) {
    configure(writer_, options_, /*writer=*/true);
    migrate(writer_);
  }

  std::unique_ptr<Transaction> write() override {
    if (writer_thread_.load() == std::this_thread::get_id()) {
      throw Error("store_nested_write",
                  "Internal error: a thread asked for a second write transaction while holding "
                  "one (this would deadlock). Report this.");
    }
    std::unique_lock lock(writer_mutex_);
    writer_.exec("BEGIN IMMEDIATE", "starting a write transaction");
    std::unique_ptr<Transaction> tx;
    try {
      tx = std::make_unique<SqliteTransaction>(*this, writer_);
    } catch (...) {
      writer_.exec("ROLLBACK", "abandoning a write transaction");
      throw;
    }
    writer_thread_.store(std::this_thread::get_id());
    lock.release();  // now owned by the transaction; see end()
    return tx;
  }

  std::unique_ptr<Transaction> read() override {
    std::unique_ptr<Connection> conn = take_reader();
    try {
      conn->exec("BEGIN", "starting a read");
      // BEGIN is lazy: the snapshot is taken at the first read. Read now so
      // the snapshot is the database as of this call.
      Query q(*conn, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'",
              "starting a read");
      q.step();
    } catch (...) {
      return_reader(std::move(conn));
      throw;
    }
    return std::make_unique<SqliteTransaction>(*this, std::move(conn));
  }

  int schema_version() override {
    auto tx = read();
    auto& stx = static_cast<SqliteTransaction&>(*tx);
    return recorded_schema_version(stx.conn_);
  }

  // Called once per transaction, after its COMMIT or ROLLBACK.
  void end(SqliteTransaction& tx) noexcept {
    if (tx.writable_) {
      writer_thread_.store(std::thread::id());
      writer_mutex_.unlock();
      return;
    }
    return_reader(std::move(tx.reader_));
  }

 private:
  std::unique_ptr<Connection> take_reader() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
    }
    auto conn = std::make_unique<Connection>(file_, /*create=*/false);
    configure(*conn, options_, /*writer=*/false);
    return conn;
  }

  void return_reader(std::unique_ptr<Connection> conn) noexcept {
    // A connection still inside a transaction (a failed ROLLBACK) is closed,
    // never reused.
    if (!conn || !conn->in_autocommit()) return;
    std::lock_guard lock(pool_mutex_);
    if (idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(conn));
  }

  std::filesystem::path file_;
  SqliteOptions options_;

  // The writer connection and its owner. writer_thread_ is only for
  // detecting nested write() calls on one thread.
  Connection writer_;
  std::mutex writer_mutex_;
  std::atomic<std::thread::id> writer_thread_{};

  // Idle read connections, ready for reuse.
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

void SqliteTransaction::finish() noexcept {
  open_ = false;
  store_.end(*this);
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  rollback_quietly();
  finish();
}

}  // namespace
}  // namespace sqlite

std::unique_ptr<Store> open_sqlite(const std::filesystem::path& db_file,
                                   const SqliteOptions& options) {
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(db_file, ec)) {
    throw Error("store_missing", "The database file " + db_file.string() +
                                     " does not exist. Check the configured data directory, or "
                                     "restore the file from a backup.");
  }
  return std::make_unique<sqlite::SqliteStore>(db_file, options);
}

}  // namespace hotline::store
