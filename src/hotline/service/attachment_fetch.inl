// Template body of service::fetch_attachment (attachment_service.h).
#pragma once

#include "hotline/common/error.h"

namespace hotline::service {

template <class Fetch>
void fetch_attachment(Node& node, const store::AttachmentLinkRecord& want, Fetch&& fetch) {
  vault::Vault v = open_vault(node);
  vault::Info info;
  try {
    info = v.begin_receive(want.sha256, want.size, std::max<std::int64_t>(want.size, 0));
    while (!info.complete) {
      std::string chunk = fetch(info.have);
      info = v.append_chunk(want.sha256, info.have, chunk);
    }
  } catch (const Error& e) {
    if (e.code() == "attachment_digest_mismatch") {
      mark_attachment(node, want, "failed", e.what(), now_ms());
      return;
    }
    throw;
  }
  mark_attachment(node, want, "complete", "", now_ms());
}

}  // namespace hotline::service
