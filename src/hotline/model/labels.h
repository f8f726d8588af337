// Classification labels every item carries (TLP 2.0, PAP, Admiralty source
// grading, RSIT incident types, Budapest Convention offences), and the small
// vocabulary the model's items share (Side and Priority, from vocabulary.h;
// the illegal_transition error; their strict JSON reading is in
// json_check.h). Pure: no I/O, no clock.
//
// JSON form of Labels (every member always present, integers only):
//   {"tlp":"TLP:AMBER","pap":"PAP:GREEN","reliability":"B"|null,
//    "credibility":2|null,"rsit":["fraud:phishing",...],
//    "offences":["budapest:art8",...]}
// Codes in "rsit" and "offences" must be known and must not repeat; their
// order is kept as given.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/json_check.h"
#include "hotline/model/vocabulary.h"

namespace hotline::model {

// ---------------------------------------------------------------------------
// TLP 2.0 (FIRST), least to most restrictive.
enum class Tlp { clear, green, amber, amber_strict, red };
inline constexpr std::array<Tlp, 5> kTlpLevels{Tlp::clear, Tlp::green, Tlp::amber,
                                               Tlp::amber_strict, Tlp::red};
// "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED".
std::string_view to_string(Tlp tlp);
// Exactly one of the strings above (case-sensitive; TLP 1.0 "TLP:WHITE" is
// not accepted); nullopt otherwise.
std::optional<Tlp> parse_tlp(std::string_view text);

// PAP (Permissible Actions Protocol): what the recipient may do with it.
enum class Pap { clear, green, amber, red };
inline constexpr std::array<Pap, 4> kPapLevels{Pap::clear, Pap::green, Pap::amber, Pap::red};
std::string_view to_string(Pap pap);  // "PAP:CLEAR", "PAP:GREEN", "PAP:AMBER", "PAP:RED"
std::optional<Pap> parse_pap(std::string_view text);

// Admiralty (NATO) grading. Source reliability 'A'..'F', information
// credibility 1..6. Descriptions are empty for values out of range.
bool is_reliability(char grade);
bool is_credibility(int grade);
// 'A' "Completely reliable" .. 'F' "Reliability cannot be judged".
std::string_view reliability_description(char grade);
// 1 "Confirmed by other sources" .. 6 "Truth cannot be judged".
std::string_view credibility_description(int grade);

// RSIT (Reference Security Incident Taxonomy), the table compiled in from
// tests/vectors/taxonomies/rsit.csv: 11 classes, 39 types, in the file's order.
struct RsitType {
  std::string_view class_name;   // "fraud"
  std::string_view class_label;  // "Fraud"
  std::string_view type_name;    // "phishing"
  std::string_view type_label;   // "Phishing"
  std::string_view description;
};
std::span<const RsitType> rsit_types();
// "class:type", e.g. "fraud:phishing".
std::string rsit_code(const RsitType& type);
// nullptr unless `code` is "class:type" for a row of the table.
const RsitType* find_rsit(std::string_view code);
// The 11 class machine names, in table order.
std::vector<std::string_view> rsit_classes();

// Council of Europe Convention on Cybercrime (Budapest, ETS 185), the
// offences of articles 2 to 11. Codes "budapest:art2" .. "budapest:art11".
struct Offence {
  std::string_view code;
  int article;
  std::string_view title;  // "Illegal access", ...
};
std::span<const Offence> budapest_offences();
const Offence* find_offence(std::string_view code);

struct Labels {
  Tlp tlp = Tlp::amber;
  Pap pap = Pap::amber;
  std::optional<char> reliability;    // 'A'..'F'
  std::optional<int> credibility;     // 1..6
  std::vector<std::string> rsit;      // RSIT codes, "class:type"
  std::vector<std::string> offences;  // "budapest:artN"
  bool operator==(const Labels&) const = default;
};

nlohmann::json to_json(const Labels& labels);
// Strict: a missing or unknown member, a wrong type or an unknown code throws
// hotline::Error "labels_invalid" whose message names the field.
Labels labels_from_json(const nlohmann::json& j);
// Throws labels_invalid exactly as labels_from_json(to_json(labels)) would.
void validate(const Labels& labels);

// False for TLP:RED: such an item is for the recipients on this node only, so
// webhooks, e-mails, exports and interop feeds must not carry it. (Sending it
// to the peer of the link it was received on, or that it is addressed to, is
// the hotline itself and is not governed by this function.)
bool may_leave_node(const Labels& labels);

// ---------------------------------------------------------------------------
// Errors shared by the model's items (alert, request, case_file). Not for
// use outside model/; the items' own functions throw them.
namespace detail {

// Throws hotline::Error "illegal_transition":
//   "<item> <id> is '<state>'; '<action>' is not possible there
//    (possible: a, b)" — "(possible: none)" for a final state; `why`, when
// given, is appended ("; the receipt is already recorded").
[[noreturn]] void illegal_transition(std::string_view item, std::string_view id,
                                     std::string_view state, std::string_view action,
                                     const std::vector<std::string_view>& possible,
                                     std::string_view why = {});

// Throws hotline::Error "wrong_side":
//   "<item> <id>: '<action>' is for <role> (<required>), not <given>"
[[noreturn]] void wrong_side(std::string_view item, std::string_view id, std::string_view action,
                             std::string_view role, Side required, Side given);

}  // namespace detail
}  // namespace hotline::model
