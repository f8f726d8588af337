// The report's charts: stacked horizontal bars (on time, late, overdue) for
// this period and the previous one, per group. layout_chart() turns a chart
// into shapes in its own units (1 unit = 1 CSS px = 0.75 pt); the HTML
// renderer writes them as inline SVG and the PDF renderer draws them with
// cairo, so both show the same geometry. Every bar carries its numbers as
// text, and the segments differ in lightness as well as in colour: the
// chart reads in black and white.
//
// Pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::render {

struct ChartBar {
  std::string label;                     // "this period", "previous"
  std::array<std::int64_t, 3> values{};  // on time, late, overdue
};

struct ChartGroup {
  std::string label;  // "request for information, urgent"
  std::vector<ChartBar> bars;
};

struct Chart {
  std::string title;
  std::array<std::string, 3> legend;  // the segments' names
  std::vector<ChartGroup> groups;
};

enum class Ink { on_time, late, overdue, text, rule, empty };

struct Rgb {
  double r, g, b;
};
Rgb ink_rgb(Ink ink);
std::string ink_hex(Ink ink);  // "#1f4e79"

struct Shape {
  enum class Kind { rect, text, line } kind = Kind::rect;
  double x = 0, y = 0, w = 0, h = 0;  // rect: box; line: from (x,y) to (x+w,y+h); text: baseline
  Ink ink = Ink::text;
  std::string text;
  double size = 12;  // text size, in units
  bool bold = false;
  bool anchor_end = false;  // text: x is where the text ends
};

struct ChartLayout {
  double width = 0, height = 0;
  std::vector<Shape> shapes;
};

ChartLayout layout_chart(const Chart& chart, double width);

}  // namespace hotline::render
