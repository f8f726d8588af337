// The sections of sections.h about the link's records rather than its
// directions: disputes, shared cases, agreed adjustments, provenance.
#include <utility>

#include "hotline/render/format.h"
#include "hotline/render/labels.h"
#include "hotline/render/sections.h"

namespace hotline::render {

namespace {

Cell text_cell(std::string text, bool code = false) {
  return {{{std::move(text), ""}}, false, code};
}

Row text_row(std::vector<Cell> cells) {
  Row row;
  row.cells = std::move(cells);
  return row;
}

std::string answered_of(const Node& c, const char* done, const char* all) {
  return format_count(c[done].integer()) + " / " + format_count(c[all].integer());
}

std::string party_label(const Words& w, const Node& p) {
  std::string name = p.string();
  if (name != "a" && name != "b") p.fail("is not \"a\" or \"b\"");
  return w.party(name);
}

// When `list` is empty, says so (the label `none`) and returns true.
bool said_empty(const Words& w, Section& s, const Node& list, const char* none) {
  if (list.size() != 0) return false;
  s.blocks.push_back(Paragraph{{{w(none), ""}}, true});
  return true;
}

Node signatures_of(const nlohmann::json& report) {
  static const nlohmann::json kNone = nlohmann::json::array();
  Node root(&report, "");
  return root.has("signatures") ? root["signatures"] : Node(&kNone, "/signatures");
}

void signature_rows(const Words& w, Table& t, const Node& sig) {
  Node party = sig["party"];
  party_label(w, party);  // "a" or "b", or review_invalid
  std::string which = party.string() == "a" ? "party_a" : "party_b";
  subhead_row(t, fill(w("label_value"), {{"label", w(which)}, {"value", sig["name"].string()}}));
  key_value_row(t, w("public_key"), {{sig["key"].string(), ""}}, true);
  Node head = sig["tree_head"];
  key_value_row(t, w("tree_size"), {{format_count(head["size"].integer()), ""}}, false);
  key_value_row(t, w("tree_root"), {{head["root"].string(), ""}}, true);
  if (head.has("time")) {
    Node time = head["time"];
    std::int64_t ms =
        time.is_integer() ? time.integer() : parse_body_time(time.string(), time.path());
    key_value_row(t, w("tree_time"), {date_run(w.lang, ms, true)}, false);
  }
}

}  // namespace

std::string signature_state(const Words& w, const nlohmann::json& report) {
  Node sigs = signatures_of(report);
  bool a = false, b = false;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    std::string p = sigs[i]["party"].string();
    a = a || p == "a";
    b = b || p == "b";
  }
  if (a && b) return w("state_agreed");
  if (a || b) return fill(w("state_one"), {{"party", a ? w.a : w.b}});
  return w("state_none");
}

Section disputes_section(const Words& w, const Node& body) {
  Section s;
  s.heading = w("disputes");
  s.new_page = true;
  Node cur = body["disputes"]["current"], prev = body["disputes"]["previous"];
  Table t = figure_table(w);
  count_rows(w, t, "disputes.",
             {{"opened", 0}, {"settled", 0}, {"withdrawn", 0}, {"open_at_end", -1}}, cur, prev);
  for (const char* g : {"timeliness", "quality", "attribution", "jurisdiction", "other"}) {
    std::string label = fill(w("disputes.ground"), {{"ground", w("ground." + std::string(g))}});
    figure_row(w, t, std::move(label), w.count(cur["by_ground"][g]), w.count(prev["by_ground"][g]),
               0);
  }
  s.blocks.push_back(std::move(t));
  return s;
}

Section cases_section(const Words& w, const Node& body) {
  Section s;
  s.heading = w("cases");
  Node cases = body["cases"];
  Table counts = key_value_table();
  for (const char* name : {"opened", "open_at_end", "closed_at_end"}) {
    Row row = text_row({text_cell(w("cases." + std::string(name))),
                        text_cell(format_count(cases[name].integer()))});
    row.cells[1].number = true;
    counts.rows.push_back(std::move(row));
  }
  s.blocks.push_back(std::move(counts));
  Node list = cases["list"];
  if (said_empty(w, s, list, "cases.none")) return s;
  Table t;
  t.widths = {0.34, 0.2, 0.12, 0.17, 0.17};
  t.head = {w("case"), w("opened_by"), w("state"), w("requests_answered"),
            w("alerts_acknowledged")};
  for (std::size_t i = 0; i < list.size(); ++i) {
    Node c = list[i];
    std::string state = c["state"].string();
    if (state != "open" && state != "closed") c["state"].fail("is not \"open\" or \"closed\"");
    Row row = text_row({text_cell(c["id"].string(), true),
                        text_cell(party_label(w, c["opened_by"])), text_cell(w("state." + state)),
                        text_cell(answered_of(c, "requests_answered", "requests")),
                        text_cell(answered_of(c, "alerts_acknowledged", "alerts"))});
    row.cells[3].number = row.cells[4].number = true;
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(std::move(t));
  return s;
}

Section adjustments_section(const Words& w, const Node& body) {
  Section s;
  s.heading = w("adjustments");
  Node list = body["adjustments"];
  if (said_empty(w, s, list, "adjustments_none")) return s;
  Table t;
  t.widths = {0.24, 0.16, 0.24, 0.36};
  t.head = {w("item"), w("deadline"), w("dispute"), w("agreed_text")};
  for (std::size_t i = 0; i < list.size(); ++i) {
    Node a = list[i];
    Node deadline = a["deadline"];
    auto name = find_label(w.lang, "deadline." + deadline.string());
    if (!name) deadline.fail("is not a known deadline");
    t.rows.push_back(
        text_row({text_cell(a["item"].string(), true), text_cell(std::string(*name)),
                  text_cell(a["dispute"].string(), true), text_cell(a["text"].string())}));
  }
  s.blocks.push_back(std::move(t));
  return s;
}

Section provenance_section(const Words& w, const Node& body, const nlohmann::json& report) {
  Section s;
  s.heading = w("provenance");
  s.new_page = true;
  Table t = key_value_table();
  key_value_row(t, w("link"), {{body["link"].string(), ""}}, true);
  key_value_row(t, w("period"), period_range(w, body["period"]), false);
  key_value_row(t, w("previous_period"), period_range(w, body["previous_period"]), false);
  Node cut = body["cut"];
  key_value_row(t, fill(w("cut_last"), {{"party", w.a}}),
                {{format_count(cut["a_to_b"].integer()), ""}}, false);
  key_value_row(t, fill(w("cut_last"), {{"party", w.b}}),
                {{format_count(cut["b_to_a"].integer()), ""}}, false);
  Node agreements = cut["agreements"];
  for (std::size_t i = 0; i < agreements.size(); ++i) {
    key_value_row(t, i == 0 ? w("agreements") : std::string(), {{agreements[i].string(), ""}},
                  true);
  }
  key_value_row(t, w("tzdb"), {{cut["tzdb"].string(), ""}}, true);
  s.blocks.push_back(std::move(t));
  s.blocks.push_back(Heading{w("signatures"), 3});
  Node sigs = signatures_of(report);
  if (said_empty(w, s, sigs, "signatures_none")) return s;
  Table st = key_value_table();
  for (std::size_t i = 0; i < sigs.size(); ++i) signature_rows(w, st, sigs[i]);
  s.blocks.push_back(std::move(st));
  return s;
}

}  // namespace hotline::render
