// Attachments of alerts, requests and cases: imported into this node's vault
// (vault/vault.h: encrypted at rest, named by SHA-256), offered to the peer in
// the envelope that attaches them, and fetched by the peer in chunks that
// resume after a cut (docs/protocol.md §7.5).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"
#include "hotline/vault/vault.h"

namespace hotline::service {

// NODE/attachments.
vault::Vault open_vault(const Node& node);

// Encrypts `file` into the vault (refused above the node's limit,
// attachment_too_large) and returns the note an action carries.
AttachmentNote import_attachment(Node& node, const std::filesystem::path& file);

// Decrypts a complete attachment to `dest` (attachment_missing while it is
// still being fetched: the message says how much has arrived).
void export_attachment(Node& node, const std::string& sha256, const std::filesystem::path& dest);

struct AttachmentStatus {
  std::string sha256;
  std::int64_t size = 0;
  bool complete = false;
  std::int64_t have = 0;
  std::vector<store::AttachmentLinkRecord> transfers;  // per link and direction
};
std::vector<AttachmentStatus> list_attachments(Node& node);

// ---- the peer side of the link ----------------------------------------------

// The plaintext chunk at `offset` of an attachment we offered on `link`.
// Throws attachment_not_offered when no envelope of ours on that link
// attached it (a peer only gets what was sent to it), attachment_missing if
// it is not in the vault, and the vault's errors.
std::string serve_attachment_chunk(Node& node, const std::string& link, const std::string& sha256,
                                   std::int64_t offset);

// ---- our fetcher ------------------------------------------------------------

// Attachments the peers offered that are not complete yet.
std::vector<store::AttachmentLinkRecord> wanted_attachments(Node& node);

// Fetches one wanted attachment with `fetch(offset)` returning the plaintext
// chunk at offset, resuming where the vault's .part ends; stores each chunk
// durably before asking for the next. Marks it complete (event
// attachment_received) or failed (a digest mismatch, event
// attachment_failed). Transport errors from `fetch` propagate and leave it
// wanted, to resume later. A file the vault already holds complete is
// fetched and checked all the same (not stored again): a peer offering a
// digest cannot learn from our requests whether we hold that file.
void fetch_attachment(Node& node, const store::AttachmentLinkRecord& want,
                      const std::function<std::string(std::int64_t offset)>& fetch);

// Records the outcome of a fetch.
void mark_attachment(Node& node, const store::AttachmentLinkRecord& want, const std::string& state,
                     const std::string& error, TimePoint now);

}  // namespace hotline::service
