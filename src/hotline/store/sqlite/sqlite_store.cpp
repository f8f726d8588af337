// SqliteStore: the Store over one SQLite file in WAL mode.
//
// Concurrency design (the rules callers see are in store.h):
//  - One writer connection, guarded by a gate (gate_mu_). write()
//    waits until no write transaction is open, marks one open for the life
//    of its transaction, then BEGIN IMMEDIATE takes SQLite's write lock
//    (waiting up to busy_timeout for another process). Serializing
//    in-process writers here instead of in SQLite's busy handler gives
//    ordered waiting and no SQLITE_BUSY between threads.
//  - Group commit (transact(), see store.h): callers queue in arrival order.
//    The first in line, once the writer is free, leads a group: it opens a
//    transaction (BEGIN IMMEDIATE) and runs its fn (when that throws, the
//    transaction holds nothing else and is rolled back whole). Then, on its
//    own thread, it takes the callers queued meanwhile one by one and runs
//    each one's fn in a savepoint of its own, until the queue is empty or
//    the group full, and commits for all and wakes them. (Until 2026-11 each
//    member ran its fn on its own thread, handed the writer on by a wake-up:
//    on two cores the next member often waited for a core while the writer
//    sat idle.) One COMMIT (its WAL frames, its lock traffic, its checkpoint
//    share, its fsync with FULL) then serves many callers, and pages that
//    several of them touch (index tails, the log's frontier) are written
//    once. A caller whose fn throws has its savepoint rolled back and gets
//    its own error; if SQLite itself abandons the transaction (I/O error,
//    disk full) or the COMMIT fails, every member of the group is told that
//    nothing of theirs was saved.
//  - Read connections come from a small pool; each read() runs BEGIN and
//    then reads the header's schema cookie so the WAL snapshot is fixed at
//    read() time.
//    WAL lets these readers run while the writer writes.
//  - Each connection is used by one thread at a time (the owner of the
//    transaction), so connections are opened with SQLITE_OPEN_NOMUTEX.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/crypto/secretbox.h"
#include "hotline/store/open.h"
#include "hotline/store/sealed_secrets.h"
#include "hotline/store/sqlite/audit_tables.h"
#include "hotline/store/sqlite/checkpointer.h"
#include "hotline/store/sqlite/connection.h"
#include "hotline/store/sqlite/copy_tables.h"
#include "hotline/store/sqlite/indicator_tables.h"
#include "hotline/store/sqlite/item_tables.h"
#include "hotline/store/sqlite/ledger_tables.h"
#include "hotline/store/sqlite/link_tables.h"
#include "hotline/store/sqlite/metric_tables.h"
#include "hotline/store/sqlite/migrations.h"
#include "hotline/store/sqlite/review_tables.h"
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

// SQLite rolled a write transaction back by itself (I/O error, disk full).
Error aborted_transaction() {
  return Error(ErrorCategory::internal, "store_transaction_aborted",
               "The database rolled back this transaction after an error; nothing of it was "
               "saved. Retry the operation.");
}

std::string sync_pragma(const SqliteOptions& options) {
  return options.sync == SqliteOptions::Sync::full ? "PRAGMA synchronous = FULL"
                                                   : "PRAGMA synchronous = NORMAL";
}

void configure(Connection& conn, const SqliteOptions& options, bool writer) {
  const std::string busy = "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout.count());
  conn.exec(busy.c_str(), "setting the busy timeout");
  conn.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
  if (writer) {
    // journal_mode is stored in the file; the writer sets it once for all.
    Query q(conn, "PRAGMA journal_mode = WAL", "switching to WAL mode");
    if (!q.step() || q.text(0) != "wal") {
      throw Error(ErrorCategory::internal, "store_io",
                  "Could not switch the database " + conn.file().string() +
                      " to WAL mode (it stayed in '" + q.text(0) +
                      "' mode). Put the data directory on a local file system.");
    }
    // Group commit's savepoints keep the pages they change in a statement
    // journal; in memory it is a memcpy, on disk a temporary file's writes.
    conn.exec("PRAGMA temp_store = MEMORY", "keeping temporary data in memory");
  } else {
    conn.exec("PRAGMA query_only = ON", "making a read connection read-only");
  }
  conn.exec(sync_pragma(options).c_str(), "setting the sync mode");
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
// The key that seals secrets (SqliteOptions::secret_key), or nullptr.
const crypto::SecretKey* secret_key_of(const SqliteStore& store);

// Seals what an older version stored in clear (in one transaction).
void seal_plaintext_secrets(Connection& c, const crypto::SecretKey& key) {
  c.run("BEGIN IMMEDIATE", "starting to seal stored secrets");
  try {
    std::vector<std::pair<std::string, std::array<std::optional<std::string>, 2>>> users;
    {
      Query q(c,
              "SELECT name, totp_secret, totp_pending FROM users WHERE "
              "(totp_secret IS NOT NULL AND totp_secret NOT LIKE 'sb1:%') OR "
              "(totp_pending IS NOT NULL AND totp_pending NOT LIKE 'sb1:%')",
              "finding secrets stored in clear");
      while (q.step()) users.push_back({q.text(0), {q.optional_text(1), q.optional_text(2)}});
    }
    for (const auto& [name, secrets] : users) {
      Query q(c, "UPDATE users SET totp_secret = ?2, totp_pending = ?3 WHERE name = ?1",
              "sealing a stored secret");
      q.bind(1, name).bind_optional(2, sealed(&key, secrets[0]));
      q.bind_optional(3, sealed(&key, secrets[1]));
      q.run();
    }
    Query s(c,
            "SELECT value FROM settings WHERE key = 'webhook.secret' AND value != '' AND "
            "value NOT LIKE 'sb1:%'",
            "finding secrets stored in clear");
    if (s.step()) {
      const std::string value = crypto::seal(key, s.text(0));
      Query u(c, "UPDATE settings SET value = ?1 WHERE key = 'webhook.secret'",
              "sealing a stored secret");
      u.bind(1, value);
      u.run();
    }
    c.run("COMMIT", "sealing stored secrets");
  } catch (...) {
    sqlite3_exec(c.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

class SqliteTransaction final : public Transaction {
 public:
  // A write transaction on the store's writer connection. A `grouped` one is
  // a member's view of a group transaction: it neither commits nor ends it
  // (the group does; see SqliteStore::write_in_group).
  SqliteTransaction(SqliteStore& store, Connection& writer, bool grouped = false)
      : store_(store),
        conn_(writer),
        writable_(true),
        grouped_(grouped),
        secret_key_(secret_key_of(store)) {}
  // A read transaction owning a pooled read connection until it ends.
  SqliteTransaction(SqliteStore& store, std::unique_ptr<Connection> reader)
      : store_(store),
        conn_(*reader),
        reader_(std::move(reader)),
        writable_(false),
        secret_key_(secret_key_of(store)) {}
  ~SqliteTransaction() override;

  std::optional<std::string> get_setting(std::string_view key) override {
    check_open();
    Query q(conn_, "SELECT value FROM settings WHERE key = ?1", "reading a setting");
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    if (is_secret_setting(key)) return unsealed(secret_key_, q.text(0));
    return q.text(0);
  }

  void put_setting(std::string_view key, std::string_view value) override {
    check_writable();
    const std::string stored = is_secret_setting(key)
                                   ? sealed(secret_key_, std::string(value)).value_or("")
                                   : std::string(value);
    Query q(conn_,
            "INSERT INTO settings (key, value) VALUES (?1, ?2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            "saving a setting");
    q.bind(1, key).bind(2, stored);
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
    const std::int64_t index = sqlite::append_to_log(conn_, frontier_, "envelope", e.link,
                                                     e.direction, e.seq, e.canonical);
    if (KnownHead* k = known_head(e.link, e.direction); k && e.seq > k->head.seq) {
      k->head = ChainHead{e.seq, e.digest};
    }
    return index;
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

  ChainHead chain_head(std::string_view link, Direction direction) override {
    check_open();
    if (writable_) {
      if (const KnownHead* k = known_head(link, direction)) return k->head;
    }
    ChainHead head;
    {
      Query q(conn_,
              "SELECT seq, digest FROM envelopes WHERE link = ?1 AND direction = ?2 "
              "ORDER BY seq DESC LIMIT 1",
              "reading the end of the hash chain");
      q.bind(1, link).bind(2, to_string(direction));
      if (q.step()) head = ChainHead{q.integer(0), q.text(1)};
    }
    if (writable_) heads_.push_back(KnownHead{std::string(link), direction, head});
    return head;
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

  std::vector<OutboxItem> pending_outbox(std::string_view link, std::size_t limit,
                                         std::int64_t after_seq) override {
    check_open();
    Query q(conn_,
            "SELECT link, seq, envelope_id, attempts, next_attempt_at FROM outbox "
            "WHERE link = ?1 AND seq > ?3 ORDER BY seq LIMIT ?2",
            "reading the outbox");
    q.bind(1, link).bind(2, clamp_limit(limit)).bind(3, after_seq);
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

  MetricCounts metric_counts() override {
    check_open();
    return sqlite::metric_counts(conn_);
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
    return sqlite::append_to_log(conn_, frontier_, "receipt", r.link, r.direction, r.seq,
                                 r.canonical);
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
  std::int64_t prune_events(std::string_view before, std::size_t limit) override {
    check_writable();
    return sqlite::prune_events(conn_, before, clamp_limit(limit));
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
  std::optional<std::string> accepted_agreement_digest(std::string_view link) override {
    check_open();
    return sqlite::accepted_agreement_digest(conn_, link);
  }

  // The review: SQL in review_tables.cpp.
  void put_review(const ReviewRecord& r) override {
    check_writable();
    sqlite::put_review(conn_, r);
  }
  std::optional<ReviewRecord> find_review(std::string_view id) override {
    check_open();
    return sqlite::find_review(conn_, id);
  }
  std::vector<ReviewRecord> list_reviews(std::string_view link, std::size_t limit) override {
    check_open();
    return sqlite::list_reviews(conn_, link, clamp_limit(limit));
  }
  void scan_items(std::string_view kind, std::string_view link,
                  const std::function<void(const ItemRecord&)>& fn) override {
    check_open();
    sqlite::scan_items(conn_, kind, link, fn);
  }
  void scan_envelope_seqs(
      std::string_view link, Direction direction,
      const std::function<void(std::string_view id, std::int64_t seq)>& fn) override {
    check_open();
    sqlite::scan_envelope_seqs(conn_, link, direction, fn);
  }
  void scan_receipt_times(
      std::string_view link, Direction direction,
      const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) override {
    check_open();
    sqlite::scan_receipt_times(conn_, link, direction, fn);
  }

  void put_review_facts(std::string_view item_id, std::string_view link, std::string_view kind,
                        std::string_view facts) override {
    check_writable();
    sqlite::put_review_facts(conn_, item_id, link, kind, facts);
  }
  void scan_review_facts(std::string_view link,
                         const std::function<void(std::string_view item_id, std::string_view kind,
                                                  std::string_view facts)>& fn) override {
    check_open();
    sqlite::scan_review_facts(conn_, link, fn);
  }

  // The case indicators' index: SQL in indicator_tables.cpp.
  void put_case_indicators(std::string_view item_id,
                           const std::vector<CaseIndicatorRecord>& rows) override {
    check_writable();
    sqlite::put_case_indicators(conn_, item_id, rows);
  }
  std::vector<CaseIndicatorRecord> find_case_indicators(const CaseIndicatorQuery& q) override {
    check_open();
    return sqlite::find_case_indicators(conn_, q);
  }
  void scan_case_indicators(std::string_view item_id,
                            const std::function<void(const CaseIndicatorRecord&)>& fn) override {
    check_open();
    sqlite::scan_case_indicators(conn_, item_id, fn);
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
  std::vector<ItemRecord> list_item_summaries(std::string_view kind, std::string_view link,
                                              std::size_t limit) override {
    check_open();
    return sqlite::list_item_summaries(conn_, kind, link, clamp_limit(limit));
  }
  std::vector<ItemRecord> find_item_summaries(const ItemQuery& query) override {
    check_open();
    return sqlite::find_item_summaries(conn_, query);
  }
  void insert_translation(const TranslationRecord& t) override {
    check_writable();
    sqlite::insert_translation(conn_, t);
  }
  std::vector<TranslationRecord> list_translations(std::string_view item_id) override {
    check_open();
    return sqlite::list_translations(conn_, item_id);
  }
  std::optional<TranslationRecord> find_translation(std::string_view id) override {
    check_open();
    return sqlite::find_translation(conn_, id);
  }
  bool delete_translation(std::string_view id) override {
    check_writable();
    return sqlite::delete_translation(conn_, id);
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
  std::vector<EscalationRecord> recent_escalations(std::size_t offset, std::size_t limit) override {
    check_open();
    return sqlite::recent_escalations(conn_, clamp_limit(offset), clamp_limit(limit));
  }
  std::int64_t count_escalations() override {
    check_open();
    return sqlite::count_escalations(conn_);
  }
  std::vector<EscalationRecord> pending_escalations(std::size_t limit) override {
    check_open();
    return sqlite::pending_escalations(conn_, clamp_limit(limit));
  }
  void update_escalation_delivery(const EscalationRecord& e) override {
    check_writable();
    sqlite::update_escalation_delivery(conn_, e);
  }
  bool insert_escalation_mail(const EscalationMailRecord& m) override {
    check_writable();
    return sqlite::insert_escalation_mail(conn_, m);
  }
  std::vector<EscalationMailRecord> pending_escalation_mails(std::size_t limit) override {
    check_open();
    return sqlite::pending_escalation_mails(conn_, clamp_limit(limit));
  }
  std::vector<EscalationMailRecord> list_escalation_mails(std::int64_t escalation_id) override {
    check_open();
    return sqlite::list_escalation_mails(conn_, escalation_id);
  }
  void update_escalation_mail(const EscalationMailRecord& m) override {
    check_writable();
    sqlite::update_escalation_mail(conn_, m);
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
    sqlite::insert_user(conn_, with_secrets_sealed(secret_key_, u));
  }
  bool put_user(const UserRecord& u) override {
    check_writable();
    return sqlite::put_user(conn_, with_secrets_sealed(secret_key_, u));
  }
  std::optional<UserRecord> find_user(std::string_view name) override {
    check_open();
    auto u = sqlite::find_user(conn_, name);
    if (u) *u = with_secrets_unsealed(secret_key_, std::move(*u));
    return u;
  }
  std::vector<UserRecord> list_users() override {
    check_open();
    auto users = sqlite::list_users(conn_);
    for (auto& u : users) u = with_secrets_unsealed(secret_key_, std::move(u));
    return users;
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
  std::int64_t delete_user_sessions(std::string_view user,
                                    std::string_view except_id_hash) override {
    check_writable();
    return sqlite::delete_user_sessions(conn_, user, except_id_hash);
  }
  std::int64_t delete_expired_sessions(std::string_view now) override {
    check_writable();
    return sqlite::delete_expired_sessions(conn_, now);
  }

  std::optional<SignInFailureRecord> find_sign_in_failure(std::string_view account,
                                                          std::string_view source) override {
    check_open();
    return sqlite::find_sign_in_failure(conn_, account, source);
  }
  void put_sign_in_failure(const SignInFailureRecord& record) override {
    check_writable();
    sqlite::put_sign_in_failure(conn_, record);
  }
  bool delete_sign_in_failure(std::string_view account, std::string_view source) override {
    check_writable();
    return sqlite::delete_sign_in_failure(conn_, account, source);
  }
  std::int64_t prune_sign_in_failures(std::string_view before, std::size_t keep) override {
    check_writable();
    return sqlite::prune_sign_in_failures(conn_, before, keep);
  }
  std::int64_t count_sign_in_failures() override {
    check_open();
    return sqlite::count_sign_in_failures(conn_);
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

  std::vector<std::pair<std::string, std::string>> list_settings() override {
    check_open();
    auto settings = sqlite::list_settings(conn_);
    for (auto& [key, value] : settings) {
      if (is_secret_setting(key)) value = unsealed(secret_key_, value).value_or("");
    }
    return settings;
  }
  void import_event(const EventRecord& e) override {
    check_writable();
    sqlite::import_event(conn_, e);
  }
  void import_escalation(const EscalationRecord& e) override {
    check_writable();
    sqlite::import_escalation(conn_, e);
  }
  std::vector<SessionRecord> list_sessions() override {
    check_open();
    return sqlite::list_sessions(conn_);
  }

  void commit() override {
    check_open();
    if (grouped_) {  // the group commits; this member is just done
      open_ = false;
      return;
    }
    try {
      conn_.run("COMMIT", writable_ ? "saving a transaction" : "ending a read");
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
      throw Error(ErrorCategory::internal, "store_transaction_closed",
                  "Internal error: a store transaction was used after commit(). Report this.");
    }
    // SQLite rolls a transaction back by itself after some errors (disk
    // full, I/O). Going on would run later statements in autocommit mode,
    // saving half a transaction: refuse instead.
    if (conn_.in_autocommit()) throw aborted_transaction();
  }

  void check_writable() {
    check_open();
    if (!writable_) {
      throw Error(ErrorCategory::internal, "store_read_only",
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
  bool grouped_ = false;
  bool open_ = true;
  const crypto::SecretKey* secret_key_;  // SqliteOptions::secret_key, or nullptr
  LogFrontier frontier_;                 // this transaction's appends to the Merkle log
  // chain_head() answers already given in this transaction, kept up to date
  // by its own insert_envelope(): a producer queueing a hundred envelopes in
  // one transaction asks for the head before each. Only this transaction
  // writes meanwhile (it holds the writer), and an insert that fails leaves
  // the entry as it was.
  struct KnownHead {
    std::string link;
    Direction direction;
    ChainHead head;
  };
  std::vector<KnownHead> heads_;
  KnownHead* known_head(std::string_view link, Direction direction) {
    for (auto& k : heads_) {
      if (k.direction == direction && k.link == link) return &k;
    }
    return nullptr;
  }
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::filesystem::path file, const SqliteOptions& options)
      : file_(std::move(file)),
        options_(options),
        checkpointer_(file_, sync_pragma(options)),
        writer_(file_, options.create) {
    configure(writer_, options_, /*writer=*/true);
    migrate(writer_);
    if (options_.secret_key) seal_plaintext_secrets(writer_, *options_.secret_key);
    checkpointer_.attach(writer_);
  }

  const crypto::SecretKey* secret_key() const {
    return options_.secret_key ? &*options_.secret_key : nullptr;
  }

  std::unique_ptr<Transaction> write() override {
    refuse_nested_write();
    {
      std::unique_lock lock(gate_mu_);
      gate_cv_.wait(lock, [&] { return !writer_open_; });
      writer_open_ = true;
    }
    std::unique_ptr<Transaction> tx;
    try {
      writer_.run("BEGIN IMMEDIATE", "starting a write transaction");
      try {
        tx = std::make_unique<SqliteTransaction>(*this, writer_);
      } catch (...) {
        writer_.exec("ROLLBACK", "abandoning a write transaction");
        throw;
      }
    } catch (...) {
      close_writer();
      throw;
    }
    writer_thread_.store(std::this_thread::get_id());
    return tx;  // the writer stays ours until end()
  }

  std::unique_ptr<Transaction> read() override {
    std::unique_ptr<Connection> conn = take_reader();
    try {
      conn->run("BEGIN", "starting a read");
      // BEGIN is lazy: the snapshot is taken at the first read. Read now (the
      // header's schema cookie: the cheapest read there is) so the snapshot
      // is the database as of this call.
      Query q(*conn, "PRAGMA schema_version", "starting a read");
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

  // Called once per transaction, after its COMMIT or ROLLBACK (never for a
  // group member: the group ends in write_in_group).
  void end(SqliteTransaction& tx) noexcept {
    if (tx.writable_) {
      writer_thread_.store(std::thread::id());
      close_writer();
      return;
    }
    return_reader(std::move(tx.reader_));
  }

 protected:
  void write_in_group(const WriteFn& fn) override;

 private:
  // A transact() caller in line. Each waits on its own condition variable
  // and is woken alone: when its fn has run in a group (done, with its
  // result in `error`), or when it is first in line and may lead a group.
  struct Turn {
    std::condition_variable cv;
    const WriteFn* fn = nullptr;
    bool done = false;
    std::exception_ptr error;  // its fn's own, or the group's loss
  };

  // Wakes whoever may take the writer now (gate_mu_ held).
  void wake_next() noexcept {
    if (!queue_.empty()) queue_.front()->cv.notify_one();
    if (!writer_open_) gate_cv_.notify_all();  // plain write() callers
  }

  static constexpr std::size_t kMaxGroup = 32;

  // A thread that holds the writer (or runs inside a group) and asks for it
  // again would wait for itself.
  void refuse_nested_write() const {
    if (writer_thread_.load() == std::this_thread::get_id()) {
      throw Error(ErrorCategory::internal, "store_nested_write",
                  "Internal error: a thread asked for a second write transaction while holding "
                  "one (this would deadlock). Report this.");
    }
  }

  void close_writer() noexcept {
    std::lock_guard lock(gate_mu_);
    writer_open_ = false;
    wake_next();
  }

  // Runs one member's fn in its own savepoint. Returns fn's exception, if
  // any; `aborted` tells whether SQLite abandoned the whole transaction.
  std::exception_ptr run_member(const WriteFn& fn, bool& aborted) noexcept;
  // Runs the first member's fn, without a savepoint: when it throws, the
  // transaction holds nothing else, so the whole of it is rolled back and
  // `aborted` is set (the group ends; whoever waits starts a new one). It
  // returns an error only with `aborted` set.
  std::exception_ptr run_first(const WriteFn& fn, bool& aborted) noexcept;

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

  // The writer connection and its gate. writer_open_: a transaction is open
  // on writer_ (a plain one, or a group's). queue_: transact() callers in
  // arrival order, not yet taken into a group. writer_thread_ (the thread
  // running statements on writer_) is only for detecting nested writes.
  // Declared before writer_ so it outlives it: writer_'s commits call it.
  Checkpointer checkpointer_;
  Connection writer_;
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
  bool writer_open_ = false;
  std::deque<Turn*> queue_;
  std::atomic<std::thread::id> writer_thread_{};

  // Idle read connections, ready for reuse.
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

const crypto::SecretKey* secret_key_of(const SqliteStore& store) {
  return store.secret_key();
}

void SqliteTransaction::finish() noexcept {
  open_ = false;
  store_.end(*this);
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  if (grouped_) {  // the group rolls back this member's savepoint
    open_ = false;
    return;
  }
  rollback_quietly();
  finish();
}

std::exception_ptr SqliteStore::run_member(const WriteFn& fn, bool& aborted) noexcept {
  std::exception_ptr error;
  try {
    writer_.run("SAVEPOINT hotline_member", "starting a write transaction");
  } catch (...) {
    aborted = writer_.in_autocommit();
    return std::current_exception();
  }
  try {
    SqliteTransaction tx(*this, writer_, /*grouped=*/true);
    fn(tx);
  } catch (...) {
    error = std::current_exception();
  }
  if (writer_.in_autocommit()) {  // SQLite rolled the whole transaction back
    aborted = true;
    return error ? error : std::make_exception_ptr(aborted_transaction());
  }
  std::string why;  // set when the savepoint could not be closed
  if (error) {
    if (sqlite3_exec(writer_.handle(), "ROLLBACK TO hotline_member; RELEASE hotline_member",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
      why = sqlite3_errmsg(writer_.handle());
    }
  } else {
    try {
      writer_.run("RELEASE hotline_member", "closing a savepoint");  // cached: every member
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  if (!why.empty() || writer_.in_autocommit()) {
    // Cannot tell what of this member is left: give the whole group up.
    aborted = true;
    if (!error) {
      error = std::make_exception_ptr(
          Error(ErrorCategory::internal, "store_failed",
                std::string("Could not close a savepoint in ") + writer_.file().string() + ": " +
                    (why.empty() ? "SQLite ended the transaction" : why) +
                    "; nothing of this transaction was saved. Retry the operation."));
    }
  }
  return error;
}

std::exception_ptr SqliteStore::run_first(const WriteFn& fn, bool& aborted) noexcept {
  try {
    writer_.run("BEGIN IMMEDIATE", "starting a write transaction");
  } catch (...) {
    aborted = true;
    return std::current_exception();
  }
  try {
    SqliteTransaction tx(*this, writer_, /*grouped=*/true);
    fn(tx);
  } catch (...) {
    aborted = true;  // write_in_group rolls back; nothing else is in it
    return std::current_exception();
  }
  if (writer_.in_autocommit()) {  // SQLite rolled the transaction back
    aborted = true;
    return std::make_exception_ptr(aborted_transaction());
  }
  return nullptr;
}

void SqliteStore::write_in_group(const WriteFn& fn) {
  refuse_nested_write();
  Turn turn;
  turn.fn = &fn;
  std::unique_lock lock(gate_mu_);
  queue_.push_back(&turn);
  // Either a leader ran my fn (done), or I am first in line and the writer
  // is free: then I lead a group.
  turn.cv.wait(lock, [&] { return turn.done || (queue_.front() == &turn && !writer_open_); });
  if (turn.done) {
    if (turn.error) std::rethrow_exception(turn.error);
    return;
  }
  queue_.pop_front();
  writer_open_ = true;
  lock.unlock();

  writer_thread_.store(std::this_thread::get_id());
  bool aborted = false;
  // Set when nothing of the group was saved. run_first returns an error only
  // when it aborted: the first member is then alone, its error is all there is.
  std::exception_ptr lost = run_first(fn, aborted);
  // Run the fns of those who queued meanwhile, here, one after the other:
  // no hand-over to another thread between members.
  std::vector<Turn*> members;
  while (!aborted && members.size() + 1 < kMaxGroup) {
    lock.lock();
    if (queue_.empty()) {
      lock.unlock();
      break;
    }
    Turn* m = queue_.front();
    queue_.pop_front();
    lock.unlock();
    bool m_aborted = false;
    m->error = run_member(*m->fn, m_aborted);  // read by m's thread after `done`, under the lock
    members.push_back(m);
    if (m_aborted) {
      aborted = true;
      lost = m->error;
    }
  }
  if (aborted) {
    if (!writer_.in_autocommit()) {
      sqlite3_exec(writer_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } else {
    try {
      writer_.run("COMMIT", "saving a transaction");
    } catch (...) {
      if (!writer_.in_autocommit()) {
        sqlite3_exec(writer_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
      lost = std::current_exception();
    }
  }
  writer_thread_.store(std::thread::id());

  // The group is over (committed or lost): answer every member, free the
  // writer. A member whose own fn threw gets its own error (its savepoint
  // was undone whatever became of the group).
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
}  // namespace sqlite

std::unique_ptr<Store> open_sqlite(const std::filesystem::path& db_file,
                                   const SqliteOptions& options) {
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(db_file, ec)) {
    throw Error(ErrorCategory::not_found, "store_missing",
                "The database file " + db_file.string() +
                    " does not exist. Check the configured data directory, or "
                    "restore the file from a backup.");
  }
  return std::make_unique<sqlite::SqliteStore>(db_file, options);
}

}  // namespace hotline::store
