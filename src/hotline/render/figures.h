// The pieces the report's sections are made of: the words of one language
// with the parties' names (Words), a figure with its text (Val), tables of
// figures with the previous period and the trend, and lines with dates.
// Used by sections.cpp and document.cpp only.
//
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hotline/render/body.h"
#include "hotline/render/content.h"
#include "hotline/render/render.h"

namespace hotline::render {

// A figure: its value (none: null in the body) and how it is written.
struct Val {
  std::optional<std::int64_t> v;
  std::string text;
};

struct Words {
  Lang lang = Lang::en;
  std::string a, b;                                    // the parties' names
  std::string operator()(std::string_view key) const;  // the label
  std::string party(std::string_view p) const;         // "a" -> a's name
  Val count(const Node& n) const;                      // an integer
  Val share(const Node& n) const;                      // a permille or null
  Val duration(const Node& n) const;                   // counted seconds or null
};

// `text` with each "{name}" replaced by its run (a date keeps its markup).
Line fill_line(std::string_view text, const std::vector<std::pair<std::string_view, Run>>& values);
// A date (with the time of day unless midnight, or always).
Run date_run(Lang lang, std::int64_t ms, bool always_time);
// "1 March 2026 to 31 March 2026" of a {"from","to"} member.
Line period_range(const Words& w, const Node& period);

// A table of figures: Figure | This period | Previous period | Trend.
Table figure_table(const Words& w);
// One figure and its previous value; polarity +1: more is better, -1: less
// is better, 0: neither (the trend then says up or down).
void figure_row(const Words& w, Table& t, std::string label, const Val& cur, const Val& prev,
                int polarity);
void subhead_row(Table& t, std::string text);
// One row per count: the label `prefix` + name, cur[name] and prev[name].
struct CountFigure {
  const char* name;
  int polarity;
};
void count_rows(const Words& w, Table& t, std::string_view prefix,
                std::initializer_list<CountFigure> figures, const Node& cur, const Node& prev);
// Two columns, a name and its value.
Table key_value_table();
void key_value_row(Table& t, std::string key, Line value, bool code);

}  // namespace hotline::render
