#include "hotline/node/inbound.h"

#include <map>
#include <string_view>

#include "hotline/common/error.h"
#include "hotline/link/key_history.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/key_service.h"
#include "hotline/service/ledger_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/review_service.h"

namespace hotline::node {
namespace {

using Apply = void (*)(store::Transaction&, const link::LinkContext&, const link::Envelope&,
                       const std::string&);

void apply_tree_head(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                     const std::string& received_at) {
  service::apply_tree_head(tx, ctx, e.body, received_at);
}

// Envelope types with one use case each; item types go by prefix
// (service::is_item_envelope).
const std::map<std::string_view, Apply>& table() {
  static const std::map<std::string_view, Apply> t = {
      {service::kDeskMessage, &service::apply_desk_message},
      {service::kHeartbeat, &service::apply_heartbeat},
      {service::kTreeHead, &apply_tree_head},
      {service::kAgreementPropose, &service::apply_agreement_propose},
      {service::kAgreementAccept, &service::apply_agreement_accept},
      {service::kReviewAgreed, &service::apply_review_agreed},
      {link::kKeyRotate, &service::apply_key_rotate},
      {link::kKeyPinned, &service::apply_key_pinned},
  };
  return t;
}

Apply find_apply(const std::string& type) {
  if (auto it = table().find(type); it != table().end()) return it->second;
  if (service::is_item_envelope(type)) return &service::apply_item_envelope;
  return nullptr;
}

}  // namespace

void apply_inbound(store::Transaction& tx, const link::LinkContext& ctx, const link::Envelope& e,
                   const std::string& received_at) {
  try {
    if (Apply apply = find_apply(e.type)) {
      apply(tx, ctx, e, received_at);
    } else {
      service::record_event(tx, parse_timestamp(received_at), "envelope_type_unknown", ctx.link,
                            ctx.peer_name + " sent an envelope of type '" + e.type +
                                "' that this version does not know; it is stored and receipted");
    }
  } catch (const Error& err) {
    if (err.code().rfind("store_", 0) == 0) throw;  // a storage failure aborts the batch
    service::record_event(tx, parse_timestamp(received_at), "envelope_content_refused", ctx.link,
                          "envelope " + e.id + " (" + e.type + ", seq " + std::to_string(e.seq) +
                              ") from " + ctx.peer_name + ": " + err.what());
  }
}

}  // namespace hotline::node
