// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/link_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void link_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

const char* const kLinkSchema = "";

void insert_peer(Conn& c, const PeerRecord& p) {
  link_not_yet("insert_peer");
}

std::vector<PeerRecord> list_peers(Conn& c) {
  link_not_yet("list_peers");
}

std::optional<PeerRecord> find_peer(Conn& c, std::string_view name) {
  link_not_yet("find_peer");
}

std::optional<PeerRecord> find_peer_by_key(Conn& c, std::string_view key) {
  link_not_yet("find_peer_by_key");
}

void put_link_state(Conn& c, const LinkStateRecord& s) {
  link_not_yet("put_link_state");
}

std::optional<LinkStateRecord> find_link_state(Conn& c, std::string_view link) {
  link_not_yet("find_link_state");
}

std::int64_t append_event(Conn& c, const EventRecord& e) {
  link_not_yet("append_event");
}

std::vector<EventRecord> list_events(Conn& c, std::int64_t after_id, std::int64_t limit) {
  link_not_yet("list_events");
}

std::int64_t last_event_id(Conn& c) {
  link_not_yet("last_event_id");
}

std::int64_t prune_events(Conn& c, std::string_view before, std::int64_t limit) {
  link_not_yet("prune_events");
}

void insert_desk_message(Conn& c, const DeskMessageRecord& m) {
  link_not_yet("insert_desk_message");
}

std::vector<DeskMessageRecord> list_desk_messages(Conn& c, std::string_view link,
                                                  std::int64_t limit) {
  link_not_yet("list_desk_messages");
}

void put_agreement(Conn& c, const AgreementRecord& a) {
  link_not_yet("put_agreement");
}

std::optional<AgreementRecord> find_agreement(Conn& c, std::string_view digest) {
  link_not_yet("find_agreement");
}

std::vector<AgreementRecord> list_agreements(Conn& c, std::string_view link) {
  link_not_yet("list_agreements");
}

std::optional<std::string> accepted_agreement_digest(Conn& c, std::string_view link) {
  link_not_yet("accepted_agreement_digest");
}

}  // namespace hotline::store::postgres
