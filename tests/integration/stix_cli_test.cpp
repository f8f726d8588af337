// `hotline case export --format stix` on a real node: the bundle passes the
// STIX 2.1 schemas (python3-jsonschema), holds the case's indicators with
// the case's TLP and both parties' identities, the same bytes each time,
// and reads back through the importer (interop/stix_import.h).
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "hotline/interop/stix_import.h"
#include "link_harness.h"

namespace hotline::it {
namespace stix_cli_test {

using nlohmann::json;

// tests/support/stix_validate.py over `file`: its exit status and output.
std::pair<int, std::string> validate(const std::filesystem::path& file) {
  const std::string vectors = HOTLINE_VECTORS_DIR;
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const std::string cmd = python + " " + vectors + "/../support/stix_validate.py " + vectors +
                          "/stix-2.1/schemas " + file.string() + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) out += buf.data();
  const int raw = ::pclose(p);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

class StixCli : public TwoNodes {};

TEST_F(StixCli, ExportsACaseAsAValidStixBundle) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  std::string out = ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Phishing wave",
                                "--tlp", "TLP:GREEN", "--as", "alice"});
  const std::string cs = id_in(out);
  ok(kAlpha, {"case", "indicator", cs, "--type", "domain-name", "--value", "login.evil.example",
              "--as", "alice"});
  ok(kAlpha,
     {"case", "indicator", cs, "--type", "ipv4-addr", "--value", "203.0.113.7", "--as", "alice"});

  const std::filesystem::path file = dir(kAlpha).parent_path() / "case-stix.json";
  out = ok(kAlpha, {"case", "export", cs, "--format", "stix", "-o", file.string()});
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  const auto [status, report] = validate(file);
  EXPECT_EQ(status, 0) << report;

  const std::string text = testing::read_file(file);
  EXPECT_EQ(ok(kAlpha, {"case", "export", cs, "--format", "stix"}),
            text);  // standard output, the same bytes
  const json bundle = json::parse(text);
  std::vector<std::string> identities;
  for (const json& o : bundle["objects"]) {
    if (o["type"] == "identity") identities.push_back(o["name"]);
    if (o["type"] != "marking-definition") {
      EXPECT_EQ(o["object_marking_refs"],
                json::array({"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}))
          << o.dump();
    }
  }
  EXPECT_EQ(identities, (std::vector<std::string>{"alpha", "bravo"}));

  std::istringstream in(text);
  const interop::StixImport back = interop::import_stix(in);
  ASSERT_EQ(back.indicators.size(), 2u);
  EXPECT_EQ(back.indicators[0].value, "login.evil.example");
  EXPECT_EQ(back.indicators[1].value, "203.0.113.7");
  EXPECT_EQ(back.indicators[1].tlp, model::Tlp::green);

  // Not a case: refused, nothing written.
  auto r =
      on(kAlpha, {"case", "export", "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", "--format", "stix"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(r.err.empty());
  r = on(kAlpha, {"case", "export", cs, "--format", "iodef-xml"});
  EXPECT_NE(r.exit_code, 0);
}

// `case import --format stix`: the bundle's indicators into a case, shared
// with the peer; an invalid bundle stores nothing.
TEST_F(StixCli, ImportsABundleIntoACaseSeenOnBothSides) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  std::string out =
      ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Source", "--as", "alice"});
  const std::string src = id_in(out);
  ok(kAlpha, {"case", "indicator", src, "--type", "domain-name", "--value", "login.evil.example",
              "--as", "alice"});
  ok(kAlpha,
     {"case", "indicator", src, "--type", "ipv4-addr", "--value", "203.0.113.7", "--as", "alice"});
  const std::filesystem::path file = dir(kAlpha).parent_path() / "in.json";
  ok(kAlpha, {"case", "export", src, "--format", "stix", "-o", file.string()});

  out = ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Target", "--as", "alice"});
  const std::string cs = id_in(out);
  out = ok(kAlpha,
           {"case", "import", file.string(), "--format", "stix", "--case", cs, "--as", "alice"});
  EXPECT_NE(out.find("2 indicators added, 0 updated"), std::string::npos) << out;
  EXPECT_NE(out.find("stix-unmapped-bundle--"), std::string::npos) << out;  // the identities
  auto shown = [&](Side s) {
    auto r = on(s, {"case", "show", cs, "--json"});
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
  };
  EXPECT_EQ(shown(kAlpha).value("indicators", json::array()).size(), 2u);
  EXPECT_TRUE(testing::eventually(
      [&] { return shown(kBravo).value("indicators", json::array()).size() == 2; },
      std::chrono::seconds(20)))
      << shown(kBravo).dump(2);

  // Again: the same two, updated, not added.
  out = ok(kAlpha,
           {"case", "import", file.string(), "--format", "stix", "--case", cs, "--as", "alice"});
  EXPECT_NE(out.find("0 indicators added, 2 updated"), std::string::npos) << out;

  // Invalid: refused whole, the case unchanged.
  const json before = shown(kAlpha);
  const std::filesystem::path bad = dir(kAlpha).parent_path() / "bad.json";
  std::string text = testing::read_file(file);
  text.insert(text.rfind(']'), R"(,{"type":"indicator","id":"not-an-id"})");
  { std::ofstream(bad, std::ios::binary) << text; }
  auto r = on(kAlpha,
              {"case", "import", bad.string(), "--format", "stix", "--case", cs, "--as", "alice"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not-an-id"), std::string::npos) << r.err;
  const json after = shown(kAlpha);
  EXPECT_EQ(after["indicators"], before["indicators"]);
  EXPECT_EQ(after.value("attachments", json()), before.value("attachments", json()));

  // A new case with the peer.
  out = ok(kAlpha, {"case", "import", file.string(), "--format", "stix", "--peer", "bravo",
                    "--title", "From STIX", "--as", "alice"});
  EXPECT_NE(out.find("2 indicators added"), std::string::npos) << out;
  r = on(kAlpha, {"case", "import", file.string(), "--format", "stix", "--as", "alice"});
  EXPECT_NE(r.exit_code, 0);
}

// A bundle of 2,500 indicators and 1,200 sightings: sent as a few batch
// actions (add_indicators of up to 1,000, add_sightings), one timeline entry
// each on both sides, and the peer holds every one.
std::string big_bundle(int indicators, int sightings) {
  auto uuid = [](unsigned kind, unsigned i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", kind, i);
    return std::string(buf);
  };
  const std::string times =
      R"("spec_version":"2.1","created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z",)";
  std::string s = R"({"type":"bundle","id":"bundle--)" + uuid(0, 0) + R"(","objects":[)";
  for (int i = 0; i < indicators; ++i) {
    if (i > 0) s += ",";
    s += R"({"type":"indicator","id":"indicator--)" + uuid(1, i) + "\"," + times +
         R"("pattern":"[ipv4-addr:value = '10.1.)" + std::to_string(i / 256) + "." +
         std::to_string(i % 256) +
         R"(']","pattern_type":"stix","valid_from":"2026-02-01T00:00:00Z"})";
  }
  for (int i = 0; i < sightings; ++i) {
    s += R"(,{"type":"sighting","id":"sighting--)" + uuid(2, i) + "\"," + times +
         R"("sighting_of_ref":"indicator--)" + uuid(1, i) +
         R"(","count":2,)"
         R"("first_seen":"2026-02-10T00:00:00Z","last_seen":"2026-02-11T00:00:00Z"})";
  }
  return s + "]}";
}

TEST_F(StixCli, ALargeBundleGoesToThePeerInBatches) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  std::string out =
      ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Feed", "--as", "alice"});
  const std::string cs = id_in(out);
  const std::filesystem::path file = dir(kAlpha).parent_path() / "big.json";
  { std::ofstream(file, std::ios::binary) << big_bundle(2500, 1200); }
  auto r = on(kAlpha,
              {"case", "import", file.string(), "--format", "stix", "--case", cs, "--as", "alice"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2500 indicators added, 0 updated, 1200 sightings"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("5 shared actions"), std::string::npos) << r.out;   // 3 + 2
  EXPECT_NE(r.err.find("3700 objects read"), std::string::npos) << r.err;  // progress: stderr

  auto shown = [&](Side s) {
    auto x = on(s, {"case", "show", cs, "--json"});
    return x.exit_code == 0 ? json::parse(x.out) : json::object();
  };
  auto batches = [](const json& c) {
    std::vector<std::string> list;
    for (const json& e : c.value("timeline", json::array())) {
      if (e["action"] == "add_indicators" || e["action"] == "add_sightings")
        list.push_back(e["action"].get<std::string>() + " " + e["text"].get<std::string>());
    }
    return list;
  };
  const std::vector<std::string> expected = {"add_indicators 1000 indicators: 1000 new, 0 updated",
                                             "add_indicators 1000 indicators: 1000 new, 0 updated",
                                             "add_indicators 500 indicators: 500 new, 0 updated",
                                             "add_sightings 1000 sightings",
                                             "add_sightings 200 sightings"};
  const json a = shown(kAlpha);
  EXPECT_EQ(a["indicators"].size(), 2500u);
  EXPECT_EQ(a["sightings"].size(), 1200u);
  EXPECT_EQ(batches(a), expected);
  ASSERT_TRUE(testing::eventually(
      [&] { return shown(kBravo).value("sightings", json::array()).size() == 1200; },
      std::chrono::seconds(60)))
      << batches(shown(kBravo)).size();
  const json b = shown(kBravo);
  EXPECT_EQ(b["indicators"], a["indicators"]);
  EXPECT_EQ(batches(b), expected);
  EXPECT_TRUE(b.value("void", json::array()).empty()) << b["void"].dump();
  EXPECT_EQ(b["sightings"][0]["by"], "alice");
  EXPECT_EQ(b["sightings"][0]["side"], "theirs");  // bravo's view: alpha saw it

  // The peer finds them through its index.
  const json found = json::parse(ok(kBravo, {"indicator", "find", "10.1.9.195", "--json"}));
  ASSERT_EQ(found["indicators"].size(), 1u) << found.dump();
  EXPECT_EQ(found["indicators"][0]["case"]["id"], a["id"]);  // `cs` is the short id
}

}  // namespace stix_cli_test
}  // namespace hotline::it
