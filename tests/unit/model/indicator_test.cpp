#include "hotline/model/indicator.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"

namespace indicator_test {
namespace {

using hotline::Error;
using hotline::model::address_span;
using hotline::model::guess_indicator_type;
using hotline::model::indicator_matches;
using hotline::model::normalize_indicator;

std::string refusal(std::string_view type, std::string_view value) {
  try {
    normalize_indicator(type, value);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "indicator_invalid");
    return e.what();
  }
  ADD_FAILURE() << type << " " << value << " was accepted";
  return {};
}

TEST(Indicator, NormalizesEachType) {
  EXPECT_EQ(normalize_indicator("ipv4-addr", "192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(normalize_indicator("ipv4-addr", "192.0.2.0/24"), "192.0.2.0/24");
  EXPECT_EQ(normalize_indicator("ipv4-addr", "192.0.2.1/32"), "192.0.2.1");
  EXPECT_EQ(normalize_indicator("ipv6-addr", "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  EXPECT_EQ(normalize_indicator("ipv6-addr", "2001:db8::/32"), "2001:db8::/32");
  EXPECT_EQ(normalize_indicator("domain-name", "Mail.Example.ORG."), "mail.example.org");
  EXPECT_EQ(normalize_indicator("url", "HTTPS://Evil.Example/Path?Q=A"),
            "https://evil.example/Path?Q=A");
  EXPECT_EQ(normalize_indicator("url", "http://User@Host.Example:8080"),
            "http://User@host.example:8080");
  EXPECT_EQ(normalize_indicator("email-addr", "Boss@Example.ORG"), "Boss@example.org");
  EXPECT_EQ(normalize_indicator("md5", "D41D8CD98F00B204E9800998ECF8427E"),
            "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(normalize_indicator("sha1", std::string(40, 'A')), std::string(40, 'a'));
  EXPECT_EQ(normalize_indicator("sha256", std::string(64, 'f')), std::string(64, 'f'));
  EXPECT_EQ(normalize_indicator("file-name", "invoice.pdf.exe"), "invoice.pdf.exe");
  EXPECT_EQ(normalize_indicator("autonomous-system", "as64500"), "AS64500");
  EXPECT_EQ(normalize_indicator("autonomous-system", "4294967295"), "AS4294967295");
}

TEST(Indicator, RefusesWhatIsNotOfItsType) {
  EXPECT_NE(refusal("ipv4-addr", "192.0.2.1/24").find("no bits set after the prefix"),
            std::string::npos);
  refusal("ipv4-addr", "192.0.2.256");
  refusal("ipv4-addr", "192.0.2.01");
  refusal("ipv4-addr", "192.0.2.0/33");
  refusal("ipv6-addr", "2001:db8::g");
  refusal("domain-name", "localhost");
  refusal("domain-name", "a..example");
  refusal("domain-name", "-a.example");
  refusal("domain-name", "192.0.2.1");
  refusal("url", "javascript:alert(1)");
  refusal("url", "https://evil.example/a b");
  refusal("url", "https:///nohost");
  refusal("email-addr", "no-at.example");
  refusal("md5", "xyz");
  refusal("sha256", std::string(63, 'a'));
  refusal("file-name", "../etc/passwd");
  refusal("file-name", "..");
  refusal("autonomous-system", "AS0");
  refusal("autonomous-system", "AS4294967296");
  std::string message = refusal("cve", "CVE-2024-1");
  EXPECT_NE(message.find("expected one of ipv4-addr"), std::string::npos);
  EXPECT_NE(message.find("found \"cve\""), std::string::npos);
  // What was found is escaped, never raw.
  EXPECT_EQ(refusal("domain-name", "a\x1b[31m.example").find('\x1b'), std::string::npos);
}

TEST(Indicator, GuessesTheTypeOfABareValue) {
  EXPECT_EQ(guess_indicator_type("198.51.100.7"), "ipv4-addr");
  EXPECT_EQ(guess_indicator_type("198.51.100.0/24"), "ipv4-addr");
  EXPECT_EQ(guess_indicator_type("2001:db8::7"), "ipv6-addr");
  EXPECT_EQ(guess_indicator_type("https://x.example/a"), "url");
  EXPECT_EQ(guess_indicator_type("a@b.example"), "email-addr");
  EXPECT_EQ(guess_indicator_type(std::string(32, 'a')), "md5");
  EXPECT_EQ(guess_indicator_type(std::string(40, 'a')), "sha1");
  EXPECT_EQ(guess_indicator_type(std::string(64, 'a')), "sha256");
  EXPECT_EQ(guess_indicator_type("AS64500"), "autonomous-system");
  EXPECT_EQ(guess_indicator_type("evil.example"), "domain-name");
  EXPECT_EQ(guess_indicator_type("64500"), std::nullopt);
  EXPECT_EQ(guess_indicator_type("invoice.exe"), "domain-name");  // as DNS would see it
  EXPECT_EQ(guess_indicator_type("not a value"), std::nullopt);
}

TEST(Indicator, DomainsFindTheirParents) {
  EXPECT_TRUE(indicator_matches("domain-name", "evil.example", "domain-name", "evil.example"));
  EXPECT_TRUE(indicator_matches("domain-name", "evil.example", "domain-name", "a.b.evil.example"));
  EXPECT_FALSE(indicator_matches("domain-name", "evil.example", "domain-name", "notevil.example"));
  EXPECT_FALSE(indicator_matches("domain-name", "a.evil.example", "domain-name", "evil.example"));
  EXPECT_FALSE(indicator_matches("url", "http://evil.example/", "domain-name", "evil.example"));
}

TEST(Indicator, AddressesFindTheRangesThatHoldThem) {
  EXPECT_TRUE(indicator_matches("ipv4-addr", "192.0.2.0/24", "ipv4-addr", "192.0.2.77"));
  EXPECT_TRUE(indicator_matches("ipv4-addr", "192.0.2.0/24", "ipv4-addr", "192.0.2.128/25"));
  EXPECT_FALSE(indicator_matches("ipv4-addr", "192.0.2.0/25", "ipv4-addr", "192.0.2.0/24"));
  EXPECT_FALSE(indicator_matches("ipv4-addr", "192.0.2.0/24", "ipv4-addr", "192.0.3.1"));
  EXPECT_TRUE(indicator_matches("ipv4-addr", "0.0.0.0/0", "ipv4-addr", "255.255.255.255"));
  EXPECT_TRUE(indicator_matches("ipv6-addr", "2001:db8::/32", "ipv6-addr", "2001:db8:ffff::1"));
  EXPECT_FALSE(indicator_matches("ipv6-addr", "2001:db8::/32", "ipv6-addr", "2001:db9::1"));
  EXPECT_FALSE(indicator_matches("ipv4-addr", "192.0.2.1", "ipv4-addr", "192.0.2.2"));
}

TEST(Indicator, AddressSpansCompareBytewise) {
  auto v4 = address_span("ipv4-addr", "10.0.0.0/8");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->first[10], 0xff);
  EXPECT_EQ(v4->first[12], 10);
  EXPECT_EQ(v4->last[13], 0xff);
  EXPECT_EQ(v4->last[15], 0xff);
  auto one = address_span("ipv6-addr", "::1");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->first, one->last);
  EXPECT_FALSE(address_span("domain-name", "evil.example"));
}

}  // namespace
}  // namespace indicator_test
