// Use cases of the link: peers, desk messages, heartbeats, the agreement,
// and what an inbound envelope does when it arrives. Each is one store
// transaction over model + store + link; none does network I/O (the delivery
// worker of the running node sends what these queue).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/model/agreement.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

// Envelope types of the link protocol (docs/protocol.md §5).
inline constexpr const char* kDeskMessage = "desk.message";
inline constexpr const char* kHeartbeat = "link.heartbeat";
inline constexpr const char* kAgreementPropose = "agreement.propose";
inline constexpr const char* kAgreementAccept = "agreement.accept";

inline constexpr std::size_t kMaxDeskMessageBytes = 16 * 1024;

// ---- peers ----------------------------------------------------------------

// A peer's link listener, from its URL https://HOST:PORT (a trailing '/' and
// an IPv6 literal in brackets allowed). Anything else: Error peer_invalid.
struct PeerAddress {
  std::string host;
  std::uint16_t port = 0;
};
PeerAddress parse_peer_url(const std::string& url);

// Adds a peer: validates the name, the URL (https://HOST:PORT) and the key
// (not our own); refuses a name or key already present (peer_exists).
store::PeerRecord add_peer(Node& node, const std::string& name, const std::string& url,
                           const std::string& public_key, TimePoint now,
                           const AuditContext* audit = nullptr);

struct PeerView {
  store::PeerRecord peer;
  std::string fingerprint;
  store::LinkStateRecord state;
  std::int64_t queue_length = 0;
  std::int64_t last_seq_out = 0;
  std::int64_t last_seq_in = 0;
  std::int64_t last_receipted_out = 0;   // highest outbound seq with a receipt
  std::optional<std::string> agreement;  // "accepted (amendment N)", "proposed by us", …
};
std::vector<PeerView> list_peers(store::Store& store);

// The peer named `name`, or Error peer_unknown listing the known names.
store::PeerRecord find_peer(store::Store& store, const std::string& name);
store::PeerRecord find_peer(store::Transaction& tx, const std::string& name);
link::LinkContext link_context(const Node& node, const store::PeerRecord& peer);

// ---- desk messages and heartbeats ------------------------------------------

link::Envelope send_desk_message(Node& node, const std::string& peer, const std::string& text,
                                 TimePoint now, const AuditContext* audit = nullptr);

struct DeskMessageView {
  store::DeskMessageRecord message;
  std::string peer;                         // peer name
  std::optional<std::string> receipted_at;  // outbound: peer's receipt time
};
std::vector<DeskMessageView> list_desk_messages(store::Store& store, const std::string& peer,
                                                std::size_t limit);

link::Envelope send_heartbeat(store::Store& store, const link::LinkContext& ctx, TimePoint now);

// ---- the agreement ---------------------------------------------------------

// The draft this node would propose to `peer`: the current agreement with
// the amendment number raised, or the default one.
model::Agreement draft_agreement(Node& node, const std::string& peer, TimePoint now);

// Signs `doc` and sends it to the peer as a proposal.
store::AgreementRecord propose_agreement(Node& node, const std::string& peer,
                                         const model::Agreement& doc, TimePoint now,
                                         const AuditContext* audit = nullptr);

// Accepts the peer's pending proposal (agreement_none_pending if none).
store::AgreementRecord accept_agreement(Node& node, const std::string& peer, TimePoint now,
                                        const AuditContext* audit = nullptr);

// The agreement in force on a link, and the pending proposal if any.
struct AgreementView {
  std::optional<store::AgreementRecord> current;
  std::optional<store::AgreementRecord> pending;
};
AgreementView agreement_of(store::Store& store, const std::string& link);

// The agreement in force, parsed; nullopt before one is accepted.
std::optional<model::Agreement> agreement_in_force(store::Transaction& tx, const std::string& link);

// A stored agreement, parsed. Documents never change once signed, so the
// parsed form is kept (by digest, checked against the text) for the next
// caller: every request and every deadline reads the agreement.
model::Agreement parse_agreement(const store::AgreementRecord& record);
// The agreement parse_agreement() last parsed under `digest`, without
// reading its document again; null when it has not (or no longer) kept it.
std::shared_ptr<const model::Agreement> parsed_agreement(const std::string& digest);

// ---- inbound ----------------------------------------------------------------

// Applies an inbound envelope's effect inside the transaction that stores
// it. Content that is signed and in sequence but does not make sense (an
// agreement for another link, say) is recorded as an event, never thrown:
// refusing it would stall the link forever.
void apply_inbound(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                   const std::string& received_at);

// Records an event (and returns its id).
std::int64_t record_event(store::Transaction& tx, TimePoint now, const std::string& kind,
                          const std::string& link, const std::string& detail);

}  // namespace hotline::service
