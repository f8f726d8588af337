#include "hotline/common/escape.h"

#include <gtest/gtest.h>

namespace hotline {
namespace escape_test {

TEST(Escape, PlainTextIsUnchanged) {
  EXPECT_EQ(escape_text("alert from Bravo: 3 hosts, ÄÖÜ €"), "alert from Bravo: 3 hosts, ÄÖÜ €");
  EXPECT_EQ(escape_lines("line one\n\tline two"), "line one\n\tline two");
}

TEST(Escape, ALogLineCannotBeForged) {
  // A forged second log line, a quote closing detail="...", a terminal escape.
  std::string hostile = "ok\"\n[2026-01-01 00:00:00.000] [info] event=login_ok\x1b[2J\\";
  std::string got = escape_text(hostile);
  EXPECT_EQ(got.find('\n'), std::string::npos);
  EXPECT_EQ(got.find('\x1b'), std::string::npos);
  EXPECT_EQ(got, "ok\\\"\\n[2026-01-01 00:00:00.000] [info] event=login_ok\\x1b[2J\\\\");
}

TEST(Escape, C1ControlsBidiOverridesAndBadBytesAreVisible) {
  EXPECT_EQ(escape_text("a\xc2\x9b"
                        "31mb"),
            "a\\u009B31mb");                              // CSI as UTF-8
  EXPECT_EQ(escape_text("x\xe2\x80\xaey"), "x\\u202Ey");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(escape_text("\x9b\xff"), "\\x9b\\xff");       // not UTF-8
  EXPECT_EQ(escape_text("\xc0\xaf"), "\\xc0\\xaf");       // overlong
  EXPECT_EQ(escape_text(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(escape_lines("a\rb\x7f"), "a\\rb\\x7f");
}

TEST(Escape, LongInputIsCut) {
  EXPECT_EQ(escape_text(std::string(10, 'a'), 4), "aaaa...");
}

TEST(Escape, UnsafeTextRule) {
  EXPECT_FALSE(has_unsafe_text("two lines\nand a\ttab, ÄÖÜ"));
  EXPECT_TRUE(has_unsafe_text("bell\a"));
  EXPECT_TRUE(has_unsafe_text("cr\r"));
  EXPECT_TRUE(has_unsafe_text("esc\x1b[31m"));
  EXPECT_TRUE(has_unsafe_text("c1\xc2\x9b"));
  EXPECT_TRUE(has_unsafe_text("bidi\xe2\x80\xae"));
  EXPECT_TRUE(has_unsafe_text("bad\xff"));
}

TEST(Escape, HtmlEscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(html_escape(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain 文本"), "plain 文本");
  std::string out = "kept:";
  html_escape_into(out, "<");
  EXPECT_EQ(out, "kept:&lt;");
}

}  // namespace escape_test
}  // namespace hotline
