// Validation and mapping of one STIX object (stix_import_impl.h).
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/stix_import_impl.h"
#include "hotline/interop/stix_pattern.h"
#include "hotline/model/indicator.h"

namespace hotline::interop::stix_import_impl {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 18> kScoTypes{"artifact",
                                                     "autonomous-system",
                                                     "directory",
                                                     "domain-name",
                                                     "email-addr",
                                                     "email-message",
                                                     "file",
                                                     "ipv4-addr",
                                                     "ipv6-addr",
                                                     "mac-addr",
                                                     "mutex",
                                                     "network-traffic",
                                                     "process",
                                                     "software",
                                                     "url",
                                                     "user-account",
                                                     "windows-registry-key",
                                                     "x509-certificate"};

bool is_sco(std::string_view type) {
  return std::find(kScoTypes.begin(), kScoTypes.end(), type) != kScoTypes.end();
}

// Required properties beyond the common ones, per STIX 2.1 section 4-6 ("|"
// separates alternatives: one of them is enough).
const std::map<std::string_view, std::vector<std::string_view>>& required_properties() {
  static const std::map<std::string_view, std::vector<std::string_view>> table{
      {"attack-pattern", {"name"}},
      {"campaign", {"name"}},
      {"course-of-action", {"name"}},
      {"grouping", {"context", "object_refs"}},
      {"identity", {"name"}},
      {"incident", {"name"}},
      {"indicator", {"pattern", "pattern_type", "valid_from"}},
      {"infrastructure", {"name"}},
      {"intrusion-set", {"name"}},
      {"malware", {"is_family"}},
      {"malware-analysis", {"product"}},
      {"note", {"content", "object_refs"}},
      {"observed-data",
       {"first_observed", "last_observed", "number_observed", "object_refs|objects"}},
      {"opinion", {"opinion", "object_refs"}},
      {"report", {"name", "published", "object_refs"}},
      {"threat-actor", {"name"}},
      {"tool", {"name"}},
      {"vulnerability", {"name"}},
      {"relationship", {"relationship_type", "source_ref", "target_ref"}},
      {"sighting", {"sighting_of_ref"}},
      {"language-content", {"object_ref", "contents"}},
      {"marking-definition", {}},
      {"extension-definition", {"name", "schema", "version", "extension_types", "created_by_ref"}},
      {"autonomous-system", {"number"}},
      {"directory", {"path"}},
      {"domain-name", {"value"}},
      {"email-addr", {"value"}},
      {"email-message", {"is_multipart"}},
      {"file", {"hashes|name"}},
      {"ipv4-addr", {"value"}},
      {"ipv6-addr", {"value"}},
      {"mac-addr", {"value"}},
      {"mutex", {"name"}},
      {"network-traffic", {"protocols"}},
      {"software", {"name"}},
      {"url", {"value"}},
  };
  return table;
}

struct Ctx {
  std::size_t index;
  std::string id;
  [[noreturn]] void fail(std::string_view field, const std::string& expected,
                         const std::string& found) const {
    refuse(index, id, field, expected, found);
  }
  const std::string& string(const json& o, const char* field) const {
    const auto it = o.find(field);
    if (it == o.end()) fail(field, "a string", "nothing (a required property)");
    if (!it->is_string()) fail(field, "a string", shown(*it));
    return it->get_ref<const std::string&>();
  }
  TimePoint time(const json& o, const char* field) const {
    const std::string& s = string(o, field);
    const auto t = parse_stix_timestamp(s);
    if (!t) fail(field, "a STIX timestamp such as \"2026-03-01T10:00:00.000Z\"", shown(s));
    return *t;
  }
  std::optional<TimePoint> opt_time(const json& o, const char* field) const {
    if (!o.contains(field)) return std::nullopt;
    return time(o, field);
  }
  std::optional<long long> opt_int(const json& o, const char* field, long long lo,
                                   long long hi) const {
    const auto it = o.find(field);
    if (it == o.end()) return std::nullopt;
    if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi) {
      fail(field, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi),
           shown(*it));
    }
    return it->get<long long>();
  }
  void ref(const json& value, std::string_view field, std::string_view type = "") const {
    if (!value.is_string()) fail(field, "a STIX id \"<type>--<uuid>\"", shown(value));
    const std::string& s = value.get_ref<const std::string&>();
    const std::size_t dash = s.find("--");
    const std::string_view want =
        type.empty() && dash != std::string::npos ? std::string_view(s).substr(0, dash) : type;
    if (!is_stix_id(s, want)) {
      fail(field,
           type.empty()
               ? std::string("a STIX id \"<type>--<uuid>\"")
               : "the id of a " + std::string(type) + " \"" + std::string(type) + "--<uuid>\"",
           shown(value));
    }
  }
  std::vector<std::string> refs(const json& o, const char* field,
                                std::string_view type = "") const {
    std::vector<std::string> out;
    const auto it = o.find(field);
    if (it == o.end()) return out;
    if (!it->is_array()) fail(field, "a list of STIX ids", shown(*it));
    for (const json& v : *it) {
      ref(v, field, type);
      out.push_back(v.get<std::string>());
    }
    return out;
  }
};

void check_common(const Ctx& c, const json& o, const std::string& type) {
  const bool sco = is_sco(type);
  if (const auto it = o.find("spec_version"); it != o.end()) {
    if (!it->is_string() || *it != "2.1") c.fail("spec_version", "\"2.1\"", shown(*it));
  } else if (!sco) {
    c.fail("spec_version", "\"2.1\"", "nothing (a required property)");
  }
  if (!sco) {
    const TimePoint created = c.time(o, "created");
    if (type != "marking-definition" || o.contains("modified")) {
      const TimePoint modified = c.time(o, "modified");
      if (modified < created) {
        c.fail("modified", "a time not before created (" + stix_timestamp(created) + ")",
               shown(o["modified"]));
      }
    }
  }
  if (o.contains("created_by_ref")) c.ref(o["created_by_ref"], "created_by_ref", "identity");
  c.refs(o, "object_marking_refs", "marking-definition");
  if (const auto it = o.find("confidence"); it != o.end()) c.opt_int(o, "confidence", 0, 100);
  const auto& table = required_properties();
  if (const auto row = table.find(type); row != table.end()) {
    for (std::string_view need : row->second) {
      bool any = false;
      std::size_t start = 0;
      while (start <= need.size()) {
        const std::size_t bar = std::min(need.find('|', start), need.size());
        any = any || o.contains(std::string(need.substr(start, bar - start)));
        start = bar + 1;
      }
      if (!any) c.fail(need, "a value (a required property of " + type + ")", "nothing");
    }
  }
}

// The normalized value, or nullopt with a warning when it is not a valid
// indicator of its type.
std::optional<std::string> normalized(const Ctx& c, std::string_view field, const std::string& type,
                                      const std::string& value,
                                      std::vector<std::string>& warnings) {
  try {
    return model::normalize_indicator(type, value);
  } catch (const Error& e) {
    warnings.push_back("object " + std::to_string(c.index) + " (" + c.id + "): \"" +
                       std::string(field) + "\": kept, not imported: " + e.what());
    return std::nullopt;
  }
}

}  // namespace

void Mapper::object(std::size_t index, json o) {
  ++count_;
  Ctx c{index, ""};
  if (!o.is_object()) c.fail("(the object)", "a JSON object", shown(o));
  if (o.contains("id") && o["id"].is_string()) c.id = escape_text(o["id"].get<std::string>(), 120);
  const std::string type = c.string(o, "type");
  if (type.size() < 3 || type.size() > 250 || type.front() == '-' || type.back() == '-' ||
      !std::all_of(type.begin(), type.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
      })) {
    c.fail("type", "a STIX type: 3..250 of [a-z0-9-]", shown(o["type"]));
  }
  const std::string id = c.string(o, "id");
  if (!is_stix_id(id, type)) c.fail("id", "\"" + type + "--<uuid>\"", shown(o["id"]));
  check_common(c, o, type);
  const std::string version = o.contains("modified") && o["modified"].is_string()
                                  ? o["modified"].get<std::string>()
                                  : std::string();
  if (!seen_.insert(id + "|" + version).second) {
    c.fail("id", "an id not used before in the bundle (with this modified time)",
           shown(o["id"]) + ", a duplicate");
  }
  if (type == "indicator") return indicator(index, id, o);
  if (type == "ipv4-addr" || type == "ipv6-addr" || type == "domain-name" || type == "url" ||
      type == "email-addr" || type == "file" || type == "autonomous-system") {
    return observable(index, id, type, o);
  }
  if (type == "sighting") {
    c.ref(o["sighting_of_ref"], "sighting_of_ref");
    c.opt_int(o, "count", 0, 999999999);
    c.opt_time(o, "first_seen");
    c.opt_time(o, "last_seen");
    c.refs(o, "where_sighted_refs");
    sightings_.push_back({index, std::move(o)});
    return;
  }
  if (type == "relationship" || type == "observed-data") {
    if (type == "relationship") {
      c.string(o, "relationship_type");
      c.ref(o["source_ref"], "source_ref");
      c.ref(o["target_ref"], "target_ref");
    } else {
      c.time(o, "first_observed");
      c.time(o, "last_observed");
      c.opt_int(o, "number_observed", 1, 999999999);
      c.refs(o, "object_refs");
    }
    candidates_.push_back(std::move(o));
    return;
  }
  if (type == "identity") identity_names_[id] = c.string(o, "name");
  if (type == "marking-definition") {
    if (const auto tlp = tlp_of_marking(id)) {
      ++mapped_[type];
      return;
    }
    if (o.contains("name") && o["name"].is_string()) {
      if (const auto tlp = model::parse_tlp(o["name"].get<std::string>())) bundle_tlp_[id] = *tlp;
    }
  }
  keep(std::move(o));
}

void Mapper::keep(json o) {
  ++unmapped_[o["type"].get<std::string>()];
  kept_.push_back(std::move(o));
}

void Mapper::add_pending(const std::string& id, Pending p) {
  pending_order_.push_back(id);
  pending_[id] = std::move(p);
}

void Mapper::indicator(std::size_t index, const std::string& id, json& o) {
  const Ctx c{index, escape_text(id, 120)};
  const std::string& pattern = c.string(o, "pattern");
  const std::string& pattern_type = c.string(o, "pattern_type");
  const TimePoint valid_from = c.time(o, "valid_from");
  if (const auto until = c.opt_time(o, "valid_until"); until && *until <= valid_from) {
    c.fail("valid_until", "a time after valid_from (" + stix_timestamp(valid_from) + ")",
           shown(o["valid_until"]));
  }
  if (o.contains("description") && !o["description"].is_string()) {
    c.fail("description", "a string", shown(o["description"]));
  }
  if (pattern_type != "stix") return keep(std::move(o));
  const ParsedPattern parsed = parse_stix_pattern(pattern, id);
  if (!parsed.supported) return keep(std::move(o));
  Pending p;
  p.markings = c.refs(o, "object_marking_refs");
  for (const PatternTerm& t : parsed.terms) {
    StixIndicator x;
    x.type = t.type;
    const auto value = normalized(c, "pattern", t.type, t.value, warnings_);
    if (!value) return keep(std::move(o));
    x.value = *value;
    x.first_seen = valid_from;
    if (const auto conf = c.opt_int(o, "confidence", 0, 100))
      x.confidence = static_cast<int>(*conf);
    if (o.contains("description")) x.note = o["description"].get<std::string>();
    x.added = c.time(o, "created");
    x.side = options_.side;
    p.values.push_back(std::move(x));
  }
  ++mapped_["indicator"];
  add_pending(id, std::move(p));
}

void Mapper::observable(std::size_t index, const std::string& id, const std::string& type,
                        json& o) {
  const Ctx c{index, escape_text(id, 120)};
  Pending p;
  p.markings = c.refs(o, "object_marking_refs");
  bool bad = false;
  auto add = [&](const std::string& t, const std::string& value, std::string_view field) {
    const auto normal = normalized(c, field, t, value, warnings_);
    bad = bad || !normal;
    if (!normal) return;
    StixIndicator x;
    x.type = t;
    x.value = *normal;
    x.side = options_.side;
    p.values.push_back(std::move(x));
  };
  if (type == "autonomous-system") {
    const auto n = c.opt_int(o, "number", 0, 4294967295LL);
    add(type, "AS" + std::to_string(*n), "number");
  } else if (type == "file") {
    if (o.contains("hashes")) {
      if (!o["hashes"].is_object())
        c.fail("hashes", "an object of hash name -> hex", shown(o["hashes"]));
      for (const auto& [name, value] : o["hashes"].items()) {
        std::string h;
        for (char ch : name) {
          if (ch != '-') h += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        }
        const char* t = h == "MD5"      ? "md5"
                        : h == "SHA1"   ? "sha1"
                        : h == "SHA256" ? "sha256"
                                        : nullptr;
        if (!value.is_string()) c.fail("hashes", "a hex string per hash", shown(value));
        if (t != nullptr) add(t, value.get<std::string>(), "hashes");
      }
    }
    if (o.contains("name")) add("file-name", c.string(o, "name"), "name");
  } else {
    add(type, c.string(o, "value"), "value");
  }
  if (bad || p.values.empty()) return keep(std::move(o));  // or a file with other hashes only
  ++mapped_[type];
  add_pending(id, std::move(p));
}

std::optional<model::Tlp> Mapper::tlp_of(const std::vector<std::string>& markings) const {
  std::optional<model::Tlp> out;
  for (const std::string& m : markings) {
    std::optional<model::Tlp> t = tlp_of_marking(m);
    if (!t) {
      if (const auto it = bundle_tlp_.find(m); it != bundle_tlp_.end()) t = it->second;
    }
    if (t && (!out || static_cast<int>(*t) > static_cast<int>(*out))) out = t;
  }
  return out;
}

}  // namespace hotline::interop::stix_import_impl
