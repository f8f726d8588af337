// SQL for the link's own tables (peers, link_state, events, desk_messages,
// agreements), as free functions over a connection. PostgresTransaction checks
// that the transaction is open (and writable) and then calls these.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

void insert_peer(Conn& c, const PeerRecord& p);
std::vector<PeerRecord> list_peers(Conn& c);
std::optional<PeerRecord> find_peer(Conn& c, std::string_view name);
std::optional<PeerRecord> find_peer_by_key(Conn& c, std::string_view key);
void put_link_state(Conn& c, const LinkStateRecord& s);
std::optional<LinkStateRecord> find_link_state(Conn& c, std::string_view link);
std::int64_t append_event(Conn& c, const EventRecord& e);
// The same with the id given: the next one, which the caller knows because
// it holds the writers' lock (postgres_transaction.h, WriteCache). A
// deferred write (Conn::write); the identity's sequence is moved on with it,
// so that append_event() never hands out an id taken this way.
void append_event_with_id(Conn& c, std::int64_t id, const EventRecord& e);
std::vector<EventRecord> list_events(Conn& c, std::int64_t after_id, std::int64_t limit);
std::int64_t last_event_id(Conn& c);
std::int64_t prune_events(Conn& c, std::string_view before, std::int64_t limit);
void insert_desk_message(Conn& c, const DeskMessageRecord& m);
std::vector<DeskMessageRecord> list_desk_messages(Conn& c, std::string_view link,
                                                  std::int64_t limit);
void put_agreement(Conn& c, const AgreementRecord& a);
std::optional<AgreementRecord> find_agreement(Conn& c, std::string_view digest);
std::vector<AgreementRecord> list_agreements(Conn& c, std::string_view link);
std::optional<std::string> accepted_agreement_digest(Conn& c, std::string_view link);

}  // namespace hotline::store::postgres
