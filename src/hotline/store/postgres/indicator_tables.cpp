#include "hotline/store/postgres/indicator_tables.h"

#include <algorithm>
#include <string>

#include "hotline/common/error.h"

namespace hotline::store::postgres {

// The spans are BYTEA (empty for other types): compared byte-wise, as the
// SQLite store's BLOBs.
const char* const kCaseIndicatorSchema = R"sql(
CREATE TABLE case_indicators (
  item_id    TEXT NOT NULL,
  position   BIGINT NOT NULL,
  link       TEXT NOT NULL,
  type       TEXT NOT NULL,
  value      TEXT NOT NULL,
  tlp        TEXT NOT NULL,
  span_first BYTEA NOT NULL,
  span_last  BYTEA NOT NULL,
  indicator  TEXT NOT NULL,
  PRIMARY KEY (item_id, position)
);
CREATE INDEX case_indicators_by_value ON case_indicators (type, value);
CREATE INDEX case_indicators_by_span ON case_indicators (type, span_first, span_last);
)sql";

namespace {

// Every query below reads these columns in this order (the spans as hex):
constexpr const char* kColumns =
    "item_id, position, link, type, value, tlp, encode(span_first, 'hex'), "
    "encode(span_last, 'hex'), indicator";

constexpr char kSpanHex[] = "0123456789abcdef";

std::string span_hex(std::string_view bytes) {
  std::string out;
  for (unsigned char b : bytes) {
    out += kSpanHex[b >> 4];
    out += kSpanHex[b & 15];
  }
  return out;
}

int span_nibble(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  throw Error(ErrorCategory::internal, "store_failed",
              "Expected hex digits from encode(..., 'hex') for an indicator's span, found "
              "another character.");
}

std::string span_bytes(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(span_nibble(hex[2 * i]) * 16 + span_nibble(hex[2 * i + 1]));
  return out;
}

CaseIndicatorRecord read_indicator(const pqxx::row& r) {
  CaseIndicatorRecord x;
  x.item_id = text(r, 0);
  x.position = integer(r, 1);
  x.link = text(r, 2);
  x.type = text(r, 3);
  x.value = text(r, 4);
  x.tlp = text(r, 5);
  x.span_first = span_bytes(text(r, 6));
  x.span_last = span_bytes(text(r, 7));
  x.indicator = text(r, 8);
  return x;
}

// '{"a","b\\"c"}': a PostgreSQL array literal of rows [from, to)'s values,
// each quoted (a backslash before '"' and '\\').
template <class F>
std::string array_of(const std::vector<CaseIndicatorRecord>& rows, std::size_t from, std::size_t to,
                     F value) {
  std::string out = "{";
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += ',';
    out += '"';
    for (char ch : value(rows[i])) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

void collect(const pqxx::result& rows, std::vector<CaseIndicatorRecord>& out) {
  for (const auto& r : rows) out.push_back(read_indicator(r));
}

}  // namespace

void put_case_indicators(Conn& c, std::string_view item_id,
                         const std::vector<CaseIndicatorRecord>& rows) {
  c.exec("replacing a case's indicators", "DELETE FROM case_indicators WHERE item_id = $1",
         item_id);
  // In bulk: one statement per kRowsPerInsert rows, the columns as arrays
  // (a case of 100,000 indicators is 100 round trips, not 100,000).
  constexpr std::size_t kRowsPerInsert = 1000;
  for (std::size_t from = 0; from < rows.size(); from += kRowsPerInsert) {
    const std::size_t to = std::min(rows.size(), from + kRowsPerInsert);
    c.exec("saving a case's indicators",
           "INSERT INTO case_indicators (item_id, position, link, type, value, tlp, span_first, "
           "span_last, indicator) SELECT $1, p, l, t, v, tlp, decode(f, 'hex'), decode(g, 'hex'), "
           "i FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], "
           "$7::text[], $8::text[], $9::text[]) AS u(p, l, t, v, tlp, f, g, i)",
           item_id,
           array_of(rows, from, to, [](const auto& r) { return std::to_string(r.position); }),
           array_of(rows, from, to, [](const auto& r) { return r.link; }),
           array_of(rows, from, to, [](const auto& r) { return r.type; }),
           array_of(rows, from, to, [](const auto& r) { return r.value; }),
           array_of(rows, from, to, [](const auto& r) { return r.tlp; }),
           array_of(rows, from, to, [](const auto& r) { return span_hex(r.span_first); }),
           array_of(rows, from, to, [](const auto& r) { return span_hex(r.span_last); }),
           array_of(rows, from, to, [](const auto& r) { return r.indicator; }));
  }
}

// One indexed lookup per value, one range lookup for the span; merged in
// (item_id, position) order.
std::vector<CaseIndicatorRecord> find_case_indicators(Conn& c, const CaseIndicatorQuery& q) {
  std::vector<CaseIndicatorRecord> out;
  const std::string by_value =
      std::string("SELECT ") + kColumns + " FROM case_indicators WHERE type = $1 AND value = $2";
  for (const auto& v : q.values) collect(c.exec("looking up indicators", by_value, q.type, v), out);
  if (!q.span_first.empty()) {
    const std::string by_span =
        std::string("SELECT ") + kColumns +
        " FROM case_indicators WHERE type = $1 AND span_first <= decode($2, 'hex') AND "
        "span_last >= decode($3, 'hex') AND length(span_first) = 16";
    collect(c.exec("looking up the ranges holding an address", by_span, q.type,
                   span_hex(q.span_first), span_hex(q.span_last)),
            out);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.item_id != b.item_id ? a.item_id < b.item_id : a.position < b.position;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) {
                          return a.item_id == b.item_id && a.position == b.position;
                        }),
            out.end());
  if (out.size() > q.limit) out.resize(q.limit);
  return out;
}

// In (item_id, position) order, a batch at a time.
void scan_case_indicators(Conn& c, std::string_view item_id,
                          const std::function<void(const CaseIndicatorRecord&)>& fn) {
  constexpr std::int64_t kBatch = 2048;
  std::string after_item;
  std::int64_t after_pos = -1;
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM case_indicators WHERE ($1 = '' OR item_id = $1) AND "
                          "(item_id, position) > ($2, $3) ORDER BY item_id, position LIMIT $4";
  for (;;) {
    auto batch = c.exec("reading cases' indicators", sql, item_id, after_item, after_pos, kBatch);
    for (const auto& r : batch) {
      auto x = read_indicator(r);
      after_item = x.item_id;
      after_pos = x.position;
      fn(x);
    }
    if (static_cast<std::int64_t>(batch.size()) < kBatch) return;
  }
}

}  // namespace hotline::store::postgres
