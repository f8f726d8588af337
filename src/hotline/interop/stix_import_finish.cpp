// The end of a STIX import: markings, deduplication, sightings, and the
// objects kept (stix_import_impl.h).
#include <map>
#include <string>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/stix_import_impl.h"

namespace hotline::interop::stix_import_impl {

using nlohmann::json;

void refuse(std::size_t index, std::string_view id, std::string_view field,
            const std::string& expected, const std::string& found) {
  throw Error(ErrorCategory::invalid_input, "stix_invalid",
              "STIX bundle refused, nothing imported: object " + std::to_string(index) +
                  (id.empty() ? std::string() : " (" + std::string(id) + ")") + ": \"" +
                  std::string(field) + "\": expected " + expected + ", found " + found);
}

std::string shown(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "\"" + escape_text(value.get_ref<const std::string&>(), 80) + "\"";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "a list";
    case json::value_t::null:
      return "null";
    default:
      return escape_text(value.dump(), 80);
  }
}

bool is_stix_id(std::string_view id, std::string_view type) {
  if (id.size() != type.size() + 2 + 36 || id.substr(0, type.size()) != type ||
      id.substr(type.size(), 2) != "--") {
    return false;
  }
  const std::string_view u = id.substr(type.size() + 2);
  for (std::size_t i = 0; i < u.size(); ++i) {
    const char ch = u[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (ch != '-') return false;
    } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                 (ch >= 'A' && ch <= 'F'))) {
      return false;
    }
  }
  return true;
}

namespace {

model::Tlp stricter(model::Tlp a, model::Tlp b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

void merge(StixIndicator& into, const StixIndicator& x) {
  if (x.first_seen && (!into.first_seen || *x.first_seen < *into.first_seen)) {
    into.first_seen = x.first_seen;
  }
  if (x.last_seen && (!into.last_seen || *x.last_seen > *into.last_seen)) {
    into.last_seen = x.last_seen;
  }
  if (x.confidence && (!into.confidence || *x.confidence > *into.confidence)) {
    into.confidence = x.confidence;
  }
  if (x.tlp) into.tlp = into.tlp ? stricter(*into.tlp, *x.tlp) : *x.tlp;
  if (into.note.empty()) into.note = x.note;
  if (into.added == TimePoint{} || (x.added != TimePoint{} && x.added < into.added)) {
    into.added = x.added;
  }
}

}  // namespace

void Mapper::resolve_sightings(StixImport& out) {
  for (PendingSighting& s : sightings_) {
    json& o = s.object;
    const auto it = pending_.find(o["sighting_of_ref"].get<std::string>());
    const long long count = o.value("count", 1LL);
    if (it == pending_.end() || it->second.values.empty() || count < 1) {
      keep(std::move(o));
      continue;
    }
    const TimePoint created = *parse_stix_timestamp(o["created"].get<std::string>());
    StixSighting base;
    base.first_seen = o.contains("first_seen")
                          ? *parse_stix_timestamp(o["first_seen"].get<std::string>())
                          : created;
    base.last_seen = o.contains("last_seen")
                         ? *parse_stix_timestamp(o["last_seen"].get<std::string>())
                         : base.first_seen;
    base.count = static_cast<int>(count);
    base.side = options_.side;
    base.at = created;
    if (o.contains("description") && o["description"].is_string()) {
      base.where = o["description"].get<std::string>();
    } else {
      for (const json& ref : o.value("where_sighted_refs", json::array())) {
        const auto name = identity_names_.find(ref.get<std::string>());
        if (name == identity_names_.end()) continue;
        base.where += (base.where.empty() ? "" : ", ") + name->second;
      }
    }
    for (const StixIndicator& i : it->second.values) {
      StixSighting x = base;
      x.type = i.type;
      x.value = i.value;
      out.sightings.push_back(std::move(x));
    }
    ++mapped_["sighting"];
  }
}

void Mapper::resolve_candidates(StixImport&) {
  // observed-data first: a relationship may point at one.
  for (const char* pass : {"observed-data", "relationship"}) {
    for (json& o : candidates_) {
      if (o.is_null() || o["type"] != pass) continue;
      bool used = false;
      if (o["type"] == "relationship") {
        // a mapped indicator based-on what it was made from, also mapped
        used = o["relationship_type"] == "based-on" &&
               pending_.contains(o["source_ref"].get<std::string>()) &&
               pending_.contains(o["target_ref"].get<std::string>());
      } else {
        const json refs = o.value("object_refs", json::array());
        used = !refs.empty();
        for (const json& r : refs) used = used && pending_.contains(r.get<std::string>());
        if (used) pending_.emplace(o["id"].get<std::string>(), Pending{});
      }
      if (used) {
        ++mapped_[o["type"].get<std::string>()];
      } else {
        keep(std::move(o));
      }
      o = nullptr;
    }
  }
}

StixImport Mapper::finish(const std::string& bundle_id) {
  StixImport out;
  out.bundle_id = bundle_id;
  out.objects = count_;
  std::map<std::pair<std::string, std::string>, std::size_t> where;
  for (const std::string& id : pending_order_) {
    Pending& p = pending_.at(id);
    const std::optional<model::Tlp> tlp = tlp_of(p.markings);
    for (StixIndicator& x : p.values) {
      x.tlp = tlp;
      const auto key = std::make_pair(x.type, x.value);
      if (const auto it = where.find(key); it != where.end()) {
        merge(out.indicators[it->second], x);
      } else {
        where.emplace(key, out.indicators.size());
        out.indicators.push_back(x);
      }
    }
  }
  resolve_candidates(out);
  resolve_sightings(out);
  out.warnings = std::move(warnings_);
  out.mapped = std::move(mapped_);
  out.unmapped = std::move(unmapped_);
  if (!kept_.empty()) {
    out.unmapped_bundle = {{"type", "bundle"}, {"id", bundle_id}, {"objects", std::move(kept_)}};
  }
  return out;
}

}  // namespace hotline::interop::stix_import_impl
