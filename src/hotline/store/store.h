// Store: the one door to persistent state. Callers never see SQL or a
// database handle; SQLite sits behind it today (open.h), PostgreSQL later.
//
// Every read and write happens inside a Transaction.
//
// Concurrency rules:
//  - A Store is thread-safe: any thread may call write(), read(),
//    schema_version(), transact() and snapshot() at any time.
//  - A Transaction belongs to the thread that obtained it. Use it and destroy
//    it on that thread, and do not keep it across a co_await (a coroutine may
//    resume on another thread, and a held write transaction blocks every
//    other writer meanwhile).
//  - Writers are serialized: write() waits until no other write transaction
//    is open (in this process or, within a timeout, in another one). A thread
//    that already holds a write transaction (or runs inside transact()) and
//    asks for another gets hotline::Error "store_nested_write" instead of
//    deadlocking. transact() callers may share one transaction, one after
//    the other (group commit, see transact()).
//  - Readers never wait for writers: read() sees a consistent snapshot taken
//    when it was called, unaffected by later commits.
//  - Every Transaction must be destroyed before its Store.
//
// Errors are hotline::Error with codes:
//  store_duplicate          a unique key (id, or link+direction+seq) exists
//  store_missing_reference  a referenced row (e.g. the outbox's envelope) is absent
//  store_invalid            a record breaks a rule (e.g. seq < 1)
//  store_read_only          a write was attempted in a read transaction
//  store_transaction_closed the transaction was already committed
//  store_nested_write       see above
//  store_busy, store_full, store_io, store_corrupt, store_failed
//                           the database could not do the work
// After store_duplicate / store_missing_reference / store_invalid the
// transaction is still usable: the failed call changed nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "hotline/common/metrics.h"
#include "hotline/store/records.h"

namespace hotline::store {

// One transaction on a Store (write() or read(), or lent to a transact() or
// snapshot() callback for the length of the call: keep no reference to it
// after). Not thread-safe: used and destroyed on the thread that obtained
// it (see the rules above); must not outlive its Store. Records it returns
// are copies, valid after it ends.
class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless commit() was called

  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Settings: small key/value strings (party name, node id, configuration).
  virtual std::optional<std::string> get_setting(std::string_view key) = 0;
  virtual void put_setting(std::string_view key, std::string_view value) = 0;  // upsert

  // Envelopes. Inserting a duplicate id or (link, direction, seq) throws
  // "store_duplicate"; seq must be >= 1.
  // Stores the envelope AND appends its canonical bytes to the node's
  // Merkle log in this same transaction; returns its leaf index. Every
  // envelope is therefore in the log by construction.
  virtual std::int64_t insert_envelope(const EnvelopeRecord& envelope) = 0;
  virtual std::optional<EnvelopeRecord> find_envelope(std::string_view id) = 0;
  virtual std::optional<EnvelopeRecord> find_envelope_by_seq(std::string_view link,
                                                             Direction direction,
                                                             std::int64_t seq) = 0;
  // Highest stored seq on (link, direction); 0 when there is none.
  virtual std::int64_t last_seq(std::string_view link, Direction direction) = 0;
  // The same seq with its envelope's digest, in one indexed read (the next
  // envelope is chained to it): {0, ""} when there is none.
  virtual ChainHead chain_head(std::string_view link, Direction direction) = 0;
  // Envelopes with seq > after_seq, ascending seq, at most `limit`.
  virtual std::vector<EnvelopeRecord> list_envelopes(std::string_view link, Direction direction,
                                                     std::int64_t after_seq, std::size_t limit) = 0;
  virtual std::int64_t count_envelopes() = 0;

  // Outbox: outbound envelopes waiting for a receipt, delivered in seq order
  // per link. The item's envelope must already be stored
  // ("store_missing_reference" otherwise); a second item for the same
  // (link, seq) throws "store_duplicate".
  virtual void enqueue_outbox(const OutboxItem& item) = 0;
  // The first `limit` items of the link's queue with seq > after_seq,
  // ascending seq (after_seq 0: from the head of the queue).
  virtual std::vector<OutboxItem> pending_outbox(std::string_view link, std::size_t limit,
                                                 std::int64_t after_seq = 0) = 0;
  // Both return false when there is no such item (already removed).
  virtual bool remove_outbox(std::string_view link, std::int64_t seq) = 0;
  // attempts += 1 and next_attempt_at = the given timestamp.
  virtual bool note_outbox_attempt(std::string_view link, std::int64_t seq,
                                   std::string_view next_attempt_at) = 0;
  virtual std::int64_t outbox_length(std::string_view link) = 0;

  // Receipts, unique on (link, direction, seq): a second one throws
  // "store_duplicate" (a signed receipt is never replaced). The receipted
  // envelope must be stored ("store_missing_reference" otherwise).
  // Stores the receipt and appends it to the log, like insert_envelope.
  virtual std::int64_t insert_receipt(const ReceiptRecord& receipt) = 0;
  virtual std::optional<ReceiptRecord> find_receipt(std::string_view link, Direction direction,
                                                    std::int64_t seq) = 0;

  // Counts for GET /metrics, each one GROUP BY over an index or a small
  // table (records.h, MetricCounts).
  virtual MetricCounts metric_counts() = 0;

  // Makes the writes durable (as configured) and ends the transaction; for a
  // read transaction it just ends it. Any later call throws
  // "store_transaction_closed". If commit() throws, nothing was written.
  // Peers and links.
  virtual void insert_peer(const PeerRecord& peer) = 0;  // store_duplicate on name or key
  virtual std::vector<PeerRecord> list_peers() = 0;      // by name
  virtual std::optional<PeerRecord> find_peer(std::string_view name) = 0;
  virtual std::optional<PeerRecord> find_peer_by_key(std::string_view public_key) = 0;
  virtual void put_link_state(const LinkStateRecord& state) = 0;  // upsert
  virtual std::optional<LinkStateRecord> find_link_state(std::string_view link) = 0;

  // Events, append-only. Returns the new event's id (ascending).
  virtual std::int64_t append_event(const EventRecord& event) = 0;
  virtual std::vector<EventRecord> list_events(std::int64_t after_id, std::size_t limit) = 0;
  // The newest event's id; 0 when there is none.
  virtual std::int64_t last_event_id() = 0;
  // Deletes up to `limit` of the oldest events recorded before `before` (a
  // timestamp as in EventRecord::at), never the newest event (so ids keep
  // rising); returns how many went. The one exception to append-only: the
  // office's retention (node::EventLog::prune).
  virtual std::int64_t prune_events(std::string_view before, std::size_t limit) = 0;

  // Desk messages.
  virtual void insert_desk_message(const DeskMessageRecord& message) = 0;
  // The most recent `limit` messages, oldest first; link empty = all links.
  virtual std::vector<DeskMessageRecord> list_desk_messages(std::string_view link,
                                                            std::size_t limit) = 0;

  // Agreements.
  virtual void put_agreement(const AgreementRecord& agreement) = 0;  // upsert on digest
  virtual std::optional<AgreementRecord> find_agreement(std::string_view digest) = 0;
  virtual std::vector<AgreementRecord> list_agreements(
      std::string_view link) = 0;  // by amendment, then time
  // The digest of the first accepted agreement in list_agreements(link)'s
  // order (the one in force), without reading the documents.
  virtual std::optional<std::string> accepted_agreement_digest(std::string_view link) = 0;

  // The Merkle log. Leaves are appended with index == ledger_size(); nodes
  // are the hashes of perfect subtrees, (level, index) covering leaves
  // [index * 2^level, (index + 1) * 2^level).
  virtual std::int64_t ledger_size() = 0;
  virtual std::vector<LedgerLeafRecord> list_ledger_leaves(std::int64_t from,
                                                           std::size_t limit) = 0;
  virtual std::optional<std::string> ledger_node(int level, std::int64_t index) = 0;  // hex
  virtual void insert_tree_head(const TreeHeadRecord& head) = 0;  // unique on (link, size, root)
  virtual void set_tree_head_status(std::string_view link, std::int64_t size,
                                    std::string_view status) = 0;
  // Heads of `link` ("" = ours), ascending by size then time.
  virtual std::vector<TreeHeadRecord> list_tree_heads(std::string_view link) = 0;

  // Shared items. put_item is an upsert on id.
  virtual void put_item(const ItemRecord& item) = 0;
  virtual std::optional<ItemRecord> find_item(std::string_view id) = 0;
  // Items of `kind` ("" = all) on `link` ("" = all), most recently updated
  // first, at most `limit`.
  virtual std::vector<ItemRecord> list_items(std::string_view kind, std::string_view link,
                                             std::size_t limit) = 0;
  // The same rows without their two large members (document and actions are
  // left empty): for scans that only need the state and the update time.
  virtual std::vector<ItemRecord> list_item_summaries(std::string_view kind, std::string_view link,
                                                      std::size_t limit) = 0;

  // The summaries (as list_item_summaries: no document, no actions) of every
  // item that matches `query`, in its order. The origin, the request's kind
  // and the priority are read from the item's document when it is saved.
  virtual std::vector<ItemRecord> find_item_summaries(const ItemQuery& query) = 0;

  // Translations of items' texts (a duplicate id throws "store_duplicate";
  // the item must exist, "store_missing_reference"). Listed oldest first.
  virtual void insert_translation(const TranslationRecord& translation) = 0;
  virtual std::vector<TranslationRecord> list_translations(std::string_view item_id) = 0;
  virtual std::optional<TranslationRecord> find_translation(std::string_view id) = 0;
  virtual bool delete_translation(std::string_view id) = 0;  // false: none

  // Escalations. A second one for the same (item_id, trigger) throws
  // "store_duplicate". Returns the new id (ascending).
  virtual std::int64_t insert_escalation(const EscalationRecord& escalation) = 0;
  virtual std::vector<EscalationRecord> list_escalations(std::int64_t after_id,
                                                         std::size_t limit) = 0;
  // Escalations whose webhook_state is "pending", oldest first.
  virtual std::vector<EscalationRecord> pending_escalations(std::size_t limit) = 0;
  // A page of escalations, newest first (skipping `offset`), and how many
  // there are in all: the API's GET /v1/escalations.
  virtual std::vector<EscalationRecord> recent_escalations(std::size_t offset,
                                                           std::size_t limit) = 0;
  virtual std::int64_t count_escalations() = 0;
  // Updates webhook_state, attempts, last_error and delivered_at of one.
  virtual void update_escalation_delivery(const EscalationRecord& escalation) = 0;
  // E-mails of escalations. insert: false when one for (escalation_id,
  // recipient) exists already (nothing changed). pending: state "pending", oldest escalation
  // first. update: state, attempts, last_error, done_at and next_at (pending only) of one.
  virtual bool insert_escalation_mail(const EscalationMailRecord& mail) = 0;
  virtual std::vector<EscalationMailRecord> pending_escalation_mails(std::size_t limit) = 0;
  virtual std::vector<EscalationMailRecord> list_escalation_mails(std::int64_t escalation_id) = 0;
  virtual void update_escalation_mail(const EscalationMailRecord& mail) = 0;

  // Attachments on links; upsert on (sha256, link, direction).
  virtual void put_attachment_link(const AttachmentLinkRecord& record) = 0;
  virtual std::optional<AttachmentLinkRecord> find_attachment_link(std::string_view sha256,
                                                                   std::string_view link,
                                                                   Direction direction) = 0;
  // Records in `state` ("" = all), oldest update first.
  virtual std::vector<AttachmentLinkRecord> list_attachment_links(std::string_view state,
                                                                  std::size_t limit) = 0;

  // Users, API tokens and sessions (service/user_service.h).
  // insert_user throws "store_duplicate" on an existing name; put_user
  // replaces every column of the named user and returns false when there is
  // no such user. Users are listed by name.
  virtual void insert_user(const UserRecord& user) = 0;
  virtual bool put_user(const UserRecord& user) = 0;
  virtual std::optional<UserRecord> find_user(std::string_view name) = 0;
  virtual std::vector<UserRecord> list_users() = 0;
  // Tokens: the user must exist ("store_missing_reference"); a duplicate id
  // or hash throws "store_duplicate". put_api_token updates name,
  // last_used_at and revoked_at of the token with that id (false: none).
  // Listed by created_at then id; user "" = all users.
  virtual void insert_api_token(const ApiTokenRecord& token) = 0;
  virtual std::optional<ApiTokenRecord> find_api_token_by_hash(std::string_view token_hash) = 0;
  virtual std::vector<ApiTokenRecord> list_api_tokens(std::string_view user) = 0;
  virtual bool put_api_token(const ApiTokenRecord& token) = 0;
  // Sessions, keyed by id_hash; the user must exist. touch_session sets
  // last_seen_at (false: no such session). delete_expired_sessions removes
  // the sessions whose expires_at <= now and returns how many.
  virtual void insert_session(const SessionRecord& session) = 0;
  virtual std::optional<SessionRecord> find_session(std::string_view id_hash) = 0;
  virtual bool touch_session(std::string_view id_hash, std::string_view last_seen_at) = 0;
  virtual bool delete_session(std::string_view id_hash) = 0;
  // Ends every session of `user` but the one whose hash is `except_id_hash`
  // ("" ends them all); returns how many.
  virtual std::int64_t delete_user_sessions(std::string_view user,
                                            std::string_view except_id_hash) = 0;
  virtual std::int64_t delete_expired_sessions(std::string_view now) = 0;

  // Failed sign-ins (service/sign_in_guard.h), unique on (account, source).
  // put_sign_in_failure is an upsert; delete_sign_in_failure returns false
  // when there was no such row. prune_sign_in_failures deletes the rows
  // whose last_at is before `before`, then the least recently failed ones
  // beyond `keep` rows, and returns how many went. count_sign_in_failures:
  // the rows in all.
  virtual std::optional<SignInFailureRecord> find_sign_in_failure(std::string_view account,
                                                                  std::string_view source) = 0;
  virtual void put_sign_in_failure(const SignInFailureRecord& record) = 0;
  virtual bool delete_sign_in_failure(std::string_view account, std::string_view source) = 0;
  virtual std::int64_t prune_sign_in_failures(std::string_view before, std::size_t keep) = 0;
  virtual std::int64_t count_sign_in_failures() = 0;

  // The audit trail (service/audit_trail.h), append-only. append_audit
  // requires seq == the last entry's seq + 1 (1 for the first): an existing
  // seq throws "store_duplicate", any other "store_invalid". list_audit
  // returns entries with seq > after_seq, ascending, at most `limit`.
  virtual void append_audit(const AuditRecord& record) = 0;
  virtual std::vector<AuditRecord> list_audit(std::int64_t after_seq, std::size_t limit) = 0;
  virtual std::optional<AuditRecord> last_audit() = 0;

  // Review reports (service/review_service.h): put_review is an upsert on
  // id; list_reviews gives the newest first (link "" = all links).
  virtual void put_review(const ReviewRecord& review) = 0;
  virtual std::optional<ReviewRecord> find_review(std::string_view id) = 0;
  virtual std::vector<ReviewRecord> list_reviews(std::string_view link, std::size_t limit) = 0;

  // Streaming reads for the review of a whole link (service/review_facts.h):
  // each row is handed to fn in turn and not kept. scan_items gives the
  // items of one kind on one link in no particular order;
  // scan_envelope_seqs the (id, seq) of one direction's envelopes and
  // scan_receipt_times the (seq, received_at) of its receipts, ascending seq.
  virtual void scan_items(std::string_view kind, std::string_view link,
                          const std::function<void(const ItemRecord&)>& fn) = 0;
  virtual void scan_envelope_seqs(
      std::string_view link, Direction direction,
      const std::function<void(std::string_view id, std::int64_t seq)>& fn) = 0;
  virtual void scan_receipt_times(
      std::string_view link, Direction direction,
      const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) = 0;

  // The review's facts of each alert, request and case in a compact form
  // (review/facts_codec.h), one row per item, written by the service in the
  // same transaction as every change of the item. put_review_facts upserts
  // on (link, item_id); scan_review_facts streams a link's rows in no
  // particular order (the views are valid only during the call).
  virtual void put_review_facts(std::string_view item_id, std::string_view link,
                                std::string_view kind, std::string_view facts) = 0;
  virtual void scan_review_facts(
      std::string_view link,
      const std::function<void(std::string_view item_id, std::string_view kind,
                               std::string_view facts)>& fn) = 0;

  // The index of every case's indicators (service/indicator_index.h),
  // written by the service in the same transaction as every change of the
  // case. put_case_indicators replaces the case's rows with `rows`;
  // find_case_indicators answers a lookup (index lookups only: by (type,
  // value), and by span for addresses) by item id then position, at most
  // q.limit rows; scan_case_indicators streams the rows of one case
  // (item_id) or of every case (""), by item id then position.
  virtual void put_case_indicators(std::string_view item_id,
                                   const std::vector<CaseIndicatorRecord>& rows) = 0;
  virtual std::vector<CaseIndicatorRecord> find_case_indicators(const CaseIndicatorQuery& q) = 0;
  virtual void scan_case_indicators(std::string_view item_id,
                                    const std::function<void(const CaseIndicatorRecord&)>& fn) = 0;

  // For copying a whole store into another (store/copy.h), what the calls
  // above cannot do. list_settings: every setting, by key (secrets unsealed,
  // as get_setting). import_event / import_escalation store the record with
  // its own id, which must be above every stored one ("store_invalid"
  // otherwise; the ids assigned later follow it). list_sessions: every
  // session, by id_hash.
  virtual std::vector<std::pair<std::string, std::string>> list_settings() = 0;
  virtual void import_event(const EventRecord& event) = 0;
  virtual void import_escalation(const EscalationRecord& escalation) = 0;
  virtual std::vector<SessionRecord> list_sessions() = 0;

  virtual void commit() = 0;
};

// A named lease: while it is held, no other holder of any process that
// shares the store holds the same name (Store::try_lease). Released when
// destroyed. held() tells whether it is still held: a lease can be lost
// (PostgreSQL: the connection that holds its advisory lock broke), and the
// work it guards must then stop. Thread-safe; must not outlive its Store.
class Lease {
 public:
  virtual ~Lease() = default;
  Lease() = default;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  virtual bool held() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Work that must run once per node, not once per process (a link's
  // delivery worker, the jobs that sign tree heads or fire escalations),
  // is done by whoever holds its lease. Returns nullptr when another holder
  // has it. The default serves one process (SQLite: one serve process per
  // node); PostgreSQL overrides it with advisory locks that every process
  // on the database sees. Thread-safe.
  virtual std::unique_ptr<Lease> try_lease(std::string_view name);

  // Returns when an event with an id above after_id may have been committed
  // (by this process or, on PostgreSQL, any other: LISTEN/NOTIFY), or after
  // `timeout`; the caller then reads the events. The default sleeps a short
  // poll interval (at most `timeout`). Thread-safe.
  virtual void wait_for_events(std::int64_t after_id, std::chrono::milliseconds timeout);

  // A write transaction: the only open writer until it ends (see above).
  virtual std::unique_ptr<Transaction> write() = 0;
  // A read-only snapshot; writes through it throw "store_read_only".
  virtual std::unique_ptr<Transaction> read() = 0;
  // The highest schema migration applied to the database.
  virtual int schema_version() = 0;

  // Runs fn(Transaction&) in a write transaction and commits when fn returns
  // normally; when fn throws, undoes fn's writes and rethrows. Returns fn's
  // result once its writes are committed.
  //
  // Group commit: a store may let callers that arrive while another
  // transact() runs share its transaction. Each fn runs alone on the writer
  // and inside a savepoint of its own (so a throwing fn undoes exactly its
  // own writes), one after the other, possibly on another caller's thread
  // while its own caller sleeps (so fn must not depend on which thread runs
  // it); then one COMMIT makes them all durable and every caller returns. A
  // fn therefore sees the writes of the fns before it, like serial
  // transactions, but a read() snapshot taken inside fn may not (they are
  // not committed yet): read through the Transaction you are given.
  template <class F>
  auto transact(F&& fn) -> std::invoke_result_t<F&, Transaction&> {
    using R = std::invoke_result_t<F&, Transaction&>;
    const metrics::Timer timer(transaction_seconds(true));
    if constexpr (std::is_void_v<R>) {
      write_in_group([&fn](Transaction& tx) { fn(tx); });
    } else {
      std::optional<R> result;
      write_in_group([&fn, &result](Transaction& tx) { result.emplace(fn(tx)); });
      return std::move(*result);
    }
  }

  // Same over a read snapshot.
  template <class F>
  auto snapshot(F&& fn) -> std::invoke_result_t<F&, Transaction&> {
    const metrics::Timer timer(transaction_seconds(false));
    return run(read(), fn);
  }

  // hotline_store_transaction_seconds{kind="write"|"read"}: how long
  // transact() (waiting for the writer included) and snapshot() take, in
  // this process (docs/operations.md, "Metrics").
  static metrics::Histogram& transaction_seconds(bool write);

 protected:
  using WriteFn = std::function<void(Transaction&)>;
  // transact()'s engine. The default gives fn a write transaction of its own.
  virtual void write_in_group(const WriteFn& fn) { run(write(), fn); }

 private:
  template <class F>
  static auto run(std::unique_ptr<Transaction> tx, F& fn)
      -> std::invoke_result_t<F&, Transaction&> {
    using R = std::invoke_result_t<F&, Transaction&>;
    if constexpr (std::is_void_v<R>) {
      fn(*tx);
      tx->commit();
    } else {
      R result = fn(*tx);
      tx->commit();
      return result;
    }
  }
};

}  // namespace hotline::store
