// STIX 2.1 export of a case (docs/interop.md): one bundle holding the two
// parties' identity objects, a report for the case, and per indicator an
// indicator object (its pattern, stix_pattern.h), a cyber-observable object
// (SCO) with an observed-data object and a "based-on" relationship between
// the two, then one sighting per case sighting; every object carries the
// TLP 2.0 marking-definition (the official ids) of its indicator, or of the
// case, in object_marking_refs, and the marking-definition objects used are
// in the bundle.
//
// Deterministic: ids are UUIDv5 (the SCOs' as STIX 2.1 §2.9 says, over the
// canonical JSON of their ID-contributing properties in the STIX namespace;
// the others in Hotline's namespace over the case id and what the object
// stands for; an identity over the party's fingerprint, or its name), times
// come from the case, and nlohmann::json writes members sorted: the same
// case gives the same bytes, and an object keeps its id across re-exports.
//
// StixCase is the view of a case the export reads (and the import fills):
// stix_case() takes it from a model::CaseFile. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/case_file.h"
#include "hotline/model/labels.h"
#include "hotline/model/vocabulary.h"

namespace hotline::interop {

// STIX 2.1 §2.9: the namespace of deterministic SCO ids.
inline constexpr std::string_view kStixScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
// Hotline's namespace for the ids of the other objects it exports.
inline constexpr std::string_view kHotlineStixNamespace = "4b2808e2-3881-4ebc-8d23-29ef0a47af40";

// RFC 9562 §5.5: UUIDv5 (SHA-1) of `name` in the namespace `ns` (a UUID in
// 8-4-4-4-12 text); lowercase 8-4-4-4-12 text.
std::string uuid_v5(std::string_view ns, std::string_view name);

// The official TLP 2.0 marking-definition id of a level
// ("marking-definition--55d920b0-..." for TLP:AMBER), and the object itself.
std::string_view tlp_marking_id(model::Tlp tlp);
nlohmann::json tlp_marking_object(model::Tlp tlp);
// The level a marking-definition id stands for: the TLP 2.0 ids, and the
// TLP 1.0 ones (WHITE reads as CLEAR); nullopt for any other id.
std::optional<model::Tlp> tlp_of_marking(std::string_view id);

// A STIX timestamp with millisecond precision: "2026-11-27T09:44:49.123Z".
std::string stix_timestamp(TimePoint t);
// RFC 3339 in UTC as STIX writes it ("...T09:44:49Z", any number of
// fractional digits, cut to milliseconds); nullopt for anything else.
std::optional<TimePoint> parse_stix_timestamp(std::string_view text);

struct StixParty {
  std::string name;         // shown as the identity's name
  std::string fingerprint;  // the node key's fingerprint; may be empty (then the name names it)
};

struct StixIndicator {
  std::string type;   // a model/indicator.h type token
  std::string value;  // normalized
  std::optional<TimePoint> first_seen;
  std::optional<TimePoint> last_seen;
  std::optional<int> confidence;  // 0..100
  std::optional<model::Tlp> tlp;  // nullopt: the case's
  std::string note;
  TimePoint added{};  // when it was added to the case
  model::Side side = model::Side::ours;
  bool operator==(const StixIndicator&) const = default;
};

struct StixSighting {
  std::string type, value;  // the indicator seen
  TimePoint first_seen{}, last_seen{};
  int count = 1;
  std::string where;
  model::Side side = model::Side::ours;  // who saw it
  TimePoint at{};                        // when it was reported
  bool operator==(const StixSighting&) const = default;
};

struct StixCase {
  std::string id;  // the case id
  std::string title;
  model::Tlp tlp = model::Tlp::amber;
  TimePoint created{}, modified{};
  std::vector<StixIndicator> indicators;
  std::vector<StixSighting> sightings;
};

// The view of `c` the export reads: its indicators (with the time and side of
// their first add_indicator timeline entry) and sightings.
StixCase stix_case(const model::CaseFile& c);

// The bundle of a case, as described above. `ours` is this node's party,
// `theirs` the peer.
nlohmann::json export_stix(const StixCase& c, const StixParty& ours, const StixParty& theirs);
nlohmann::json export_stix(const model::CaseFile& c, const StixParty& ours,
                           const StixParty& theirs);

}  // namespace hotline::interop
