// SQL for the link's own tables (peers, link_state, events, desk_messages,
// agreements), as free functions over a connection. SqliteTransaction checks
// that the transaction is open (and writable) and then calls these.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

void insert_peer(Connection& c, const PeerRecord& p);
std::vector<PeerRecord> list_peers(Connection& c);
std::optional<PeerRecord> find_peer(Connection& c, std::string_view name);
std::optional<PeerRecord> find_peer_by_key(Connection& c, std::string_view key);
void put_link_state(Connection& c, const LinkStateRecord& s);
std::optional<LinkStateRecord> find_link_state(Connection& c, std::string_view link);
std::int64_t append_event(Connection& c, const EventRecord& e);
std::vector<EventRecord> list_events(Connection& c, std::int64_t after_id, std::int64_t limit);
std::int64_t last_event_id(Connection& c);
std::int64_t prune_events(Connection& c, std::string_view before, std::int64_t limit);
void insert_desk_message(Connection& c, const DeskMessageRecord& m);
std::vector<DeskMessageRecord> list_desk_messages(Connection& c, std::string_view link,
                                                  std::int64_t limit);
void put_agreement(Connection& c, const AgreementRecord& a);
std::optional<AgreementRecord> find_agreement(Connection& c, std::string_view digest);
std::vector<AgreementRecord> list_agreements(Connection& c, std::string_view link);
std::optional<std::string> accepted_agreement_digest(Connection& c, std::string_view link);
// Its query, answered by the index agreements_in_force alone (migration 9;
// a test checks the plan).
extern const char* const kAgreementInForceSql;

}  // namespace hotline::store::sqlite
