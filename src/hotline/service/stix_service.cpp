#include "hotline/service/stix_service.h"

#include <variant>

#include "hotline/common/error.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/interop/stix.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/link_support.h"

namespace hotline::service {

nlohmann::json export_case_stix(Node& node, const std::string& case_id, TimePoint now,
                                const AuditContext* audit, const std::string* reader) {
  const ItemView view = show_item(*node.store, case_id, now, audit, reader);
  if (view.record.kind != kCase) {
    throw Error(ErrorCategory::not_found, "case_not_found",
                "expected the id of a case, found that of a " + view.record.kind);
  }
  const Replayed r =
      replay(kCase, case_id, item_log_from_json(nlohmann::json::parse(view.record.actions)));
  const auto& c = std::get<model::CaseFile>(r.item);
  interop::StixParty ours{node.party, node.identity.public_key().fingerprint()};
  interop::StixParty theirs{view.peer, ""};
  try {
    theirs.fingerprint =
        crypto::PublicKey::decode(find_peer(*node.store, view.peer).public_key).fingerprint();
  } catch (const Error&) {
    // a peer no longer known here: its identity is named by its name
  }
  return interop::export_stix(c, ours, theirs);
}

}  // namespace hotline::service
