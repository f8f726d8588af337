// Appending to a link's outbound chain.
//
// Invariant: an envelope is stored, chained (seq, prev) and queued for
// delivery in the same transaction as the action that made it, so a crash
// either loses both the action and the envelope, or neither.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/store/store.h"

namespace hotline::link {

struct OutboundDraft {
  // The envelope's id when the caller chose it (to name the envelope before
  // it is built); a new one otherwise.
  std::optional<std::string> id;
  std::string type;
  std::optional<std::string> ref;
  nlohmann::json body = nlohmann::json::object();
  std::vector<AttachmentRef> attachments;
};

// Builds the next envelope of ctx's outbound direction, signs it, stores it
// and queues it, all inside `tx` (the caller commits). Returns it sealed.
Envelope append_outbound(store::Transaction& tx, const LinkContext& ctx, OutboundDraft draft,
                         TimePoint now);

}  // namespace hotline::link
