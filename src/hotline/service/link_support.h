// Shared support for the use cases of a link (docs/architecture.md, "Inside
// service/"): the link protocol's envelope type names, a peer and its link
// context, the agreement in force, and the node's event log. Use cases
// include this header; it includes no use case.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hotline/common/time.h"
#include "hotline/link/link_context.h"
#include "hotline/model/agreement.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

// Envelope types of the link protocol (docs/protocol.md §5). Items' and tree
// heads' types are with their use cases (desk_service.h, ledger_service.h).
inline constexpr const char* kDeskMessage = "desk.message";
inline constexpr const char* kHeartbeat = "link.heartbeat";
inline constexpr const char* kAgreementPropose = "agreement.propose";
inline constexpr const char* kAgreementAccept = "agreement.accept";

// A peer's link listener, from its URL https://HOST:PORT (a trailing '/' and
// an IPv6 literal in brackets allowed). Anything else: Error peer_invalid.
struct PeerAddress {
  std::string host;
  std::uint16_t port = 0;
};
PeerAddress parse_peer_url(const std::string& url);

// The peer named `name`, or Error peer_unknown listing the known names.
store::PeerRecord find_peer(store::Store& store, const std::string& name);
store::PeerRecord find_peer(store::Transaction& tx, const std::string& name);
// The link's context: the link id as stored, the peer's newest key, and
// both key histories (the process's shared rings below).
link::LinkContext link_context(const Node& node, const store::PeerRecord& peer);

// Key histories (link/key_history.h), kept as the settings "keys.self" and
// "keys.peer.<link>". A node or peer that never rotated has none stored: its
// history is then its one key (ours: `current`; the peer's: the key pinned
// by `hotline peer add`).
link::KeyHistory self_key_history(store::Transaction& tx, const crypto::PublicKey& current);
link::KeyHistory peer_key_history(store::Transaction& tx, const store::PeerRecord& peer);
void put_self_key_history(store::Transaction& tx, const link::KeyHistory& h);
void put_peer_key_history(store::Transaction& tx, const std::string& link,
                          const link::KeyHistory& h);
// The peer whose pinned key, or any key of its history, is `encoded`.
std::optional<store::PeerRecord> find_peer_by_any_key(store::Transaction& tx,
                                                      const std::string& encoded);

// The process's copies of the histories, one ring per node directory and
// link, shared by the link's threads so that a batch needs no query for its
// keys. Made (read from the store) on first use; reload_key_rings() reads
// them all again (the monitor, every tick: another process may have
// re-pinned a peer), and set_*_key_ring() replaces one after a change made
// here. Thread-safe.
std::shared_ptr<link::KeyRing> self_key_ring(const Node& node);
std::shared_ptr<link::KeyRing> peer_key_ring(const Node& node, const store::PeerRecord& peer);
void reload_key_rings(const Node& node);

// The agreement in force, parsed; nullopt before one is accepted.
std::optional<model::Agreement> agreement_in_force(store::Transaction& tx, const std::string& link);

// A stored agreement, parsed. Documents never change once signed, so the
// parsed form is kept (by digest, checked against the text) for the next
// caller: every request and every deadline reads the agreement. Thread-safe.
model::Agreement parse_agreement(const store::AgreementRecord& record);
// The agreement parse_agreement() last parsed under `digest`, without
// reading its document again; null when it has not (or no longer) kept it.
std::shared_ptr<const model::Agreement> parsed_agreement(const std::string& digest);

// Records an event (and returns its id).
std::int64_t record_event(store::Transaction& tx, TimePoint now, const std::string& kind,
                          const std::string& link, const std::string& detail);

// How long events are kept, in days: the setting events.max_age_days (set by
// the office; 90 when unset or not a number; from 1 to 36500).
inline constexpr const char* kEventsMaxAgeSetting = "events.max_age_days";
inline constexpr std::int64_t kDefaultEventsMaxAgeDays = 90;
std::int64_t events_max_age_days(store::Transaction& tx);

// Deletes up to `limit` events older than events_max_age_days() before
// `now` (the oldest first); returns how many went.
std::int64_t prune_old_events(store::Transaction& tx, TimePoint now, std::size_t limit);

}  // namespace hotline::service
