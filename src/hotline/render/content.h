// The content of a rendered report, in one language, before it becomes
// HTML or PDF: a title, then sections of headings, paragraphs, tables and
// charts. document.h builds it from a report; html.cpp and pdf.cpp only lay
// it out, so both renderings say the same.
//
// Plain values, thread-safe as values are.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "hotline/render/chart.h"
#include "hotline/render/render.h"

namespace hotline::render {

// A piece of text; a date carries its machine form ("2026-03-01") too.
struct Run {
  std::string text;
  std::string datetime;  // empty unless the text is a date
};
using Line = std::vector<Run>;
inline std::string plain_text(const Line& line) {
  std::string out;
  for (const auto& r : line) out += r.text;
  return out;
}

enum class Trend { none, better, worse, same, up, down };

struct Cell {
  Line text;
  bool number = false;  // aligned right
  bool code = false;    // identifiers, digests: monospace, may break anywhere
  Trend trend = Trend::none;
};

struct Row {
  std::vector<Cell> cells;
  bool subhead = false;  // one cell across the table
};

struct Table {
  std::vector<double> widths;  // the columns' shares of the width, summing to 1
  std::vector<std::string> head;
  std::vector<Row> rows;
};

struct Paragraph {
  Line text;
  bool note = false;  // smaller, for remarks
};

struct Heading {
  std::string text;
  int level = 2;  // 2: a section, 3: a part of one
};

using Block = std::variant<Heading, Paragraph, Table, Chart>;

struct Section {
  std::string heading;
  bool new_page = false;  // starts a printed page
  std::vector<Block> blocks;
};

struct Document {
  Lang lang = Lang::en;
  std::string title;
  std::vector<Paragraph> front;  // under the title: parties, period, cut, state
  std::vector<Section> sections;
};

}  // namespace hotline::render
