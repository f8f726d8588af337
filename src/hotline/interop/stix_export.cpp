// export_stix and stix_case (stix.h).
#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>

#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/interop/stix.h"
#include "hotline/interop/stix_pattern.h"

namespace hotline::interop {
namespace {

using nlohmann::json;

std::string hotline_id(std::string_view type, const std::string& name) {
  return std::string(type) + "--" + uuid_v5(kHotlineStixNamespace, name);
}

std::string identity_id(const StixParty& p) {
  return hotline_id("identity", p.fingerprint.empty() ? "party-name|" + p.name
                                                      : "party-fingerprint|" + p.fingerprint);
}

// The SCO of an indicator: its ID-contributing properties (STIX 2.1 §6),
// then the id made from them (§2.9) and the common properties.
json observable(const StixIndicator& i, const json& markings) {
  json sco = json::object();
  std::string type = i.type;
  if (i.type == "md5" || i.type == "sha1" || i.type == "sha256") {
    const char* name = i.type == "md5" ? "MD5" : i.type == "sha1" ? "SHA-1" : "SHA-256";
    sco["hashes"] = {{name, i.value}};
    type = "file";
  } else if (i.type == "file-name") {
    sco["name"] = i.value;
    type = "file";
  } else if (i.type == "autonomous-system") {
    sco["number"] = std::stoull(i.value.substr(2));
  } else {
    sco["value"] = i.value;
  }
  const std::string id = type + "--" + uuid_v5(kStixScoNamespace, crypto::canonicalize(sco));
  sco["type"] = type;
  sco["spec_version"] = "2.1";
  sco["id"] = id;
  sco["object_marking_refs"] = markings;
  return sco;
}

struct Exporter {
  const StixCase& c;
  std::string our_id, their_id;
  json objects = json::array();
  std::set<model::Tlp> used;
  std::vector<std::string> refs;  // every object but the markings and the report

  json markings_for(std::optional<model::Tlp> tlp) {
    const model::Tlp t = tlp.value_or(c.tlp);
    used.insert(t);
    return json::array({tlp_marking_id(t)});
  }

  void add(json object) {
    refs.push_back(object["id"].get<std::string>());
    objects.push_back(std::move(object));
  }

  json sdo(std::string_view type, const std::string& id, TimePoint created, TimePoint modified,
           const json& markings) {
    return {{"type", type},
            {"spec_version", "2.1"},
            {"id", id},
            {"created", stix_timestamp(created)},
            {"modified", stix_timestamp(modified)},
            {"object_marking_refs", markings}};
  }

  const std::string& by(model::Side side) const {
    return side == model::Side::ours ? our_id : their_id;
  }

  void identity(const StixParty& p, const std::string& id) {
    json o = sdo("identity", id, c.created, c.created, markings_for(std::nullopt));
    o["name"] = p.name;
    o["identity_class"] = "organization";
    if (!p.fingerprint.empty()) {
      o["external_references"] = {
          {{"source_name", "hotline-node-key"}, {"external_id", p.fingerprint}}};
    }
    add(std::move(o));
  }

  void indicator(const StixIndicator& i) {
    const std::string key = c.id + "|" + i.type + "|" + i.value;
    const json markings = markings_for(i.tlp);
    const std::string indicator_id = hotline_id("indicator", "indicator|" + key);
    json o = sdo("indicator", indicator_id, i.added, i.added, markings);
    o["created_by_ref"] = by(i.side);
    o["name"] = i.value;
    o["indicator_types"] = {"malicious-activity"};
    o["pattern"] = stix_pattern(i.type, i.value);
    o["pattern_type"] = "stix";
    o["pattern_version"] = "2.1";
    const TimePoint from = i.first_seen.value_or(i.added);
    o["valid_from"] = stix_timestamp(from);
    if (i.confidence) o["confidence"] = *i.confidence;
    if (!i.note.empty()) o["description"] = i.note;
    add(std::move(o));

    json sco = observable(i, markings);
    const std::string sco_id = sco["id"];
    add(std::move(sco));

    const std::string observed_id = hotline_id("observed-data", "observed-data|" + key);
    json od = sdo("observed-data", observed_id, i.added, i.added, markings);
    od["created_by_ref"] = by(i.side);
    od["first_observed"] = stix_timestamp(from);
    od["last_observed"] = stix_timestamp(std::max(from, i.last_seen.value_or(from)));
    od["number_observed"] = 1;
    od["object_refs"] = {sco_id};
    add(std::move(od));

    json rel = sdo("relationship", hotline_id("relationship", "based-on|" + key), i.added, i.added,
                   markings);
    rel["created_by_ref"] = by(i.side);
    rel["relationship_type"] = "based-on";
    rel["source_ref"] = indicator_id;
    rel["target_ref"] = observed_id;
    add(std::move(rel));
  }

  void sighting(const StixSighting& s) {
    const auto it = std::find_if(c.indicators.begin(), c.indicators.end(), [&](const auto& i) {
      return i.type == s.type && i.value == s.value;
    });
    if (it == c.indicators.end()) return;  // not an indicator of the case: nothing to point at
    const std::string key = c.id + "|" + s.type + "|" + s.value;
    json o = sdo("sighting",
                 hotline_id("sighting", "sighting|" + key + "|" +
                                            (s.side == model::Side::ours ? "ours" : "theirs") +
                                            "|" + stix_timestamp(s.at)),
                 s.at, s.at, markings_for(it->tlp));
    o["created_by_ref"] = by(s.side);
    o["sighting_of_ref"] = hotline_id("indicator", "indicator|" + key);
    o["observed_data_refs"] = {hotline_id("observed-data", "observed-data|" + key)};
    o["where_sighted_refs"] = {by(s.side)};
    o["count"] = std::max(1, s.count);
    o["first_seen"] = stix_timestamp(s.first_seen);
    o["last_seen"] = stix_timestamp(std::max(s.first_seen, s.last_seen));
    if (!s.where.empty()) o["description"] = s.where;
    add(std::move(o));
  }

  json report() {
    json o = sdo("report", hotline_id("report", "report|" + c.id), c.created, c.modified,
                 markings_for(std::nullopt));
    o["created_by_ref"] = our_id;
    o["name"] = c.title;
    o["report_types"] = {"threat-report"};
    o["published"] = stix_timestamp(c.created);
    o["object_refs"] = refs;
    o["external_references"] = {{{"source_name", "hotline"}, {"external_id", c.id}}};
    return o;
  }
};

}  // namespace

StixCase stix_case(const model::CaseFile& c) {
  StixCase out;
  out.id = c.id;
  out.title = c.title;
  out.tlp = c.labels.tlp;
  if (!c.timeline.empty()) {
    out.created = c.timeline.front().at;
    out.modified = c.timeline.back().at;
  }
  // When and by whom each indicator was first added: its add_indicator
  // entry, or the add_indicators entry that first lists it.
  std::unordered_map<std::string, const model::TimelineEntry*> first_added;
  for (const model::TimelineEntry& e : c.timeline) {
    if (e.action == model::CaseAction::add_indicator) first_added.emplace(e.text, &e);
    if (e.action != model::CaseAction::add_indicators || !e.data.is_object()) continue;
    for (const auto& d : e.data.value("indicators", nlohmann::json::array())) {
      if (d.is_object() && d.value("type", nlohmann::json()).is_string() &&
          d.value("value", nlohmann::json()).is_string())
        first_added.emplace(d["type"].get<std::string>() + ":" + d["value"].get<std::string>(), &e);
    }
  }
  for (const model::Indicator& i : c.indicators) {
    StixIndicator x;
    x.type = i.type;
    x.value = i.value;
    x.first_seen = i.first_seen;
    x.last_seen = i.last_seen;
    x.confidence = i.confidence;
    x.tlp = i.tlp;
    x.note = i.note;
    x.added = out.created;
    if (auto it = first_added.find(i.type + ":" + i.value); it != first_added.end()) {
      x.added = it->second->at;
      x.side = it->second->side;
    }
    out.indicators.push_back(std::move(x));
  }
  for (const model::Sighting& s : c.sightings) {
    out.sightings.push_back(
        {s.type, s.value, s.first_seen, s.last_seen, s.count, s.where, s.side, s.at});
  }
  return out;
}

nlohmann::json export_stix(const StixCase& c, const StixParty& ours, const StixParty& theirs) {
  Exporter e{c, identity_id(ours), identity_id(theirs), json::array(), {}, {}};
  e.identity(ours, e.our_id);
  if (e.their_id != e.our_id) e.identity(theirs, e.their_id);
  for (const StixIndicator& i : c.indicators) e.indicator(i);
  for (const StixSighting& s : c.sightings) e.sighting(s);
  json report = e.report();
  json objects = json::array();
  for (model::Tlp t : e.used) objects.push_back(tlp_marking_object(t));
  objects.push_back(std::move(report));
  for (json& o : e.objects) objects.push_back(std::move(o));
  return {{"type", "bundle"},
          {"id", "bundle--" + uuid_v5(kHotlineStixNamespace,
                                      "bundle|" + c.id + "|" + stix_timestamp(c.modified))},
          {"objects", std::move(objects)}};
}

nlohmann::json export_stix(const model::CaseFile& c, const StixParty& ours,
                           const StixParty& theirs) {
  return export_stix(stix_case(c), ours, theirs);
}

}  // namespace hotline::interop
