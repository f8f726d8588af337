// IODEF v2 (RFC 7970): export of an alert, a request or a case as an
// IODEF-Document, and import of one as what Hotline keeps of an incident
// (docs/interop.md has the mapping tables). Pure conversion with libxml2:
// no store, no network, no file; every function is safe to call from any
// thread (libxml2's parser state is per call; the compiled schema is built
// once and only read).
//
// Export: a document version "2.00" in urn:ietf:params:xml:ns:iodef-2.0,
// UTF-8, that validates against the IODEF 2.0 schema. Private case notes
// are never exported (the shared form only).
//
// Import (import_iodef): the bytes are refused whole, with hotline::Error
// "iodef_invalid" (or "iodef_too_large") naming the element by an XPath-like
// path and saying what was expected and what was found, when
//   - they are larger than kMaxIodefBytes, or not valid UTF-8 (the bytes
//     are read as UTF-8 whatever encoding the XML declaration names);
//   - they hold a DOCTYPE (entity declarations, external entities and DTDs
//     are never read: nothing is fetched, nothing is expanded);
//   - the XML is not well-formed or nests deeper than libxml2's limit (256);
//   - the document does not validate against the IODEF 2.0 schema, or
//     holds other than exactly one Incident;
//   - an indicator Hotline keeps has a value its type does not allow.
// Observables Hotline has no place for are listed in `not_kept`, never
// dropped silently.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/model/alert.h"
#include "hotline/model/case_file.h"
#include "hotline/model/labels.h"
#include "hotline/model/request.h"

namespace hotline::interop {

inline constexpr std::string_view kIodefNamespace = "urn:ietf:params:xml:ns:iodef-2.0";
inline constexpr std::size_t kMaxIodefBytes = 16 * 1024 * 1024;

// Who the document is from and to: this node's party (IncidentID's name,
// the creator or IRT contact) and the peer's.
struct IodefParties {
  std::string ours;
  std::string theirs;
};

// RFC 7970 §3.3.1 restriction for a TLP label, and back (docs/interop.md):
// CLEAR "white", GREEN "green", AMBER "amber", AMBER+STRICT "need-to-know",
// RED "red". Import also reads "public" (CLEAR), "partner" (GREEN),
// "need-to-know" (AMBER+STRICT), "private" and "default" (RED: the schema's
// default is "private"); nullopt for anything else.
std::string_view iodef_restriction(model::Tlp tlp);
std::optional<model::Tlp> tlp_from_restriction(std::string_view restriction);

std::string export_iodef(const model::Alert& alert, const IodefParties& parties,
                         TimePoint generated_at);
std::string export_iodef(const model::Request& request, const IodefParties& parties,
                         TimePoint generated_at);
std::string export_iodef(const model::CaseFile& case_file, const IodefParties& parties,
                         TimePoint generated_at);

// An indicator as the document has it (type token and normalized value, as
// model/indicator.h defines them).
struct IodefIndicator {
  std::string type;
  std::string value;
  std::optional<TimePoint> first_seen;  // Indicator/StartTime
  std::optional<TimePoint> last_seen;   // Indicator/EndTime
  std::string note;                     // Indicator/Description
  bool operator==(const IodefIndicator&) const = default;
};

// What Hotline keeps of an imported Incident.
struct IodefIncident {
  std::string id_name;               // IncidentID/@name: the CSIRT that numbered it
  std::string id;                    // IncidentID's text
  std::string purpose;               // Incident/@purpose
  std::string status;                // Incident/@status, "" when absent
  model::Tlp tlp = model::Tlp::red;  // from @restriction (docs/interop.md)
  std::string title;                 // the first Description, one line (cut at 200 bytes)
  std::string details;               // every Description, the contacts, the categories
  bool urgent = false;               // an Assessment impact of severity "high"
  std::vector<std::string> rsit;     // IncidentCategory texts that are RSIT codes
  std::optional<TimePoint> detect_time, start_time, report_time;
  TimePoint generation_time;
  std::vector<IodefIndicator> indicators;  // deduplicated, in document order
  // The observables not kept, by path ("/IODEF-Document/Incident/
  // IndicatorData/Indicator[2]/Observable/Service").
  std::vector<std::string> not_kept;
};

IodefIncident import_iodef(std::string_view bytes);

// Throws "iodef_invalid" unless `xml` validates against the IODEF 2.0
// schema (the same checks as import_iodef before any mapping). For tests
// and for checking an export.
void validate_iodef(std::string_view xml);

}  // namespace hotline::interop
