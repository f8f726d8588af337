// import_iodef and validate_iodef: untrusted bytes -> checked tree ->
// what Hotline keeps (docs/interop.md, "IODEF v2": the mapping).
#include <algorithm>
#include <set>
#include <utility>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/iodef.h"
#include "hotline/interop/iodef_xml.h"
#include "hotline/model/indicator.h"

namespace hotline::interop {
namespace {

using xml::attr;
using xml::children;
using xml::fail_at;
using xml::first_child;
using xml::text_of;

constexpr std::size_t kTitleBytes = 200;

// Text as the model takes it: control characters (C0 but line breaks and
// tabs when allowed, DEL) become spaces; XML 1.0 still lets "&#13;" through.
std::string plain(std::string_view s, bool allow_breaks) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_breaks && (c == '\n' || c == '\t')) continue;
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// One line of at most kTitleBytes bytes, cut at a character boundary.
std::string one_line(std::string_view s) {
  std::string out = trimmed(plain(s.substr(0, s.find_first_of("\r\n")), false));
  if (out.size() <= kTitleBytes) return out;
  std::size_t cut = kTitleBytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

std::optional<TimePoint> time_of(const xmlNode* parent, const char* name) {
  const xmlNode* n = first_child(parent, name);
  if (n == nullptr) return std::nullopt;
  auto t = xml::parse_datetime(trimmed(text_of(n)));
  if (!t) fail_at(n, "expected an xs:dateTime, found " + escape_text(text_of(n), 60));
  return t;
}

// Collects the indicators, deduplicated by (type, value).
class Collector {
 public:
  explicit Collector(IodefIncident& out) : out_(out) {}

  void add(const xmlNode* where, std::string_view type, std::string_view raw,
           const IodefIndicator& meta) {
    std::string value;
    try {
      value = model::normalize_indicator(type, trimmed(raw));
    } catch (const Error& e) {
      fail_at(where, e.what());
    }
    if (!seen_.emplace(std::string(type), value).second) return;
    IodefIndicator ind = meta;
    ind.type = std::string(type);
    ind.value = std::move(value);
    out_.indicators.push_back(std::move(ind));
  }
  void not_kept(const xmlNode* node) { out_.not_kept.push_back(xml::node_path(node)); }

 private:
  IodefIncident& out_;
  std::set<std::pair<std::string, std::string>> seen_;
};

void from_address(Collector& c, const xmlNode* a, const IodefIndicator& meta) {
  // The schema's default category is "ipv6-addr".
  const std::string cat = attr(a, "category").value_or("ipv6-addr");
  const std::string v = trimmed(text_of(a));
  if (cat == "ipv4-addr" || cat == "ipv4-net") {
    c.add(a, "ipv4-addr", v, meta);
  } else if (cat == "ipv6-addr" || cat == "ipv6-net") {
    c.add(a, "ipv6-addr", v, meta);
  } else if (cat == "asn") {
    c.add(a, "autonomous-system", v, meta);
  } else if (cat == "e-mail") {
    c.add(a, "email-addr", v, meta);
  } else if (cat == "site-uri") {
    c.add(a, "url", v, meta);
  } else {
    c.not_kept(a);
  }
}

std::optional<std::string> hash_type(std::string_view algorithm) {
  const auto hash = algorithm.rfind('#');
  const std::string_view name =
      hash == std::string_view::npos ? algorithm : algorithm.substr(hash + 1);
  if (name == "md5") return "md5";
  if (name == "sha1") return "sha1";
  if (name == "sha256") return "sha256";
  return std::nullopt;
}

void from_hash(Collector& c, const xmlNode* hash, const IodefIndicator& meta) {
  const xmlNode* method = nullptr;
  const xmlNode* value = nullptr;
  for (const xmlNode* n : children(hash)) {
    const std::string_view name = reinterpret_cast<const char*>(n->name);
    if (name == "DigestMethod") method = n;
    if (name == "DigestValue") value = n;
  }
  auto type = method != nullptr ? hash_type(attr(method, "Algorithm").value_or("")) : std::nullopt;
  if (!type || value == nullptr) return c.not_kept(hash);
  auto bytes = xml::base64_decode(text_of(value));
  if (!bytes) fail_at(value, "expected base64, found " + escape_text(text_of(value), 80));
  c.add(value, *type, to_hex(*bytes), meta);
}

void from_file_data(Collector& c, const xmlNode* fd, const IodefIndicator& meta) {
  for (const xmlNode* f : children(fd, "File")) {
    if (const xmlNode* name = first_child(f, "FileName"))
      c.add(name, "file-name", text_of(name), meta);
    for (const xmlNode* hd : children(f, "HashData")) {
      for (const xmlNode* h : children(hd, "Hash")) from_hash(c, h, meta);
    }
    for (const xmlNode* u : children(f, "URL")) c.add(u, "url", text_of(u), meta);
  }
}

void from_email(Collector& c, const xmlNode* ed, const IodefIndicator& meta) {
  for (const xmlNode* n : children(ed)) {
    const std::string_view name = reinterpret_cast<const char*>(n->name);
    if (name == "EmailFrom" || name == "EmailTo") c.add(n, "email-addr", text_of(n), meta);
  }
}

std::optional<std::string> bulk_type(std::string_view t) {
  if (t == "ipv4-addr" || t == "ipv4-net") return "ipv4-addr";
  if (t == "ipv6-addr" || t == "ipv6-net") return "ipv6-addr";
  if (t == "domain-name" || t == "fqdn" || t == "domain") return "domain-name";
  if (t == "site-uri" || t == "url" || t == "http-request-uri") return "url";
  if (t == "e-mail" || t == "email") return "email-addr";
  if (t == "asn") return "autonomous-system";
  if (t == "md5" || t == "sha1" || t == "sha256") return std::string(t);
  return std::nullopt;
}

void from_bulk(Collector& c, const xmlNode* bulk, const IodefIndicator& meta) {
  std::string t = attr(bulk, "type").value_or("");
  if (t == "ext-value") t = attr(bulk, "ext-type").value_or("");
  auto type = bulk_type(t);
  const xmlNode* list = first_child(bulk, "BulkObservableList");
  if (!type || list == nullptr || first_child(bulk, "BulkObservableFormat") != nullptr) {
    return c.not_kept(bulk);
  }
  const std::string text = text_of(list);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = text.find_first_not_of(" \t\r\n,", i);
    if (b == std::string::npos) break;
    const auto e = text.find_first_of(" \t\r\n,", b);
    c.add(list, *type, text.substr(b, e == std::string::npos ? e : e - b), meta);
    i = e == std::string::npos ? text.size() : e;
  }
}

void from_node_like(Collector& c, const xmlNode* parent, const IodefIndicator& meta);

void from_observable(Collector& c, const xmlNode* obs, const IodefIndicator& meta) {
  for (const xmlNode* n : children(obs)) {
    const std::string_view name = reinterpret_cast<const char*>(n->name);
    if (name == "Address") {
      from_address(c, n, meta);
    } else if (name == "DomainData") {
      c.add(n, "domain-name", text_of(first_child(n, "Name")), meta);
    } else if (name == "EmailData") {
      from_email(c, n, meta);
    } else if (name == "FileData") {
      from_file_data(c, n, meta);
    } else if (name == "BulkObservable") {
      from_bulk(c, n, meta);
    } else if (name == "System") {
      from_node_like(c, n, meta);
    } else {
      c.not_kept(n);
    }
  }
}

// System/Node's addresses and domains (also inside EventData/Flow).
void from_node_like(Collector& c, const xmlNode* parent, const IodefIndicator& meta) {
  for (const xmlNode* node : children(parent, "Node")) {
    for (const xmlNode* a : children(node, "Address")) from_address(c, a, meta);
    for (const xmlNode* d : children(node, "DomainData")) {
      c.add(d, "domain-name", text_of(first_child(d, "Name")), meta);
    }
  }
}

void from_event_data(Collector& c, const xmlNode* ev) {
  for (const xmlNode* flow : children(ev, "Flow")) {
    for (const xmlNode* sys : children(flow, "System")) from_node_like(c, sys, {});
  }
  for (const xmlNode* inner : children(ev, "EventData")) from_event_data(c, inner);
}

void from_indicator(Collector& c, const xmlNode* ind) {
  IodefIndicator meta;
  meta.first_seen = time_of(ind, "StartTime");
  meta.last_seen = time_of(ind, "EndTime");
  if (const xmlNode* d = first_child(ind, "Description"))
    meta.note = trimmed(plain(text_of(d), true));
  if (const xmlNode* obs = first_child(ind, "Observable")) return from_observable(c, obs, meta);
  if (const xmlNode* expr = first_child(ind, "IndicatorExpression")) {
    for (const xmlNode* obs : children(expr, "Observable")) from_observable(c, obs, meta);
    return;
  }
  for (const xmlNode* n : children(ind)) {
    const std::string_view name = reinterpret_cast<const char*>(n->name);
    if (name == "ObservableReference" || name == "IndicatorReference") c.not_kept(n);
  }
}

void read_assessments(IodefIncident& out, const xmlNode* inc) {
  for (const xmlNode* a : children(inc, "Assessment")) {
    for (const xmlNode* cat : children(a, "IncidentCategory")) {
      const std::string code = trimmed(text_of(cat));
      if (model::find_rsit(code) != nullptr &&
          std::find(out.rsit.begin(), out.rsit.end(), code) == out.rsit.end()) {
        out.rsit.push_back(code);
      }
    }
    for (const xmlNode* impact : children(a)) {
      if (attr(impact, "severity").value_or("") == "high") out.urgent = true;
    }
  }
}

std::string contact_line(const xmlNode* c) {
  std::string line = attr(c, "role").value_or("contact") + ":";
  for (const xmlNode* n : children(c, "ContactName")) line += " " + trimmed(text_of(n));
  for (const xmlNode* e : children(c, "Email"))
    line += " <" + trimmed(text_of(first_child(e, "EmailTo"))) + ">";
  return line;
}

void read_texts(IodefIncident& out, const xmlNode* inc) {
  std::string details;
  for (const xmlNode* d : children(inc, "Description")) {
    const std::string text = trimmed(plain(text_of(d), true));
    if (out.title.empty()) out.title = one_line(text);
    details += text + "\n\n";
  }
  details += "IODEF incident " + out.id_name + " " + out.id + " (purpose " + out.purpose +
             (out.status.empty() ? "" : ", status " + out.status) + ")";
  for (const xmlNode* c : children(inc, "Contact")) details += "\n" + plain(contact_line(c), false);
  out.details = plain(details, true);
  if (out.title.empty()) out.title = one_line("IODEF incident " + out.id_name + " " + out.id);
}

void read_labels(IodefIncident& out, const xmlNode* inc) {
  const std::string restriction = attr(inc, "restriction").value_or("private");
  auto tlp = tlp_from_restriction(restriction);
  if (!tlp) {
    fail_at(inc,
            "expected a restriction Hotline can map to TLP (white, green, amber, red, "
            "public, partner, need-to-know, private, default), found " +
                escape_text(restriction, 40));
  }
  out.tlp = *tlp;
  for (const xmlNode* d : children(inc, "AdditionalData")) {
    if (attr(d, "meaning").value_or("") != "hotline:tlp") continue;
    auto exact = model::parse_tlp(trimmed(text_of(d)));
    if (!exact) fail_at(d, "expected a TLP 2.0 label, found " + escape_text(text_of(d), 40));
    out.tlp = *exact;
  }
}

IodefIncident map_incident(const xmlNode* inc) {
  IodefIncident out;
  const xmlNode* id = first_child(inc, "IncidentID");
  out.id_name = trimmed(attr(id, "name").value_or(""));
  out.id = trimmed(text_of(id));
  out.purpose = attr(inc, "purpose").value_or("");
  out.status = attr(inc, "status").value_or("");
  read_labels(out, inc);
  out.detect_time = time_of(inc, "DetectTime");
  out.start_time = time_of(inc, "StartTime");
  out.report_time = time_of(inc, "ReportTime");
  out.generation_time = *time_of(inc, "GenerationTime");
  read_texts(out, inc);
  read_assessments(out, inc);
  Collector c(out);
  if (const xmlNode* data = first_child(inc, "IndicatorData")) {
    for (const xmlNode* ind : children(data, "Indicator")) from_indicator(c, ind);
  }
  for (const xmlNode* ev : children(inc, "EventData")) from_event_data(c, ev);
  return out;
}

}  // namespace

void validate_iodef(std::string_view bytes) {
  auto doc = xml::parse_untrusted(bytes);
  xml::validate_schema(doc.get());
}

IodefIncident import_iodef(std::string_view bytes) {
  auto doc = xml::parse_untrusted(bytes);
  xml::validate_schema(doc.get());
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  auto incidents = children(root, "Incident");
  if (incidents.size() != 1) {
    fail_at(root, "expected exactly one Incident (Hotline imports one at a time), found " +
                      std::to_string(incidents.size()));
  }
  return map_incident(incidents.front());
}

}  // namespace hotline::interop
