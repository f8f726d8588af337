#include "hotline/render/sections.h"

#include <array>
#include <utility>

#include "hotline/render/format.h"
#include "hotline/render/labels.h"

namespace hotline::render {

namespace {

// The label of a value the body names ("request.takedown", "urgent"), or
// review_invalid naming the member when there is none.
std::string named(const Words& w, const Node& n, const std::string& prefix) {
  auto text = find_label(w.lang, prefix + n.string());
  if (!text) n.fail("is not a known value");
  return std::string(*text);
}

std::string deadline_label(const Words& w, std::string_view deadline, std::string_view status) {
  return fill(w("deadline_status"), {{"deadline", w("deadline." + std::string(deadline))},
                                     {"status", w("status." + std::string(status))}});
}

void deadline_rows(const Words& w, Table& t, const char* deadline, const Node& cur,
                   const Node& prev) {
  struct Status {
    const char* name;
    int polarity;
    bool always;
  };
  static constexpr std::array<Status, 6> kStatuses{{{"on_time", +1, true},
                                                    {"late", -1, true},
                                                    {"overdue", -1, true},
                                                    {"pending", 0, false},
                                                    {"ended", 0, false},
                                                    {"no_deadline", 0, false}}};
  for (const auto& s : kStatuses) {
    Val c = w.count(cur[s.name]), p = w.count(prev[s.name]);
    if (!s.always && *c.v == 0 && *p.v == 0) continue;
    figure_row(w, t, deadline_label(w, deadline, s.name), c, p, s.polarity);
  }
  figure_row(w, t, deadline_label(w, deadline, "share"), w.share(cur["on_time_permille"]),
             w.share(prev["on_time_permille"]), +1);
}

void stats_rows(const Words& w, Table& t, const std::string& stat, const Node& cur,
                const Node& prev) {
  for (const char* m : {"median_s", "p90_s", "mean_s"}) {
    std::string label = fill(w("stat_measure"), {{"stat", w("stat." + stat)},
                                                 {"measure", w("measure." + std::string(m))}});
    figure_row(w, t, std::move(label), w.duration(cur[m]), w.duration(prev[m]), -1);
  }
}

Val mean_of(const Words& w, const Node& n) {
  auto v = n.integer_or_null();
  return {v, v ? format_centi(*v) : w("none")};
}

Val distribution_of(const Node& n) {
  if (n.size() != 5) n.fail("does not hold five counts");
  std::string text;
  for (std::size_t i = 0; i < 5; ++i) {
    if (i) text += "·";
    text += format_count(n[i].integer());
  }
  return {std::nullopt, text};
}

void rating_rows(const Words& w, Table& t, const Node& cur, const Node& prev) {
  figure_row(w, t, w("rated"), w.count(cur["rated"]), w.count(prev["rated"]), 0);
  figure_row(w, t, w("rated_share"), w.share(cur["rated_permille"]),
             w.share(prev["rated_permille"]), +1);
  for (const char* r : {"completeness", "usefulness"}) {
    std::string name = w("rating." + std::string(r));
    figure_row(w, t, fill(w("rating_mean"), {{"rating", name}}), mean_of(w, cur[r]["mean_centi"]),
               mean_of(w, prev[r]["mean_centi"]), +1);
    figure_row(w, t, fill(w("rating_distribution"), {{"rating", name}}),
               distribution_of(cur[r]["distribution"]), distribution_of(prev[r]["distribution"]),
               0);
  }
}

void declined_rows(const Words& w, Table& t, const Node& cur, const Node& prev) {
  figure_row(w, t, w("declined"), w.count(cur["total"]), w.count(prev["total"]), 0);
  for (const char* reason : {"outside_scope", "insufficient_information", "legal_obstacle",
                             "not_competent", "duplicate", "other"}) {
    Val c = w.count(cur["by_reason"][reason]), p = w.count(prev["by_reason"][reason]);
    if (*c.v == 0 && *p.v == 0) continue;
    std::string label =
        fill(w("declined_reason"), {{"reason", w("reason." + std::string(reason))}});
    figure_row(w, t, std::move(label), c, p, 0);
  }
}

Table request_table(const Words& w, const Node& cur, const Node& prev) {
  Table t = figure_table(w);
  figure_row(w, t, w("received"), w.count(cur["received"]), w.count(prev["received"]), 0);
  for (const char* d : {"acknowledge", "first_response", "final_response"}) {
    deadline_rows(w, t, d, cur[d], prev[d]);
  }
  for (const char* s :
       {"time_to_acknowledge", "time_to_first_response", "time_to_final_response"}) {
    stats_rows(w, t, s, cur[s], prev[s]);
  }
  figure_row(w, t, w("open_at_end"), w.count(cur["open_at_end"]), w.count(prev["open_at_end"]), -1);
  figure_row(w, t, w("overdue_at_end"), w.count(cur["overdue_at_end"]),
             w.count(prev["overdue_at_end"]), -1);
  declined_rows(w, t, cur["declined"], prev["declined"]);
  figure_row(w, t, w("withdrawn"), w.count(cur["withdrawn"]), w.count(prev["withdrawn"]), 0);
  figure_row(w, t, w("clarifications"), w.count(cur["clarifications"]),
             w.count(prev["clarifications"]), 0);
  rating_rows(w, t, cur["ratings"], prev["ratings"]);
  return t;
}

Table alert_table(const Words& w, const Node& cur, const Node& prev) {
  Table t = figure_table(w);
  figure_row(w, t, w("raised"), w.count(cur["raised"]), w.count(prev["raised"]), 0);
  deadline_rows(w, t, "acknowledge", cur["acknowledge"], prev["acknowledge"]);
  stats_rows(w, t, "time_to_acknowledge", cur["time_to_acknowledge"], prev["time_to_acknowledge"]);
  figure_row(w, t, w("escalated"), w.count(cur["escalated"]), w.count(prev["escalated"]), -1);
  return t;
}

Table takedown_table(const Words& w, const Node& cur, const Node& prev) {
  Table t = figure_table(w);
  count_rows(w, t, "takedown.",
             {{"requests", 0}, {"removed_on_time", +1}, {"removed_late", -1}, {"not_removed", -1}},
             cur, prev);
  figure_row(w, t, w("takedown.share"), w.share(cur["on_time_permille"]),
             w.share(prev["on_time_permille"]), +1);
  return t;
}

Table check_table(const Words& w, const Node& cur, const Node& prev) {
  Table t = figure_table(w);
  count_rows(w, t, "checks.",
             {{"held", 0}, {"answered_in_time", +1}, {"answered_late", -1}, {"unanswered", -1}},
             cur, prev);
  stats_rows(w, t, "time_to_answer", cur["time_to_answer"], prev["time_to_answer"]);
  return t;
}

ChartBar final_bar(const Words& w, const char* which, const Node& req) {
  Node d = req["final_response"];
  return {w(which), {d["on_time"].integer(), d["late"].integer(), d["overdue"].integer()}};
}

Chart final_chart(const Words& w, const char* title) {
  Chart c;
  c.title = w(title);
  c.legend = {w("status.on_time"), w("status.late"), w("status.overdue")};
  return c;
}

ChartGroup final_group(const Words& w, std::string label, const Node& cur, const Node& prev) {
  return {std::move(label),
          {final_bar(w, "chart.this", cur), final_bar(w, "chart.previous", prev)}};
}

std::string direction_title(const Words& w, const Node& dir) {
  std::string asker = w.party(dir["asker"].string());
  std::string responder = w.party(dir["responder"].string());
  return fill(w("direction"), {{"a", asker}, {"b", responder}});
}

void check_parties(const Node& dir, std::size_t index) {
  std::string asker = index == 0 ? "a" : "b";
  if (dir["asker"].string() != asker) dir["asker"].fail("is not \"" + asker + "\"");
  std::string responder = index == 0 ? "b" : "a";
  if (dir["responder"].string() != responder) {
    dir["responder"].fail("is not \"" + responder + "\"");
  }
}

void request_blocks(const Words& w, const Node& dir, Section& s) {
  Node groups = dir["requests"];
  Chart chart = final_chart(w, "chart.final_by_kind");
  std::vector<std::pair<std::string, Table>> tables;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    Node g = groups[i];
    std::string label = fill(w("group"), {{"kind", named(w, g["kind"], "kind.")},
                                          {"priority", named(w, g["priority"], "priority.")}});
    chart.groups.push_back(final_group(w, label, g["current"], g["previous"]));
    tables.emplace_back(label, request_table(w, g["current"], g["previous"]));
  }
  if (!chart.groups.empty()) {
    s.blocks.push_back(Heading{chart.title, 3});
    s.blocks.push_back(std::move(chart));
  }
  Node total = dir["requests_total"];
  s.blocks.push_back(Heading{w("requests_all"), 3});
  s.blocks.push_back(request_table(w, total["current"], total["previous"]));
  for (auto& [label, table] : tables) {
    s.blocks.push_back(Heading{label, 3});
    s.blocks.push_back(std::move(table));
  }
}

void alert_blocks(const Words& w, const Node& dir, Section& s) {
  Node total = dir["alerts_total"];
  s.blocks.push_back(Heading{w("alerts_all"), 3});
  s.blocks.push_back(alert_table(w, total["current"], total["previous"]));
  Node groups = dir["alerts"];
  for (std::size_t i = 0; i < groups.size(); ++i) {
    Node g = groups[i];
    s.blocks.push_back(
        Heading{fill(w("alerts_group"), {{"priority", named(w, g["priority"], "priority.")}}), 3});
    s.blocks.push_back(alert_table(w, g["current"], g["previous"]));
  }
}

}  // namespace

Section summary_section(const Words& w, const Node& body) {
  Section s;
  s.heading = w("summary");
  Table parties;
  parties.widths = {0.2, 0.5, 0.3};
  parties.head = {w("party"), w("name"), w("time_zone")};
  for (const char* p : {"a", "b"}) {
    Node party = body["parties"][p];
    Row row;
    row.cells.push_back({{{w(std::string("party_") + p), ""}}});
    row.cells.push_back({{{party["name"].string(), ""}}});
    row.cells.push_back({{{party["time_zone"].string(), ""}}});
    parties.rows.push_back(std::move(row));
  }
  s.blocks.push_back(std::move(parties));
  Chart chart = final_chart(w, "chart.summary");
  Table key = figure_table(w);
  for (std::size_t i = 0; i < 2; ++i) {
    Node dir = body["directions"][i];
    check_parties(dir, i);
    std::string title = direction_title(w, dir);
    Node cur = dir["requests_total"]["current"], prev = dir["requests_total"]["previous"];
    chart.groups.push_back(final_group(w, title, cur, prev));
    subhead_row(key, title);
    figure_row(w, key, w("received"), w.count(cur["received"]), w.count(prev["received"]), 0);
    for (const char* d : {"acknowledge", "final_response"}) {
      figure_row(w, key, deadline_label(w, d, "share"), w.share(cur[d]["on_time_permille"]),
                 w.share(prev[d]["on_time_permille"]), +1);
    }
    figure_row(w, key, w("overdue_at_end"), w.count(cur["overdue_at_end"]),
               w.count(prev["overdue_at_end"]), -1);
    std::string median = fill(w("stat_measure"), {{"stat", w("stat.time_to_final_response")},
                                                  {"measure", w("measure.median_s")}});
    figure_row(w, key, median, w.duration(cur["time_to_final_response"]["median_s"]),
               w.duration(prev["time_to_final_response"]["median_s"]), -1);
    Node ac = dir["alerts_total"]["current"], ap = dir["alerts_total"]["previous"];
    figure_row(w, key, w("raised"), w.count(ac["raised"]), w.count(ap["raised"]), 0);
    figure_row(w, key, deadline_label(w, "acknowledge", "share"),
               w.share(ac["acknowledge"]["on_time_permille"]),
               w.share(ap["acknowledge"]["on_time_permille"]), +1);
  }
  s.blocks.push_back(Heading{chart.title, 3});
  s.blocks.push_back(std::move(chart));
  s.blocks.push_back(std::move(key));
  return s;
}

Section direction_section(const Words& w, const Node& body, std::size_t index) {
  Node dir = body["directions"][index];
  check_parties(dir, index);
  Section s;
  s.heading = direction_title(w, dir);
  s.new_page = true;
  std::string asker = w.party(dir["asker"].string());
  std::string responder = w.party(dir["responder"].string());
  s.blocks.push_back(
      Paragraph{{{fill(w("direction_note"), {{"a", asker}, {"b", responder}}), ""}}, true});
  request_blocks(w, dir, s);
  alert_blocks(w, dir, s);
  s.blocks.push_back(Heading{w("takedown"), 3});
  s.blocks.push_back(takedown_table(w, dir["takedown"]["current"], dir["takedown"]["previous"]));
  s.blocks.push_back(Heading{w("checks"), 3});
  s.blocks.push_back(check_table(w, dir["checks"]["current"], dir["checks"]["previous"]));
  return s;
}

}  // namespace hotline::render
