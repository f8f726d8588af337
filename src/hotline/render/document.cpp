#include "hotline/render/document.h"

#include "hotline/render/body.h"
#include "hotline/render/figures.h"
#include "hotline/render/format.h"
#include "hotline/render/labels.h"
#include "hotline/render/sections.h"

namespace hotline::render {

namespace {

std::vector<Paragraph> front_matter(const Words& w, const Node& body,
                                    const nlohmann::json& report) {
  std::vector<Paragraph> out;
  out.push_back({{{fill(w("subtitle"), {{"a", w.a}, {"b", w.b}}), ""}}, false});
  for (const char* key : {"period", "previous_period"}) {
    Line line;
    for (auto& r :
         fill_line(w("label_value"), {{"label", {w(key), ""}}, {"value", {"\x01", ""}}})) {
      if (r.text != "\x01") {
        line.push_back(std::move(r));
        continue;
      }
      for (auto& d : period_range(w, body[key])) line.push_back(std::move(d));
    }
    out.push_back({std::move(line), false});
  }
  Node cut = body["cut"];
  std::int64_t to = parse_body_time(body["period"]["to"].string(), body["period"]["to"].path());
  out.push_back({fill_line(w("as_of"), {{"to", date_run(w.lang, to, true)},
                                        {"na", {format_count(cut["a_to_b"].integer()), ""}},
                                        {"a", {w.a, ""}},
                                        {"nb", {format_count(cut["b_to_a"].integer()), ""}},
                                        {"b", {w.b, ""}}}),
                 true});
  out.push_back({{{signature_state(w, report), ""}}, true});
  return out;
}

}  // namespace

Document build_document(const nlohmann::json& report, Lang lang) {
  Node body = checked_body(report);
  Words w;
  w.lang = lang;
  w.a = body["parties"]["a"]["name"].string();
  w.b = body["parties"]["b"]["name"].string();
  Document doc;
  doc.lang = lang;
  doc.title = w("title");
  doc.front = front_matter(w, body, report);
  doc.sections.push_back(summary_section(w, body));
  for (std::size_t i = 0; i < 2; ++i) doc.sections.push_back(direction_section(w, body, i));
  doc.sections.push_back(disputes_section(w, body));
  doc.sections.push_back(cases_section(w, body));
  doc.sections.push_back(adjustments_section(w, body));
  doc.sections.push_back(provenance_section(w, body, report));
  Section method;
  method.heading = w("method");
  method.blocks.push_back(Paragraph{{{w("method_text"), ""}}, false});
  doc.sections.push_back(std::move(method));
  return doc;
}

}  // namespace hotline::render
