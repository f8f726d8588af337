#include "hotline/render/render.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/render/body.h"
#include "hotline/render/format.h"
#include "hotline/render/labels.h"
#include "sample_report.h"

namespace hotline::render {
namespace render_test {

using nlohmann::json;

// The error a call throws (code and message), or "" when it throws none.
template <typename F>
std::pair<std::string, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {"", ""};
}

// The text a reader sees: without <style>, without tags, entities decoded
// (only those html.cpp writes); dates (<time>) dropped when asked.
std::string visible_text(std::string html, bool drop_dates) {
  html = std::regex_replace(html, std::regex("<style>[\\s\\S]*?</style>"), " ");
  if (drop_dates) html = std::regex_replace(html, std::regex("<time[^>]*>[^<]*</time>"), " ");
  html = std::regex_replace(html, std::regex("<[^>]*>"), " ");
  for (auto [from, to] : std::vector<std::pair<const char*, const char*>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    html = std::regex_replace(html, std::regex(from), to);
  }
  return html;
}

std::vector<std::string> digit_runs(const std::string& text) {
  std::vector<std::string> out;
  std::regex digits("[0-9]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), digits);
       it != std::sregex_iterator(); ++it) {
    out.push_back(it->str());
  }
  return out;
}

std::vector<std::string> datetimes(const std::string& html) {
  std::vector<std::string> out;
  std::regex attr("datetime=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), attr); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

// pdftotext's reading of a PDF (poppler-utils).
std::string pdf_text(const std::string& pdf, const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("hotline-render-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::create_directories(dir);
  auto in = dir / "report.pdf", out = dir / "report.txt";
  std::ofstream(in, std::ios::binary) << pdf;
  std::string cmd = "pdftotext -enc UTF-8 '" + in.string() + "' '" + out.string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return text;
}

TEST(RenderLabels, EveryKeyHasBothLanguagesWithTheSamePlaceholders) {
  std::set<std::string> keys;
  std::regex placeholder("\\{[a-z_]+\\}");
  std::regex cjk("[\xe4-\xe9][\x80-\xbf][\x80-\xbf]");  // U+4E00..U+9FFF
  for (const auto& e : label_catalog()) {
    SCOPED_TRACE(std::string(e.key));
    EXPECT_TRUE(keys.insert(std::string(e.key)).second) << "key twice";
    EXPECT_FALSE(e.en.empty());
    std::string en(e.en), zh(e.zh_cn);
    if (e.key != "unit.sep") {
      EXPECT_FALSE(zh.empty());
    }
    auto names = [&](const std::string& s) {
      std::multiset<std::string> out;
      for (auto it = std::sregex_iterator(s.begin(), s.end(), placeholder);
           it != std::sregex_iterator(); ++it) {
        out.insert(it->str());
      }
      return out;
    };
    EXPECT_EQ(names(en), names(zh));
    // Chinese texts are Chinese, except the few made of signs and placeholders.
    std::string bare = std::regex_replace(zh, placeholder, "");
    std::string en_bare = std::regex_replace(en, placeholder, "");
    bool has_letters =
        std::regex_search(en_bare, std::regex("[A-Za-z]{2}")) && e.key != "date_time";
    if (has_letters) {
      EXPECT_TRUE(std::regex_search(zh, cjk)) << zh;
    }
    // Digits in a label are the same in both languages (months aside: dates
    // are marked up as dates and compared by their machine form).
    if (e.key.substr(0, 6) != "month.") {
      EXPECT_EQ(digit_runs(en_bare), digit_runs(bare));
    }
  }
  EXPECT_EQ(label(Lang::zh_cn, "measure.p90_s"), "第90百分位");
  EXPECT_EQ(label(Lang::zh_cn, "measure.median_s"), "中位数");
  EXPECT_EQ(error_of([] { (void)label(Lang::en, "no.such.key"); }).first, "label_unknown");
}

TEST(RenderLabels, FillReplacesEachPlaceholderOnceAndLeavesValuesAlone) {
  EXPECT_EQ(fill("{a} asks {b}", {{"a", "{b}"}, {"b", "x"}}), "{b} asks x");
  EXPECT_EQ(fill("{unknown} stays", {}), "{unknown} stays");
}

TEST(RenderLang, ParsesTheTwoLanguagesAndNamesThemOtherwise) {
  EXPECT_EQ(parse_lang("en"), Lang::en);
  EXPECT_EQ(parse_lang("zh-CN"), Lang::zh_cn);
  EXPECT_EQ(parse_lang("zh-cn"), Lang::zh_cn);
  EXPECT_EQ(parse_lang("zh"), Lang::zh_cn);
  EXPECT_EQ(to_string(Lang::zh_cn), "zh-CN");
  auto [code, message] = error_of([] { parse_lang("fr"); });
  EXPECT_EQ(code, "language_unknown");
  EXPECT_NE(message.find("en and zh-CN"), std::string::npos) << message;
  EXPECT_EQ(error_of([] { report_html(sample_report::report(), parse_lang("de\n")); }).first,
            "language_unknown");
}

TEST(RenderFormat, DurationsSharesAndDates) {
  EXPECT_EQ(format_duration(Lang::en, 45), "45 s");
  EXPECT_EQ(format_duration(Lang::en, 12 * 60 + 59), "12 min");
  EXPECT_EQ(format_duration(Lang::en, 3 * 3600 + 20 * 60 + 5), "3 h 20 min");
  EXPECT_EQ(format_duration(Lang::en, 3 * 3600), "3 h");
  EXPECT_EQ(format_duration(Lang::en, 52 * 3600 + 30 * 60 + 59), "52 h 30 min");
  EXPECT_EQ(format_duration(Lang::zh_cn, 3 * 3600 + 20 * 60), "3小时20分钟");
  EXPECT_EQ(format_duration(Lang::zh_cn, 52 * 3600), "52小时");
  EXPECT_EQ(format_permille(Lang::en, 875), "87.5 %");
  EXPECT_EQ(format_permille(Lang::zh_cn, 1000), "100.0%");
  EXPECT_EQ(format_permille(Lang::en, 5), "0.5 %");
  EXPECT_EQ(format_centi(325), "3.25");
  EXPECT_EQ(format_centi(400), "4.00");
  std::int64_t march_1 = 1772323200000;  // 2026-03-01T00:00:00Z
  EXPECT_EQ(format_date(Lang::en, march_1), "1 March 2026");
  EXPECT_EQ(format_date(Lang::zh_cn, march_1), "2026年3月1日");
  EXPECT_EQ(format_date_time(Lang::en, march_1 + 9 * 3600000 + 30 * 60000),
            "1 March 2026, 09:30 UTC");
  EXPECT_EQ(format_date_time(Lang::zh_cn, march_1, true), "2026年3月1日 00:00（UTC）");
  EXPECT_EQ(iso_date(march_1), "2026-03-01");
}

TEST(RenderHtml, IsOneSelfContainedFileWithoutScriptOrNetwork) {
  for (Lang lang : {Lang::en, Lang::zh_cn}) {
    std::string html = report_html(sample_report::report(), lang);
    SCOPED_TRACE(std::string(to_string(lang)));
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http"), std::string::npos);  // no URL of any scheme
    EXPECT_EQ(html.find("url("), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_EQ(html.find(" href="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("<iframe"), std::string::npos);
    EXPECT_NE(html.find("<style>"), std::string::npos);
    EXPECT_NE(html.find("@media print"), std::string::npos);
    EXPECT_NE(html.find("break-before: page"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("<rect"), std::string::npos);
  }
}

TEST(RenderHtml, ShowsTheFiguresBesideThePreviousPeriodWithTheTrendInWords) {
  std::string html = report_html(sample_report::report(), Lang::en);
  std::string text = visible_text(html, false);
  // a asks b, all requests: acknowledged on time 19 of 21 (904 permille), previous 14 of 17.
  EXPECT_NE(text.find("Acknowledgement: share on time"), std::string::npos);
  EXPECT_NE(text.find("90.4 %"), std::string::npos);
  EXPECT_NE(text.find("82.3 %"), std::string::npos);
  EXPECT_NE(text.find("↑ better"), std::string::npos);
  EXPECT_NE(text.find("↓ worse"), std::string::npos);
  // Durations as people read them; dates; the parties' names.
  EXPECT_NE(text.find("3 h 20 min"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2026-03-01\">1 March 2026</time>"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2026-03-31\">31 March 2026</time>"), std::string::npos);
  EXPECT_NE(text.find("Alpha National Cybercrime Centre asks Bravo Cyber Security Bureau"),
            std::string::npos);
  // Provenance: the cut, the agreements, the tzdb, the signatures.
  EXPECT_NE(text.find("Provenance"), std::string::npos);
  EXPECT_NE(text.find("4817"), std::string::npos);
  EXPECT_NE(text.find("9f2c4e61b0a7d3385e1f6c2a9b4d7e0f1a3c5e7092b4d6f8a1c3e5f7092b4d6f"),
            std::string::npos);
  EXPECT_NE(text.find("2025b"), std::string::npos);
  EXPECT_NE(text.find("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"), std::string::npos);
  EXPECT_NE(text.find("17466"), std::string::npos);
  EXPECT_NE(text.find("Agreed report: signed by both parties."), std::string::npos);
  EXPECT_NE(text.find("extended by phone on 2026-03-10"), std::string::npos);
  EXPECT_NE(text.find("Declined: insufficient information"), std::string::npos);
  EXPECT_NE(text.find("3 / 4"), std::string::npos);  // case: requests answered of asked
}

TEST(RenderHtml, EscapesEveryTextOfTheReport) {
  json report = sample_report::report();
  std::string hostile = "<script>alert(\"x\")</script><img src=x onerror=y> & 'q'";
  report["body"]["parties"]["a"]["name"] = hostile;
  report["body"]["adjustments"][0]["text"] = "</td><script>z</script>";
  report["body"]["cases"]["list"][0]["id"] = "<b>case</b>";
  report["signatures"][1]["name"] = "<iframe>";
  report["body"]["cut"]["tzdb"] = "\"><svg onload=1>";
  for (Lang lang : {Lang::en, Lang::zh_cn}) {
    std::string html = report_html(report, lang);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<iframe"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_EQ(html.find("<svg onload"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("&amp; &#39;q&#39;"), std::string::npos);
    EXPECT_NE(visible_text(html, false).find(hostile), std::string::npos);
  }
}

TEST(RenderHtml, TextThatIsNotUtf8OrHoldsControlsOrDirectionOverridesIsShownReplaced) {
  json report = sample_report::report();
  // nlohmann::json keeps bytes as they are; a report read from a file
  // refuses invalid UTF-8, but a caller may build one in memory.
  report["body"]["parties"]["b"]["name"] = "Bravo\xff\x01\xe2\x80\xae evil\n";
  for (Lang lang : {Lang::en, Lang::zh_cn}) {
    std::string html = report_html(report, lang);
    EXPECT_EQ(html.find("\xff"), std::string::npos);
    EXPECT_EQ(html.find("\x01"), std::string::npos);
    EXPECT_EQ(html.find("\xe2\x80\xae"), std::string::npos);
    EXPECT_NE(html.find("Bravo\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd evil"), std::string::npos);
    EXPECT_EQ(report_pdf(report, lang).rfind("%PDF-", 0), 0u);
  }
  EXPECT_EQ(shown_text("a\tb\nc \xe4\xb8\xad \xc0\x80 \xed\xa0\x80"),
            "a\tb\nc \xe4\xb8\xad \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(RenderHtml, BothLanguagesShowTheSameNumbers) {
  json report = sample_report::report();
  std::string en = report_html(report, Lang::en);
  std::string zh = report_html(report, Lang::zh_cn);
  auto en_digits = digit_runs(visible_text(en, true));
  auto zh_digits = digit_runs(visible_text(zh, true));
  EXPECT_GT(en_digits.size(), 500u);
  EXPECT_EQ(en_digits, zh_digits);
  // Dates are written differently but name the same days, in the same order.
  EXPECT_EQ(datetimes(en), datetimes(zh));
  EXPECT_FALSE(datetimes(en).empty());
  // The Chinese rendering is Chinese.
  std::string text = visible_text(zh, false);
  for (const char* heading :
       {"热线联络机制评估报告", "概要", "全部请求", "争议", "共同案件", "数据来源与签名", "中位数",
        "第90百分位", "按时", "逾期完成", "改善", "变差", "2026年3月1日"}) {
    EXPECT_NE(text.find(heading), std::string::npos) << heading;
  }
  EXPECT_NE(zh.find("<html lang=\"zh-CN\">"), std::string::npos);
}

TEST(RenderHtml, ABodyThatIsNotAReviewBodyIsRefusedNamingTheMember) {
  struct Case {
    const char* pointer;
    json value;
    const char* named;
  };
  std::vector<Case> cases = {
      {"/body/format", "hotline.review/2", "/body/format"},
      {"/body/directions/0/requests_total/current/received", "12",
       "/body/directions/0/requests_total/current/received"},
      {"/body/directions/1/alerts/0/priority", "soon", "/body/directions/1/alerts/0/priority"},
      {"/body/period/to", "2026-04-01", "/body/period/to"},
      {"/body/directions/0/requests/1/kind", "request.gossip",
       "/body/directions/0/requests/1/kind"},
      {"/body/directions/0/requests/0/current/ratings/usefulness/distribution", json::array({1, 2}),
       "/body/directions/0/requests/0/current/ratings/usefulness/distribution"},
      {"/signatures/0/party", "c", "/signatures/0/party"},
      {"/body/directions/1/asker", "a", "/body/directions/1/asker"},
  };
  for (const auto& c : cases) {
    json report = sample_report::report();
    report[json::json_pointer(c.pointer)] = c.value;
    for (bool pdf : {false, true}) {
      auto [code, message] = error_of([&] {
        if (pdf) {
          report_pdf(report, Lang::en);
        } else {
          report_html(report, Lang::zh_cn);
        }
      });
      EXPECT_EQ(code, "review_invalid") << c.pointer;
      EXPECT_NE(message.find(c.named), std::string::npos) << message;
    }
  }
  json missing = sample_report::report();
  missing[json::json_pointer("/body/disputes/current")].erase("settled");
  auto [code, message] = error_of([&] { report_html(missing, Lang::en); });
  EXPECT_EQ(code, "review_invalid");
  EXPECT_NE(message.find("/body/disputes/current/settled is missing"), std::string::npos)
      << message;
  EXPECT_EQ(error_of([] { report_html(json::object(), Lang::en); }).second,
            "the report's /body is missing");
  EXPECT_EQ(error_of([] { report_html(json::array(), Lang::en); }).first, "review_invalid");
}

TEST(RenderPdf, IsAPdfWhoseTextHoldsTheHeadingsAndFiguresInEachLanguage) {
  json report = sample_report::report();
  std::string zh_pdf = report_pdf(report, Lang::zh_cn);
  ASSERT_EQ(zh_pdf.rfind("%PDF-", 0), 0u);
  std::string zh = pdf_text(zh_pdf, "zh");
  for (const char* s : {"热线联络机制评估报告",
                        "概要",
                        "全部请求",
                        "全部警报",
                        "联络测试",
                        "争议",
                        "共同案件",
                        "商定的调整",
                        "数据来源与签名",
                        "统计方法",
                        "中位数",
                        "第90百分位",
                        "按时率",
                        "90.4%",
                        "82.3%",
                        "3小时20分钟",
                        "2026年3月1日",
                        "改善",
                        "变差",
                        "2025b",
                        "4817",
                        "第1页，共"}) {
    EXPECT_NE(zh.find(s), std::string::npos) << s;
  }
  std::string en = pdf_text(report_pdf(report, Lang::en), "en");
  for (const char* s :
       {"Hotline review report", "Summary", "Requests, all kinds", "Communication checks",
        "Disputes", "Shared cases", "Provenance", "90th percentile", "90.4 %", "3 h 20 min",
        "1 March 2026", "Alpha National Cybercrime Centre asks Bravo Cyber Security Bureau",
        "Page 1 of", "9f2c4e61b0a7d3385e1f6c2a9b4d7e0f1a3c5e7092b4d6f8a1c3e5f7092b4d6f"}) {
    EXPECT_NE(en.find(s), std::string::npos) << s;
  }
  EXPECT_EQ(en.find("概要"), std::string::npos);
  // The same number of pages in the footer of each page: "Page n of N".
  std::smatch m;
  ASSERT_TRUE(std::regex_search(en, m, std::regex("Page 1 of ([0-9]+)")));
  int pages = std::stoi(m[1]);
  EXPECT_GE(pages, 4);
  EXPECT_NE(en.find("Page " + std::to_string(pages) + " of " + std::to_string(pages)),
            std::string::npos);
}

// Writes the sample report's HTML and PDF in both languages into the folder
// HOTLINE_RENDER_SAMPLE_DIR names (scripts/review-screenshots uses them);
// skipped without it.
TEST(RenderSample, WritesTheSampleWhenAsked) {
  const char* dir = std::getenv("HOTLINE_RENDER_SAMPLE_DIR");
  if (!dir) GTEST_SKIP() << "HOTLINE_RENDER_SAMPLE_DIR not set";
  json report = sample_report::report();
  for (Lang lang : {Lang::en, Lang::zh_cn}) {
    std::string base = std::string(dir) + "/review-report-" + std::string(to_string(lang));
    std::ofstream(base + ".html", std::ios::binary) << report_html(report, lang);
    std::ofstream(base + ".pdf", std::ios::binary) << report_pdf(report, lang);
  }
  std::ofstream(std::string(dir) + "/review-report.json") << report.dump(2) << "\n";
}

}  // namespace render_test
}  // namespace hotline::render
