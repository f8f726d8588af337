// The store's index of every case's indicators (Transaction::
// put_case_indicators, the case_indicators table): one row per indicator of
// each case, with its TLP and, for addresses, its span (model::address_span)
// so that "which ranges hold this address" is an index lookup. A support
// header: item_facts.h writes a case's rows with every change of the case,
// in the same transaction; the node fills them once for a store from before
// the table (fill_case_indicators, when it opens).
//
// Thread-safety: free functions over the caller's transaction or store.
#pragma once

#include <string>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

// The rows of a case record (its document's "indicators" and labels); empty
// for other kinds. Legacy types keep no span.
std::vector<store::CaseIndicatorRecord> case_indicator_rows(const store::ItemRecord& rec);

// Replaces the case's rows in `tx` (nothing for other kinds).
void put_case_indicators(store::Transaction& tx, const store::ItemRecord& rec);

// Writes the rows of every case once: a store that was filled says so in a
// setting ("case_indicators.filled") and costs one read.
void fill_case_indicators(store::Store& store);

}  // namespace hotline::service
