// The review's facts of each alert, request and case (review/facts.h) of a
// link, and the compact rows that keep them beside the items (the store's
// review_facts table, review/facts_codec.h). Shared support
// (docs/architecture.md, "Inside service/"): the desk writes the rows with
// every change of an item; the review (review_facts.h) reads them.
//
// The facts are what both nodes hold alike: the signed envelopes (their
// sent_at and seq), the signed receipts (received_at), the item's log in the
// agreed order; the parties are named "a" and "b" as in the agreement. A
// row is computed as if "a" were ours and swapped on reading when we are
// "b", so it does not depend on the agreement.
//
// Thread-safety: free functions over the caller's transaction (used on its
// thread); fill_review_facts opens its own transactions on the store.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hotline/review/facts.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"
#include "hotline/store/store.h"

namespace hotline::service {

// Hands every alert and request (to `item`) and then every case (to
// `kase`) of the link to the callbacks, one at a time, facts named by party.
// Each item's facts are the callback's to keep (moved). Reads the compact
// rows kept beside the items (store's review_facts,
// review/facts_codec.h): one short row per item, no log replayed.
void for_each_review_fact(store::Transaction& tx, const std::string& link, review::Party ours,
                          const std::function<void(review::ItemFacts&&)>& item,
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
// never disagree (any other kind: the record only); for a case also its
// rows in the index of indicators (indicator_index.h). `log` and `voided` are
// the record's own (the log it was made from and its replay's void
// actions), so nothing is parsed again. The envelopes the item's log names
// must be stored first.
void put_item_and_review_facts(store::Transaction& tx, const store::ItemRecord& rec,
                               const ItemLog& log, const std::vector<VoidAction>& voided);

// Gives every alert, request and case that has no facts row yet (a store
// from before migration 14) its row, once: the node runs it when it opens
// (service/node_dir.h); a store that was filled says so in a setting and
// costs one read. Computed over one snapshot, written in transactions of
// 10,000 rows; stopped half-way, the next open goes on where it stopped.
void fill_review_facts(store::Store& store);

}  // namespace hotline::service
