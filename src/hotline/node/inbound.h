// The inbound dispatch table: which use case applies an envelope of each
// type when it arrives from a peer. This is the only place that knows every
// envelope type; the use cases in service/ each apply their own and never
// call each other back.
//
//   desk.message         service::apply_desk_message        (link_service.h)
//   link.heartbeat       service::apply_heartbeat           (link_service.h)
//   agreement.propose    service::apply_agreement_propose   (link_service.h)
//   agreement.accept     service::apply_agreement_accept    (link_service.h)
//   ledger.head          service::apply_tree_head           (ledger_service.h)
//   alert.* request.* case.* dispute.*
//                        service::apply_item_envelope       (desk_service.h)
//
// A new envelope type gets its apply function in its use case and one row
// in the table in inbound.cpp.
#pragma once

#include <string>

#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/store/store.h"

namespace hotline::node {

// Applies an inbound envelope's effect inside the transaction that stores it
// (link::receive_batch's apply callback; any thread holding `tx`). Content
// that is signed and in sequence but does not make sense (an agreement for
// another link, say), and an unknown type, are recorded as events, never
// thrown: refusing them would stall the link forever. A storage failure
// (Error "store_*") is thrown and aborts the batch.
void apply_inbound(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                   const std::string& received_at);

}  // namespace hotline::node
