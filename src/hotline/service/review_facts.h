// What the review report (review/report.h) is made from, read from a node's
// store for one link: the accepted agreements with their entry into force,
// the cut this node can vouch for, the time zones, and the facts of every
// alert, request and case (review/facts.h). Shared support
// (docs/architecture.md, "Inside service/"): review_service makes, verifies
// and explains reports with it; a round's agenda starts from its body.
//
// Everything here is what both nodes hold alike: the signed envelopes (their
// sent_at and seq), the signed receipts (received_at) and the agreements both
// signed; the parties are named "a" and "b" as in the agreement, never
// ours/theirs, so both nodes produce equal facts. Kinds "dispute" and
// "round" are not read here (disputes come from dispute_facts.h).
//
// Thread-safety: free functions over the caller's transaction (used on its
// thread); the time-zone database version is read once per process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hotline/model/agreement.h"
#include "hotline/review/facts.h"
#include "hotline/review/report.h"
#include "hotline/service/item_facts.h"
#include "hotline/store/store.h"

namespace hotline::service {

// The link's accepted (or superseded) agreements, ascending amendment, each
// in force from its acceptance envelope's signed sent_at. Throws
// agreement_missing when the link has none.
std::vector<review::AgreementInForce> agreements_in_force(store::Transaction& tx,
                                                          const std::string& link);

// Our letter in the agreement: "a" when our key is its a.public_key.
// Throws agreement_invalid when the agreement names neither.
review::Party our_party(const model::Agreement& agreement, const std::string& our_key);

// The cut this node can vouch for now: in our outbound direction the last
// seq up to which the peer has receipted every envelope (so the peer holds
// them all and we hold their receipt times); inbound, the last seq stored.
review::Cut held_cut(store::Transaction& tx, const std::string& link, review::Party ours);

// The report's context for [from, to) at `cut`: agreements, their parties'
// zones (loaded from the system's database) and its version.
review::ReviewContext review_context(store::Transaction& tx, const std::string& link,
                                     review::Millis from, review::Millis to,
                                     const review::Cut& cut);

// The facts of every alert, request and case (for_each_review_fact,
// review_facts) and the rows they are kept in: service/item_facts.h.

}  // namespace hotline::service
