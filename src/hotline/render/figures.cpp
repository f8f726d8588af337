#include "hotline/render/figures.h"

#include <algorithm>

#include "hotline/render/format.h"
#include "hotline/render/labels.h"

namespace hotline::render {

Line fill_line(std::string_view text, const std::vector<std::pair<std::string_view, Run>>& values) {
  Line out;
  std::string pending;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos) {
      std::string_view name = text.substr(i + 1, close - i - 1);
      auto it = std::find_if(values.begin(), values.end(),
                             [&](const auto& v) { return v.first == name; });
      if (it != values.end()) {
        if (!pending.empty()) out.push_back({std::move(pending), ""});
        pending.clear();
        out.push_back(it->second);
        i = close + 1;
        continue;
      }
    }
    pending += text[i++];
  }
  if (!pending.empty()) out.push_back({std::move(pending), ""});
  return out;
}

Run date_run(Lang lang, std::int64_t ms, bool always_time) {
  return {format_date_time(lang, ms, always_time), iso_date(ms)};
}

std::string Words::operator()(std::string_view key) const {
  return std::string(label(lang, key));
}

std::string Words::party(std::string_view p) const {
  return p == "a" ? a : b;
}

Val Words::count(const Node& n) const {
  return {n.integer(), format_count(n.integer())};
}

Val Words::share(const Node& n) const {
  auto v = n.integer_or_null();
  return {v, v ? format_permille(lang, *v) : (*this)("none")};
}

Val Words::duration(const Node& n) const {
  auto v = n.integer_or_null();
  return {v, v ? format_duration(lang, *v) : (*this)("none")};
}

namespace {

Trend trend_of(const Val& cur, const Val& prev, int polarity) {
  if (!cur.v || !prev.v) return Trend::none;
  if (*cur.v == *prev.v) return Trend::same;
  bool up = *cur.v > *prev.v;
  if (polarity == 0) return up ? Trend::up : Trend::down;
  return (up == (polarity > 0)) ? Trend::better : Trend::worse;
}

std::string trend_text(const Words& w, Trend t, const Val& cur, const Val& prev) {
  switch (t) {
    case Trend::none:
      return w("none");
    case Trend::same:
      return "→ " + w("trend_same");
    case Trend::up:
      return "↑ " + w("trend_up");
    case Trend::down:
      return "↓ " + w("trend_down");
    case Trend::better:
    case Trend::worse:
      return std::string(*cur.v > *prev.v ? "↑ " : "↓ ") +
             w(t == Trend::better ? "trend_better" : "trend_worse");
  }
  return {};
}

}  // namespace

Table figure_table(const Words& w) {
  Table t;
  t.widths = {0.46, 0.18, 0.18, 0.18};
  t.head = {w("figure"), w("current"), w("previous"), w("trend")};
  return t;
}

void figure_row(const Words& w, Table& t, std::string label, const Val& cur, const Val& prev,
                int polarity) {
  Trend trend = trend_of(cur, prev, polarity);
  Row row;
  row.cells.push_back({{{std::move(label), ""}}, false, false, Trend::none});
  row.cells.push_back({{{cur.text, ""}}, true, false, Trend::none});
  row.cells.push_back({{{prev.text, ""}}, true, false, Trend::none});
  row.cells.push_back({{{trend_text(w, trend, cur, prev), ""}}, false, false, trend});
  t.rows.push_back(std::move(row));
}

void count_rows(const Words& w, Table& t, std::string_view prefix,
                std::initializer_list<CountFigure> figures, const Node& cur, const Node& prev) {
  for (const auto& f : figures) {
    figure_row(w, t, w(std::string(prefix) + f.name), w.count(cur[f.name]), w.count(prev[f.name]),
               f.polarity);
  }
}

void subhead_row(Table& t, std::string text) {
  Row row;
  row.subhead = true;
  row.cells.push_back({{{std::move(text), ""}}, false, false, Trend::none});
  t.rows.push_back(std::move(row));
}

Table key_value_table() {
  Table t;
  t.widths = {0.3, 0.7};
  return t;
}

void key_value_row(Table& t, std::string key, Line value, bool code) {
  Row row;
  row.cells.push_back({{{std::move(key), ""}}, false, false, Trend::none});
  row.cells.push_back({std::move(value), false, code, Trend::none});
  t.rows.push_back(std::move(row));
}

Line period_range(const Words& w, const Node& period) {
  std::int64_t from = parse_body_time(period["from"].string(), period["from"].path());
  std::int64_t to = parse_body_time(period["to"].string(), period["to"].path());
  constexpr std::int64_t kDay = 86400000;
  // [from, to): a period ending at midnight ends, for people, on the day before.
  bool whole_days = from % kDay == 0 && to % kDay == 0;
  Run end = whole_days ? Run{format_date(w.lang, to - kDay), iso_date(to - kDay)}
                       : date_run(w.lang, to, true);
  return fill_line(w("range"), {{"from", date_run(w.lang, from, !whole_days)}, {"to", end}});
}

}  // namespace hotline::render
