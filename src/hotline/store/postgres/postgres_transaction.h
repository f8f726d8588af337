// PostgresTransaction: one Transaction (store.h) on a PostgreSQL
// connection. It checks that it is open (and writable), then calls the
// table groups' SQL (<group>_tables.h); it seals and unseals secrets
// (sealed_secrets.h). It neither begins nor ends the database transaction:
// PostgresStore does (a write, a read, or a member of a group commit).
//
// Ownership and threads: as store.h's Transaction. The Conn is lent by the
// store and must outlive this object; `on_end` is called once, when the
// transaction commits or is destroyed unfinished (not for a group member).
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/crypto/secretbox.h"
#include "hotline/store/postgres/conn.h"
#include "hotline/store/postgres/ledger_tables.h"
#include "hotline/store/store.h"

namespace hotline::store::postgres {

// What a write transaction learns of the database as it writes, so that
// its later statements need not ask again: the Merkle log's right edge
// (log_frontier.h) and the chain heads it was asked for (kept up to date by
// its own insert_envelope(); a producer queueing a hundred envelopes asks
// for the head before each). Valid while the writer lock is held, which no
// other writer (of any process) can take meanwhile. A group commit passes
// one to all its members in turn, restoring it when a member is rolled
// back.
struct WriteCache {
  struct KnownHead {
    std::string link;
    Direction direction;
    ChainHead head;
  };
  LogFrontier frontier;
  std::vector<KnownHead> heads;
  // The newest event id (-1: not known) and the newest audit entry (when
  // audit_known), read as the write began and kept up to date by the
  // transaction's own appends: a member of a group then appends an event
  // with the next id, or an audit entry after the one it read, as a
  // deferred write (conn.h) instead of a round trip.
  std::int64_t last_event_id = -1;
  bool audit_known = false;
  std::optional<AuditRecord> last_audit;
  KnownHead* known_head(std::string_view link, Direction direction) {
    for (auto& k : heads) {
      if (k.direction == direction && k.link == link) return &k;
    }
    return nullptr;
  }
};

class PostgresTransaction final : public Transaction {
 public:
  enum class Kind { write, read, member };
  // on_end(committed): for write and read; the store commits or rolls back
  // the connection's transaction there.
  // `shared`: a group's cache (else the transaction keeps its own).
  PostgresTransaction(Conn& conn, Kind kind, const crypto::SecretKey* secret_key,
                      std::function<void(bool commit)> on_end, WriteCache* shared = nullptr);
  ~PostgresTransaction() override;

  std::optional<std::string> get_setting(std::string_view key) override;
  void put_setting(std::string_view key, std::string_view value) override;

  std::int64_t insert_envelope(const EnvelopeRecord& envelope) override;
  std::optional<EnvelopeRecord> find_envelope(std::string_view id) override;
  std::optional<EnvelopeRecord> find_envelope_by_seq(std::string_view link, Direction direction,
                                                     std::int64_t seq) override;
  std::int64_t last_seq(std::string_view link, Direction direction) override;
  ChainHead chain_head(std::string_view link, Direction direction) override;
  std::vector<EnvelopeRecord> list_envelopes(std::string_view link, Direction direction,
                                             std::int64_t after_seq, std::size_t limit) override;
  std::int64_t count_envelopes() override;

  void enqueue_outbox(const OutboxItem& item) override;
  std::vector<OutboxItem> pending_outbox(std::string_view link, std::size_t limit,
                                         std::int64_t after_seq) override;
  bool remove_outbox(std::string_view link, std::int64_t seq) override;
  bool note_outbox_attempt(std::string_view link, std::int64_t seq,
                           std::string_view next_attempt_at) override;
  std::int64_t outbox_length(std::string_view link) override;
  MetricCounts metric_counts() override;

  std::int64_t insert_receipt(const ReceiptRecord& receipt) override;
  std::optional<ReceiptRecord> find_receipt(std::string_view link, Direction direction,
                                            std::int64_t seq) override;

  void insert_peer(const PeerRecord& peer) override;
  std::vector<PeerRecord> list_peers() override;
  std::optional<PeerRecord> find_peer(std::string_view name) override;
  std::optional<PeerRecord> find_peer_by_key(std::string_view public_key) override;
  void put_link_state(const LinkStateRecord& state) override;
  std::optional<LinkStateRecord> find_link_state(std::string_view link) override;

  std::int64_t append_event(const EventRecord& event) override;
  std::vector<EventRecord> list_events(std::int64_t after_id, std::size_t limit) override;
  std::int64_t last_event_id() override;
  std::int64_t prune_events(std::string_view before, std::size_t limit) override;

  void insert_desk_message(const DeskMessageRecord& message) override;
  std::vector<DeskMessageRecord> list_desk_messages(std::string_view link,
                                                    std::size_t limit) override;

  void put_agreement(const AgreementRecord& agreement) override;
  std::optional<AgreementRecord> find_agreement(std::string_view digest) override;
  std::vector<AgreementRecord> list_agreements(std::string_view link) override;
  std::optional<std::string> accepted_agreement_digest(std::string_view link) override;

  std::int64_t ledger_size() override;
  std::vector<LedgerLeafRecord> list_ledger_leaves(std::int64_t from, std::size_t limit) override;
  std::optional<std::string> ledger_node(int level, std::int64_t index) override;
  void insert_tree_head(const TreeHeadRecord& head) override;
  void set_tree_head_status(std::string_view link, std::int64_t size,
                            std::string_view status) override;
  std::vector<TreeHeadRecord> list_tree_heads(std::string_view link) override;

  void put_item(const ItemRecord& item) override;
  std::optional<ItemRecord> find_item(std::string_view id) override;
  std::vector<ItemRecord> list_items(std::string_view kind, std::string_view link,
                                     std::size_t limit) override;
  std::vector<ItemRecord> list_item_summaries(std::string_view kind, std::string_view link,
                                              std::size_t limit) override;
  std::vector<ItemRecord> find_item_summaries(const ItemQuery& query) override;

  void insert_translation(const TranslationRecord& translation) override;
  std::vector<TranslationRecord> list_translations(std::string_view item_id) override;
  std::optional<TranslationRecord> find_translation(std::string_view id) override;
  bool delete_translation(std::string_view id) override;

  std::int64_t insert_escalation(const EscalationRecord& escalation) override;
  std::vector<EscalationRecord> list_escalations(std::int64_t after_id, std::size_t limit) override;
  std::vector<EscalationRecord> recent_escalations(std::size_t offset, std::size_t limit) override;
  std::int64_t count_escalations() override;
  std::vector<EscalationRecord> pending_escalations(std::size_t limit) override;
  void update_escalation_delivery(const EscalationRecord& escalation) override;
  bool insert_escalation_mail(const EscalationMailRecord& mail) override;
  std::vector<EscalationMailRecord> pending_escalation_mails(std::size_t limit) override;
  std::vector<EscalationMailRecord> list_escalation_mails(std::int64_t escalation_id) override;
  void update_escalation_mail(const EscalationMailRecord& mail) override;

  void put_attachment_link(const AttachmentLinkRecord& record) override;
  std::optional<AttachmentLinkRecord> find_attachment_link(std::string_view sha256,
                                                           std::string_view link,
                                                           Direction direction) override;
  std::vector<AttachmentLinkRecord> list_attachment_links(std::string_view state,
                                                          std::size_t limit) override;

  void insert_user(const UserRecord& user) override;
  bool put_user(const UserRecord& user) override;
  std::optional<UserRecord> find_user(std::string_view name) override;
  std::vector<UserRecord> list_users() override;
  void insert_api_token(const ApiTokenRecord& token) override;
  std::optional<ApiTokenRecord> find_api_token_by_hash(std::string_view token_hash) override;
  std::vector<ApiTokenRecord> list_api_tokens(std::string_view user) override;
  bool put_api_token(const ApiTokenRecord& token) override;
  void insert_session(const SessionRecord& session) override;
  std::optional<SessionRecord> find_session(std::string_view id_hash) override;
  bool touch_session(std::string_view id_hash, std::string_view last_seen_at) override;
  bool delete_session(std::string_view id_hash) override;
  std::int64_t delete_user_sessions(std::string_view user,
                                    std::string_view except_id_hash) override;
  std::int64_t delete_expired_sessions(std::string_view now) override;
  std::optional<SignInFailureRecord> find_sign_in_failure(std::string_view account,
                                                          std::string_view source) override;
  void put_sign_in_failure(const SignInFailureRecord& record) override;
  bool delete_sign_in_failure(std::string_view account, std::string_view source) override;
  std::int64_t prune_sign_in_failures(std::string_view before, std::size_t keep) override;
  std::int64_t count_sign_in_failures() override;

  void append_audit(const AuditRecord& record) override;
  std::vector<AuditRecord> list_audit(std::int64_t after_seq, std::size_t limit) override;
  std::optional<AuditRecord> last_audit() override;

  void put_review(const ReviewRecord& review) override;
  std::optional<ReviewRecord> find_review(std::string_view id) override;
  std::vector<ReviewRecord> list_reviews(std::string_view link, std::size_t limit) override;
  void scan_items(std::string_view kind, std::string_view link,
                  const std::function<void(const ItemRecord&)>& fn) override;
  void scan_envelope_seqs(
      std::string_view link, Direction direction,
      const std::function<void(std::string_view id, std::int64_t seq)>& fn) override;
  void scan_receipt_times(
      std::string_view link, Direction direction,
      const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) override;
  void put_review_facts(std::string_view item_id, std::string_view link, std::string_view kind,
                        std::string_view facts) override;
  void scan_review_facts(std::string_view link,
                         const std::function<void(std::string_view item_id, std::string_view kind,
                                                  std::string_view facts)>& fn) override;

  void put_case_indicators(std::string_view item_id,
                           const std::vector<CaseIndicatorRecord>& rows) override;
  std::vector<CaseIndicatorRecord> find_case_indicators(const CaseIndicatorQuery& q) override;
  void scan_case_indicators(std::string_view item_id,
                            const std::function<void(const CaseIndicatorRecord&)>& fn) override;

  std::vector<std::pair<std::string, std::string>> list_settings() override;
  void import_event(const EventRecord& event) override;
  void import_escalation(const EscalationRecord& escalation) override;
  std::vector<SessionRecord> list_sessions() override;

  void commit() override;

 private:
  // Both return the connection, checked.
  Conn& open_conn();
  Conn& writable_conn();

  // An envelope this transaction stored: what find_envelope() and
  // find_receipt() would read back (a receipt can only follow its envelope,
  // and this one was new), answered without a round trip.
  struct Inserted {
    EnvelopeRecord envelope;
    bool receipted = false;
  };
  const Inserted* inserted(std::string_view link, Direction direction, std::int64_t seq) const;

  Conn& conn_;
  const Kind kind_;
  std::deque<Inserted> inserted_;  // the newest few (kMaxInserted)
  const crypto::SecretKey* secret_key_;
  std::function<void(bool)> on_end_;
  bool open_ = true;
  WriteCache own_cache_;
  WriteCache& cache_;  // own_cache_, or the group's
};

}  // namespace hotline::store::postgres
