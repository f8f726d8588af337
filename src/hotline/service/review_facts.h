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
#include <functional>
#include <string>
#include <vector>

#include "hotline/model/agreement.h"
#include "hotline/review/facts.h"
#include "hotline/review/report.h"
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

// Hands every alert and request (to `item`) and then every case (to
// `kase`) of the link to the callbacks, one at a time, facts named by party.
// Reads the compact rows kept beside the items (store's review_facts,
// review/facts_codec.h): one short row per item, no log replayed.
void for_each_review_fact(store::Transaction& tx, const std::string& link, review::Party ours,
                          const std::function<void(const review::ItemFacts&)>& item,
                          const std::function<void(const review::CaseFacts&)>& kase);

// The same facts computed from the items' logs, envelopes and receipts (the
// slow way, ~70 us an item: what the rows are made from, and what tests
// compare them with).
void for_each_review_fact_from_logs(store::Transaction& tx, const std::string& link,
                                    review::Party ours,
                                    const std::function<void(const review::ItemFacts&)>& item,
                                    const std::function<void(const review::CaseFacts&)>& kase);

// Both, collected and sorted by id (for tests and small links).
struct ReviewFacts {
  std::vector<review::ItemFacts> items;
  std::vector<review::CaseFacts> cases;
  bool operator==(const ReviewFacts&) const = default;
};
ReviewFacts review_facts(store::Transaction& tx, const std::string& link, review::Party ours);
ReviewFacts review_facts_from_logs(store::Transaction& tx, const std::string& link,
                                   review::Party ours);

// Every change of an alert, request or case goes through here: the item's
// record and its review facts row in the caller's transaction, so they
// never disagree (any other kind: the record only). The envelopes the
// item's log names must be stored first.
void put_item_and_review_facts(store::Transaction& tx, const store::ItemRecord& rec);

// Gives every alert, request and case that has no facts row yet (a store
// from before migration 14) its row, once: the node runs it when it opens
// (service/node_dir.h); a store that was filled says so in a setting and
// costs one read.
void fill_review_facts(store::Store& store);

}  // namespace hotline::service
