#include "hotline/store/sqlite/indicator_tables.h"

#include <algorithm>
#include <string>

namespace hotline::store::sqlite {
namespace {

// Every query below reads these columns in this order:
//   item_id, position, link, type, value, tlp, span_first, span_last, indicator
CaseIndicatorRecord read_indicator(const Query& q) {
  CaseIndicatorRecord r;
  r.item_id = q.text(0);
  r.position = q.integer(1);
  r.link = q.text(2);
  r.type = q.text(3);
  r.value = q.text(4);
  r.tlp = q.text(5);
  r.span_first = std::string(q.view(6));
  r.span_last = std::string(q.view(7));
  r.indicator = q.text(8);
  return r;
}

void collect(Query& q, std::vector<CaseIndicatorRecord>& out) {
  while (q.step()) out.push_back(read_indicator(q));
}

}  // namespace

void put_case_indicators(Connection& c, std::string_view item_id,
                         const std::vector<CaseIndicatorRecord>& rows) {
  {
    Query q(c, "DELETE FROM case_indicators WHERE item_id = ?1", "replacing a case's indicators");
    q.bind(1, item_id);
    q.run();
  }
  for (const auto& r : rows) {
    Query q(c,
            "INSERT INTO case_indicators (item_id, position, link, type, value, tlp, span_first, "
            "span_last, indicator) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            "saving a case's indicators");
    q.bind(1, item_id)
        .bind(2, r.position)
        .bind(3, r.link)
        .bind(4, r.type)
        .bind(5, r.value)
        .bind(6, r.tlp)
        .bind_blob(7, r.span_first)
        .bind_blob(8, r.span_last)
        .bind(9, r.indicator);
    q.run();
  }
}

// One indexed lookup per value, one range lookup for the span; merged in
// (item_id, position) order.
std::vector<CaseIndicatorRecord> find_case_indicators(Connection& c, const CaseIndicatorQuery& qy) {
  std::vector<CaseIndicatorRecord> out;
  for (const auto& v : qy.values) {
    Query q(c,
            "SELECT item_id, position, link, type, value, tlp, span_first, span_last, indicator "
            "FROM case_indicators WHERE type = ?1 AND value = ?2",
            "looking up indicators");
    q.bind(1, qy.type).bind(2, v);
    collect(q, out);
  }
  if (!qy.span_first.empty()) {
    Query q(c,
            "SELECT item_id, position, link, type, value, tlp, span_first, span_last, indicator "
            "FROM case_indicators WHERE type = ?1 AND span_first <= ?2 AND span_last >= ?3 "
            "AND length(span_first) = 16",
            "looking up the ranges holding an address");
    q.bind(1, qy.type).bind_blob(2, qy.span_first).bind_blob(3, qy.span_last);
    collect(q, out);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.item_id != b.item_id ? a.item_id < b.item_id : a.position < b.position;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) {
                          return a.item_id == b.item_id && a.position == b.position;
                        }),
            out.end());
  if (out.size() > qy.limit) out.resize(qy.limit);
  return out;
}

void scan_case_indicators(Connection& c, std::string_view item_id,
                          const std::function<void(const CaseIndicatorRecord&)>& fn) {
  if (item_id.empty()) {
    Query q(c,
            "SELECT item_id, position, link, type, value, tlp, span_first, span_last, indicator "
            "FROM case_indicators ORDER BY item_id, position",
            "reading every case's indicators");
    while (q.step()) fn(read_indicator(q));
    return;
  }
  Query q(c,
          "SELECT item_id, position, link, type, value, tlp, span_first, span_last, indicator "
          "FROM case_indicators WHERE item_id = ?1 ORDER BY position",
          "reading a case's indicators");
  q.bind(1, item_id);
  while (q.step()) fn(read_indicator(q));
}

}  // namespace hotline::store::sqlite
