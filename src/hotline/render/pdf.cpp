// report_pdf(): the document (document.h) on A4 pages with cairo and pango,
// written to memory. Text is laid out by pango (fonts through fontconfig:
// Noto Sans CJK SC, which holds Latin and Chinese), charts are the shapes of
// chart.h drawn as vectors. Two passes: the first counts the pages, the
// second writes "Page n of N" on each.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/render/chart.h"
#include "hotline/render/document.h"
#include "hotline/render/labels.h"
#include "hotline/render/render.h"

namespace hotline::render {

namespace {

constexpr double kPageWidth = 595.276;  // A4 in points
constexpr double kPageHeight = 841.89;
constexpr double kLeft = 50, kRight = 50, kTop = 54, kBottom = 62;
constexpr double kWidth = kPageWidth - kLeft - kRight;
constexpr double kPad = 3.5;  // inside table cells
constexpr const char* kFamily = "Noto Sans CJK SC, DejaVu Sans";
constexpr const char* kMono = "DejaVu Sans Mono, Noto Sans Mono CJK SC";

const Rgb kBlue{0.122, 0.306, 0.475};
const Rgb kInk{0.1, 0.1, 0.1};
const Rgb kGrey{0.27, 0.27, 0.27};

struct Style {
  double size = 9.5;
  bool bold = false;
  bool mono = false;
  Rgb colour = kInk;
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

class Writer {
 public:
  Writer(cairo_t* cr, const Document& doc, int total) : cr_(cr), doc_(doc), total_(total) {}

  int write() {
    start_page();
    title();
    for (const auto& s : doc_.sections) section(s);
    finish_page();
    return page_;
  }

 private:
  LayoutPtr layout(const std::string& text, const Style& st, double width) {
    LayoutPtr l(pango_cairo_create_layout(cr_));
    PangoFontDescription* font = pango_font_description_from_string(st.mono ? kMono : kFamily);
    pango_font_description_set_absolute_size(font, st.size * PANGO_SCALE);
    pango_font_description_set_weight(font, st.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), st.mono ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l.get(), st.align);
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }

  static double height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  void draw(PangoLayout* l, double x, double y, const Rgb& c) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }

  // Text across the width at y_, moving y_ below it.
  void text(const std::string& s, const Style& st, double after) {
    LayoutPtr l = layout(s, st, kWidth);
    double h = height(l.get());
    ensure(h);
    draw(l.get(), kLeft, y_, st.colour);
    y_ += h + after;
  }

  void ensure(double h) {
    if (y_ + h > kPageHeight - kBottom && y_ > kTop + 1) next_page();
  }

  void start_page() {
    ++page_;
    y_ = kTop;
  }

  void finish_page() {
    Style st;
    st.size = 8;
    st.colour = kGrey;
    std::string number = total_ > 0
                             ? fill(label(doc_.lang, "page"),
                                    {{"n", std::to_string(page_)}, {"of", std::to_string(total_)}})
                             : std::string();
    LayoutPtr left = layout(doc_.title, st, kWidth / 2);
    draw(left.get(), kLeft, kPageHeight - kBottom + 24, kGrey);
    st.align = PANGO_ALIGN_RIGHT;
    LayoutPtr right = layout(number, st, kWidth / 2);
    draw(right.get(), kLeft + kWidth / 2, kPageHeight - kBottom + 24, kGrey);
    cairo_set_source_rgb(cr_, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kLeft, kPageHeight - kBottom + 18);
    cairo_line_to(cr_, kLeft + kWidth, kPageHeight - kBottom + 18);
    cairo_stroke(cr_);
    cairo_show_page(cr_);
  }

  void next_page() {
    finish_page();
    start_page();
  }

  void title() {
    Style st;
    st.size = 19;
    st.bold = true;
    st.colour = kBlue;
    text(doc_.title, st, 6);
    for (std::size_t i = 0; i < doc_.front.size(); ++i) {
      Style p;
      p.size = i == 0 ? 11.5 : doc_.front[i].note ? 9 : 10;
      p.bold = i == 0;
      p.colour = doc_.front[i].note ? kGrey : kInk;
      text(plain_text(doc_.front[i].text), p, 3);
    }
    rule(kBlue, 1.5);
  }

  void rule(const Rgb& c, double width) {
    y_ += 3;
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, kLeft, y_);
    cairo_line_to(cr_, kLeft + kWidth, y_);
    cairo_stroke(cr_);
    y_ += 8;
  }

  void section(const Section& s) {
    if (s.new_page && y_ > kTop + 1) next_page();
    y_ += 8;
    ensure(90);
    Style st;
    st.size = 14;
    st.bold = true;
    st.colour = kBlue;
    text(s.heading, st, 0);
    rule({0.78, 0.83, 0.87}, 0.6);
    for (const auto& b : s.blocks) std::visit([this](const auto& v) { block(v); }, b);
  }

  void block(const Heading& h) {
    y_ += 6;
    ensure(80);  // a heading stays with what follows it
    Style st;
    st.size = h.level <= 2 ? 12 : 10.5;
    st.bold = true;
    text(h.text, st, 4);
  }

  void block(const Paragraph& p) {
    Style st;
    st.size = p.note ? 8.5 : 9.5;
    st.colour = p.note ? kGrey : kInk;
    text(plain_text(p.text), st, 6);
  }

  struct RowLayout {
    std::vector<LayoutPtr> cells;
    double height = 0;
  };
  void block(const Table& t);
  void block(const Chart& c);
  RowLayout measure(const Table& t, const Row& r, bool head);
  void paint(const Table& t, const Row& r, bool head, const RowLayout& l);

  cairo_t* cr_;
  const Document& doc_;
  int total_;
  int page_ = 0;
  double y_ = kTop;
};

Style cell_style(const Cell& c, bool head) {
  Style st;
  st.size = c.code ? 7.5 : 8.5;
  st.mono = c.code;
  st.bold = head;
  if (c.number) st.align = PANGO_ALIGN_RIGHT;
  if (c.trend == Trend::better) st.colour = {0.106, 0.369, 0.125};
  if (c.trend == Trend::worse) {
    st.colour = {0.659, 0.110, 0.110};
    st.bold = true;
  }
  return st;
}

Writer::RowLayout Writer::measure(const Table& t, const Row& r, bool head) {
  RowLayout out;
  for (std::size_t i = 0; i < r.cells.size(); ++i) {
    double w = r.subhead ? kWidth : t.widths.at(i) * kWidth;
    Style st = cell_style(r.cells[i], head || r.subhead);
    out.cells.push_back(layout(plain_text(r.cells[i].text), st, w - 2 * kPad));
    out.height = std::max(out.height, height(out.cells.back().get()));
  }
  out.height += 2 * kPad;
  return out;
}

// Draws one measured row at y_ and moves y_ below it.
void Writer::paint(const Table& t, const Row& r, bool head, const RowLayout& l) {
  if (head || r.subhead) {
    cairo_set_source_rgb(cr_, head ? 0.933 : 0.957, head ? 0.949 : 0.965, head ? 0.965 : 0.973);
    cairo_rectangle(cr_, kLeft, y_, kWidth, l.height);
    cairo_fill(cr_);
  }
  double x = kLeft;
  for (std::size_t i = 0; i < l.cells.size(); ++i) {
    draw(l.cells[i].get(), x + kPad, y_ + kPad, cell_style(r.cells[i], head || r.subhead).colour);
    x += r.subhead ? kWidth : t.widths.at(i) * kWidth;
  }
  cairo_set_source_rgb(cr_, 0.85, 0.88, 0.91);
  cairo_set_line_width(cr_, 0.5);
  cairo_move_to(cr_, kLeft, y_ + l.height);
  cairo_line_to(cr_, kLeft + kWidth, y_ + l.height);
  cairo_stroke(cr_);
  y_ += l.height;
}

// A row that does not fit moves whole to the next page, under the table's
// head again.
void Writer::block(const Table& t) {
  Row head;
  for (const auto& h : t.head) head.cells.push_back({{{h, ""}}});
  auto draw_head = [&] {
    if (!head.cells.empty()) paint(t, head, true, measure(t, head, true));
  };
  ensure(60);
  draw_head();
  for (const auto& r : t.rows) {
    RowLayout l = measure(t, r, false);
    if (y_ + l.height > kPageHeight - kBottom) {
      next_page();
      draw_head();
    }
    paint(t, r, false, l);
  }
  y_ += 10;
}

void Writer::block(const Chart& c) {
  ChartLayout l = layout_chart(c, kWidth / 0.75);  // 1 unit = 0.75 pt
  double scale = kWidth / l.width;
  ensure(l.height * scale + 6);
  cairo_save(cr_);
  cairo_translate(cr_, kLeft, y_);
  cairo_scale(cr_, scale, scale);
  for (const auto& s : l.shapes) {
    Rgb ink = ink_rgb(s.ink);
    if (s.kind == Shape::Kind::rect) {
      cairo_set_source_rgb(cr_, ink.r, ink.g, ink.b);
      cairo_rectangle(cr_, s.x, s.y, s.w, s.h);
      cairo_fill(cr_);
    } else if (s.kind == Shape::Kind::line) {
      cairo_set_source_rgb(cr_, ink.r, ink.g, ink.b);
      cairo_set_line_width(cr_, 1);
      cairo_move_to(cr_, s.x, s.y);
      cairo_line_to(cr_, s.x + s.w, s.y + s.h);
      cairo_stroke(cr_);
    } else {
      Style st;
      st.size = s.size;
      st.bold = s.bold;
      LayoutPtr t = layout(s.text, st, l.width);
      pango_layout_set_width(t.get(), -1);
      int w = 0, h = 0;
      pango_layout_get_size(t.get(), &w, &h);
      double baseline = static_cast<double>(pango_layout_get_baseline(t.get())) / PANGO_SCALE;
      double x = s.anchor_end ? s.x - static_cast<double>(w) / PANGO_SCALE : s.x;
      draw(t.get(), x, s.y - baseline, ink);
    }
  }
  cairo_restore(cr_);
  y_ += l.height * scale + 10;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Writes the document to `out` and returns its number of pages.
int write_pdf(const Document& doc, int total, std::string& out) {
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(append, &out, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Hotline");
  cairo_t* cr = cairo_create(surface);
  int pages = Writer(cr, doc, total).write();
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    throw Error(ErrorCategory::internal, "render_failed",
                std::string("the PDF could not be written: ") + cairo_status_to_string(status));
  }
  return pages;
}

}  // namespace

std::string report_pdf(const nlohmann::json& report, Lang lang) {
  Document doc = build_document(report, lang);
  std::string counted;
  int pages = write_pdf(doc, 0, counted);
  std::string out;
  write_pdf(doc, pages, out);
  return out;
}

}  // namespace hotline::render
