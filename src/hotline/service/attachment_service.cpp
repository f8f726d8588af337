#include "hotline/service/attachment_service.h"

#include <algorithm>
#include <map>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/sha256.h"
#include "hotline/service/desk_rules.h"
#include "hotline/service/link_support.h"

namespace hotline::service {

vault::Vault open_vault(const Node& node) {
  return vault::Vault(node.paths.dir / "attachments");
}

AttachmentNote import_attachment(Node& node, const std::filesystem::path& file) {
  const std::int64_t limit =
      node.store->snapshot([](store::Transaction& tx) { return attachment_limit(tx); });
  vault::Vault v = open_vault(node);
  vault::Info info = v.import_file(file, limit);
  AttachmentNote note;
  note.sha256 = info.sha256;
  note.size = info.size;
  note.name = file.filename().string();
  if (note.name.size() > 255) note.name = note.name.substr(note.name.size() - 255);
  return note;
}

void export_attachment(Node& node, const std::string& sha256, const std::filesystem::path& dest) {
  vault::Vault v = open_vault(node);
  auto info = v.info(sha256);
  if (!info)
    throw Error(ErrorCategory::not_found, "attachment_missing",
                "no attachment " + sha256 + " on this node");
  if (!info->complete) {
    throw Error(ErrorCategory::not_found, "attachment_missing",
                "attachment " + sha256.substr(0, 16) +
                    "… is still arriving: " + std::to_string(info->have) + " of " +
                    std::to_string(info->size) + " bytes so far");
  }
  v.export_to(sha256, dest);
}

std::vector<AttachmentStatus> list_attachments(Node& node) {
  std::map<std::string, AttachmentStatus> by_sha;
  for (const auto& info : open_vault(node).list()) {
    auto& s = by_sha[info.sha256];
    s.sha256 = info.sha256;
    s.size = info.size;
    s.complete = info.complete;
    s.have = info.have;
  }
  for (const auto& r : node.store->snapshot(
           [](store::Transaction& tx) { return tx.list_attachment_links("", 1000000); })) {
    auto& s = by_sha[r.sha256];
    s.sha256 = r.sha256;
    if (s.size == 0) s.size = r.size;
    s.transfers.push_back(r);
  }
  std::vector<AttachmentStatus> out;
  for (auto& [sha, s] : by_sha) out.push_back(std::move(s));
  return out;
}

std::string serve_attachment_chunk(Node& node, const std::string& link, const std::string& sha256,
                                   std::int64_t offset) {
  auto offered = node.store->snapshot([&](store::Transaction& tx) {
    return tx.find_attachment_link(sha256, link, store::Direction::outbound);
  });
  if (!offered) {
    throw Error(ErrorCategory::forbidden, "attachment_not_offered",
                "attachment " + sha256 + " was not attached to anything sent on this link");
  }
  return open_vault(node).read_chunk(sha256, offset);
}

std::vector<store::AttachmentLinkRecord> wanted_attachments(Node& node) {
  return node.store->snapshot(
      [](store::Transaction& tx) { return tx.list_attachment_links("wanted", 1000); });
}

namespace {

// Fetches the whole attachment from the peer and checks it against its
// digest without storing it: for a file the vault already holds (from
// another link or item), so that what we ask of this peer does not tell it
// whether we hold the file.
void fetch_and_check(const store::AttachmentLinkRecord& want,
                     const std::function<std::string(std::int64_t offset)>& fetch) {
  crypto::Sha256 h;
  for (std::int64_t offset = 0; offset < want.size;) {
    const std::string chunk = fetch(offset);
    const auto expected = std::min(vault::kChunkSize, want.size - offset);
    if (static_cast<std::int64_t>(chunk.size()) != expected) {
      throw Error(ErrorCategory::invalid_input, "attachment_digest_mismatch",
                  "attachment " + want.sha256 + ": the chunk at byte " + std::to_string(offset) +
                      " is " + std::to_string(chunk.size()) + " bytes, not " +
                      std::to_string(expected));
    }
    h.update(chunk);
    offset += expected;
  }
  if (to_hex(h.finish()) != want.sha256) {
    throw Error(ErrorCategory::invalid_input, "attachment_digest_mismatch",
                "attachment " + want.sha256 + ": the peer's content has another SHA-256");
  }
}

}  // namespace

void fetch_attachment(Node& node, const store::AttachmentLinkRecord& want,
                      const std::function<std::string(std::int64_t offset)>& fetch) {
  vault::Vault v = open_vault(node);
  try {
    if (auto held = v.info(want.sha256); held && held->complete) {
      fetch_and_check(want, fetch);
    } else {
      vault::Info info =
          v.begin_receive(want.sha256, want.size, std::max<std::int64_t>(want.size, 0));
      while (!info.complete) info = v.append_chunk(want.sha256, info.have, fetch(info.have));
    }
  } catch (const Error& e) {
    if (e.code() != "attachment_digest_mismatch") throw;
    mark_attachment(node, want, "failed", e.what(), now_ms());
    return;
  }
  mark_attachment(node, want, "complete", "", now_ms());
}

void mark_attachment(Node& node, const store::AttachmentLinkRecord& want, const std::string& state,
                     const std::string& error, TimePoint now) {
  node.store->transact([&](store::Transaction& tx) {
    auto rec = want;
    rec.state = state;
    rec.error = error;
    rec.updated_at = format_timestamp(now);
    tx.put_attachment_link(rec);
    if (state == "complete") {
      record_event(tx, now, "attachment_received", want.link,
                   "attachment " + want.sha256.substr(0, 16) + "… (" + std::to_string(want.size) +
                       " bytes) received and stored encrypted");
    } else if (state == "failed") {
      record_event(tx, now, "attachment_failed", want.link,
                   "attachment " + want.sha256.substr(0, 16) + "… failed: " + error);
    }
  });
}

}  // namespace hotline::service
