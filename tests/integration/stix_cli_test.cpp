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

}  // namespace stix_cli_test
}  // namespace hotline::it
