#include "hotline/interop/stix_import.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string>

#include "hotline/common/error.h"
#include "stix_test_util.h"

namespace stix_import_test {

using hotline::Error;
using hotline::interop::export_stix;
using hotline::interop::import_stix;
using hotline::interop::StixImport;
using hotline::interop::StixImportOptions;
using hotline::interop::StixIndicator;
using nlohmann::json;
using namespace hotline::interop::stix_test_util;
namespace model = hotline::model;

StixImport import_text(const std::string& text, const StixImportOptions& options = {}) {
  std::istringstream in(text);
  return import_stix(in, options);
}

StixImport import_file(const std::string& name) {
  std::ifstream in(kVectors + "/stix-2.1/examples/" + name);
  return import_stix(in);
}

const StixIndicator* find(const StixImport& r, const std::string& type, const std::string& value) {
  for (const StixIndicator& i : r.indicators) {
    if (i.type == type && i.value == value) return &i;
  }
  return nullptr;
}

std::size_t total(const std::map<std::string, std::size_t>& m) {
  std::size_t n = 0;
  for (const auto& [type, count] : m) n += count;
  return n;
}

// The error of importing `text`, which must be refused.
Error refused(const std::string& text, const StixImportOptions& options = {}) {
  try {
    import_text(text, options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 300);
  return Error(hotline::ErrorCategory::internal, "none", "");
}

const char* kBundleId = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d";

std::string bundle_of(const std::string& objects) {
  return std::string(R"({"type":"bundle","id":")") + kBundleId + R"(","objects":[)" + objects +
         "]}";
}

const std::string kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z",)"
    R"("pattern":"[domain-name:value = 'Evil.Example.']","pattern_type":"stix",)"
    R"("valid_from":"2026-02-01T00:00:00Z","confidence":70,"description":"seen in phishing",)"
    R"("object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]})";

TEST(StixImport, RoundTripsAnExportedCase) {
  const hotline::interop::StixCase c = sample_case();
  const StixImport r = import_text(export_stix(c, kOurs, kTheirs).dump());
  ASSERT_EQ(r.indicators.size(), c.indicators.size());
  for (const StixIndicator& want : c.indicators) {
    const StixIndicator* got = find(r, want.type, want.value);
    ASSERT_NE(got, nullptr) << want.type << " " << want.value;
    EXPECT_EQ(got->first_seen, want.first_seen.value_or(want.added)) << want.value;
    EXPECT_EQ(got->confidence, want.confidence) << want.value;
    EXPECT_EQ(got->note, want.note) << want.value;
    EXPECT_EQ(got->tlp, want.tlp.value_or(c.tlp)) << want.value;
    EXPECT_EQ(got->added, want.added) << want.value;
  }
  ASSERT_EQ(r.sightings.size(), 1u);
  const auto& s = r.sightings[0];
  EXPECT_EQ(s.type, "domain-name");
  EXPECT_EQ(s.value, "evil.example");
  EXPECT_EQ(s.count, 12);
  EXPECT_EQ(s.first_seen, c.sightings[0].first_seen);
  EXPECT_EQ(s.last_seen, c.sightings[0].last_seen);
  EXPECT_EQ(s.where, "proxy logs, HQ");
  // The identities and the report are kept, as they are, in one bundle.
  EXPECT_EQ(r.unmapped, (std::map<std::string, std::size_t>{{"identity", 2}, {"report", 1}}));
  EXPECT_EQ(r.mapped.at("indicator"), 10u);
  EXPECT_EQ(r.mapped.at("observed-data"), 10u);
  EXPECT_EQ(r.mapped.at("relationship"), 10u);
  EXPECT_EQ(r.mapped.at("marking-definition"), 3u);
  EXPECT_EQ(total(r.mapped) + total(r.unmapped), r.objects);
  EXPECT_EQ(r.unmapped_bundle["objects"].size(), 3u);
  EXPECT_EQ(r.unmapped_name(), "stix-unmapped-" + r.bundle_id + ".json");
  expect_schema_valid(r.unmapped_bundle, "import_unmapped_of_sample");
}

TEST(StixImport, MapsIndicatorFieldsAndNormalizes) {
  const StixImport r = import_text(bundle_of(kIndicator));
  ASSERT_EQ(r.indicators.size(), 1u);
  const StixIndicator& i = r.indicators[0];
  EXPECT_EQ(i.type, "domain-name");
  EXPECT_EQ(i.value, "evil.example");
  EXPECT_EQ(i.first_seen, at("2026-02-01T00:00:00.000Z"));
  EXPECT_EQ(i.confidence, 70);
  EXPECT_EQ(i.note, "seen in phishing");
  EXPECT_EQ(i.tlp, model::Tlp::green);  // a TLP 1.0 id
  EXPECT_EQ(i.side, model::Side::theirs);
  EXPECT_TRUE(r.unmapped_bundle.is_null());
}

TEST(StixImport, MapsObservablesAndDeduplicates) {
  const std::string objects =
      kIndicator + "," +
      R"({"type":"domain-name","spec_version":"2.1","id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"evil.example",)"
      R"("object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]},)"
      R"({"type":"file","id":"file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d","hashes":{"SHA-256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855","MD5":"d41d8cd98f00b204e9800998ecf8427e","SSDEEP":"3::"},"name":"a.exe"},)"
      R"({"type":"autonomous-system","id":"autonomous-system--f720c34b-98ae-597f-ade5-27ef187ad29a","number":64500},)"
      R"({"type":"ipv6-addr","id":"ipv6-addr--1e61d36c-a16c-53b7-a80f-2a00161c96b1","value":"2001:DB8:0:0::1"},)"
      R"({"type":"file","id":"file--fb0419a8-f09c-57f8-be64-71a80417591c","hashes":{"SHA-512":"ab"}})";
  const StixImport r = import_text(bundle_of(objects));
  EXPECT_EQ(r.indicators.size(), 6u);
  const StixIndicator* d = find(r, "domain-name", "evil.example");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->tlp, model::Tlp::red);  // the stricter of GREEN and RED
  EXPECT_EQ(d->confidence, 70);
  EXPECT_NE(find(r, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            nullptr);
  EXPECT_NE(find(r, "md5", "d41d8cd98f00b204e9800998ecf8427e"), nullptr);
  EXPECT_NE(find(r, "file-name", "a.exe"), nullptr);
  EXPECT_NE(find(r, "autonomous-system", "AS64500"), nullptr);
  EXPECT_NE(find(r, "ipv6-addr", "2001:db8::1"), nullptr);
  EXPECT_EQ(r.unmapped, (std::map<std::string, std::size_t>{{"file", 1}}));  // SHA-512 only
}

TEST(StixImport, ImportsTheOasisExampleBundles) {
  const StixImport c2 = import_file("indicator-for-c2-ip-address.json");
  ASSERT_EQ(c2.indicators.size(), 1u);
  EXPECT_EQ(c2.indicators[0].value, "10.0.0.0");
  EXPECT_EQ(c2.indicators[0].note, "Test description C2 channel.");

  const StixImport coa = import_file("indicators-for-C2-with-COA.json");
  EXPECT_NE(find(coa, "sha256", "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"),
            nullptr);
  EXPECT_EQ(coa.unmapped.at("malware"), 1u);
  EXPECT_EQ(coa.unmapped.at("course-of-action"), 1u);

  const StixImport mail = import_file("malicious-email-indicator-with-attachment.json");
  EXPECT_TRUE(mail.indicators.empty());
  EXPECT_EQ(mail.unmapped.at("indicator"), 2u);  // MATCHES patterns: kept, not refused

  const StixImport infra = import_file("infrastructure.json");
  EXPECT_EQ(infra.indicators.size(), 2u);  // its ipv4-addr and domain-name SCOs

  const StixImport apt1 = import_file("threat-reports/apt1.json");
  EXPECT_NE(find(apt1, "ipv4-addr", "223.166.0.0/15"), nullptr);
  EXPECT_NE(find(apt1, "domain-name", "hugesoft.org"), nullptr);
  EXPECT_EQ(apt1.unmapped.at("report"), 1u);

  const StixImport ivy = import_file("threat-reports/poisonivy.json");
  std::size_t seen = 0;
  for (const StixIndicator& i : ivy.indicators) seen += i.value == "113.10.246.30";
  EXPECT_EQ(seen, 1u);  // in several patterns, one indicator
  for (const StixImport* r : {&c2, &coa, &mail, &infra, &apt1, &ivy}) {
    EXPECT_EQ(total(r->mapped) + total(r->unmapped), r->objects);
    if (!r->unmapped_bundle.is_null()) {
      expect_schema_valid(r->unmapped_bundle, "import_unmapped_" + r->bundle_id);
    }
  }
}

TEST(StixImport, ReportsProgress) {
  std::string objects;
  for (int i = 0; i < 250; ++i) {
    char id[80];
    std::snprintf(id, sizeof id, "ipv4-addr--00000000-0000-4000-8000-%012d", i);
    if (i > 0) objects += ",";
    objects += std::string(R"({"type":"ipv4-addr","id":")") + id + R"(","value":"198.51.100.)" +
               std::to_string(i) + "\"}";
  }
  std::vector<std::size_t> calls;
  StixImportOptions options;
  options.progress_every = 100;
  options.progress = [&](std::size_t n, std::size_t bytes) {
    calls.push_back(n);
    EXPECT_GT(bytes, 0u);
  };
  const StixImport r = import_text(bundle_of(objects), options);
  EXPECT_EQ(r.indicators.size(), 250u);
  EXPECT_EQ(calls, (std::vector<std::size_t>{100, 200, 250}));
}

// ---- refused ----------------------------------------------------------------

void expect_refused(const std::string& text, const std::string& code,
                    std::initializer_list<const char*> words) {
  const Error e = refused(text);
  EXPECT_EQ(e.code(), code) << e.what();
  for (const char* w : words) {
    EXPECT_NE(std::string(e.what()).find(w), std::string::npos)
        << "no '" << w << "' in " << e.what();
  }
}

std::string with(const std::string& object, const std::string& from, const std::string& to) {
  std::string s = object;
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(StixImport, RefusesAThousandLevelsOfNestingEarly) {
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  expect_refused(bundle_of(with(kIndicator, R"("confidence":70)", R"("x_deep":)" + deep)),
                 "stix_invalid", {"object 0", "nested", "64"});
  // Unbalanced and endless: refused at depth 65, the rest never read.
  expect_refused(R"({"type":"bundle","x_list":)" + std::string(1'000'000, '['), "stix_invalid",
                 {"nested"});
}

TEST(StixImport, RefusesInvalidJsonAndUtf8) {
  expect_refused(bundle_of(with(kIndicator, "seen in phishing", "seen \xC3\x28 in")),
                 "stix_invalid", {"not valid JSON", "object 0"});
  expect_refused(bundle_of(kIndicator + ",{"), "stix_invalid", {"not valid JSON"});
  expect_refused("", "stix_invalid", {"not valid JSON"});
}

TEST(StixImport, RefusesWrongPatternSyntaxNamingTheObject) {
  expect_refused(bundle_of(with(kIndicator, "[domain-name:value = 'Evil.Example.']",
                                "[domain-name:value = 'evil.example'")),
                 "stix_pattern_invalid",
                 {"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "\"pattern\"", "expected"});
}

TEST(StixImport, KeepsObjectsWhoseValuesAreNotIndicatorsWithAWarning) {
  // Valid STIX, but not a value a case can hold (the OASIS poisonivy example
  // has "domain autuo.xicp.net"): the object is kept, and said so.
  const StixImport r = import_text(bundle_of(
      with(kIndicator, "'Evil.Example.'", "'not a domain!'") + "," +
      R"({"type":"ipv4-addr","id":"ipv4-addr--00000000-0000-4000-8000-000000000001","value":"198.51.100.300"})"));
  EXPECT_TRUE(r.indicators.empty());
  EXPECT_EQ(r.unmapped, (std::map<std::string, std::size_t>{{"indicator", 1}, {"ipv4-addr", 1}}));
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("object 0 (indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f)"),
            std::string::npos)
      << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("\"pattern\""), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("\"value\""), std::string::npos) << r.warnings[1];
}

TEST(StixImport, RefusesDuplicateIdsAndKeys) {
  expect_refused(bundle_of(kIndicator + "," + kIndicator), "stix_invalid",
                 {"object 1", "\"id\"", "duplicate"});
  expect_refused(
      bundle_of(with(kIndicator, R"("confidence":70)", R"("confidence":70,"confidence":71)")),
      "stix_invalid", {"object 0", "confidence", "twice"});
}

TEST(StixImport, RefusesAHugeStringWithoutHoldingIt) {
  expect_refused(bundle_of(with(kIndicator, "seen in phishing", std::string(2 << 20, 'a'))),
                 "stix_too_large", {"string", "1048576"});
}

TEST(StixImport, RefusesWrongTypesAndMissingProperties) {
  struct Case {
    std::string from, to;
    std::vector<const char*> words;
  };
  const std::vector<Case> cases = {
      {R"("confidence":70)", R"("confidence":"high")", {"\"confidence\"", "integer"}},
      {R"("confidence":70)", R"("confidence":101)", {"\"confidence\"", "101"}},
      {R"("valid_from":"2026-02-01T00:00:00Z")",
       R"("valid_from":"yesterday")",
       {"\"valid_from\"", "timestamp"}},
      {R"("valid_from":"2026-02-01T00:00:00Z",)", "", {"\"valid_from\"", "required"}},
      {R"("spec_version":"2.1")", R"("spec_version":"2.0")", {"\"spec_version\"", "2.1"}},
      {R"("id":"indicator--8e2e)", R"("id":"malware--8e2e)", {"\"id\"", "indicator--<uuid>"}},
      {R"("type":"indicator")", R"("type":7)", {"\"type\"", "string"}},
      {R"("modified":"2026-03-01T10:00:00.000Z")",
       R"("modified":"2025-03-01T10:00:00.000Z")",
       {"\"modified\"", "not before"}},
      {R"("object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"])",
       R"("object_marking_refs":"TLP:RED")",
       {"\"object_marking_refs\"", "list"}},
  };
  for (const Case& c : cases) {
    const Error e = refused(bundle_of(with(kIndicator, c.from, c.to)));
    EXPECT_EQ(e.code(), "stix_invalid") << e.what();
    EXPECT_NE(std::string(e.what()).find("object 0"), std::string::npos) << e.what();
    for (const char* w : c.words) {
      EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << w << " / " << e.what();
    }
  }
  expect_refused(R"({"type":"bundle","id":"bundle--x","objects":[]})", "stix_invalid", {"\"id\""});
  expect_refused(
      R"({"type":"report","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]})",
      "stix_invalid", {"\"type\"", "bundle"});
  expect_refused(R"([1,2])", "stix_invalid", {"JSON object"});
  expect_refused(bundle_of("17"), "stix_invalid", {"object 0", "JSON object"});
  expect_refused(
      bundle_of(
          R"({"type":"report","spec_version":"2.1","id":"report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z","name":"x"})"),
      "stix_invalid", {"\"published\"", "report"});
}

// An endless input, made as it is read: "prefix" then `fill` forever.
class Endless : public std::streambuf {
 public:
  Endless(std::string prefix, char fill) : prefix_(std::move(prefix)), block_(1 << 16, fill) {}

 protected:
  int_type underflow() override {
    std::string& s = first_ ? prefix_ : block_;
    first_ = false;
    setg(s.data(), s.data(), s.data() + s.size());
    return traits_type::to_int_type(s[0]);
  }

 private:
  std::string prefix_, block_;
  bool first_ = true;
};

TEST(StixImport, RefusesEndlessInputsAsTheyArrive) {
  // A string of 2 GB and more: refused after 1 MiB of it.
  Endless string_bomb(std::string(R"({"type":"bundle","id":")") + kBundleId +
                          R"(","objects":[{"type":"indicator","description":")",
                      'a');
  std::istream in1(&string_bomb);
  try {
    import_stix(in1);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "stix_too_large") << e.what();
  }
  // Whitespace forever: refused at the input limit.
  Endless space_bomb(R"({"type":"bundle","objects":[)", ' ');
  std::istream in2(&space_bomb);
  StixImportOptions options;
  options.max_input_bytes = 8 << 20;
  try {
    import_stix(in2, options);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "stix_too_large") << e.what();
    EXPECT_EQ(e.category(), hotline::ErrorCategory::too_large);
  }
}

}  // namespace stix_import_test
