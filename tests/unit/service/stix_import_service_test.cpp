// A STIX bundle into a case (service/stix_service.h import_case_stix), on
// both stores, with two nodes in process: the indicators go out as
// add_indicators envelopes of at most 1,000 entries, the peer holds every
// one and finds them in its index; an invalid bundle or a bad entry stores
// and sends nothing.
#include "hotline/service/stix_service.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/indicator_service.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace stix_import_service_test {

using nlohmann::json;

std::string uuid(unsigned kind, unsigned i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", kind, i);
  return buf;
}

// `n` SCOs, ipv4-addr 10.3.x.y, and sightings of none.
std::string bundle(int n, const std::string& extra = "") {
  std::string s = R"({"type":"bundle","id":"bundle--)" + uuid(0, 0) + R"(","objects":[)";
  for (int i = 0; i < n; ++i) {
    if (i > 0) s += ",";
    s += R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--)" + uuid(1, i) +
         R"(","value":"10.3.)" + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\"}";
  }
  return s + extra + "]}";
}

class StixImportService : public testing::TwoNodesInProcess,
                          public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    on_postgres_ = GetParam();
    TwoNodesInProcess::SetUp();
  }
  std::int64_t queued() {
    return a_->store->snapshot([&](store::Transaction& tx) { return tx.outbox_length(link_); });
  }
};

TEST_P(StixImportService, BatchesReachThePeerAndItsIndex) {
  const auto c = open_case(*a_, "bravo", "Feed", {}, "anne", now_ms()).record.id;
  const std::int64_t before = queued();
  std::istringstream in(bundle(2100));
  const StixImported r = import_case_stix(*a_, c, in, "anne", now_ms());
  EXPECT_EQ(r.added, 2100u);
  EXPECT_EQ(r.envelopes, 3u);  // 1,000 + 1,000 + 100
  EXPECT_EQ(queued() - before, 3);

  a_to_b();
  const ItemView seen = show_item(*b_->store, c, now_ms());
  EXPECT_EQ(seen.document["indicators"].size(), 2100u);
  EXPECT_TRUE(seen.document["void"].empty()) << seen.document["void"].dump();
  IndicatorLookup q;
  q.value = "10.3.8.51";  // the last one
  auto hits = find_indicator(*b_->store, q);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].case_id, c);
  EXPECT_EQ(list_case_indicators(*a_->store, c).size(), 2100u);
}

TEST_P(StixImportService, AnInvalidBundleStoresAndSendsNothing) {
  const auto c = open_case(*a_, "bravo", "Feed", {}, "anne", now_ms()).record.id;
  const std::int64_t before = queued();
  const std::string doc_before = show_item(*a_->store, c, now_ms()).record.document;
  std::istringstream in(bundle(1500, R"(,{"type":"ipv4-addr","id":"ipv4-addr--x"})"));
  try {
    import_case_stix(*a_, c, in, "anne", now_ms());
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "stix_invalid");
    EXPECT_NE(std::string(e.what()).find("ipv4-addr--x"), std::string::npos) << e.what();
  }
  EXPECT_EQ(queued(), before);
  EXPECT_EQ(show_item(*a_->store, c, now_ms()).record.document, doc_before);

  // A batch whose last entry the model refuses: nothing of the batch stays.
  std::vector<BatchAction> actions;
  json list = json::array();
  for (int i = 0; i < 5; ++i)
    list.push_back({{"type", "ipv4-addr"}, {"value", "10.4.0." + std::to_string(i)}});
  actions.push_back({"add_indicators", {{"indicators", list}}});
  list = json::array({{{"type", "domain-name"}, {"value", "not a domain"}}});
  actions.push_back({"add_indicators", {{"indicators", list}}});
  try {
    act_case_batch(*a_, c, actions, "anne", now_ms());
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "indicator_invalid");
    EXPECT_NE(std::string(e.what()).find("actions[1] (add_indicators): args.indicators[0]"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(queued(), before);
  EXPECT_EQ(show_item(*a_->store, c, now_ms()).record.document, doc_before);
}

// A description the case would refuse as a note (too long, a control
// character) is fitted, not a reason to refuse the bundle; a warning says so.
TEST_P(StixImportService, LongDescriptionsAreFittedWithAWarning) {
  const auto c = open_case(*a_, "bravo", "Feed", {}, "anne", now_ms()).record.id;
  const std::string text = "line one\\nbell \\u0007 " + std::string(3000, 'x');
  const std::string extra =
      R"(,{"type":"indicator","spec_version":"2.1","id":"indicator--)" + uuid(5, 0) +
      R"(","created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z",)"
      R"("pattern":"[domain-name:value = 'long.example']","pattern_type":"stix",)"
      R"("valid_from":"2026-02-01T00:00:00Z","description":")" +
      text + "\"}";
  std::istringstream in(bundle(1, extra));
  const StixImported r = import_case_stix(*a_, c, in, "anne", now_ms());
  EXPECT_EQ(r.added, 2u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("1 indicator descriptions fitted"), std::string::npos)
      << r.warnings[0];
  const json& ind = r.item.document["indicators"][1];
  EXPECT_EQ(ind["value"], "long.example");
  const std::string note = ind["note"];
  EXPECT_EQ(note.size(), 2000u);
  EXPECT_EQ(note.rfind("line one\nbell   x", 0), 0u) << note.substr(0, 40);
}

std::string store_name(const ::testing::TestParamInfo<bool>& p) {
  return p.param ? "Postgres" : "Sqlite";
}

INSTANTIATE_TEST_SUITE_P(Stores, StixImportService, ::testing::Bool(), store_name);

}  // namespace stix_import_service_test
}  // namespace hotline::service
