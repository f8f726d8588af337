#include "hotline/model/labels.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hotline/common/error.h"

namespace hotline::model {
namespace labels_test {

using nlohmann::json;

std::string vector_file(const std::string& rel) {
  std::ifstream in(std::string(HOTLINE_VECTORS_DIR) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// RFC 4180 rows (quoted fields, "" escapes, CRLF or LF).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

void expect_invalid(const json& j, const std::string& field) {
  try {
    labels_from_json(j);
    ADD_FAILURE() << "accepted " << j.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "labels_invalid");
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos)
        << e.what() << " does not name " << field;
  }
}

json sample() {
  return {{"tlp", "TLP:AMBER+STRICT"},
          {"pap", "PAP:GREEN"},
          {"reliability", "B"},
          {"credibility", 2},
          {"rsit", {"fraud:phishing", "intrusions:system-compromise"}},
          {"offences", {"budapest:art2", "budapest:art8"}}};
}

TEST(Labels, TlpStringsMatchTheStandardsFile) {
  json doc = json::parse(vector_file("taxonomies/tlp-2.0.json"));
  const json& labels = doc.at("labels");
  ASSERT_EQ(labels.size(), kTlpLevels.size());
  for (std::size_t i = 0; i < kTlpLevels.size(); ++i) {
    std::string text = labels[i].at("label").get<std::string>();
    EXPECT_EQ(to_string(kTlpLevels[i]), text);
    EXPECT_EQ(parse_tlp(text), kTlpLevels[i]);
  }
}

TEST(Labels, TlpParseIsExact) {
  EXPECT_EQ(parse_tlp("TLP:AMBER+STRICT"), Tlp::amber_strict);
  EXPECT_EQ(parse_tlp("TLP:RED"), Tlp::red);
  for (const char* bad : {"TLP:WHITE", "tlp:red", "TLP:RED ", "RED", "TLP:AMBER-STRICT", ""})
    EXPECT_FALSE(parse_tlp(bad).has_value()) << bad;
}

TEST(Labels, Pap) {
  for (Pap p : kPapLevels) EXPECT_EQ(parse_pap(to_string(p)), p);
  EXPECT_EQ(to_string(Pap::clear), "PAP:CLEAR");
  EXPECT_EQ(to_string(Pap::red), "PAP:RED");
  EXPECT_FALSE(parse_pap("PAP:WHITE").has_value());
  EXPECT_FALSE(parse_pap("TLP:RED").has_value());
}

TEST(Labels, AdmiraltyGrading) {
  EXPECT_EQ(reliability_description('A'), "Completely reliable");
  EXPECT_EQ(reliability_description('F'), "Reliability cannot be judged");
  EXPECT_EQ(credibility_description(1), "Confirmed by other sources");
  EXPECT_EQ(credibility_description(6), "Truth cannot be judged");
  for (char c = 'A'; c <= 'F'; ++c) EXPECT_FALSE(reliability_description(c).empty());
  for (int i = 1; i <= 6; ++i) EXPECT_FALSE(credibility_description(i).empty());
  EXPECT_TRUE(reliability_description('G').empty());
  EXPECT_TRUE(reliability_description('a').empty());
  EXPECT_TRUE(credibility_description(0).empty());
  EXPECT_TRUE(credibility_description(7).empty());
}

TEST(Labels, RsitTableMatchesCsv) {
  auto rows = parse_csv(vector_file("taxonomies/rsit.csv"));
  ASSERT_FALSE(rows.empty());
  std::vector<std::string> header{"class",      "class_label", "type",
                                  "type_label", "description", "machinetag"};
  EXPECT_EQ(rows[0], header);
  rows.erase(rows.begin());
  auto table = rsit_types();
  ASSERT_EQ(rows.size(), table.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    ASSERT_EQ(r.size(), 6u) << i;
    EXPECT_EQ(table[i].class_name, r[0]) << i;
    EXPECT_EQ(table[i].class_label, r[1]) << i;
    EXPECT_EQ(table[i].type_name, r[2]) << i;
    EXPECT_EQ(table[i].type_label, r[3]) << i;
    EXPECT_EQ(table[i].description, r[4]) << i;
    EXPECT_EQ("rsit:" + r[0] + "=\"" + r[2] + "\"", r[5]) << i;
    EXPECT_EQ(find_rsit(rsit_code(table[i])), &table[i]);
  }
  EXPECT_EQ(table.size(), 39u);
  EXPECT_EQ(rsit_classes().size(), 11u);
}

TEST(Labels, RsitLookup) {
  const RsitType* t = find_rsit("fraud:phishing");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->type_label, "Phishing");
  EXPECT_EQ(t->class_label, "Fraud");
  EXPECT_EQ(find_rsit("fraud"), nullptr);
  EXPECT_EQ(find_rsit("fraud:"), nullptr);
  EXPECT_EQ(find_rsit("phishing:fraud"), nullptr);
  EXPECT_EQ(find_rsit("Fraud:Phishing"), nullptr);
  EXPECT_EQ(find_rsit("rsit:fraud=\"phishing\""), nullptr);
  EXPECT_EQ(rsit_classes().front(), "abusive-content");
  EXPECT_EQ(rsit_classes().back(), "test");
}

TEST(Labels, BudapestOffences) {
  auto offences = budapest_offences();
  ASSERT_EQ(offences.size(), 10u);
  for (std::size_t i = 0; i < offences.size(); ++i) {
    EXPECT_EQ(offences[i].article, static_cast<int>(i) + 2);
    EXPECT_EQ(offences[i].code, "budapest:art" + std::to_string(i + 2));
    EXPECT_EQ(find_offence(offences[i].code), &offences[i]);
  }
  EXPECT_EQ(find_offence("budapest:art2")->title, "Illegal access");
  EXPECT_EQ(find_offence("budapest:art8")->title, "Computer-related fraud");
  EXPECT_EQ(find_offence("budapest:art1"), nullptr);
  EXPECT_EQ(find_offence("budapest:art12"), nullptr);
  EXPECT_EQ(find_offence("budapest:art02"), nullptr);
}

TEST(Labels, JsonRoundTrip) {
  json j = sample();
  Labels l = labels_from_json(j);
  EXPECT_EQ(l.tlp, Tlp::amber_strict);
  EXPECT_EQ(l.pap, Pap::green);
  EXPECT_EQ(l.reliability, 'B');
  EXPECT_EQ(l.credibility, 2);
  EXPECT_EQ(to_json(l), j);

  Labels minimal;
  json m = to_json(minimal);
  EXPECT_TRUE(m["reliability"].is_null());
  EXPECT_TRUE(m["credibility"].is_null());
  EXPECT_EQ(labels_from_json(m), minimal);
  for (Tlp t : kTlpLevels) {
    Labels x;
    x.tlp = t;
    EXPECT_EQ(labels_from_json(to_json(x)), x);
  }
}

TEST(Labels, JsonIsStrictAndNamesTheField) {
  auto with = [](const char* key, json value) {
    json j = sample();
    j[key] = std::move(value);
    return j;
  };
  expect_invalid(with("tlp", "TLP:WHITE"), "tlp");
  expect_invalid(with("tlp", 3), "tlp");
  expect_invalid(with("pap", "PAP:WHITE"), "pap");
  expect_invalid(with("reliability", "G"), "reliability");
  expect_invalid(with("reliability", "AB"), "reliability");
  expect_invalid(with("reliability", 1), "reliability");
  expect_invalid(with("credibility", 0), "credibility");
  expect_invalid(with("credibility", 7), "credibility");
  expect_invalid(with("credibility", 2.0), "credibility");
  expect_invalid(with("credibility", "2"), "credibility");
  expect_invalid(with("rsit", {"fraud:nope"}), "rsit[0]");
  expect_invalid(with("rsit", {"fraud:phishing", "fraud:phishing"}), "rsit[1]");
  expect_invalid(with("rsit", "fraud:phishing"), "rsit");
  expect_invalid(with("offences", {"budapest:art12"}), "offences[0]");
  expect_invalid(with("offences", {1}), "offences[0]");
  expect_invalid(with("extra", true), "extra");
  json missing = sample();
  missing.erase("pap");
  expect_invalid(missing, "pap");
  expect_invalid(json::array(), "document");
}

TEST(Labels, ValidateChecksValuesBuiltInCode) {
  Labels l;
  l.reliability = 'Z';
  EXPECT_THROW(validate(l), Error);
  l = Labels{};
  l.credibility = 9;
  EXPECT_THROW(validate(l), Error);
  l = Labels{};
  l.rsit = {"nope"};
  EXPECT_THROW(validate(l), Error);
  l = Labels{};
  EXPECT_NO_THROW(validate(l));
}

TEST(Labels, RedMayNotLeaveTheNode) {
  for (Tlp t : kTlpLevels) {
    Labels l;
    l.tlp = t;
    EXPECT_EQ(may_leave_node(l), t != Tlp::red) << to_string(t);
  }
}

TEST(Labels, SideAndPriority) {
  EXPECT_EQ(opposite(Side::ours), Side::theirs);
  EXPECT_EQ(opposite(Side::theirs), Side::ours);
  EXPECT_EQ(to_string(Side::ours), "ours");
  EXPECT_EQ(to_string(Priority::urgent), "urgent");
}

}  // namespace labels_test
}  // namespace hotline::model
