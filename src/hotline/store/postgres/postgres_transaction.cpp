#include "hotline/store/postgres/postgres_transaction.h"

#include <limits>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/store/postgres/audit_tables.h"
#include "hotline/store/postgres/copy_tables.h"
#include "hotline/store/postgres/envelope_tables.h"
#include "hotline/store/postgres/item_tables.h"
#include "hotline/store/postgres/link_tables.h"
#include "hotline/store/postgres/metric_tables.h"
#include "hotline/store/postgres/review_tables.h"
#include "hotline/store/postgres/schema.h"
#include "hotline/store/postgres/user_tables.h"
#include "hotline/store/sealed_secrets.h"

namespace hotline::store::postgres {
namespace {

constexpr std::size_t kMaxInserted = 256;

std::int64_t clamp(std::size_t limit) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(limit > max ? max : limit);
}

}  // namespace

const char* const kSettingsSchema = R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

PostgresTransaction::PostgresTransaction(Conn& conn, Kind kind, const crypto::SecretKey* secret_key,
                                         std::function<void(bool commit)> on_end,
                                         WriteCache* shared)
    : conn_(conn),
      kind_(kind),
      secret_key_(secret_key),
      on_end_(std::move(on_end)),
      cache_(shared != nullptr ? *shared : own_cache_) {}

PostgresTransaction::~PostgresTransaction() {
  if (!open_) return;
  open_ = false;
  if (on_end_) on_end_(false);  // a group member's savepoint is the group's to undo
}

void PostgresTransaction::commit() {
  open_conn();
  open_ = false;
  if (on_end_) on_end_(true);  // throws when the COMMIT fails: then nothing was saved
}

Conn& PostgresTransaction::open_conn() {
  if (!open_) {
    throw Error(ErrorCategory::internal, "store_transaction_closed",
                "Internal error: a store transaction was used after commit(). Report this.");
  }
  // After an error PostgreSQL refuses every statement of the transaction
  // until it is rolled back: say so plainly instead.
  if (conn_.failed()) throw spoiled_transaction(conn_);
  return conn_;
}

Conn& PostgresTransaction::writable_conn() {
  Conn& c = open_conn();
  if (kind_ == Kind::read) {
    throw Error(ErrorCategory::internal, "store_read_only",
                "Internal error: a write was attempted in a read-only store transaction. "
                "Report this.");
  }
  return c;
}

std::optional<std::string> PostgresTransaction::get_setting(std::string_view key) {
  auto r = open_conn().exec("reading a setting", "SELECT value FROM settings WHERE key = $1", key);
  if (r.empty()) return std::nullopt;
  if (is_secret_setting(key)) return unsealed(secret_key_, text(r[0], 0));
  return text(r[0], 0);
}

void PostgresTransaction::put_setting(std::string_view key, std::string_view value) {
  const std::string stored = is_secret_setting(key)
                                 ? sealed(secret_key_, std::string(value)).value_or("")
                                 : std::string(value);
  writable_conn().write("saving a setting",
                        "INSERT INTO settings (key, value) VALUES ($1, $2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        key, stored);
}

std::vector<std::pair<std::string, std::string>> PostgresTransaction::list_settings() {
  auto settings = postgres::list_settings(open_conn());
  for (auto& [key, value] : settings) {
    if (is_secret_setting(key)) value = unsealed(secret_key_, value).value_or("");
  }
  return settings;
}

void PostgresTransaction::import_event(const EventRecord& event) {
  Conn& c = writable_conn();
  cache_.last_event_id = -1;  // an id of its own: ask again
  postgres::import_event(c, event);
}

void PostgresTransaction::import_escalation(const EscalationRecord& escalation) {
  postgres::import_escalation(writable_conn(), escalation);
}

std::vector<SessionRecord> PostgresTransaction::list_sessions() {
  return postgres::list_sessions(open_conn());
}

std::int64_t PostgresTransaction::insert_envelope(const EnvelopeRecord& envelope) {
  Conn& c = writable_conn();
  const WriteCache::KnownHead* head = cache_.known_head(envelope.link, envelope.direction);
  bool known_new = head != nullptr && envelope.seq > head->head.seq;
  for (const auto& i : inserted_) known_new = known_new && i.envelope.id != envelope.id;
  const std::int64_t index = postgres::insert_envelope(c, cache_.frontier, envelope, known_new);
  if (inserted_.size() >= kMaxInserted) inserted_.pop_front();
  inserted_.push_back(Inserted{envelope, false});
  if (WriteCache::KnownHead* k = cache_.known_head(envelope.link, envelope.direction);
      k && envelope.seq > k->head.seq) {
    k->head = ChainHead{envelope.seq, envelope.digest};
  }
  return index;
}

std::int64_t PostgresTransaction::insert_receipt(const ReceiptRecord& receipt) {
  Conn& c = writable_conn();
  const Inserted* mine = inserted(receipt.link, receipt.direction, receipt.seq);
  const std::int64_t index =
      postgres::insert_receipt(c, cache_.frontier, receipt, mine && !mine->receipted);
  for (auto& i : inserted_) {
    const EnvelopeRecord& e = i.envelope;
    if (e.seq == receipt.seq && e.direction == receipt.direction && e.link == receipt.link) {
      i.receipted = true;
    }
  }
  return index;
}

const PostgresTransaction::Inserted* PostgresTransaction::inserted(std::string_view link,
                                                                   Direction direction,
                                                                   std::int64_t seq) const {
  for (const auto& i : inserted_) {
    const EnvelopeRecord& e = i.envelope;
    if (e.seq == seq && e.direction == direction && e.link == link) return &i;
  }
  return nullptr;
}

void PostgresTransaction::insert_user(const UserRecord& user) {
  postgres::insert_user(writable_conn(), with_secrets_sealed(secret_key_, user));
}

bool PostgresTransaction::put_user(const UserRecord& user) {
  return postgres::put_user(writable_conn(), with_secrets_sealed(secret_key_, user));
}

std::optional<UserRecord> PostgresTransaction::find_user(std::string_view name) {
  auto u = postgres::find_user(open_conn(), name);
  if (u) *u = with_secrets_unsealed(secret_key_, std::move(*u));
  return u;
}

std::vector<UserRecord> PostgresTransaction::list_users() {
  auto users = postgres::list_users(open_conn());
  for (auto& u : users) u = with_secrets_unsealed(secret_key_, std::move(u));
  return users;
}

std::optional<EnvelopeRecord> PostgresTransaction::find_envelope(std::string_view id) {
  Conn& c = open_conn();
  for (const auto& i : inserted_) {
    if (i.envelope.id == id) return i.envelope;
  }
  return postgres::find_envelope(c, id);
}

std::optional<EnvelopeRecord> PostgresTransaction::find_envelope_by_seq(std::string_view link,
                                                                        Direction direction,
                                                                        std::int64_t seq) {
  Conn& c = open_conn();
  if (const Inserted* i = inserted(link, direction, seq)) return i->envelope;
  return postgres::find_envelope_by_seq(c, link, direction, seq);
}

std::int64_t PostgresTransaction::last_seq(std::string_view link, Direction direction) {
  return postgres::last_seq(open_conn(), link, direction);
}

ChainHead PostgresTransaction::chain_head(std::string_view link, Direction direction) {
  Conn& c = open_conn();
  if (kind_ == Kind::read) return postgres::chain_head(c, link, direction);
  if (const WriteCache::KnownHead* k = cache_.known_head(link, direction)) return k->head;
  ChainHead head = postgres::chain_head(c, link, direction);
  cache_.heads.push_back(WriteCache::KnownHead{std::string(link), direction, head});
  return head;
}

std::vector<EnvelopeRecord> PostgresTransaction::list_envelopes(std::string_view link,
                                                                Direction direction,
                                                                std::int64_t after_seq,
                                                                std::size_t limit) {
  return postgres::list_envelopes(open_conn(), link, direction, after_seq, clamp(limit));
}

std::int64_t PostgresTransaction::count_envelopes() {
  return postgres::count_envelopes(open_conn());
}

void PostgresTransaction::enqueue_outbox(const OutboxItem& item) {
  postgres::enqueue_outbox(writable_conn(), item);
}

std::vector<OutboxItem> PostgresTransaction::pending_outbox(std::string_view link,
                                                            std::size_t limit,
                                                            std::int64_t after_seq) {
  return postgres::pending_outbox(open_conn(), link, clamp(limit), after_seq);
}

bool PostgresTransaction::remove_outbox(std::string_view link, std::int64_t seq) {
  return postgres::remove_outbox(writable_conn(), link, seq);
}

bool PostgresTransaction::note_outbox_attempt(std::string_view link, std::int64_t seq,
                                              std::string_view next_attempt_at) {
  return postgres::note_outbox_attempt(writable_conn(), link, seq, next_attempt_at);
}

std::int64_t PostgresTransaction::outbox_length(std::string_view link) {
  return postgres::outbox_length(open_conn(), link);
}

MetricCounts PostgresTransaction::metric_counts() {
  return postgres::metric_counts(open_conn());
}

std::optional<ReceiptRecord> PostgresTransaction::find_receipt(std::string_view link,
                                                               Direction direction,
                                                               std::int64_t seq) {
  Conn& c = open_conn();
  if (const Inserted* i = inserted(link, direction, seq); i && !i->receipted) return std::nullopt;
  return postgres::find_receipt(c, link, direction, seq);
}

void PostgresTransaction::insert_peer(const PeerRecord& peer) {
  postgres::insert_peer(writable_conn(), peer);
}

std::vector<PeerRecord> PostgresTransaction::list_peers() {
  return postgres::list_peers(open_conn());
}

std::optional<PeerRecord> PostgresTransaction::find_peer(std::string_view name) {
  return postgres::find_peer(open_conn(), name);
}

std::optional<PeerRecord> PostgresTransaction::find_peer_by_key(std::string_view public_key) {
  return postgres::find_peer_by_key(open_conn(), public_key);
}

void PostgresTransaction::put_link_state(const LinkStateRecord& state) {
  postgres::put_link_state(writable_conn(), state);
}

std::optional<LinkStateRecord> PostgresTransaction::find_link_state(std::string_view link) {
  return postgres::find_link_state(open_conn(), link);
}

std::int64_t PostgresTransaction::append_event(const EventRecord& event) {
  Conn& c = writable_conn();
  if (c.deferring() && cache_.last_event_id >= 0) {
    const std::int64_t id = cache_.last_event_id + 1;
    postgres::append_event_with_id(c, id, event);
    cache_.last_event_id = id;
    return id;
  }
  const std::int64_t id = postgres::append_event(c, event);
  if (cache_.last_event_id >= 0) cache_.last_event_id = id;
  return id;
}

std::vector<EventRecord> PostgresTransaction::list_events(std::int64_t after_id,
                                                          std::size_t limit) {
  return postgres::list_events(open_conn(), after_id, clamp(limit));
}

std::int64_t PostgresTransaction::last_event_id() {
  return postgres::last_event_id(open_conn());
}

std::int64_t PostgresTransaction::prune_events(std::string_view before, std::size_t limit) {
  return postgres::prune_events(writable_conn(), before, clamp(limit));
}

void PostgresTransaction::insert_desk_message(const DeskMessageRecord& message) {
  postgres::insert_desk_message(writable_conn(), message);
}

std::vector<DeskMessageRecord> PostgresTransaction::list_desk_messages(std::string_view link,
                                                                       std::size_t limit) {
  return postgres::list_desk_messages(open_conn(), link, clamp(limit));
}

void PostgresTransaction::put_agreement(const AgreementRecord& agreement) {
  postgres::put_agreement(writable_conn(), agreement);
}

std::optional<AgreementRecord> PostgresTransaction::find_agreement(std::string_view digest) {
  return postgres::find_agreement(open_conn(), digest);
}

std::vector<AgreementRecord> PostgresTransaction::list_agreements(std::string_view link) {
  return postgres::list_agreements(open_conn(), link);
}

std::optional<std::string> PostgresTransaction::accepted_agreement_digest(std::string_view link) {
  return postgres::accepted_agreement_digest(open_conn(), link);
}

std::int64_t PostgresTransaction::ledger_size() {
  return postgres::ledger_size(open_conn());
}

std::vector<LedgerLeafRecord> PostgresTransaction::list_ledger_leaves(std::int64_t from,
                                                                      std::size_t limit) {
  return postgres::list_ledger_leaves(open_conn(), from, clamp(limit));
}

std::optional<std::string> PostgresTransaction::ledger_node(int level, std::int64_t index) {
  return postgres::ledger_node(open_conn(), level, index);
}

void PostgresTransaction::insert_tree_head(const TreeHeadRecord& head) {
  postgres::insert_tree_head(writable_conn(), head);
}

void PostgresTransaction::set_tree_head_status(std::string_view link, std::int64_t size,
                                               std::string_view status) {
  postgres::set_tree_head_status(writable_conn(), link, size, status);
}

std::vector<TreeHeadRecord> PostgresTransaction::list_tree_heads(std::string_view link) {
  return postgres::list_tree_heads(open_conn(), link);
}

void PostgresTransaction::put_item(const ItemRecord& item) {
  postgres::put_item(writable_conn(), item);
}

std::optional<ItemRecord> PostgresTransaction::find_item(std::string_view id) {
  return postgres::find_item(open_conn(), id);
}

std::vector<ItemRecord> PostgresTransaction::list_items(std::string_view kind,
                                                        std::string_view link, std::size_t limit) {
  return postgres::list_items(open_conn(), kind, link, clamp(limit));
}

std::vector<ItemRecord> PostgresTransaction::list_item_summaries(std::string_view kind,
                                                                 std::string_view link,
                                                                 std::size_t limit) {
  return postgres::list_item_summaries(open_conn(), kind, link, clamp(limit));
}

std::vector<ItemRecord> PostgresTransaction::find_item_summaries(const ItemQuery& query) {
  return postgres::find_item_summaries(open_conn(), query);
}

void PostgresTransaction::insert_translation(const TranslationRecord& translation) {
  postgres::insert_translation(writable_conn(), translation);
}

std::vector<TranslationRecord> PostgresTransaction::list_translations(std::string_view item_id) {
  return postgres::list_translations(open_conn(), item_id);
}

std::optional<TranslationRecord> PostgresTransaction::find_translation(std::string_view id) {
  return postgres::find_translation(open_conn(), id);
}

bool PostgresTransaction::delete_translation(std::string_view id) {
  return postgres::delete_translation(writable_conn(), id);
}

std::int64_t PostgresTransaction::insert_escalation(const EscalationRecord& escalation) {
  return postgres::insert_escalation(writable_conn(), escalation);
}

std::vector<EscalationRecord> PostgresTransaction::list_escalations(std::int64_t after_id,
                                                                    std::size_t limit) {
  return postgres::list_escalations(open_conn(), after_id, clamp(limit));
}

std::vector<EscalationRecord> PostgresTransaction::recent_escalations(std::size_t offset,
                                                                      std::size_t limit) {
  return postgres::recent_escalations(open_conn(), clamp(offset), clamp(limit));
}

std::int64_t PostgresTransaction::count_escalations() {
  return postgres::count_escalations(open_conn());
}

std::vector<EscalationRecord> PostgresTransaction::pending_escalations(std::size_t limit) {
  return postgres::pending_escalations(open_conn(), clamp(limit));
}

void PostgresTransaction::update_escalation_delivery(const EscalationRecord& escalation) {
  postgres::update_escalation_delivery(writable_conn(), escalation);
}

bool PostgresTransaction::insert_escalation_mail(const EscalationMailRecord& mail) {
  return postgres::insert_escalation_mail(writable_conn(), mail);
}

std::vector<EscalationMailRecord> PostgresTransaction::pending_escalation_mails(std::size_t limit) {
  return postgres::pending_escalation_mails(open_conn(), clamp(limit));
}

std::vector<EscalationMailRecord> PostgresTransaction::list_escalation_mails(
    std::int64_t escalation_id) {
  return postgres::list_escalation_mails(open_conn(), escalation_id);
}

void PostgresTransaction::update_escalation_mail(const EscalationMailRecord& mail) {
  postgres::update_escalation_mail(writable_conn(), mail);
}

void PostgresTransaction::put_attachment_link(const AttachmentLinkRecord& record) {
  postgres::put_attachment_link(writable_conn(), record);
}

std::optional<AttachmentLinkRecord> PostgresTransaction::find_attachment_link(
    std::string_view sha256, std::string_view link, Direction direction) {
  return postgres::find_attachment_link(open_conn(), sha256, link, direction);
}

std::vector<AttachmentLinkRecord> PostgresTransaction::list_attachment_links(std::string_view state,
                                                                             std::size_t limit) {
  return postgres::list_attachment_links(open_conn(), state, clamp(limit));
}

void PostgresTransaction::insert_api_token(const ApiTokenRecord& token) {
  postgres::insert_api_token(writable_conn(), token);
}

std::optional<ApiTokenRecord> PostgresTransaction::find_api_token_by_hash(
    std::string_view token_hash) {
  return postgres::find_api_token_by_hash(open_conn(), token_hash);
}

std::vector<ApiTokenRecord> PostgresTransaction::list_api_tokens(std::string_view user) {
  return postgres::list_api_tokens(open_conn(), user);
}

bool PostgresTransaction::put_api_token(const ApiTokenRecord& token) {
  return postgres::put_api_token(writable_conn(), token);
}

void PostgresTransaction::insert_session(const SessionRecord& session) {
  postgres::insert_session(writable_conn(), session);
}

std::optional<SessionRecord> PostgresTransaction::find_session(std::string_view id_hash) {
  return postgres::find_session(open_conn(), id_hash);
}

bool PostgresTransaction::touch_session(std::string_view id_hash, std::string_view last_seen_at) {
  return postgres::touch_session(writable_conn(), id_hash, last_seen_at);
}

bool PostgresTransaction::delete_session(std::string_view id_hash) {
  return postgres::delete_session(writable_conn(), id_hash);
}

std::int64_t PostgresTransaction::delete_user_sessions(std::string_view user,
                                                       std::string_view except_id_hash) {
  return postgres::delete_user_sessions(writable_conn(), user, except_id_hash);
}

std::int64_t PostgresTransaction::delete_expired_sessions(std::string_view now) {
  return postgres::delete_expired_sessions(writable_conn(), now);
}

void PostgresTransaction::append_audit(const AuditRecord& record) {
  Conn& c = writable_conn();
  const std::int64_t next =
      cache_.audit_known ? (cache_.last_audit ? cache_.last_audit->seq : 0) + 1 : -1;
  cache_.audit_known = false;  // until this append is done
  if (c.deferring() && record.seq == next) {
    postgres::append_next_audit(c, record);
  } else {
    postgres::append_audit(c, record);
  }
  cache_.last_audit = record;
  cache_.audit_known = true;
}

std::vector<AuditRecord> PostgresTransaction::list_audit(std::int64_t after_seq,
                                                         std::size_t limit) {
  return postgres::list_audit(open_conn(), after_seq, clamp(limit));
}

std::optional<AuditRecord> PostgresTransaction::last_audit() {
  Conn& c = open_conn();
  if (kind_ == Kind::read) return postgres::last_audit(c);
  if (cache_.audit_known) return cache_.last_audit;
  auto last = postgres::last_audit(c);
  cache_.last_audit = last;
  cache_.audit_known = true;
  return last;
}

void PostgresTransaction::put_review(const ReviewRecord& review) {
  postgres::put_review(writable_conn(), review);
}

std::optional<ReviewRecord> PostgresTransaction::find_review(std::string_view id) {
  return postgres::find_review(open_conn(), id);
}

std::vector<ReviewRecord> PostgresTransaction::list_reviews(std::string_view link,
                                                            std::size_t limit) {
  return postgres::list_reviews(open_conn(), link, clamp(limit));
}

void PostgresTransaction::scan_items(std::string_view kind, std::string_view link,
                                     const std::function<void(const ItemRecord&)>& fn) {
  postgres::scan_items(open_conn(), kind, link, fn);
}

void PostgresTransaction::scan_envelope_seqs(
    std::string_view link, Direction direction,
    const std::function<void(std::string_view id, std::int64_t seq)>& fn) {
  postgres::scan_envelope_seqs(open_conn(), link, direction, fn);
}

void PostgresTransaction::scan_receipt_times(
    std::string_view link, Direction direction,
    const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) {
  postgres::scan_receipt_times(open_conn(), link, direction, fn);
}

void PostgresTransaction::put_review_facts(std::string_view item_id, std::string_view link,
                                           std::string_view kind, std::string_view facts) {
  postgres::put_review_facts(writable_conn(), item_id, link, kind, facts);
}

void PostgresTransaction::scan_review_facts(
    std::string_view link, const std::function<void(std::string_view item_id, std::string_view kind,
                                                    std::string_view facts)>& fn) {
  postgres::scan_review_facts(open_conn(), link, fn);
}
void PostgresTransaction::put_case_indicators(std::string_view item_id,
                                              const std::vector<CaseIndicatorRecord>& rows) {
  postgres::put_case_indicators(writable_conn(), item_id, rows);
}

std::vector<CaseIndicatorRecord> PostgresTransaction::find_case_indicators(
    const CaseIndicatorQuery& q) {
  return postgres::find_case_indicators(open_conn(), q);
}

void PostgresTransaction::scan_case_indicators(
    std::string_view item_id, const std::function<void(const CaseIndicatorRecord&)>& fn) {
  postgres::scan_case_indicators(open_conn(), item_id, fn);
}

std::optional<SignInFailureRecord> PostgresTransaction::find_sign_in_failure(
    std::string_view account, std::string_view source) {
  return postgres::find_sign_in_failure(open_conn(), account, source);
}

void PostgresTransaction::put_sign_in_failure(const SignInFailureRecord& record) {
  postgres::put_sign_in_failure(writable_conn(), record);
}

bool PostgresTransaction::delete_sign_in_failure(std::string_view account,
                                                 std::string_view source) {
  return postgres::delete_sign_in_failure(writable_conn(), account, source);
}

std::int64_t PostgresTransaction::prune_sign_in_failures(std::string_view before,
                                                         std::size_t keep) {
  return postgres::prune_sign_in_failures(writable_conn(), before, clamp(keep));
}

std::int64_t PostgresTransaction::count_sign_in_failures() {
  return postgres::count_sign_in_failures(open_conn());
}

}  // namespace hotline::store::postgres
