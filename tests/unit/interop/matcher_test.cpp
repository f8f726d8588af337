#include "hotline/interop/matcher.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hotline/common/error.h"

namespace hotline::interop {
namespace matcher_test {

struct Found {
  std::uint64_t offset, line, column;
  std::size_t indicator, length;
  std::string context;
  bool operator==(const Found&) const = default;
};

std::vector<Found> scan_all(const Matcher& m, std::string_view text) {
  std::vector<Found> out;
  m.scan(text, [&](const MatchHit& h) {
    out.push_back({h.offset, h.line, h.column, h.indicator, h.length, std::string(h.context)});
  });
  return out;
}

// The hits of `text` fed `block` bytes at a time.
std::vector<Found> scan_blocks(const Matcher& m, std::string_view text, std::size_t block) {
  std::vector<Found> out;
  auto f = [&](const MatchHit& h) {
    out.push_back({h.offset, h.line, h.column, h.indicator, h.length, std::string(h.context)});
  };
  MatchStream s(m);
  for (std::size_t i = 0; i < text.size(); i += block) s.feed(text.substr(i, block), f);
  s.finish(f);
  EXPECT_EQ(s.bytes(), text.size());
  return out;
}

// How many hits `text` gives for a matcher of the one indicator. The same
// text inside a long line, at every place in the scanner's 64-byte chunks
// (AVX2), must give as many as alone (byte by byte).
std::size_t hits(const std::string& type, const std::string& value, std::string_view text) {
  Matcher m(std::vector<MatchIndicator>{{type, value}});
  const std::size_t n = scan_all(m, text).size();
  for (std::size_t pad = 0; pad < 130; ++pad) {
    const std::string line =
        std::string(pad, 'z') + " " + std::string(text) + " " + std::string(140, 'z');
    EXPECT_EQ(scan_all(m, line).size(), n) << "\"" << text << "\" after " << pad << " bytes";
  }
  return n;
}

TEST(Matcher, Ipv4IsAWholeToken) {
  for (const char* yes :
       {"10.0.0.1", "src=10.0.0.1 port", "10.0.0.1:443", "[10.0.0.1]", "to 10.0.0.1.",
        "\"10.0.0.1\"", "x 10.0.0.1/24", "::ffff:10.0.0.1", "10.0.0.1::.1"}) {
    EXPECT_EQ(hits("ipv4-addr", "10.0.0.1", yes), 1u) << yes;
  }
  for (const char* no : {"110.0.0.12", "10.0.0.12", "110.0.0.1", "10.0.0.1.5", "a10.0.0.1",
                         "10.0.0.1x", "10.0.0.10", "1.10.0.0.1", "=.10.0.0.1"}) {
    EXPECT_EQ(hits("ipv4-addr", "10.0.0.1", no), 0u) << no;
  }
}

TEST(Matcher, DomainHitsItsSubdomainsWithoutCase) {
  for (const char* yes : {"evil.example", "a.evil.example", "GET evil.example/path", "EVIL.Example",
                          "bob@evil.example", "see evil.example.", "https://x.evil.example:8443/a",
                          "(evil.example)"}) {
    EXPECT_EQ(hits("domain-name", "evil.example", yes), 1u) << yes;
  }
  for (const char* no : {"notevil.example", "evil.example.org", "evil.example-x",
                         "not-evil.example", "evil.examples", "evil_example", "evil.example.co"}) {
    EXPECT_EQ(hits("domain-name", "evil.example", no), 0u) << no;
  }
}

TEST(Matcher, HashesIgnoreCaseButNotLongerHex) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  EXPECT_EQ(hits("md5", md5, "hash=D41D8CD98F00B204E9800998ECF8427E ok"), 1u);
  EXPECT_EQ(hits("md5", md5, md5), 1u);
  EXPECT_EQ(hits("md5", md5, "hash=." + md5), 1u);
  EXPECT_EQ(hits("md5", md5, "0" + md5), 0u);
  EXPECT_EQ(hits("md5", md5, md5 + "ab"), 0u);
  const std::string sha256(64, 'a');
  EXPECT_EQ(hits("sha256", sha256, "sha256:" + std::string(64, 'A')), 1u);
  EXPECT_EQ(hits("sha256", sha256, std::string(65, 'a')), 0u);
}

TEST(Matcher, UrlHostIgnoresCasePathDoesNot) {
  const std::string url = "http://evil.example/Payload.bin";
  EXPECT_EQ(hits("url", url, "GET HTTP://EVIL.example/Payload.bin HTTP/1.1"), 1u);
  EXPECT_EQ(hits("url", url, "\"http://evil.example/Payload.bin\""), 1u);
  EXPECT_EQ(hits("url", url, "see http://evil.example/Payload.bin."), 1u);
  EXPECT_EQ(hits("url", url, "http://evil.example/payload.bin"), 0u);
  EXPECT_EQ(hits("url", url, "http://evil.example/Payload.bin2"), 0u);
  EXPECT_EQ(hits("url", url, "http://evil.example/Payload.bin/x"), 0u);
  EXPECT_EQ(hits("url", url, "xhttp://evil.example/Payload.bin"), 0u);
}

TEST(Matcher, EmailFileNameAndAsn) {
  EXPECT_EQ(hits("email-addr", "bob@evil.example", "from=<Bob@Evil.Example>"), 1u);
  EXPECT_EQ(hits("email-addr", "bob@evil.example", "jimbob@evil.example"), 0u);
  EXPECT_EQ(hits("email-addr", "bob@evil.example", "bob@evil.example.org"), 0u);
  EXPECT_EQ(hits("file-name", "evil.exe", "C:\\Temp\\EVIL.EXE started"), 1u);
  EXPECT_EQ(hits("file-name", "evil.exe", "/tmp/evil.exe: ok"), 1u);
  EXPECT_EQ(hits("file-name", "evil.exe", "/tmp/evil.exe.txt"), 0u);
  EXPECT_EQ(hits("file-name", "evil.exe", "/tmp/notevil.exe"), 0u);
  EXPECT_EQ(hits("autonomous-system", "AS64500", "origin as64500,"), 1u);
  EXPECT_EQ(hits("autonomous-system", "AS64500", "origin AS645001"), 0u);
}

TEST(Matcher, ValuesOutsideTheTokenGrammarGoThroughHyperscan) {
  // A file name with a space and brackets is no single run of the scanner.
  const std::string name = "Invoice (1) final.pdf.exe";
  EXPECT_EQ(hits("file-name", name, "C:\\Users\\x\\invoice (1) FINAL.pdf.exe opened"), 1u);
  EXPECT_EQ(hits("file-name", name, "/tmp/" + name + ".txt"), 0u);
  EXPECT_EQ(hits("file-name", name, "/tmp/my" + name), 0u);
  // Mixed with token indicators in one matcher, across blocks.
  Matcher m({{"file-name", name}, {"domain-name", "evil.example"}});
  const std::string text = "a " + name + " b evil.example\nc " + name + "\n";
  const auto whole = scan_all(m, text);
  ASSERT_EQ(whole.size(), 3u);
  EXPECT_EQ(whole[0].indicator, 0u);
  EXPECT_EQ(whole[1].indicator, 1u);
  EXPECT_EQ(whole[2].line, 2u);
  EXPECT_EQ(scan_blocks(m, text, 3), whole);
}

TEST(Matcher, Ipv6Literal) {
  EXPECT_EQ(hits("ipv6-addr", "2001:db8::1", "from [2001:DB8::1]:443"), 1u);
  EXPECT_EQ(hits("ipv6-addr", "2001:db8::1", "from 2001:db8::12"), 0u);
  EXPECT_EQ(hits("ipv6-addr", "2001:db8::1", "from 2001:db8::1:5"), 0u);
  EXPECT_EQ(hits("ipv6-addr", "2001:db8::1", "from 32001:db8::1"), 0u);
  // Any RFC 4291 text form of the same address.
  EXPECT_EQ(hits("ipv6-addr", "2001:db8::1", "from 2001:0db8:0:0:0:0:0:1 x"), 1u);
  EXPECT_EQ(hits("ipv6-addr", "::1", "bind ::1 port 80"), 1u);
}

TEST(Matcher, RangesNestedAndBothFamilies) {
  Matcher m({{"ipv4-addr", "10.0.0.0/8"},
             {"ipv4-addr", "10.1.0.0/16"},
             {"ipv4-addr", "192.0.2.0/24"},
             {"ipv6-addr", "2001:db8::/32"},
             {"domain-name", "evil.example"}});
  EXPECT_TRUE(m.has_ranges());
  auto f = scan_all(m, "a 10.1.2.3 b\n192.0.2.77:80 x\n110.1.2.3 10.2.0.1\n");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].indicator, 0u);  // 10.0.0.0/8 and 10.1.0.0/16, in index order
  EXPECT_EQ(f[1].indicator, 1u);
  EXPECT_EQ(f[0].offset, 2u);
  EXPECT_EQ(f[0].length, 8u);
  EXPECT_EQ(f[2].indicator, 2u);
  EXPECT_EQ(f[2].line, 2u);
  EXPECT_EQ(f[2].column, 1u);
  EXPECT_EQ(f[3].indicator, 0u);  // 10.2.0.1, not 110.1.2.3
  EXPECT_EQ(f[3].line, 3u);
  EXPECT_EQ(f[3].column, 11u);
  auto g = scan_all(m, "x 2001:DB8:0:0::5 y [2001:db9::1] 12:34:56.789 1.2.3.4.5 10.0.0.300\n");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].indicator, 3u);
  EXPECT_EQ(g[0].column, 3u);
}

TEST(Matcher, LinesColumnsAndContext) {
  Matcher m({{"domain-name", "evil.example"}, {"ipv4-addr", "198.51.100.7"}});
  EXPECT_FALSE(m.has_ranges());
  const std::string text =
      "first line\n"
      "second 198.51.100.7 and mail.evil.example\n"
      "\n"
      "    evil.example";  // no final newline
  auto f = scan_all(m, text);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].line, 2u);
  EXPECT_EQ(f[0].column, 8u);
  EXPECT_EQ(f[0].indicator, 1u);
  EXPECT_EQ(f[0].context, "second 198.51.100.7 and mail.evil.example");
  EXPECT_EQ(f[1].line, 2u);
  EXPECT_EQ(f[1].column, 30u);
  EXPECT_EQ(f[1].offset, 11u + 29u);
  EXPECT_EQ(f[2].line, 4u);
  EXPECT_EQ(f[2].column, 5u);
  EXPECT_EQ(f[2].context, "    evil.example");
}

TEST(Matcher, ContextIsCutAroundTheHit) {
  Matcher m(std::vector<MatchIndicator>{{"domain-name", "evil.example"}});
  const std::string text = std::string(500, 'x') + " evil.example " + std::string(500, 'y') + "\n";
  auto f = scan_all(m, text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].context.size(), 2 * Matcher::kContextBytes + 12);
  EXPECT_EQ(f[0].context.substr(Matcher::kContextBytes, 12), "evil.example");
}

std::string random_log(std::mt19937& rng, std::size_t lines) {
  const std::vector<std::string> words = {"10.0.0.1",
                                          "110.0.0.12",
                                          "evil.example",
                                          "notevil.example",
                                          "a.evil.example",
                                          "10.9.8.7",
                                          "GET",
                                          "/index.html",
                                          "200",
                                          "2001:db8::1",
                                          "user=bob",
                                          "192.0.2.1:80",
                                          "x",
                                          "AS64500",
                                          "evil.exe",
                                          "10.1.255.255",
                                          "-",
                                          "\"\"",
                                          "evil.example.org"};
  std::string s;
  for (std::size_t l = 0; l < lines; ++l) {
    const auto n = rng() % 12;
    for (std::size_t w = 0; w < n; ++w) {
      if (w) s += rng() % 5 ? " " : "\t";
      s += words[rng() % words.size()];
    }
    s += "\n";
  }
  return s;
}

TEST(Matcher, HitsAcrossBlocksAreFoundOnce) {
  Matcher m({{"ipv4-addr", "10.0.0.1"},
             {"domain-name", "evil.example"},
             {"ipv4-addr", "10.0.0.0/8"},
             {"ipv6-addr", "2001:db8::1"},
             {"autonomous-system", "AS64500"},
             {"file-name", "evil.exe"}});
  std::mt19937 rng(21);
  const std::string text = random_log(rng, 400);
  const auto whole = scan_all(m, text);
  EXPECT_GT(whole.size(), 200u);
  for (std::size_t block : {1u, 2u, 3u, 7u, 13u, 64u, 1000u}) {
    EXPECT_EQ(scan_blocks(m, text, block), whole) << "block " << block;
  }
  // Without the final newline, the last line still counts.
  const std::string cut = text.substr(0, text.size() - 1);
  EXPECT_EQ(scan_blocks(m, cut, 5), whole);
}

TEST(Matcher, ALineLongerThanTheCarryIsScannedInOverlappingPieces) {
  Matcher m({{"domain-name", "evil.example"}, {"ipv4-addr", "10.0.0.0/8"}});
  std::string line;
  std::vector<std::uint64_t> at;
  while (line.size() < 3 * Matcher::kLongLine) {
    line += std::string(997, 'z');
    line += ' ';
    at.push_back(line.size());
    line += (at.size() % 2) ? "evil.example" : "10.2.3.4";
    line += ' ';
  }
  const std::string text = "head\n" + line + "\ntail evil.example\n";
  for (std::size_t block : {4096u, 65536u, 1u << 20}) {
    auto f = scan_blocks(m, text, block);
    ASSERT_EQ(f.size(), at.size() + 1) << "block " << block;
    for (std::size_t i = 0; i < at.size(); ++i) {
      EXPECT_EQ(f[i].offset, 5 + at[i]);
      EXPECT_EQ(f[i].line, 2u);
      EXPECT_EQ(f[i].column, at[i] + 1);
    }
    EXPECT_EQ(f.back().line, 3u);
    EXPECT_EQ(f.back().column, 6u);
  }
}

TEST(Matcher, EmptyListFindsNothing) {
  Matcher m(std::vector<MatchIndicator>{});
  EXPECT_TRUE(m.indicators().empty());
  EXPECT_FALSE(m.has_ranges());
  EXPECT_TRUE(scan_all(m, "10.0.0.1 evil.example\n").empty());
  EXPECT_TRUE(scan_all(m, "").empty());
}

TEST(Matcher, ValuesAreNormalizedAndBadOnesRefused) {
  Matcher m({{"domain-name", "EVIL.Example."}, {"md5", "D41D8CD98F00B204E9800998ECF8427E"}});
  EXPECT_EQ(m.indicators()[0].value, "evil.example");
  EXPECT_EQ(m.indicators()[1].value, "d41d8cd98f00b204e9800998ecf8427e");
  try {
    Matcher bad(std::vector<MatchIndicator>{{"ipv4-addr", "10.0.0.300"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "indicator_invalid");
  }
  try {
    Matcher bad(std::vector<MatchIndicator>{{"regex", "a.*b"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "indicator_invalid");
    EXPECT_NE(std::string(e.what()).find("regex"), std::string::npos);
  }
}

TEST(Matcher, HundredThousandIndicatorsBuildAndHit) {
  std::vector<MatchIndicator> list;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    switch (i % 4) {
      case 0:
        list.push_back({"ipv4-addr", "10." + std::to_string((i >> 16) & 255) + "." +
                                         std::to_string((i >> 8) & 255) + "." +
                                         std::to_string(i & 255)});
        break;
      case 1:
        list.push_back({"domain-name", "host" + std::to_string(i) + ".evil.example"});
        break;
      case 2: {
        char hex[65];
        std::snprintf(hex, sizeof hex, "%064x", i);
        list.push_back({"sha256", hex});
        break;
      }
      default:
        list.push_back({"url", "https://x" + std::to_string(i) + ".example/p"});
    }
  }
  Matcher m(std::move(list));
  EXPECT_EQ(m.indicators().size(), 100000u);
  auto f = scan_all(m, "conn 10.1.134.156 host99997.evil.example https://x99999.example/p\n");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].indicator, 99996u);  // 0x1869c: 10.1.134.156
  EXPECT_EQ(f[1].indicator, 99997u);
  EXPECT_EQ(f[2].indicator, 99999u);
}

}  // namespace matcher_test
}  // namespace hotline::interop
