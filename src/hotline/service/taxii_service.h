// TAXII 2.1 publication (use case): which of this node's cases the office
// publishes to its own tools (a TIP, a SIEM) over the read-only TAXII server
// of the operators' listener (api/routes_taxii.cpp), and the STIX objects of
// each collection as one reader may see them. docs/interop.md explains it.
//
// Collections (none until an admin publishes):
//   - one per published peer: every case shared with that peer; its id is a
//     UUID derived from the link id (stable), its alias "peer-<name>";
//   - one per published case: its id is the case id, its alias
//     "case-<last 8 of the id>".
// The publication is kept in the settings table (kTaxiiPublishedSetting,
// {"peers":[names],"cases":[ids]}); every change is in the audit trail
// ("taxii.publish" / "taxii.withdraw", target "peer NAME" or "case ID").
//
// Who sees what: a reader (the user of the API token) sees the collections
// and the objects of the cases they may read through the API
// (need_to_know.h): a TLP:RED case and every object of it only when they
// are its author or on its need-to-know list; a TLP:RED object of another
// case likewise (its author or list). TLP:AMBER+STRICT ("the recipient's
// organisation only") is served to every reader of this node's desk, as the
// API shows it. A case collection the reader may not read is not there
// (taxii_collection_unknown, as for no collection).
//
// Date added: an object's "modified" (else "created") time, which the STIX
// export takes from the case's timeline (when the thing entered the case
// here), never before the case was opened here; a cyber-observable without
// either takes the earliest date added of the objects that refer to it.
// So the same object keeps its date added from one request to the next and
// added_after paging is stable.
//
// Errors: peer_unknown, item_unknown (not a case on this node),
// taxii_collection_unknown (404), taxii_publication_invalid (bad kind).
// Thread-safety: each call runs its own store transactions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {

inline constexpr const char* kTaxiiPublishedSetting = "taxii.published";

struct TaxiiPublication {
  std::vector<std::string> peers;  // peer names, sorted
  std::vector<std::string> cases;  // case ids, sorted
};
TaxiiPublication taxii_publication(store::Store& store);
// Publishes (`published`) or withdraws a peer's collection (kind "peer",
// `name` a peer name) or a case's (kind "case", `name` the full case id).
// Publishing twice or withdrawing what is not published changes nothing.
TaxiiPublication set_taxii_published(store::Store& store, const std::string& kind,
                                     const std::string& name, bool published, TimePoint now,
                                     const AuditContext* audit = nullptr);

struct TaxiiCollection {
  std::string id;  // UUID
  std::string title, description, alias;
  std::string peer;     // the peer's name (both kinds)
  std::string case_id;  // "" for a peer's collection
};
// The published collections `reader` may see, peers' first (by name), then
// cases' (by id).
std::vector<TaxiiCollection> taxii_collections(store::Store& store, const std::string& reader);

struct TaxiiObject {
  nlohmann::json object;   // a STIX 2.1 object
  std::string date_added;  // format_timestamp form
  std::string case_id;     // the case it comes from (the first, for one shared by several)
  std::string tlp;         // that case's label
};
// The STIX objects of collection `id` that `reader` may see (one entry per
// object version, as the cases' exports give them). Throws
// taxii_collection_unknown.
std::vector<TaxiiObject> taxii_objects(Node& node, const std::string& id,
                                       const std::string& reader);

// Records "item.read" (detail "case taxii TLP:…") for each case labelled
// TLP:AMBER or stricter among `served` (what one answer showed), in one
// short write transaction; nothing without a context.
void record_taxii_reads(store::Store& store, const AuditContext* audit,
                        const std::vector<const TaxiiObject*>& served, TimePoint now);

}  // namespace hotline::service
