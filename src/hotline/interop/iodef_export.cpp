// export_iodef: an alert, a request or a case as an IODEF-Document built
// with libxml2's tree API (docs/interop.md, "IODEF v2": the mapping).
#include <libxml/tree.h>

#include <algorithm>
#include <array>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/interop/iodef.h"
#include "hotline/interop/iodef_xml.h"

namespace hotline::interop {
namespace {

const xmlChar* X(const char* s) {
  return reinterpret_cast<const xmlChar*>(s);
}

// One document under construction; owns the xmlDoc until serialized.
class Builder {
 public:
  Builder() : doc_(xmlNewDoc(X("1.0"))) {
    root_ = xmlNewNode(nullptr, X("IODEF-Document"));
    xmlDocSetRootElement(doc_.get(), root_);
    ns_ = xmlNewNs(root_, X(std::string(kIodefNamespace).c_str()), nullptr);
    ds_ = xmlNewNs(root_, X("http://www.w3.org/2000/09/xmldsig#"), X("ds"));
    xmlSetNs(root_, ns_);
    attr(root_, "version", "2.00");
    xmlNodeSetLang(root_, X("en"));
  }
  xmlNode* root() const { return root_; }

  xmlNode* el(xmlNode* parent, const char* name) {
    return xmlNewChild(parent, ns_, X(name), nullptr);
  }
  xmlNode* el(xmlNode* parent, const char* name, std::string_view text) {
    const std::string safe = xml::xml_safe(text);
    return xmlNewTextChild(parent, ns_, X(name), X(safe.c_str()));
  }
  xmlNode* ds(xmlNode* parent, const char* name, std::string_view text = {}) {
    const std::string safe = xml::xml_safe(text);
    return xmlNewTextChild(parent, ds_, X(name), text.empty() ? nullptr : X(safe.c_str()));
  }
  void attr(xmlNode* node, const char* name, std::string_view value) {
    const std::string safe = xml::xml_safe(value);
    xmlNewProp(node, X(name), X(safe.c_str()));
  }
  void time(xmlNode* parent, const char* name, TimePoint t) {
    el(parent, name, format_timestamp(t));
  }

  std::string serialize() {
    xmlChar* out = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc_.get(), &out, &size, "UTF-8", 1);
    if (out == nullptr) throw Error(ErrorCategory::internal, "iodef_internal", "out of memory");
    std::string text(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
    xmlFree(out);
    return text;
  }

 private:
  xml::DocPtr doc_;
  xmlNode* root_ = nullptr;
  xmlNs* ns_ = nullptr;
  xmlNs* ds_ = nullptr;
};

struct Head {
  std::string id;
  std::string purpose;
  std::string status;
  const model::Labels* labels = nullptr;
  std::optional<TimePoint> report_time;
  TimePoint generated_at;
  std::string title, details;
  model::Side origin = model::Side::ours;
  std::optional<model::Priority> priority;  // alerts and requests
  std::string occurrence;                   // "actual" or "potential"
};

xmlNode* incident(Builder& b, const Head& h, const IodefParties& parties) {
  xmlNode* inc = b.el(b.root(), "Incident");
  b.attr(inc, "purpose", h.purpose);
  b.attr(inc, "status", h.status);
  b.attr(inc, "restriction", iodef_restriction(h.labels->tlp));
  b.attr(b.el(inc, "IncidentID", h.id), "name", parties.ours);
  if (h.report_time) b.time(inc, "ReportTime", *h.report_time);
  b.time(inc, "GenerationTime", h.generated_at);
  b.el(inc, "Description", h.title);
  if (!h.details.empty()) b.el(inc, "Description", h.details);
  return inc;
}

void assessment(Builder& b, xmlNode* inc, const Head& h) {
  xmlNode* a = b.el(inc, "Assessment");
  b.attr(a, "occurrence", h.occurrence);
  for (const auto& code : h.labels->rsit) b.el(a, "IncidentCategory", code);
  xmlNode* impact = b.el(a, "SystemImpact");
  b.attr(impact, "type", "unknown");
  if (h.priority)
    b.attr(impact, "severity", *h.priority == model::Priority::urgent ? "high" : "medium");
}

void contacts(Builder& b, xmlNode* inc, const Head& h, const IodefParties& parties) {
  const bool ours_first = h.origin == model::Side::ours;
  const std::array<std::string, 2> names{ours_first ? parties.ours : parties.theirs,
                                         ours_first ? parties.theirs : parties.ours};
  const std::array<const char*, 2> roles{"creator", "irt"};
  for (std::size_t i = 0; i < 2; ++i) {
    xmlNode* c = b.el(inc, "Contact");
    b.attr(c, "type", "organization");
    b.attr(c, "role", roles[i]);
    b.el(c, "ContactName", names[i]);
  }
}

// The labels IODEF has no element for, so that a Hotline import reads
// them back: AdditionalData dtype "string", meaning "hotline:tlp", ...
void label_data(Builder& b, xmlNode* inc, const model::Labels& labels) {
  auto add = [&](const char* meaning, std::string_view value) {
    xmlNode* d = b.el(inc, "AdditionalData", value);
    b.attr(d, "dtype", "string");
    b.attr(d, "meaning", meaning);
  };
  add("hotline:tlp", model::to_string(labels.tlp));
  add("hotline:pap", model::to_string(labels.pap));
  if (labels.reliability) add("hotline:reliability", std::string(1, *labels.reliability));
  if (labels.credibility) add("hotline:credibility", std::to_string(*labels.credibility));
  for (const auto& o : labels.offences) add("hotline:offence", o);
}

struct HistoryLine {
  std::string action, actor, party, text;
  TimePoint at;
};

void history(Builder& b, xmlNode* inc, const std::vector<HistoryLine>& lines) {
  if (lines.empty()) return;
  xmlNode* hist = b.el(inc, "History");
  for (const auto& l : lines) {
    xmlNode* item = b.el(hist, "HistoryItem");
    b.attr(item, "action", "ext-value");
    b.attr(item, "ext-action", l.action);
    b.time(item, "DateTime", l.at);
    xmlNode* c = b.el(item, "Contact");
    b.attr(c, "type", l.actor.empty() ? "organization" : "person");
    b.attr(c, "role", "creator");
    b.el(c, "ContactName", l.actor.empty() ? l.party : l.actor);
    if (!l.actor.empty()) b.el(c, "Description", l.party);
    if (!l.text.empty()) b.el(item, "Description", l.text);
  }
}

std::string party_of(model::Side side, const IodefParties& parties) {
  return side == model::Side::ours ? parties.ours : parties.theirs;
}

const char* digest_method(std::string_view type) {
  if (type == "md5") return "http://www.w3.org/2001/04/xmldsig-more#md5";
  if (type == "sha1") return "http://www.w3.org/2000/09/xmldsig#sha1";
  return "http://www.w3.org/2001/04/xmlenc#sha256";
}

void address(Builder& b, xmlNode* obs, const char* category, std::string_view value) {
  b.attr(b.el(obs, "Address", value), "category", category);
}

// The Observable of one indicator (docs/interop.md has the table).
void observable(Builder& b, xmlNode* obs, const model::Indicator& ind) {
  const std::string& t = ind.type;
  const std::string& v = ind.value;
  const bool net = v.find('/') != std::string::npos;
  if (t == "ipv4-addr") {
    address(b, obs, net ? "ipv4-net" : "ipv4-addr", v);
  } else if (t == "ipv6-addr") {
    address(b, obs, net ? "ipv6-net" : "ipv6-addr", v);
  } else if (t == "autonomous-system") {
    address(b, obs, "asn", v.rfind("AS", 0) == 0 ? v.substr(2) : v);
  } else if (t == "url") {
    address(b, obs, "site-uri", v);
  } else if (t == "domain-name") {
    b.el(b.el(obs, "DomainData"), "Name", v);
  } else if (t == "email-addr") {
    b.el(b.el(obs, "EmailData"), "EmailFrom", v);
  } else if (t == "file-name") {
    b.el(b.el(b.el(obs, "FileData"), "File"), "FileName", v);
  } else if ((t == "md5" || t == "sha1" || t == "sha256") &&
             v.find_first_not_of("0123456789abcdef") == std::string::npos && v.size() % 2 == 0) {
    xmlNode* hd = b.el(b.el(b.el(obs, "FileData"), "File"), "HashData");
    b.attr(hd, "scope", "file-contents");
    xmlNode* hash = b.el(hd, "Hash");
    b.attr(b.ds(hash, "DigestMethod"), "Algorithm", digest_method(t));
    b.ds(hash, "DigestValue", xml::base64_encode(from_hex(v)));
  } else {
    // A type IODEF has no observable for: kept as text, named by its token.
    xmlNode* d = b.el(obs, "AdditionalData", v);
    b.attr(d, "dtype", "string");
    b.attr(d, "meaning", "hotline:indicator:" + t);
  }
}

void indicators(Builder& b, xmlNode* inc, const model::CaseFile& c, const IodefParties& parties) {
  if (c.indicators.empty()) return;
  xmlNode* data = b.el(inc, "IndicatorData");
  int n = 0;
  for (const auto& ind : c.indicators) {
    xmlNode* i = b.el(data, "Indicator");
    // xs:ID: an NCName unique in the document.
    xmlNode* id = b.el(i, "IndicatorID", "hl-" + c.id + "-" + std::to_string(++n));
    b.attr(id, "name", parties.ours);
    b.attr(id, "version", "1");
    observable(b, b.el(i, "Observable"), ind);
  }
}

std::string alert_status(model::AlertState s) {
  switch (s) {
    case model::AlertState::raised:
    case model::AlertState::delivered:
      return "new";
    case model::AlertState::acknowledged:
      return "in-progress";
    case model::AlertState::closed:
      return "resolved";
  }
  return "new";
}

std::string request_status(model::RequestState s) {
  switch (s) {
    case model::RequestState::draft:
    case model::RequestState::approved:
    case model::RequestState::sent:
    case model::RequestState::received:
      return "new";
    case model::RequestState::closed:
    case model::RequestState::declined:
    case model::RequestState::withdrawn:
      return "resolved";
    default:
      return "in-progress";
  }
}

// RFC 7970 §3.2: "traceback" asks who is behind it, "mitigation" asks for
// help stopping it; a preservation order asks for neither and says so in
// its description ("other").
std::string request_purpose(model::RequestKind kind) {
  switch (kind) {
    case model::RequestKind::information:
      return "traceback";
    case model::RequestKind::takedown:
    case model::RequestKind::assistance:
      return "mitigation";
    case model::RequestKind::preservation:
      return "other";
  }
  return "other";
}

}  // namespace

std::string_view iodef_restriction(model::Tlp tlp) {
  switch (tlp) {
    case model::Tlp::clear:
      return "white";
    case model::Tlp::green:
      return "green";
    case model::Tlp::amber:
      return "amber";
    case model::Tlp::amber_strict:
      return "need-to-know";
    case model::Tlp::red:
      return "red";
  }
  return "red";
}

std::optional<model::Tlp> tlp_from_restriction(std::string_view r) {
  if (r == "white" || r == "public") return model::Tlp::clear;
  if (r == "green" || r == "partner") return model::Tlp::green;
  if (r == "amber") return model::Tlp::amber;
  if (r == "need-to-know") return model::Tlp::amber_strict;
  if (r == "red" || r == "private" || r == "default") return model::Tlp::red;
  return std::nullopt;
}

std::string export_iodef(const model::Alert& a, const IodefParties& parties, TimePoint now) {
  Builder b;
  Head h{.id = a.id,
         .purpose = "reporting",
         .status = alert_status(a.state),
         .labels = &a.labels,
         .report_time = a.raised_at,
         .generated_at = now,
         .title = a.summary,
         .details = a.details,
         .origin = a.origin,
         .priority = a.priority,
         .occurrence = "actual"};
  xmlNode* inc = incident(b, h, parties);
  assessment(b, inc, h);
  contacts(b, inc, h, parties);
  std::vector<HistoryLine> lines;
  for (const auto& e : a.history) {
    std::string text = e.note;
    if (e.action == model::AlertAction::escalate) text = "level " + std::to_string(e.level);
    lines.push_back(
        {std::string(model::to_string(e.action)), e.actor, party_of(e.side, parties), text, e.at});
  }
  history(b, inc, lines);
  label_data(b, inc, a.labels);
  return b.serialize();
}

std::string export_iodef(const model::Request& r, const IodefParties& parties, TimePoint now) {
  Builder b;
  Head h{.id = r.id,
         .purpose = request_purpose(r.kind),
         .status = request_status(r.state),
         .labels = &r.labels,
         .report_time = r.sent_at ? r.sent_at : std::optional<TimePoint>(r.created_at),
         .generated_at = now,
         .title = "Request (" + std::string(model::to_string(r.kind)) + "): " + r.subject,
         .details = r.details,
         .origin = r.origin,
         .priority = r.priority,
         .occurrence = "actual"};
  xmlNode* inc = incident(b, h, parties);
  assessment(b, inc, h);
  contacts(b, inc, h, parties);
  std::vector<HistoryLine> lines;
  for (const auto& e : r.history) {
    std::string text = e.note;
    if (e.reason)
      text = std::string(model::to_string(*e.reason)) + (text.empty() ? "" : ": " + text);
    lines.push_back(
        {std::string(model::to_string(e.action)), e.actor, party_of(e.side, parties), text, e.at});
  }
  history(b, inc, lines);
  label_data(b, inc, r.labels);
  return b.serialize();
}

std::string export_iodef(const model::CaseFile& c, const IodefParties& parties, TimePoint now) {
  Builder b;
  Head h{.id = c.id,
         .purpose = c.indicators.empty() ? "reporting" : "watch",
         .status = c.state == model::CaseState::closed ? "resolved" : "in-progress",
         .labels = &c.labels,
         .report_time =
             c.timeline.empty() ? std::nullopt : std::optional<TimePoint>(c.timeline.front().at),
         .generated_at = now,
         .title = c.title,
         .details = {},
         .origin = c.origin,
         .priority = std::nullopt,
         .occurrence = "actual"};
  xmlNode* inc = incident(b, h, parties);
  assessment(b, inc, h);
  contacts(b, inc, h, parties);
  indicators(b, inc, c, parties);
  std::vector<HistoryLine> lines;
  for (const auto& e : c.timeline) {
    lines.push_back({std::string(model::to_string(e.action)), e.actor, party_of(e.side, parties),
                     e.text, e.at});
  }
  history(b, inc, lines);
  label_data(b, inc, c.labels);
  return b.serialize();
}

}  // namespace hotline::interop
