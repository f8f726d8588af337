// Indicators across cases (issue 21): looking a value up in every case this
// reader may see, and listing the cases' indicators for `hotline match` and
// exports. Reads only, over the store's index (indicator_index.h). Adding
// indicators and sightings is a case action (desk_service.h: act() with
// "add_indicator" / "add_sighting", record_sightings for a batch).
//
// Who sees what: a case's indicators are read by whoever may read the case
// (need_to_know.h: a TLP:RED case only by its author and its list). An
// indicator marked TLP:RED in a case of a lower TLP is the case's content
// for the case's readers; like every TLP:RED content it never goes into
// events, log lines or webhooks.
//
// Thread-safety: free functions over a Store (thread-safe).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/model/case_file.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct IndicatorLookup {
  std::string value;  // as typed: normalized here
  std::string type;   // a kIndicatorTypes token, or "" to guess it from the value
  std::size_t limit = 500;
};

// One indicator of one case that a lookup (or a listing) found.
struct IndicatorHit {
  std::string case_id;
  std::string link;
  std::string case_title;
  std::string case_state;
  std::string case_tlp;  // the case's label ("TLP:AMBER")
  std::string tlp;       // the indicator's own or, without one, the case's
  model::Indicator indicator;
  // How it matched: "exact", "parent_domain" (the value is a subdomain of
  // it), "range" (the address is in it), "host" (the URL's or e-mail
  // address's host matched it); "listed" for list_case_indicators.
  std::string matched;
};
nlohmann::json to_json(const IndicatorHit& hit);

// Every indicator of every case `reader` may read (nullptr: no limit, the
// CLI at the data directory) that the value finds, with
// model::indicator_matches' semantics: the same value; a domain finds its
// parent domains' indicators; an address finds the ranges that hold it.
// A URL or e-mail address also finds its host's (as a domain or address).
// By case id, then the indicator's place in the case. Throws
// indicator_invalid (the type cannot be guessed, or the value is not one).
std::vector<IndicatorHit> find_indicator(store::Store& store, const IndicatorLookup& lookup,
                                         const std::string* reader = nullptr);

// The indicators of one case (`case_id`), or of every case when empty, that
// `reader` may read, of the ten types (kIndicatorTypes: what a matcher can
// look for), by case id then place: what `hotline match` builds its matcher
// from. A case id that is no readable case throws item_unknown.
std::vector<IndicatorHit> list_case_indicators(store::Store& store, const std::string& case_id,
                                               const std::string* reader = nullptr);

}  // namespace hotline::service
