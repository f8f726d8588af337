#include "hotline/interop/stix_pattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hotline/common/error.h"

namespace stix_pattern_test {

using hotline::Error;
using hotline::interop::parse_stix_pattern;
using hotline::interop::PatternTerm;
using hotline::interop::stix_pattern;

TEST(StixPattern, WritesOnePatternPerIndicatorType) {
  EXPECT_EQ(stix_pattern("ipv4-addr", "192.0.2.0/24"), "[ipv4-addr:value = '192.0.2.0/24']");
  EXPECT_EQ(stix_pattern("ipv6-addr", "2001:db8::/32"), "[ipv6-addr:value = '2001:db8::/32']");
  EXPECT_EQ(stix_pattern("domain-name", "evil.example"), "[domain-name:value = 'evil.example']");
  EXPECT_EQ(stix_pattern("url", "https://evil.example/a'b\\c"),
            "[url:value = 'https://evil.example/a\\'b\\\\c']");
  EXPECT_EQ(stix_pattern("email-addr", "x@evil.example"), "[email-addr:value = 'x@evil.example']");
  EXPECT_EQ(stix_pattern("md5", "d41d8cd98f00b204e9800998ecf8427e"),
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']");
  EXPECT_EQ(stix_pattern("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']");
  EXPECT_EQ(stix_pattern("sha256", std::string(64, 'a')),
            "[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']");
  EXPECT_EQ(stix_pattern("file-name", "it's.exe"), "[file:name = 'it\\'s.exe']");
  EXPECT_EQ(stix_pattern("autonomous-system", "AS64500"), "[autonomous-system:number = 64500]");
  EXPECT_THROW(stix_pattern("mutex", "x"), Error);
  EXPECT_THROW(stix_pattern("autonomous-system", "64500x"), Error);
}

TEST(StixPattern, ReadsBackWhatItWrites) {
  const std::vector<PatternTerm> all = {
      {"ipv4-addr", "192.0.2.0/24"},    {"ipv6-addr", "2001:db8::1"},
      {"domain-name", "evil.example"},  {"url", "https://evil.example/it's\\"},
      {"email-addr", "x@evil.example"}, {"md5", "d41d8cd98f00b204e9800998ecf8427e"},
      {"sha1", std::string(40, 'b')},   {"sha256", std::string(64, 'c')},
      {"file-name", "a b'c.exe"},       {"autonomous-system", "AS64500"}};
  for (const PatternTerm& t : all) {
    const auto parsed = parse_stix_pattern(stix_pattern(t.type, t.value), "indicator--x");
    ASSERT_TRUE(parsed.supported) << t.type;
    ASSERT_EQ(parsed.terms, std::vector<PatternTerm>{t});
  }
}

TEST(StixPattern, ReadsOrJoinedListsBothWays) {
  const std::vector<PatternTerm> want = {{"domain-name", "a.example"},
                                         {"ipv4-addr", "198.51.100.7"},
                                         {"sha256", std::string(64, 'f')}};
  const std::string inside =
      "[domain-name:value = 'a.example' OR ipv4-addr:value='198.51.100.7' OR "
      "file:hashes.SHA256 = '" +
      std::string(64, 'f') + "']";
  const std::string across =
      "[domain-name:value = 'a.example'] OR [ipv4-addr:value = '198.51.100.7']\n OR "
      "[file:hashes.'sha-256' = '" +
      std::string(64, 'f') + "']";
  for (const std::string& p : {inside, across}) {
    const auto parsed = parse_stix_pattern(p, "indicator--x");
    ASSERT_TRUE(parsed.supported) << p;
    EXPECT_EQ(parsed.terms, want);
  }
}

TEST(StixPattern, ValidButOtherPatternsAreUnsupportedNotErrors) {
  for (const char* p : {
           "[ipv4-addr:value = '10.0.0.1' AND domain-name:value = 'x.example']",
           "[network-traffic:dst_port = 443]",
           "[ipv4-addr:value != '10.0.0.1']",
           "[ipv4-addr:value NOT = '10.0.0.1']",
           "[domain-name:value LIKE '%.example']",
           "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",
           "[file:name MATCHES '^a.*\\\\.exe$']",
           "[ipv4-addr:value IN ('10.0.0.1', '10.0.0.2')]",
           "[file:size > 1024]",
           "[ipv4-addr:value = '10.0.0.1'] FOLLOWEDBY [domain-name:value = 'x.example']",
           "[ipv4-addr:value = '10.0.0.1'] REPEATS 5 TIMES WITHIN 180 SECONDS",
           "[ipv4-addr:value = '10.0.0.1'] START t'2016-06-01T00:00:00Z' STOP "
           "t'2016-07-01T00:00:00Z'",
           "([ipv4-addr:value = '10.0.0.1'] OR [ipv4-addr:value = '10.0.0.2'])",
           "[email-message:from_ref.value = 'x@example.org']",
           "[network-traffic:extensions.'http-request-ext'.request_header.Host = 'x']",
           "[process:extensions.'windows-process-ext'.aslr_enabled = true]",
           "[x509-certificate:hashes.'SHA-256' = 'ab']",
           "[file:hashes.'SHA-512' = 'ab']",
           "[autonomous-system:number = '64500']",
           "[ipv4-addr:value = h'0a000001']",
           "[windows-registry-key:values[*].name = 'x']",
           "[file:parent_directory_ref.path = 'C:\\\\Windows']",
           "[(ipv4-addr:value = '10.0.0.1')]",
           "[EXISTS file:name]",
       }) {
    hotline::interop::ParsedPattern parsed;
    ASSERT_NO_THROW(parsed = parse_stix_pattern(p, "indicator--x")) << p;
    EXPECT_FALSE(parsed.supported) << p;
  }
}

TEST(StixPattern, WrongSyntaxIsAnErrorNamingTheObjectAndTheField) {
  for (const char* p : {
           "",
           "ipv4-addr:value = '10.0.0.1'",
           "[ipv4-addr:value = '10.0.0.1'",
           "[ipv4-addr:value = '10.0.0.1]",
           "[ipv4-addr:value = ]",
           "[ipv4-addr:value = '10.0.0.1'] OR",
           "[ipv4-addr:value = '10.0.0.1'] XOR [url:value = 'x']",
           "[ipv4-addr value = '10.0.0.1']",
           "[ipv4-addr:value == '10.0.0.1']",
           "[ipv4-addr:value = 'a\\nb']",
           "[ipv4-addr:value = '10.0.0.1'] START t'2016-06-01T00:00:00Z'",
           "[ipv4-addr:value = '10.0.0.1'] WITHIN 5",
           "[ipv4-addr:value ! '10.0.0.1']",
           "[ipv4-addr:value = '10.0.0.1'] ; DROP TABLE",
           "[url:value IN ('a', )]",
       }) {
    try {
      parse_stix_pattern(p, "indicator--0b0a0b0a-0000-4000-8000-000000000001");
      ADD_FAILURE() << "accepted: " << p;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "stix_pattern_invalid") << p;
      const std::string m = e.what();
      EXPECT_NE(m.find("indicator--0b0a0b0a-0000-4000-8000-000000000001"), std::string::npos) << m;
      EXPECT_NE(m.find("\"pattern\""), std::string::npos) << m;
      EXPECT_NE(m.find("expected"), std::string::npos) << m;
      EXPECT_NE(m.find("found"), std::string::npos) << m;
    }
  }
}

TEST(StixPattern, DeepNestingIsRefusedWithoutRecursingFar) {
  const std::string deep =
      std::string(100000, '(') + "[ipv4-addr:value = '10.0.0.1']" + std::string(100000, ')');
  EXPECT_THROW(parse_stix_pattern(deep, "indicator--x"), Error);
}

}  // namespace stix_pattern_test
