#include "hotline/render/chart.h"

#include <algorithm>

namespace hotline::render {

Rgb ink_rgb(Ink ink) {
  switch (ink) {
    case Ink::on_time:
      return {0.122, 0.306, 0.475};  // dark blue
    case Ink::late:
      return {0.949, 0.710, 0.365};  // light orange
    case Ink::overdue:
      return {0.659, 0.110, 0.110};  // dark red
    case Ink::text:
      return {0.1, 0.1, 0.1};
    case Ink::rule:
      return {0.6, 0.6, 0.6};
    case Ink::empty:
      return {0.93, 0.93, 0.93};
  }
  return {0, 0, 0};
}

std::string ink_hex(Ink ink) {
  Rgb c = ink_rgb(ink);
  auto byte = [](double v) {
    static const char* digits = "0123456789abcdef";
    int n = std::clamp(static_cast<int>(v * 255 + 0.5), 0, 255);
    return std::string{digits[n / 16], digits[n % 16]};
  };
  return "#" + byte(c.r) + byte(c.g) + byte(c.b);
}

namespace {

constexpr double kText = 12;
constexpr double kBar = 14;
constexpr double kLabelWidth = 90;
constexpr double kFigureWidth = 120;

Shape text(double x, double y, std::string s, double size = kText, bool bold = false) {
  Shape t;
  t.kind = Shape::Kind::text;
  t.x = x;
  t.y = y;
  t.text = std::move(s);
  t.size = size;
  t.bold = bold;
  return t;
}

Shape rect(double x, double y, double w, double h, Ink ink) {
  Shape r;
  r.x = x;
  r.y = y;
  r.w = w;
  r.h = h;
  r.ink = ink;
  return r;
}

std::string figures(const ChartBar& bar) {
  return std::to_string(bar.values[0]) + " · " + std::to_string(bar.values[1]) + " · " +
         std::to_string(bar.values[2]);
}

}  // namespace

ChartLayout layout_chart(const Chart& chart, double width) {
  ChartLayout out;
  out.width = width;
  double y = 0;
  // The legend: one swatch and name per segment, with the order of the
  // numbers after each bar.
  static const Ink inks[3] = {Ink::on_time, Ink::late, Ink::overdue};
  for (std::size_t i = 0; i < 3; ++i) {
    out.shapes.push_back(rect(0, y + 2, 12, 12, inks[i]));
    out.shapes.push_back(text(18, y + 12, chart.legend[i]));
    y += 18;
  }
  y += 8;
  std::int64_t most = 1;
  for (const auto& g : chart.groups) {
    for (const auto& b : g.bars) most = std::max(most, b.values[0] + b.values[1] + b.values[2]);
  }
  double bar_x = kLabelWidth;
  double bar_width = std::max(40.0, width - kLabelWidth - kFigureWidth);
  for (const auto& g : chart.groups) {
    out.shapes.push_back(text(0, y + 12, g.label, kText, true));
    y += 18;
    for (const auto& b : g.bars) {
      out.shapes.push_back(text(0, y + 11, b.label, 11));
      out.shapes.push_back(rect(bar_x, y, bar_width, kBar, Ink::empty));
      double x = bar_x;
      for (std::size_t i = 0; i < 3; ++i) {
        double w = bar_width * static_cast<double>(b.values[i]) / static_cast<double>(most);
        if (w > 0) out.shapes.push_back(rect(x, y, w, kBar, inks[i]));
        x += w;
      }
      Shape t = text(width, y + 11, figures(b), 11);
      t.anchor_end = true;
      out.shapes.push_back(t);
      y += kBar + 4;
    }
    y += 8;
  }
  out.height = y;
  return out;
}

}  // namespace hotline::render
