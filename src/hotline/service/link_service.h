// Use cases of the link: peers, desk messages, heartbeats, the agreement,
// and what an inbound envelope does when it arrives. Each is one store
// transaction over model + store + link; none does network I/O (the delivery
// worker of the running node sends what these queue).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/link/envelope.h"
#include "hotline/link/key_history.h"
#include "hotline/link/link_context.h"
#include "hotline/model/agreement.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/link_support.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

inline constexpr std::size_t kMaxDeskMessageBytes = 16 * 1024;

// The one rule for a desk message's text, applied when we send one and
// again when a peer's arrives: not empty, at most kMaxDeskMessageBytes, and
// no control characters other than line breaks and tabs (nor direction
// overrides or bytes that are not UTF-8; hotline::has_unsafe_text). Throws
// message_empty, message_too_long or message_invalid.
void check_desk_message_text(std::string_view text);

// ---- peers ----------------------------------------------------------------

// Adds a peer: validates the name, the URL (https://HOST:PORT) and the key
// (not our own); refuses a name or key already present (peer_exists).
store::PeerRecord add_peer(Node& node, const std::string& name, const std::string& url,
                           const std::string& public_key, TimePoint now,
                           const AuditContext* audit = nullptr);

struct PeerView {
  store::PeerRecord peer;
  std::string fingerprint;  // of the peer's current key
  // The peer's key history, oldest first (one key until it rotates).
  std::vector<link::KeyRecord> keys;
  store::LinkStateRecord state;
  std::int64_t queue_length = 0;
  std::int64_t last_seq_out = 0;
  std::int64_t last_seq_in = 0;
  std::int64_t last_receipted_out = 0;   // highest outbound seq with a receipt
  std::optional<std::string> agreement;  // "accepted (amendment N)", "proposed by us", …
  // The peer party's office time zone in the agreement in force (IANA
  // name); none without an agreement.
  std::optional<std::string> time_zone;
};
std::vector<PeerView> list_peers(store::Store& store);

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

// After a restore: an envelope this node had sent after its backup, taken
// back from the peer (link/resync.h). A desk message is listed again as
// sent; returns false for any other type (its effect on this node's own
// records, an item's action say, is not applied again: the peer holds it
// and the ledger has it).
bool retake_own_envelope(store::Transaction& tx, const link::LinkContext& ctx,
                         const store::EnvelopeRecord& envelope);

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

// ---- inbound (called by the node's dispatch, node/inbound.h) ---------------

// Each applies an inbound envelope of its type inside the transaction that
// stores it, and throws hotline::Error when the content does not make sense
// (the dispatch records that as an event).
void apply_desk_message(store::Transaction& tx, const link::LinkContext& ctx,
                        const link::Envelope& e, const std::string& received_at);
void apply_heartbeat(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                     const std::string& received_at);
void apply_agreement_propose(store::Transaction& tx, const link::LinkContext& ctx,
                             const link::Envelope& e, const std::string& received_at);
void apply_agreement_accept(store::Transaction& tx, const link::LinkContext& ctx,
                            const link::Envelope& e, const std::string& received_at);

}  // namespace hotline::service
