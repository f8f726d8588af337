#include "hotline/service/taxii_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/sha256.h"
#include "hotline/interop/stix.h"
#include "hotline/model/case_file.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/link_support.h"
#include "hotline/service/need_to_know.h"

namespace hotline::service {
namespace {

using nlohmann::json;

// ---- publication ------------------------------------------------------------

TaxiiPublication read_publication(store::Transaction& tx) {
  TaxiiPublication p;
  auto text = tx.get_setting(kTaxiiPublishedSetting);
  if (!text) return p;
  auto j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return p;  // unreadable: nothing published
  auto names = [&](const char* member, std::vector<std::string>& out) {
    if (!j.contains(member) || !j[member].is_array()) return;
    for (const auto& n : j[member])
      if (n.is_string()) out.push_back(n.get<std::string>());
  };
  names("peers", p.peers);
  names("cases", p.cases);
  return p;
}

void write_publication(store::Transaction& tx, TaxiiPublication p) {
  for (auto* v : {&p.peers, &p.cases}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  tx.put_setting(kTaxiiPublishedSetting, json{{"peers", p.peers}, {"cases", p.cases}}.dump());
}

// ---- ids and markings -------------------------------------------------------

// A UUID (version 5 form) from the SHA-256 of `seed`: stable across requests.
std::string uuid_from(const std::string& seed) {
  auto d = crypto::sha256(seed);
  d[6] = static_cast<std::uint8_t>((d[6] & 0x0f) | 0x50);
  d[8] = static_cast<std::uint8_t>((d[8] & 0x3f) | 0x80);
  std::string hex = to_hex(std::span<const std::uint8_t>(d.data(), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string peer_collection_id(const store::PeerRecord& peer) {
  return uuid_from("hotline taxii collection " + peer.link);
}

// ---- a case as STIX objects ------------------------------------------------

struct CaseSource {
  const store::ItemRecord& record;
  const model::CaseFile& file;
  interop::StixParty ours, theirs;
};

std::string short_of(const std::string& id) {
  return id.size() > 8 ? id.substr(id.size() - 8) : id;
}

// The STIX objects of one case: its STIX export (interop/stix.h). Without
// `red_ok`, the indicators labelled TLP:RED and their sightings are left
// out before the export, so that nothing else (the report's refs) names them.
std::vector<json> case_objects(const CaseSource& s, bool red_ok) {
  auto sc = interop::stix_case(s.file);
  if (auto tlp = model::parse_tlp(s.record.tlp)) sc.tlp = *tlp;
  if (!red_ok) {
    std::set<std::pair<std::string, std::string>> gone;
    std::erase_if(sc.indicators, [&](const interop::StixIndicator& i) {
      const bool red = i.tlp.value_or(sc.tlp) == model::Tlp::red;
      if (red) gone.insert({i.type, i.value});
      return red;
    });
    std::erase_if(sc.sightings, [&](const interop::StixSighting& x) {
      return gone.count({x.type, x.value}) != 0;
    });
  }
  auto bundle = interop::export_stix(sc, s.ours, s.theirs);
  std::vector<json> out;
  for (auto& o : bundle["objects"]) out.push_back(std::move(o));
  return out;
}

// ---- who may see what ---------------------------------------------------------

bool marked(const json& object, std::string_view marking) {
  if (!object.contains("object_marking_refs")) return false;
  for (const auto& m : object["object_marking_refs"])
    if (m.is_string() && m.get_ref<const std::string&>() == marking) return true;
  return false;
}

// A TLP:RED object of a case: for its author and the people on its list.
bool may_read_red(store::Transaction& tx, const store::ItemRecord& item,
                  const std::string& reader) {
  if (author_of(item) == reader) return true;
  auto list = need_to_know_list(tx, item.id);
  return std::find(list.begin(), list.end(), reader) != list.end();
}

// date_added of each object (see the header), then the entries.
void add_dated(std::vector<json> objects, const std::string& opened,
               std::vector<TaxiiObject>& out) {
  std::map<std::string, std::string> by_ref;  // SCO id -> earliest referrer's date
  std::vector<std::string> dates(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto& o = objects[i];
    std::string t = o.value("modified", o.value("created", ""));
    if (t.empty()) continue;
    dates[i] = std::max(t, opened);
    for (const char* member : {"object_refs", "sighting_of_ref", "target_ref", "source_ref"}) {
      if (!o.contains(member)) continue;
      json refs = o[member].is_array() ? o[member] : json::array({o[member]});
      for (const auto& r : refs) {
        if (!r.is_string()) continue;
        auto& d = by_ref[r.get<std::string>()];
        if (d.empty() || dates[i] < d) d = dates[i];
      }
    }
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (dates[i].empty()) {
      auto it = by_ref.find(objects[i].value("id", ""));
      dates[i] = it == by_ref.end() ? opened : it->second;
    }
    out.push_back({std::move(objects[i]), dates[i], "", ""});
  }
}

// One entry per (id, version): the cases of a peer share their identities
// and markings; the earliest date added stays.
std::vector<TaxiiObject> unique_versions(std::vector<TaxiiObject> all) {
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  std::vector<TaxiiObject> out;
  for (auto& o : all) {
    std::pair<std::string, std::string> key{
        o.object.value("id", ""), o.object.value("modified", o.object.value("created", ""))};
    auto [it, fresh] = seen.emplace(key, out.size());
    if (fresh) {
      out.push_back(std::move(o));
    } else if (o.date_added < out[it->second].date_added) {
      out[it->second].date_added = o.date_added;
    }
  }
  return out;
}

struct CollectionCases {
  interop::StixParty peer;
  std::vector<store::ItemRecord> cases;  // full records the reader may read
};

// The peer as its STIX identity names it (its key's fingerprint, as
// service/stix_service.cpp does, so both exports give the same ids).
interop::StixParty party_of(const store::PeerRecord& peer) {
  interop::StixParty p{peer.name, ""};
  try {
    p.fingerprint = crypto::PublicKey::decode(peer.public_key).fingerprint();
  } catch (const Error&) {
    // an unusable key: the name names it
  }
  return p;
}

std::optional<CollectionCases> collection_cases(store::Transaction& tx, const std::string& id,
                                                const std::string& reader) {
  const auto pub = read_publication(tx);
  for (const auto& name : pub.peers) {
    auto peer = tx.find_peer(name);
    if (!peer || peer_collection_id(*peer) != id) continue;
    CollectionCases out{party_of(*peer), {}};
    store::ItemQuery q;
    q.kind = kCase;
    q.link = peer->link;
    for (const auto& summary : tx.find_item_summaries(q)) {
      auto rec = tx.find_item(summary.id);
      if (rec && may_read(tx, *rec, reader)) out.cases.push_back(std::move(*rec));
    }
    return out;
  }
  if (std::find(pub.cases.begin(), pub.cases.end(), id) == pub.cases.end()) return std::nullopt;
  auto rec = tx.find_item(id);
  if (!rec || rec->kind != kCase || !may_read(tx, *rec, reader)) return std::nullopt;
  for (const auto& peer : tx.list_peers())
    if (peer.link == rec->link) return CollectionCases{party_of(peer), {std::move(*rec)}};
  return std::nullopt;
}

}  // namespace

TaxiiPublication taxii_publication(store::Store& store) {
  return store.snapshot([](store::Transaction& tx) { return read_publication(tx); });
}

TaxiiPublication set_taxii_published(store::Store& store, const std::string& kind,
                                     const std::string& name, bool published, TimePoint now,
                                     const AuditContext* audit_ctx) {
  if (kind != "peer" && kind != "case") {
    throw Error(ErrorCategory::invalid_input, "taxii_publication_invalid",
                "expected \"peer\" or \"case\", found \"" + kind + "\"");
  }
  return store.transact([&](store::Transaction& tx) {
    auto pub = read_publication(tx);
    auto& list = kind == "peer" ? pub.peers : pub.cases;
    if (kind == "peer") {
      find_peer(tx, name);  // peer_unknown
    } else if (published) {
      auto rec = tx.find_item(name);
      if (!rec || rec->kind != kCase) throw_item_unknown(kCase, name);
    }
    auto at = std::find(list.begin(), list.end(), name);
    if (published == (at != list.end())) return pub;
    if (published) {
      list.push_back(name);
    } else {
      list.erase(at);
    }
    write_publication(tx, pub);
    if (audit_ctx) {
      audit(tx, *audit_ctx, published ? "taxii.publish" : "taxii.withdraw", kind + " " + name, "",
            now);
    }
    return read_publication(tx);
  });
}

std::vector<TaxiiCollection> taxii_collections(store::Store& store, const std::string& reader) {
  return store.snapshot([&](store::Transaction& tx) {
    std::vector<TaxiiCollection> out;
    const auto pub = read_publication(tx);
    for (const auto& name : pub.peers) {
      auto peer = tx.find_peer(name);
      if (!peer) continue;
      out.push_back({peer_collection_id(*peer), "Cases shared with " + name,
                     "Every case this office shares with " + name + ", as STIX 2.1", "peer-" + name,
                     name, ""});
    }
    for (const auto& id : pub.cases) {
      auto rec = tx.find_item(id);
      if (!rec || rec->kind != kCase || !may_read(tx, *rec, reader)) continue;
      std::string peer;
      for (const auto& p : tx.list_peers())
        if (p.link == rec->link) peer = p.name;
      out.push_back({id, "Case " + short_of(id) + ": " + rec->title,
                     "One case shared with " + peer + ", as STIX 2.1", "case-" + short_of(id), peer,
                     id});
    }
    return out;
  });
}

std::vector<TaxiiObject> taxii_objects(Node& node, const std::string& id,
                                       const std::string& reader) {
  return node.store->snapshot([&](store::Transaction& tx) {
    auto found = collection_cases(tx, id, reader);
    if (!found) {
      throw Error(ErrorCategory::not_found, "taxii_collection_unknown",
                  "no collection " + id + " is published to you");
    }
    std::vector<TaxiiObject> objects;
    for (const auto& rec : found->cases) {
      auto log = item_log_from_json(json::parse(rec.actions));
      auto replayed = replay(kCase, rec.id, log);
      const auto& file = std::get<model::CaseFile>(replayed.item);
      const bool red_ok = may_read_red(tx, rec, reader);
      const interop::StixParty ours{node.party, node.identity.public_key().fingerprint()};
      std::vector<json> all = case_objects({rec, file, ours, found->peer}, red_ok);
      std::erase_if(all, [&](const json& o) {
        return !red_ok && marked(o, interop::tlp_marking_id(model::Tlp::red));
      });
      const std::string opened =
          file.timeline.empty() ? rec.created_at : format_timestamp(file.timeline.front().at);
      const std::size_t first = objects.size();
      add_dated(std::move(all), opened, objects);
      for (std::size_t i = first; i < objects.size(); ++i) {
        objects[i].case_id = rec.id;
        objects[i].tlp = rec.tlp;
      }
    }
    return unique_versions(std::move(objects));
  });
}

void record_taxii_reads(store::Store& store, const AuditContext* audit_ctx,
                        const std::vector<const TaxiiObject*>& served, TimePoint now) {
  if (!audit_ctx) return;
  std::map<std::string, std::string> cases;  // id -> TLP
  for (const auto* o : served)
    if (audits_reads(o->tlp)) cases.emplace(o->case_id, o->tlp);
  if (cases.empty()) return;
  store.transact([&](store::Transaction& tx) {
    for (const auto& [case_id, tlp] : cases)
      audit(tx, *audit_ctx, "item.read", case_id, "case taxii " + tlp, now);
  });
}

}  // namespace hotline::service
