// The index of every case's indicators on both stores: a case's rows are
// replaced as a whole; a lookup finds exact values and the ranges whose
// span holds an address (byte-wise, including bytes above 0x7f), never
// another type's rows; scans give one case's rows or all, in order.
#include <string>
#include <vector>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace case_indicators_test {

using CaseIndicatorsTest = StoreTest;

// IPv4 mapped into ::ffff:0:0/96, as model::address_span writes it.
std::string v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  std::string s(10, '\0');
  s += '\xff';
  s += '\xff';
  for (unsigned x : {a, b, c, d}) s += static_cast<char>(x);
  return s;
}

CaseIndicatorRecord row(const std::string& item, std::int64_t pos, const std::string& type,
                        const std::string& value, std::string first = "", std::string last = "") {
  CaseIndicatorRecord r;
  r.item_id = item;
  r.position = pos;
  r.link = "link-1";
  r.type = type;
  r.value = value;
  r.tlp = pos == 0 ? "TLP:RED" : "TLP:AMBER";
  r.span_first = std::move(first);
  r.span_last = std::move(last);
  r.indicator = R"({"type":")" + type + R"(","value":")" + value + R"("})";
  return r;
}

std::vector<std::string> values(const std::vector<CaseIndicatorRecord>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.item_id + " " + r.value);
  return out;
}

TEST_P(CaseIndicatorsTest, RowsAreReplacedPerCaseAndLookedUpByValueAndSpan) {
  const auto net =
      row("case-a", 0, "ipv4-addr", "198.51.100.0/24", v4(198, 51, 100, 0), v4(198, 51, 100, 255));
  const auto high =
      row("case-a", 1, "ipv4-addr", "203.0.113.128/25", v4(203, 0, 113, 128), v4(203, 0, 113, 255));
  const auto dom = row("case-a", 2, "domain-name", "evil.example");
  const auto host =
      row("case-b", 0, "ipv4-addr", "198.51.100.7", v4(198, 51, 100, 7), v4(198, 51, 100, 7));
  const auto sub = row("case-b", 1, "domain-name", "mail.evil.example");
  store_->transact([&](Transaction& tx) {
    tx.put_case_indicators("case-a", {row("case-a", 0, "md5", std::string(32, 'a'))});
    tx.put_case_indicators("case-a", {net, high, dom});  // replaces
    tx.put_case_indicators("case-b", {host, sub});
  });
  auto tx = store_->read();

  std::vector<CaseIndicatorRecord> all;
  tx->scan_case_indicators("", [&](const CaseIndicatorRecord& r) { all.push_back(r); });
  EXPECT_EQ(all, (std::vector<CaseIndicatorRecord>{net, high, dom, host, sub}));
  std::vector<CaseIndicatorRecord> b;
  tx->scan_case_indicators("case-b", [&](const CaseIndicatorRecord& r) { b.push_back(r); });
  EXPECT_EQ(b, (std::vector<CaseIndicatorRecord>{host, sub}));

  CaseIndicatorQuery q;
  q.type = "domain-name";
  q.values = {"a.mail.evil.example", "mail.evil.example", "evil.example", "example"};
  EXPECT_EQ(values(tx->find_case_indicators(q)),
            (std::vector<std::string>{"case-a evil.example", "case-b mail.evil.example"}));
  q.values = {"notevil.example"};
  EXPECT_TRUE(tx->find_case_indicators(q).empty());

  // An address: its own row and the range holding it, not the other range.
  q = {};
  q.type = "ipv4-addr";
  q.values = {"198.51.100.7"};
  q.span_first = v4(198, 51, 100, 7);
  q.span_last = v4(198, 51, 100, 7);
  EXPECT_EQ(values(tx->find_case_indicators(q)),
            (std::vector<std::string>{"case-a 198.51.100.0/24", "case-b 198.51.100.7"}));
  // Bytes above 0x7f compare as unsigned.
  q.values = {};
  q.span_first = v4(203, 0, 113, 200);
  q.span_last = v4(203, 0, 113, 200);
  EXPECT_EQ(values(tx->find_case_indicators(q)),
            (std::vector<std::string>{"case-a 203.0.113.128/25"}));
  q.span_first = v4(203, 0, 113, 127);
  q.span_last = v4(203, 0, 113, 127);
  EXPECT_TRUE(tx->find_case_indicators(q).empty());
  // A range finds the ranges holding it whole; another type finds nothing.
  q.span_first = v4(198, 51, 100, 0);
  q.span_last = v4(198, 51, 100, 127);
  EXPECT_EQ(values(tx->find_case_indicators(q)),
            (std::vector<std::string>{"case-a 198.51.100.0/24"}));
  q.type = "ipv6-addr";
  EXPECT_TRUE(tx->find_case_indicators(q).empty());
  q.type = "ipv4-addr";
  q.limit = 0;
  EXPECT_TRUE(tx->find_case_indicators(q).empty());
  tx->commit();

  // An empty list removes the case's rows.
  store_->transact([&](Transaction& w) { w.put_case_indicators("case-a", {}); });
  all.clear();
  store_->read()->scan_case_indicators("", [&](const CaseIndicatorRecord& r) { all.push_back(r); });
  EXPECT_EQ(all, (std::vector<CaseIndicatorRecord>{host, sub}));
}

// Thousands of rows at once (written in bulk), values with quotes,
// backslashes, braces, commas and non-ASCII text kept byte for byte.
TEST_P(CaseIndicatorsTest, ManyRowsInOneCallKeepEveryByte) {
  std::vector<CaseIndicatorRecord> rows;
  for (int i = 0; i < 2500; ++i) {
    rows.push_back(row("case-big", i, "ipv4-addr",
                       "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                       v4(10, 0, i / 256, i % 256), v4(10, 0, i / 256, i % 256)));
  }
  rows.push_back(row("case-big", 2500, "file-name", R"(a"b\c{d},e NULL Ünïcode.exe)"));
  rows.back().indicator = R"({"note":"say \"hi\", {ok}"})";
  rows.back().link = "link-2";
  store_->transact([&](Transaction& tx) { tx.put_case_indicators("case-big", rows); });
  std::vector<CaseIndicatorRecord> got;
  store_->read()->scan_case_indicators("case-big",
                                       [&](const CaseIndicatorRecord& r) { got.push_back(r); });
  EXPECT_EQ(got, rows);
  CaseIndicatorQuery q;
  q.type = "file-name";
  q.values = {R"(a"b\c{d},e NULL Ünïcode.exe)"};
  EXPECT_EQ(store_->read()->find_case_indicators(q).size(), 1u);
}

TEST_P(CaseIndicatorsTest, AReadTransactionCannotWriteThem) {
  auto tx = store_->read();
  try {
    tx->put_case_indicators("case-a", {row("case-a", 0, "md5", std::string(32, 'a'))});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.code()), "store_read_only");
  }
}

HOTLINE_BOTH_STORES(CaseIndicatorsTest);

}  // namespace case_indicators_test
}  // namespace hotline::store::testing
