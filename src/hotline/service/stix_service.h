// STIX 2.1 export of a case (interop/stix.h, docs/interop.md): the case as
// this node holds it, read as show_item reads it (the reader's need to know
// for a TLP:RED case, the read recorded in the audit trail), with this
// node's and the peer's identities (named by their key fingerprints).
// Reads only: one store transaction, no network. Thread-safe as the store.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/interop/stix_import.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {

// The STIX 2.1 bundle of case `case_id` (a full id). Error not_found when
// there is no such case; `reader` and `audit` as for show_item.
nlohmann::json export_case_stix(Node& node, const std::string& case_id, TimePoint now,
                                const AuditContext* audit = nullptr,
                                const std::string* reader = nullptr);

inline constexpr std::size_t kMaxStixActionBytes = 256 * 1024;

struct StixImported {
  ItemView item;            // the case after the import
  std::size_t objects = 0;  // in the bundle
  std::size_t added = 0;    // indicators new to the case
  std::size_t updated = 0;  // indicators the case had (add_indicator updates them)
  std::size_t sightings = 0;
  std::size_t envelopes = 0;                    // shared actions sent to the peer
  std::map<std::string, std::size_t> unmapped;  // STIX type -> objects kept as they are
  std::string attachment;                       // "stix-unmapped-<bundle id>.json", or empty
  std::vector<std::string> warnings;
};

// Imports the STIX 2.1 bundle read from `in` (interop/stix_import.h, one
// pass) into case `case_id` (a full id): every mapped indicator added (or
// updated), every sighting, and the unmapped objects as one attachment
// "stix-unmapped-<bundle id>.json", in ONE store transaction
// (act_case_batch): add_indicators and add_sightings actions of at most
// model::kMaxBatch entries and kMaxStixActionBytes of them each (one
// envelope each to the case's peer, well within the smallest body limit a
// peer may set, 1 MiB), then add_attachment. An invalid bundle is
// refused whole (stix_invalid, stix_pattern_invalid, stix_too_large) and
// nothing is stored. `progress` as StixImportOptions's.
StixImported import_case_stix(Node& node, const std::string& case_id, std::istream& in,
                              const std::string& by, TimePoint now,
                              const AuditContext* audit = nullptr,
                              const interop::StixImportOptions& options = {});

// The same into a new case opened with `peer` (title `title`, TLP:AMBER),
// opened only once the bundle is read and valid.
StixImported import_new_case_stix(Node& node, const std::string& peer, const std::string& title,
                                  std::istream& in, const std::string& by, TimePoint now,
                                  const AuditContext* audit = nullptr,
                                  const interop::StixImportOptions& options = {});

}  // namespace hotline::service
