#include "hotline/service/stix_service.h"

#include <algorithm>
#include <variant>

#include "hotline/common/error.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/interop/stix.h"
#include "hotline/service/desk_rules.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/link_support.h"
#include "hotline/vault/vault.h"

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

namespace {

nlohmann::json indicator_args(const interop::StixIndicator& i) {
  nlohmann::json j = {{"type", i.type}, {"value", i.value}, {"note", i.note}};
  if (i.first_seen) j["first_seen"] = format_timestamp(*i.first_seen);
  if (i.last_seen) j["last_seen"] = format_timestamp(*i.last_seen);
  if (i.confidence) j["confidence"] = *i.confidence;
  if (i.tlp) j["tlp"] = model::to_string(*i.tlp);
  return j;
}

nlohmann::json sighting_args(const interop::StixSighting& s) {
  return {{"type", s.type},
          {"value", s.value},
          {"first_seen", format_timestamp(s.first_seen)},
          {"last_seen", format_timestamp(s.last_seen)},
          {"count", s.count},
          {"where", s.where}};
}

// The unmapped objects into the vault (NODE/attachments, as
// attachment_service's), as the file the case attaches.
AttachmentNote store_unmapped(Node& node, const interop::StixImport& r) {
  const std::int64_t limit =
      node.store->snapshot([](store::Transaction& tx) { return attachment_limit(tx); });
  vault::Vault v(node.paths.dir / "attachments");
  const vault::Info info = v.import_bytes(r.unmapped_bundle.dump(), limit);
  AttachmentNote note;
  note.sha256 = info.sha256;
  note.size = info.size;
  note.name = r.unmapped_name();
  return note;
}

}  // namespace

namespace {

interop::StixImport read_bundle(std::istream& in, const interop::StixImportOptions& options) {
  interop::StixImportOptions o = options;
  o.side = model::Side::ours;
  return interop::import_stix(in, o);
}

StixImported store_import(Node& node, const std::string& case_id, const interop::StixImport& r,
                          const std::string& by, TimePoint now, const AuditContext* audit) {
  const ItemView before = show_item(*node.store, case_id, now);
  if (before.record.kind != kCase) {
    throw Error(ErrorCategory::not_found, "case_not_found",
                "expected the id of a case, found that of a " + before.record.kind);
  }
  const Replayed was =
      replay(kCase, case_id, item_log_from_json(nlohmann::json::parse(before.record.actions)));
  const auto& c = std::get<model::CaseFile>(was.item);
  StixImported out;
  std::vector<BatchAction> actions;
  actions.reserve(r.indicators.size() + r.sightings.size() + 1);
  for (const auto& i : r.indicators) {
    (model::find_indicator(c, i.type, i.value) ? out.updated : out.added) += 1;
    actions.push_back({"add_indicator", indicator_args(i)});
  }
  for (const auto& s : r.sightings) actions.push_back({"add_sighting", sighting_args(s)});
  if (!r.unmapped_bundle.is_null()) {
    AttachmentNote note = store_unmapped(node, r);
    const bool has = std::any_of(was.attachments.begin(), was.attachments.end(),
                                 [&](const AttachmentNote& a) { return a.sha256 == note.sha256; });
    // The same bundle again: the case already holds its unmapped objects.
    if (!has) actions.push_back({"add_attachment", {{"attachments", attachments_json({note})}}});
    out.attachment = note.name;
  }
  out.item = actions.empty() ? before : act_batch(node, kCase, case_id, actions, by, now, audit);
  out.objects = r.objects;
  out.sightings = r.sightings.size();
  out.unmapped = r.unmapped;
  out.warnings = r.warnings;
  return out;
}

}  // namespace

StixImported import_case_stix(Node& node, const std::string& case_id, std::istream& in,
                              const std::string& by, TimePoint now, const AuditContext* audit,
                              const interop::StixImportOptions& options) {
  const interop::StixImport r = read_bundle(in, options);
  return store_import(node, case_id, r, by, now, audit);
}

StixImported import_new_case_stix(Node& node, const std::string& peer, const std::string& title,
                                  std::istream& in, const std::string& by, TimePoint now,
                                  const AuditContext* audit,
                                  const interop::StixImportOptions& options) {
  const interop::StixImport r = read_bundle(in, options);  // refused: no case opened
  model::Labels labels;
  const ItemView opened = open_case(node, peer, title, labels, by, now, audit);
  return store_import(node, opened.record.id, r, by, now, audit);
}

}  // namespace hotline::service
