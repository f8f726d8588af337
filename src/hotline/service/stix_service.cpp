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
#include "hotline/service/need_to_know.h"
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

// What a case takes of a STIX text (model/case_file.h): control characters
// (but line breaks and tabs, when `breaks`) as spaces, at most `max` bytes
// (cut before a UTF-8 character, never inside one). Sets `cut` when it
// changed anything.
std::string fitted(std::string text, bool breaks, std::size_t max, bool& cut) {
  for (char& ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 || u == 0x7f) && !(breaks && (ch == '\n' || ch == '\t'))) {
      ch = ' ';
      cut = true;
    }
  }
  if (text.size() > max) {
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
    cut = true;
  }
  return text;
}

constexpr std::size_t kMaxNote = 2000;  // an indicator's note
constexpr std::size_t kMaxWhere = 200;  // a sighting's where: one line
constexpr int kMaxCount = 1000000000;

// `entries` as `action` actions ({key: [...]}) of at most model::kMaxBatch
// entries and kMaxStixActionBytes of entries' JSON each (a single larger
// entry alone), in their order.
void add_chunked(std::vector<BatchAction>& actions, const char* action, const char* key,
                 std::vector<nlohmann::json> entries) {
  nlohmann::json list = nlohmann::json::array();
  std::size_t bytes = 0;
  auto flush = [&] {
    if (list.empty()) return;
    actions.push_back({action, {{key, std::move(list)}}});
    list = nlohmann::json::array();
    bytes = 0;
  };
  for (auto& e : entries) {
    const std::size_t n = e.dump().size() + 1;
    if (list.size() == model::kMaxBatch || bytes + n > kMaxStixActionBytes) flush();
    list.push_back(std::move(e));
    bytes += n;
  }
  flush();
}

// An add_indicators or add_sightings action's entry in its full form
// (item_replay.h new_case_args checks it again); a note or where the case
// would refuse is fitted, and counted in `fitted_n`.
nlohmann::json indicator_args(const interop::StixIndicator& i, std::size_t& fitted_n) {
  bool cut = false;
  std::string note = fitted(i.note, true, kMaxNote, cut);
  fitted_n += cut ? 1 : 0;
  return model::indicator_json(model::Indicator{i.type, i.value, i.first_seen, i.last_seen,
                                                i.confidence, i.tlp, std::move(note)});
}

nlohmann::json sighting_args(const interop::StixSighting& s, std::size_t& fitted_n) {
  bool cut = false;
  std::string where = fitted(s.where, false, kMaxWhere, cut);
  const int count = std::min(s.count, kMaxCount);
  fitted_n += cut || count != s.count ? 1 : 0;
  return {{"type", s.type},
          {"value", s.value},
          {"first_seen", format_timestamp(s.first_seen)},
          {"last_seen", format_timestamp(s.last_seen)},
          {"count", count},
          {"where", std::move(where)}};
}

// The bundle's indicators and sightings as add_indicators and
// add_sightings actions; what had to be fitted in `warnings`.
void add_entries(const interop::StixImport& r, std::vector<BatchAction>& actions,
                 std::vector<std::string>& warnings) {
  std::size_t notes = 0, wheres = 0;
  std::vector<nlohmann::json> entries;
  entries.reserve(r.indicators.size());
  for (const auto& i : r.indicators) entries.push_back(indicator_args(i, notes));
  add_chunked(actions, "add_indicators", "indicators", std::move(entries));
  entries.clear();
  for (const auto& x : r.sightings) entries.push_back(sighting_args(x, wheres));
  add_chunked(actions, "add_sightings", "sightings", std::move(entries));
  if (notes > 0)
    warnings.push_back(std::to_string(notes) +
                       " indicator descriptions fitted to a note (control characters as spaces, "
                       "at most 2000 bytes)");
  if (wheres > 0)
    warnings.push_back(std::to_string(wheres) +
                       " sightings fitted (where: one line of at most 200 bytes; count: at most "
                       "1000000000)");
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
  // What the case holds now (its stored document: no replay).
  const auto found = node.store->snapshot([&](store::Transaction& tx) {
    auto rec = tx.find_item(case_id);
    if (rec && rec->kind != kCase)
      throw Error(ErrorCategory::not_found, "case_not_found",
                  "expected the id of a case, found that of a " + rec->kind);
    return rec;
  });
  if (!found) throw_item_unknown(kCase, case_id);
  std::size_t had = 0;  // indicators
  std::vector<std::string> files;
  {
    const nlohmann::json doc = nlohmann::json::parse(found->document);
    had = doc.at("indicators").size();
    for (const auto& f : doc.at("files")) files.push_back(f.value("sha256", ""));
  }
  StixImported out;
  std::vector<BatchAction> actions;
  add_entries(r, actions, out.warnings);
  if (!r.unmapped_bundle.is_null()) {
    AttachmentNote note = store_unmapped(node, r);
    const bool has = std::find(files.begin(), files.end(), note.sha256) != files.end();
    // The same bundle again: the case already holds its unmapped objects.
    if (!has) actions.push_back({"add_attachment", {{"attachments", attachments_json({note})}}});
    out.attachment = note.name;
  }
  out.item = actions.empty() ? show_item(*node.store, case_id, now)
                             : act_case_batch(node, case_id, actions, by, now, audit);
  // The importer deduplicated the bundle's indicators: those the case did
  // not have are the new ones.
  const auto list = out.item.document.find("indicators");
  const std::size_t has = list == out.item.document.end() ? 0 : list->size();
  out.added = has > had ? has - had : 0;
  out.updated = r.indicators.size() - std::min(out.added, r.indicators.size());
  out.envelopes = actions.size();
  out.objects = r.objects;
  out.sightings = r.sightings.size();
  out.unmapped = r.unmapped;
  out.warnings.insert(out.warnings.begin(), r.warnings.begin(), r.warnings.end());
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
