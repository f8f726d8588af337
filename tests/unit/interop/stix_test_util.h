// Shared by the STIX tests: a sample case, and checking a bundle with the
// STIX 2.1 JSON schemas (tests/support/stix_validate.py, python3-jsonschema)
// in a subprocess. Single-threaded test code.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "hotline/interop/stix.h"

namespace hotline::interop::stix_test_util {

inline const std::string kVectors = HOTLINE_VECTORS_DIR;
inline const std::string kSchemas = kVectors + "/stix-2.1/schemas";

struct Validation {
  int status = -1;
  std::string output;
};

// Writes `bundle` to <build>/stix-bundles/<name>.json and runs the schema
// validator over it.
inline Validation validate_with_schemas(const nlohmann::json& bundle, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(HOTLINE_BINARY_DIR) / "stix-bundles";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / (name + ".json");
  std::ofstream(file) << bundle.dump(2) << "\n";
  // Debian's python3-jsonschema (scripts/bootstrap) is /usr/bin/python3's.
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const std::string cmd = python + " " + kVectors + "/../support/stix_validate.py " + kSchemas +
                          " " + file.string() + " 2>&1";
  Validation v;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return v;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) v.output += buf.data();
  const int raw = ::pclose(p);
  v.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return v;
}

inline void expect_schema_valid(const nlohmann::json& bundle, const std::string& name) {
  const Validation v = validate_with_schemas(bundle, name);
  EXPECT_EQ(v.status, 0) << v.output;
  EXPECT_NE(v.output.find("valid ("), std::string::npos) << v.output;
}

inline TimePoint at(const char* text) {
  return parse_timestamp(text);
}

// A case of every indicator type, with a sighting by the peer.
inline StixCase sample_case() {
  StixCase c;
  c.id = "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
  c.title = "Breach at example.org";
  c.tlp = model::Tlp::amber;
  c.created = at("2026-03-01T10:00:00.000Z");
  c.modified = at("2026-03-02T11:30:00.250Z");
  const std::pair<const char*, std::string> values[] = {
      {"ipv4-addr", "192.0.2.0/24"},
      {"ipv6-addr", "2001:db8::1"},
      {"domain-name", "evil.example"},
      {"url", "https://evil.example/it's/x?a=1"},
      {"email-addr", "phish@evil.example"},
      {"md5", "d41d8cd98f00b204e9800998ecf8427e"},
      {"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {"sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"file-name", "invoice.pdf.exe"},
      {"autonomous-system", "AS64500"},
  };
  int minute = 0;
  for (const auto& [type, value] : values) {
    StixIndicator i;
    i.type = type;
    i.value = value;
    i.added = c.created + std::chrono::minutes(++minute);
    i.side = minute % 2 == 0 ? model::Side::theirs : model::Side::ours;
    c.indicators.push_back(i);
  }
  c.indicators[0].first_seen = at("2026-02-27T08:00:00.000Z");
  c.indicators[0].last_seen = at("2026-02-28T09:00:00.000Z");
  c.indicators[0].confidence = 85;
  c.indicators[0].note = "C2 range";
  c.indicators[2].tlp = model::Tlp::red;
  c.indicators[3].tlp = model::Tlp::clear;
  StixSighting s;
  s.type = "domain-name";
  s.value = "evil.example";
  s.first_seen = at("2026-03-02T07:00:00.000Z");
  s.last_seen = at("2026-03-02T08:00:00.000Z");
  s.count = 12;
  s.where = "proxy logs, HQ";
  s.side = model::Side::theirs;
  s.at = at("2026-03-02T11:30:00.250Z");
  c.sightings.push_back(s);
  return c;
}

inline const StixParty kOurs{"CERT Alpha", "SHA256:alpha-fingerprint"};
inline const StixParty kTheirs{"CERT Beta", ""};

}  // namespace hotline::interop::stix_test_util
