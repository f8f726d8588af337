// IODEF v2 (RFC 7970) for the duty desk's items (interop/iodef.h,
// docs/interop.md): an alert, a request or a case exported as an IODEF
// document, and an IODEF document imported as an alert raised to a peer or
// as a case shared with one. Stateless functions over the node's store;
// thread-safe as the store is.
//
// Export reads the item as show_item does (the reader's need to know, the
// "item.read" audit entry with how "iodef"). A TLP:RED item never leaves
// the node (model::may_leave_node): Error "tlp_red_not_exported" (403).
//
// Import refuses the document whole (interop's "iodef_invalid" or
// "iodef_too_large", or the model's error for what the document maps to)
// before anything is stored: an alert is one transaction; a case's opening,
// indicators and the entry that keeps the incident's description are first
// applied to the model alone, and stored only when all of them pass.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {

// The item `id` (full; `kind` kAlert, kRequest or kCase) as an IODEF
// document, generated at `now`; `reader` as for show_item.
std::string export_item_iodef(Node& node, const std::string& kind, const std::string& id,
                              TimePoint now, const AuditContext* audit = nullptr,
                              const std::string* reader = nullptr);

struct IodefImported {
  ItemView item;
  std::size_t indicators = 0;         // the indicators read (a case's: added)
  std::vector<std::string> not_kept;  // observables Hotline has no place for, by path
};

// The document's incident as an alert raised to `peer` by `by`: summary the
// first Description, details every Description and the incident's id and
// contacts, TLP from the restriction, priority urgent when an impact is of
// severity "high", RSIT codes from IncidentCategory; the document's
// indicators are listed at the end of the details.
IodefImported import_iodef_alert(Node& node, const std::string& peer, std::string_view bytes,
                                 const std::string& by, TimePoint now,
                                 const AuditContext* audit = nullptr);

// The document's incident as a case opened with `peer`: title the first
// Description, its indicators, and an entry with what the alert's details
// would hold.
IodefImported import_iodef_case(Node& node, const std::string& peer, std::string_view bytes,
                                const std::string& by, TimePoint now,
                                const AuditContext* audit = nullptr);

}  // namespace hotline::service
