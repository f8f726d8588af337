// `hotline match` on two real nodes: alpha shares a case's indicators with
// bravo, and bravo finds them in its own log files (hits, near misses that
// must not hit, a range, a domain in its subdomains); output, JSON lines,
// grep's exit statuses, and the sightings bravo reports, seen by alpha.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "link_harness.h"

namespace hotline::it {
namespace match_cli_test {

using nlohmann::json;
namespace fs = std::filesystem;

class MatchCli : public TwoNodes {
 protected:
  fs::path write_log(const std::string& name, const std::string& text) {
    const auto p = dir(kBravo).parent_path() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  json show(Side s, const std::string& id) {
    auto r = on(s, {"case", "show", id, "--json"});
    return r.exit_code == 0 ? json::parse(r.out) : json{{"error", r.err}};
  }
};

TEST_F(MatchCli, PeerIndicatorsFoundInLocalLogs) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  auto out = ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Phishing wave \"Q4\"",
                         "--as", "alice"});
  const std::string cs = id_in(out);
  ASSERT_EQ(cs.size(), 8u) << out;
  const std::vector<std::pair<std::string, std::string>> iocs = {{"ipv4-addr", "203.0.113.7"},
                                                                 {"domain-name", "evil.example"},
                                                                 {"ipv4-addr", "198.51.100.0/24"},
                                                                 {"sha256", std::string(64, 'a')}};
  for (const auto& [type, value] : iocs) {
    ok(kAlpha, {"case", "indicator", cs, "--type", type, "--value", value, "--as", "alice"});
  }
  // A second case holding one of the same indicators.
  out = ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Old matter", "--as", "alice"});
  const std::string cs2 = id_in(out);
  ok(kAlpha, {"case", "indicator", cs2, "--type", "domain-name", "--value", "evil.example", "--as",
              "alice"});

  // bravo receives them.
  auto got = poll_json(
      [&] { return show(kBravo, cs); },
      [](const json& d) { return d.value("indicators", json::array()).size() == 4; }, 20s);
  ASSERT_EQ(got.value("indicators", json::array()).size(), 4u) << got.dump(2);
  poll_json([&] { return show(kBravo, cs2); },
            [](const json& d) { return d.value("indicators", json::array()).size() == 1; }, 20s);

  const auto log1 =
      write_log("auth.log",
                "Dec  7 10:00:01 gw sshd[1]: Failed password from 203.0.113.7 port 22\n"
                "Dec  7 10:00:02 gw sshd[2]: Failed password from 203.0.113.70\n"
                "Dec  7 10:00:03 gw sshd[3]: from 1203.0.113.7 and 203.0.113.7.5\n"
                "Dec  7 10:00:04 gw sshd[4]: Accepted from 198.51.100.23:5555\n");
  const auto log2 = write_log("dns.log",
                              "query A mail.EVIL.example from 10.0.0.1\n"
                              "query A notevil.example from 10.0.0.1\n"
                              "query A evil.example.org from 10.0.0.1\n"
                              "file hash=" +
                                  std::string(64, 'A') + " \x1b[31mred\n");
  const auto clean = write_log("clean.log", "nothing to see 203.0.113.8\n");

  auto r = on(kBravo, {"match", "--all", log1.string(), log2.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string f1 = log1.string(), f2 = log2.string();
  EXPECT_TRUE(
      has(r.out, f1 + ":1: 203.0.113.7 (ipv4-addr) in case Phishing wave \\\"Q4\\\" (" + cs + ")"))
      << r.out;
  EXPECT_TRUE(has(r.out, f1 + ":4: 198.51.100.0/24 (ipv4-addr) in case")) << r.out;
  EXPECT_TRUE(has(r.out, f2 + ":1: evil.example (domain-name) in cases ")) << r.out;
  EXPECT_TRUE(has(r.out, cs2)) << r.out;
  EXPECT_TRUE(has(r.out, f2 + ":4: " + std::string(64, 'a') + " (sha256)")) << r.out;
  // Near misses do not hit.
  for (const char* miss : {":2:", ":3:"}) {
    EXPECT_FALSE(has(r.out, f1 + miss)) << r.out;
    EXPECT_FALSE(has(r.out, f2 + miss)) << r.out;
  }
  // The line printed is escaped: no raw escape character reaches the terminal.
  EXPECT_FALSE(has(r.out, "\x1b")) << r.out;
  EXPECT_TRUE(has(r.out, "\\x1b[31mred")) << r.out;
  EXPECT_TRUE(has(r.err, "hits")) << r.err;

  // JSON lines, one case only.
  r = on(kBravo, {"match", "--case", cs2, "--json", log1.string(), log2.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> lines;
  std::size_t at = 0;
  while (at < r.out.size()) {
    auto nl = r.out.find('\n', at);
    lines.push_back(json::parse(r.out.substr(at, nl - at)));
    at = nl + 1;
  }
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_EQ(lines[0].value("file", ""), f2);
  EXPECT_EQ(lines[0].value("line", 0), 1);
  EXPECT_EQ(lines[0].value("column", 0), 14);
  EXPECT_EQ(lines[0].value("type", ""), "domain-name");
  EXPECT_EQ(lines[0].value("value", ""), "evil.example");
  ASSERT_EQ(lines[0]["cases"].size(), 1u);
  EXPECT_TRUE(lines[0]["cases"][0].value("id", "").ends_with(cs2));

  // No hit: 1. A file that cannot be read: 2 (and the others still scanned).
  r = on(kBravo, {"match", "--all", clean.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  r = on(kBravo,
         {"match", "--all", (dir(kBravo).parent_path() / "missing.log").string(), log1.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "missing.log")) << r.err;
  EXPECT_TRUE(has(r.out, f1 + ":1: 203.0.113.7")) << r.out;
  // Reporting needs the person: usage error, 2, nothing recorded.
  r = on(kBravo, {"match", "--all", "--report-sightings", log1.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "--as")) << r.err;
  EXPECT_TRUE(show(kBravo, cs).value("sightings", json::array()).empty());

  // bravo reports what it found: one sighting per case and indicator, in one
  // transaction; alpha sees them on its cases.
  r = on(kBravo,
         {"match", "--all", "--report-sightings", "--as", "carol", log1.string(), log2.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "5 sightings recorded on 2 cases")) << r.err;
  auto seen =
      poll_json([&] { return show(kAlpha, cs); },
                [](const json& d) { return d.value("sightings", json::array()).size() == 4; }, 20s);
  ASSERT_EQ(seen.value("sightings", json::array()).size(), 4u) << seen.dump(2);
  bool found = false;
  for (const auto& s : seen["sightings"]) {
    if (s.value("value", "") != "203.0.113.7") continue;
    found = true;
    EXPECT_EQ(s.value("type", ""), "ipv4-addr");
    EXPECT_EQ(s.value("count", 0), 1);
    EXPECT_TRUE(has(s.value("where", ""), "hotline match: 1 log line in 2 files")) << s.dump();
    EXPECT_FALSE(has(s.dump(), "auth.log")) << s.dump();  // file names stay at bravo
  }
  EXPECT_TRUE(found) << seen.dump(2);
  auto seen2 =
      poll_json([&] { return show(kAlpha, cs2); },
                [](const json& d) { return d.value("sightings", json::array()).size() == 1; }, 20s);
  EXPECT_EQ(seen2.value("sightings", json::array()).size(), 1u) << seen2.dump(2);

  // An unknown case: 2, with the reason.
  r = on(kBravo, {"match", "--case", "ffffffffffff", log1.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_FALSE(r.err.empty());
}

}  // namespace match_cli_test
}  // namespace hotline::it
