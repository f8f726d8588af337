// The review report for people: one self-contained HTML file (inline SVG
// charts, no script, no network access, readable on paper) and a PDF of
// the same content (vector charts, Chinese text in Noto CJK), in English or
// Simplified Chinese. Every label exists in both languages and both show
// the same numbers. The input is a report file (docs/review.md: "body",
// optional "judgements", "signatures"); only "body" and "signatures" are
// shown.
//
// Thread-safety: the functions are thread-safe (the PDF renderer keeps no
// state between calls). The PDF renderer reads fonts through fontconfig;
// nothing else does I/O.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hotline::render {

enum class Lang { en, zh_cn };

// "en" or "zh-CN" (also "zh-cn", "zh"); anything else throws hotline::Error
// "language_unknown" naming the languages there are.
Lang parse_lang(std::string_view text);
std::string_view to_string(Lang lang);  // "en", "zh-CN"

// A report whose body is not a "hotline.review/1" body throws
// hotline::Error "review_invalid" naming the member.
std::string report_html(const nlohmann::json& report, Lang lang);
std::string report_pdf(const nlohmann::json& report, Lang lang);  // the PDF's bytes

}  // namespace hotline::render
