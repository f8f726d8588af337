// Shared rules of the desk's items (support, docs/architecture.md "Inside
// service/"): which envelope types carry items, which items are TLP:RED,
// and how large an attachment this node accepts. The desk's use cases
// (desk_service.h) apply them; exports and attachments read them too.
#pragma once

#include <cstdint>
#include <string>

#include "hotline/link/envelope.h"
#include "hotline/store/store.h"

namespace hotline::service {

// The setting that limits the size of one attachment this node accepts (in
// bytes); default 100 MiB.
inline constexpr const char* kAttachmentLimitSetting = "attachments.max_bytes";
inline constexpr std::int64_t kDefaultAttachmentLimit = 100LL * 1024 * 1024;
std::int64_t attachment_limit(store::Transaction& tx);

// True for the envelope types of items ("alert.*", "request.*", "case.*",
// "dispute.*", "round.*").
bool is_item_envelope(const std::string& type);

// True when the envelope is an action on an item labelled TLP:RED (by the
// item as stored, or by the labels the action itself carries). Such content
// is for the two parties' desks only: exports, proofs and webhooks must not
// carry it (model::may_leave_node).
bool is_tlp_red(store::Transaction& tx, const link::Envelope& e);

}  // namespace hotline::service
