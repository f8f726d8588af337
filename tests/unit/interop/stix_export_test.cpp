#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "hotline/interop/stix.h"
#include "hotline/model/case_file.h"
#include "stix_test_util.h"

namespace stix_export_test {

using hotline::interop::export_stix;
using hotline::interop::StixCase;
using hotline::interop::uuid_v5;
using nlohmann::json;
using namespace hotline::interop::stix_test_util;
namespace interop = hotline::interop;
namespace model = hotline::model;

std::map<std::string, json> by_id(const json& bundle) {
  std::map<std::string, json> out;
  for (const json& o : bundle["objects"]) out[o["id"]] = o;
  return out;
}

const json* find(const json& bundle, const std::string& type, const std::string& key,
                 const json& value) {
  for (const json& o : bundle["objects"]) {
    if (o["type"] == type && o.contains(key) && o[key] == value) return &o;
  }
  return nullptr;
}

TEST(StixExport, UuidV5MatchesRfc9562AndStixScoIds) {
  // RFC 9562 appendix: the DNS namespace and "www.example.com".
  EXPECT_EQ(uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  // Python's uuid.uuid5 over the canonical ID-contributing properties.
  const json bundle = export_stix(sample_case(), kOurs, kTheirs);
  const auto objects = by_id(bundle);
  EXPECT_TRUE(objects.contains("ipv4-addr--" +
                               uuid_v5(interop::kStixScoNamespace, R"({"value":"192.0.2.0/24"})")));
  EXPECT_TRUE(objects.contains("autonomous-system--0a5f7072-df00-5729-9f0a-4eb18631a446"));
  EXPECT_EQ(uuid_v5(interop::kStixScoNamespace, R"({"value":"198.51.100.7"})"),
            "12592121-be4c-5a93-a813-5a5af16e50db");
  const json* sha =
      find(bundle, "file", "hashes",
           {{"SHA-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}});
  ASSERT_NE(sha, nullptr);
  EXPECT_EQ(
      (*sha)["id"],
      "file--" +
          uuid_v5(
              interop::kStixScoNamespace,
              R"({"hashes":{"SHA-256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}})"));
}

TEST(StixExport, TheBundlePassesTheStix21Schemas) {
  const json bundle = export_stix(sample_case(), kOurs, kTheirs);
  expect_schema_valid(bundle, "export_sample_case");
}

TEST(StixExport, TheValidatorRefusesABrokenBundle) {
  // The schema check must be able to fail: the same bundle, one indicator
  // without its required valid_from and one time without milliseconds.
  json bundle = export_stix(sample_case(), kOurs, kTheirs);
  for (json& o : bundle["objects"]) {
    if (o["type"] == "indicator") {
      o.erase("valid_from");
      o["created"] = "2026-03-01T10:00:00Z";
      break;
    }
  }
  const Validation v = validate_with_schemas(bundle, "export_broken");
  EXPECT_EQ(v.status, 1) << v.output;
  EXPECT_NE(v.output.find("valid_from"), std::string::npos) << v.output;
}

TEST(StixExport, HoldsEveryPartOfTheCase) {
  const StixCase c = sample_case();
  const json bundle = export_stix(c, kOurs, kTheirs);
  std::map<std::string, int> count;
  for (const json& o : bundle["objects"]) ++count[o["type"]];
  EXPECT_EQ(count["identity"], 2);
  EXPECT_EQ(count["report"], 1);
  EXPECT_EQ(count["indicator"], 10);
  EXPECT_EQ(count["observed-data"], 10);
  EXPECT_EQ(count["relationship"], 10);
  EXPECT_EQ(count["sighting"], 1);
  EXPECT_EQ(count["file"], 4);
  EXPECT_EQ(count["marking-definition"], 3);  // amber (the case), red, clear

  const json* ind = find(bundle, "indicator", "pattern", "[ipv4-addr:value = '192.0.2.0/24']");
  ASSERT_NE(ind, nullptr);
  EXPECT_EQ((*ind)["valid_from"], "2026-02-27T08:00:00.000Z");
  EXPECT_EQ((*ind)["confidence"], 85);
  EXPECT_EQ((*ind)["description"], "C2 range");
  EXPECT_EQ((*ind)["pattern_type"], "stix");
  const json* red = find(bundle, "indicator", "pattern", "[domain-name:value = 'evil.example']");
  ASSERT_NE(red, nullptr);
  EXPECT_EQ((*red)["object_marking_refs"],
            json::array({"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}));
  EXPECT_EQ((*red)["valid_from"], "2026-03-01T10:03:00.000Z");  // the add time

  const json* sighting = find(bundle, "sighting", "sighting_of_ref", (*red)["id"]);
  ASSERT_NE(sighting, nullptr);
  EXPECT_EQ((*sighting)["count"], 12);
  EXPECT_EQ((*sighting)["first_seen"], "2026-03-02T07:00:00.000Z");
  EXPECT_EQ((*sighting)["description"], "proxy logs, HQ");
  const auto objects = by_id(bundle);
  const json& where = objects.at((*sighting)["where_sighted_refs"][0]);
  EXPECT_EQ(where["name"], "CERT Beta");

  const json* rel = find(bundle, "relationship", "source_ref", (*ind)["id"]);
  ASSERT_NE(rel, nullptr);
  EXPECT_EQ((*rel)["relationship_type"], "based-on");
  const json& observed = objects.at((*rel)["target_ref"]);
  EXPECT_EQ(observed["type"], "observed-data");
  EXPECT_EQ(objects.at(observed["object_refs"][0])["value"], "192.0.2.0/24");

  const json* report = find(bundle, "report", "name", "Breach at example.org");
  ASSERT_NE(report, nullptr);
  EXPECT_EQ((*report)["object_refs"].size(), bundle["objects"].size() - 3 - 1);
  for (const json& ref : (*report)["object_refs"]) EXPECT_TRUE(objects.contains(ref)) << ref;
}

TEST(StixExport, EveryObjectCarriesAnOfficialTlpMarking) {
  const json bundle = export_stix(sample_case(), kOurs, kTheirs);
  std::set<std::string> official;
  for (const char* f : {"tlp-clear", "tlp-green", "tlp-amber", "tlp-amber+strict", "tlp-red"}) {
    std::ifstream in(kVectors + "/stix-2.1/tlp2-marking-definitions/" + f + ".json");
    const json file = json::parse(in);
    const json& def = file["objects"][0];
    official.insert(def["id"]);
    const auto tlp = interop::tlp_of_marking(def["id"].get<std::string>());
    ASSERT_TRUE(tlp.has_value()) << def["id"];
    EXPECT_EQ(interop::tlp_marking_object(*tlp), def) << f;  // the official object, verbatim
  }
  std::set<std::string> present;
  for (const json& o : bundle["objects"]) {
    if (o["type"] == "marking-definition") {
      present.insert(o["id"]);
      continue;
    }
    ASSERT_TRUE(o.contains("object_marking_refs")) << o["id"];
    for (const json& m : o["object_marking_refs"]) {
      EXPECT_TRUE(official.contains(m)) << m;
      EXPECT_TRUE(present.contains(m)) << "marking not in the bundle before use: " << m;
    }
  }
}

TEST(StixExport, IsDeterministicAndKeepsIdsAcrossReExports) {
  StixCase c = sample_case();
  const std::string first = export_stix(c, kOurs, kTheirs).dump();
  EXPECT_EQ(export_stix(c, kOurs, kTheirs).dump(), first);
  const auto before = by_id(json::parse(first));
  c.indicators.push_back({"domain-name", "second.example", {}, {}, {}, {}, "", c.modified, {}});
  c.modified += std::chrono::minutes(5);
  const auto after = by_id(export_stix(c, kOurs, kTheirs));
  for (const auto& [id, o] : before) {
    if (o["type"] == "report") continue;  // its object_refs and modified grow
    ASSERT_TRUE(after.contains(id)) << id;
    EXPECT_EQ(after.at(id), o) << id;
  }
  EXPECT_EQ(after.size(), before.size() + 4);
}

TEST(StixExport, TakesTheCaseFromTheModel) {
  using hotline::parse_timestamp;
  model::CaseFile c =
      model::open_case("0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", model::Side::ours, "Phishing wave",
                       {}, "claire", parse_timestamp("2026-03-01T10:00:00.000Z"));
  c = model::add_indicator(c,
                           {"url",
                            "https://login.evil.example/a",
                            parse_timestamp("2026-02-20T00:00:00.000Z"),
                            {},
                            90,
                            model::Tlp::red,
                            "credential phishing"},
                           "jonas", model::Side::theirs,
                           parse_timestamp("2026-03-01T10:05:00.000Z"));
  model::Sighting seen;
  seen.type = "url";
  seen.value = "https://login.evil.example/a";
  seen.first_seen = parse_timestamp("2026-03-01T08:00:00.000Z");
  seen.last_seen = parse_timestamp("2026-03-01T09:00:00.000Z");
  seen.count = 3;
  seen.where = "web proxy";
  seen.side = model::Side::ours;
  seen.by = "claire";
  seen.at = parse_timestamp("2026-03-01T10:10:00.000Z");
  c = model::add_sighting(c, seen);
  const StixCase view = interop::stix_case(c);
  ASSERT_EQ(view.indicators.size(), 1u);
  EXPECT_EQ(view.indicators[0].added, parse_timestamp("2026-03-01T10:05:00.000Z"));
  EXPECT_EQ(view.indicators[0].side, model::Side::theirs);
  EXPECT_EQ(view.indicators[0].confidence, 90);
  EXPECT_EQ(view.indicators[0].tlp, model::Tlp::red);
  EXPECT_EQ(view.indicators[0].note, "credential phishing");
  ASSERT_EQ(view.sightings.size(), 1u);
  EXPECT_EQ(view.sightings[0].count, 3);
  const json bundle = export_stix(c, kOurs, kTheirs);
  expect_schema_valid(bundle, "export_model_case");
  const json* ind = find(bundle, "indicator", "name", "https://login.evil.example/a");
  ASSERT_NE(ind, nullptr);
  EXPECT_EQ((*ind)["valid_from"], "2026-02-20T00:00:00.000Z");
  EXPECT_EQ((*ind)["confidence"], 90);
  EXPECT_EQ((*ind)["object_marking_refs"][0],
            std::string(interop::tlp_marking_id(model::Tlp::red)));
  const json* sighting = find(bundle, "sighting", "sighting_of_ref", (*ind)["id"]);
  ASSERT_NE(sighting, nullptr);
  EXPECT_EQ((*sighting)["count"], 3);
  EXPECT_EQ((*ind)["created_by_ref"], by_id(bundle).size() > 0
                                          ? find(bundle, "identity", "name", "CERT Beta")->at("id")
                                          : json());
}

}  // namespace stix_export_test
