// report_html(): the document (document.h) as one self-contained HTML file:
// inline CSS, inline SVG charts, no script, no external resource. Every text
// is escaped here, once.
#include <cstdio>
#include <string>

#include "hotline/common/escape.h"
#include "hotline/render/chart.h"
#include "hotline/render/document.h"
#include "hotline/render/render.h"

namespace hotline::render {

namespace {

constexpr const char* kStyle = R"(
@page { size: A4; margin: 16mm 14mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 48px; color: #1a1a1a;
  font-size: 14px; line-height: 1.45; background: #fff; }
body.en { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
body.zh-CN { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; }
header { border-bottom: 3px solid #1f4e79; margin-bottom: 12px; padding-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 6px; color: #1f4e79; }
h2 { font-size: 20px; color: #1f4e79; border-bottom: 1px solid #c8d3df; margin: 34px 0 10px;
  padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; color: #263238; }
p { margin: 4px 0; }
p.lead { font-size: 16px; font-weight: 600; }
p.note { color: #444; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #dde3ea; padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: #eef2f6; font-weight: 600; font-size: 13px; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 12px;
  word-break: break-all; }
tr.sub td { background: #f4f6f8; font-weight: 600; border-top: 1px solid #c8d3df; }
td.better { color: #1b5e20; }
td.worse { color: #a81c1c; font-weight: 600; }
figure { margin: 6px 0 14px; break-inside: avoid; page-break-inside: avoid; }
svg { width: 100%; height: auto; display: block; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; }
  h2 { font-size: 14pt; }
  section.new { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
)";

void escape_into(std::string& out, std::string_view s) {
  html_escape_into(out, s);
}

std::string esc(std::string_view s) {
  std::string out;
  escape_into(out, s);
  return out;
}

std::string line_html(const Line& line) {
  std::string out;
  for (const auto& r : line) {
    if (r.datetime.empty()) {
      escape_into(out, r.text);
    } else {
      out += "<time datetime=\"" + esc(r.datetime) + "\">" + esc(r.text) + "</time>";
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string chart_svg(const Chart& chart) {
  ChartLayout layout = layout_chart(chart, 840);
  std::string out = "<figure><svg viewBox=\"0 0 " + number(layout.width) + " " +
                    number(layout.height) + "\" width=\"" + number(layout.width) + "\" height=\"" +
                    number(layout.height) + "\" role=\"img\" aria-label=\"" + esc(chart.title) +
                    "\" font-family=\"inherit\">";
  for (const auto& s : layout.shapes) {
    switch (s.kind) {
      case Shape::Kind::rect:
        out += "<rect x=\"" + number(s.x) + "\" y=\"" + number(s.y) + "\" width=\"" + number(s.w) +
               "\" height=\"" + number(s.h) + "\" fill=\"" + ink_hex(s.ink) + "\"/>";
        break;
      case Shape::Kind::line:
        out += "<line x1=\"" + number(s.x) + "\" y1=\"" + number(s.y) + "\" x2=\"" +
               number(s.x + s.w) + "\" y2=\"" + number(s.y + s.h) + "\" stroke=\"" +
               ink_hex(s.ink) + "\"/>";
        break;
      case Shape::Kind::text:
        out += "<text x=\"" + number(s.x) + "\" y=\"" + number(s.y) + "\" font-size=\"" +
               number(s.size) + "\" fill=\"" + ink_hex(s.ink) + "\"" +
               (s.bold ? " font-weight=\"600\"" : "") +
               (s.anchor_end ? " text-anchor=\"end\"" : "") + ">" + esc(s.text) + "</text>";
        break;
    }
  }
  return out + "</svg></figure>\n";
}

const char* trend_class(Trend t) {
  switch (t) {
    case Trend::better:
      return "better";
    case Trend::worse:
      return "worse";
    default:
      return "";
  }
}

std::string cell_html(const Cell& c) {
  std::string cls = c.number ? "n" : c.code ? "code" : trend_class(c.trend);
  return (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + line_html(c.text) + "</td>";
}

std::string table_html(const Table& t) {
  std::string out = "<table>";
  if (!t.widths.empty()) {
    out += "<colgroup>";
    for (double w : t.widths) out += "<col style=\"width:" + number(w * 100) + "%\">";
    out += "</colgroup>";
  }
  if (!t.head.empty()) {
    out += "<thead><tr>";
    for (const auto& h : t.head) out += "<th>" + esc(h) + "</th>";
    out += "</tr></thead>";
  }
  out += "<tbody>";
  for (const auto& row : t.rows) {
    if (row.subhead) {
      out += "<tr class=\"sub\"><td colspan=\"" + std::to_string(t.widths.size()) + "\">" +
             line_html(row.cells.at(0).text) + "</td></tr>";
      continue;
    }
    out += "<tr>";
    for (const auto& c : row.cells) out += cell_html(c);
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

struct BlockHtml {
  std::string& out;
  void operator()(const Heading& h) const {
    out += "<h" + std::to_string(h.level) + ">" + esc(h.text) + "</h" + std::to_string(h.level) +
           ">\n";
  }
  void operator()(const Paragraph& p) const {
    out += std::string(p.note ? "<p class=\"note\">" : "<p>") + line_html(p.text) + "</p>\n";
  }
  void operator()(const Table& t) const { out += table_html(t); }
  void operator()(const Chart& c) const { out += chart_svg(c); }
};

}  // namespace

std::string report_html(const nlohmann::json& report, Lang lang) {
  Document doc = build_document(report, lang);
  std::string l(to_string(lang));
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"" + l + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + esc(doc.title) + " — " + esc(plain_text(doc.front.at(0).text)) + "</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body class=\"" + l + "\">\n";
  out += "<header><h1>" + esc(doc.title) + "</h1>\n";
  for (std::size_t i = 0; i < doc.front.size(); ++i) {
    const auto& p = doc.front[i];
    out += std::string(i == 0   ? "<p class=\"lead\">"
                       : p.note ? "<p class=\"note\">"
                                : "<p>") +
           line_html(p.text) + "</p>\n";
  }
  out += "</header>\n";
  for (const auto& s : doc.sections) {
    out += s.new_page ? "<section class=\"new\">\n" : "<section>\n";
    out += "<h2>" + esc(s.heading) + "</h2>\n";
    for (const auto& b : s.blocks) std::visit(BlockHtml{out}, b);
    out += "</section>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace hotline::render
