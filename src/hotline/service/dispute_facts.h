// The review's facts of a link's disputes (review/facts.h): every dispute
// item of the link, replayed from its item log (item_replay.h), with its
// acts named by party ("a" and "b" of the agreement, never "ours"/"theirs"),
// and the agreed adjustments of its settled timeliness disputes. Both nodes
// hold the same shared actions, so both compute the same facts.
//
// An act is the envelope that carried the action: its signed sent_at and its
// seq on the acting party's direction of the link (our actions: outbound;
// the peer's: inbound). Void actions (item_replay.h) are no acts.
//
// Support for the review's use cases (docs/architecture.md): reads inside
// the caller's transaction, writes nothing. Thread-safety: that of the
// transaction.
#pragma once

#include <string>
#include <vector>

#include "hotline/review/facts.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct DisputeReview {
  std::vector<review::DisputeFacts> disputes;   // by id
  std::vector<review::Adjustment> adjustments;  // by dispute id
};

// Every dispute item of `link`, parties named as in the agreement (`ours` =
// our party letter). Throws the model's error for a dispute whose log
// cannot be replayed, and "store_missing_reference" if an action's envelope
// is not stored.
DisputeReview dispute_facts(store::Transaction& tx, const std::string& link, review::Party ours);

}  // namespace hotline::service
