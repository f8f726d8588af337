// STIX 2.1 export of a case (interop/stix.h, docs/interop.md): the case as
// this node holds it, read as show_item reads it (the reader's need to know
// for a TLP:RED case, the read recorded in the audit trail), with this
// node's and the peer's identities (named by their key fingerprints).
// Reads only: one store transaction, no network. Thread-safe as the store.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {

// The STIX 2.1 bundle of case `case_id` (a full id). Error not_found when
// there is no such case; `reader` and `audit` as for show_item.
nlohmann::json export_case_stix(Node& node, const std::string& case_id, TimePoint now,
                                const AuditContext* audit = nullptr,
                                const std::string* reader = nullptr);

}  // namespace hotline::service
