// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/envelope_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void envelope_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

std::int64_t insert_envelope(Conn& c, LogFrontier& frontier, const EnvelopeRecord& e) {
  envelope_not_yet("insert_envelope");
}

std::optional<EnvelopeRecord> find_envelope(Conn& c, std::string_view id) {
  envelope_not_yet("find_envelope");
}

std::optional<EnvelopeRecord> find_envelope_by_seq(Conn& c, std::string_view link,
                                                   Direction direction, std::int64_t seq) {
  envelope_not_yet("find_envelope_by_seq");
}

std::int64_t last_seq(Conn& c, std::string_view link, Direction direction) {
  envelope_not_yet("last_seq");
}

ChainHead chain_head(Conn& c, std::string_view link, Direction direction) {
  envelope_not_yet("chain_head");
}

std::vector<EnvelopeRecord> list_envelopes(Conn& c, std::string_view link, Direction direction,
                                           std::int64_t after_seq, std::int64_t limit) {
  envelope_not_yet("list_envelopes");
}

std::int64_t count_envelopes(Conn& c) {
  envelope_not_yet("count_envelopes");
}

void enqueue_outbox(Conn& c, const OutboxItem& item) {
  envelope_not_yet("enqueue_outbox");
}

std::vector<OutboxItem> pending_outbox(Conn& c, std::string_view link, std::int64_t limit,
                                       std::int64_t after_seq) {
  envelope_not_yet("pending_outbox");
}

bool remove_outbox(Conn& c, std::string_view link, std::int64_t seq) {
  envelope_not_yet("remove_outbox");
}

bool note_outbox_attempt(Conn& c, std::string_view link, std::int64_t seq,
                         std::string_view next_attempt_at) {
  envelope_not_yet("note_outbox_attempt");
}

std::int64_t outbox_length(Conn& c, std::string_view link) {
  envelope_not_yet("outbox_length");
}

std::int64_t insert_receipt(Conn& c, LogFrontier& frontier, const ReceiptRecord& r) {
  envelope_not_yet("insert_receipt");
}

std::optional<ReceiptRecord> find_receipt(Conn& c, std::string_view link, Direction direction,
                                          std::int64_t seq) {
  envelope_not_yet("find_receipt");
}

}  // namespace hotline::store::postgres
