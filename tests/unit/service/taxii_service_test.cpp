// What the TAXII server publishes (service/taxii_service.h), on both stores:
// nothing until published; a peer's collection holds its cases, a case's
// collection its one case; a TLP:RED case and its objects only for its
// author and list; bad names refused with nothing changed; dates added
// stable between reads; every change in the audit trail.
#include "hotline/service/taxii_service.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/need_to_know.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace taxii_service_test {

using nlohmann::json;

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

model::Labels labelled(model::Tlp tlp) {
  model::Labels l;
  l.tlp = tlp;
  return l;
}

class TaxiiPublish : public testing::TwoNodesInProcess, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    on_postgres_ = GetParam();
    TwoNodesInProcess::SetUp();
  }

  std::string open(const std::string& title, model::Tlp tlp, const std::string& value) {
    auto c = open_case(*a_, "bravo", title, labelled(tlp), "anne", now_ms());
    act(*a_, kCase, c.record.id, "add_indicator", {{"type", "ipv4-addr"}, {"value", value}}, "anne",
        now_ms());
    return c.record.id;
  }

  static bool mentions(const std::vector<TaxiiObject>& objects, const std::string& text) {
    for (const auto& o : objects)
      if (o.object.dump().find(text) != std::string::npos) return true;
    return false;
  }
};

TEST_P(TaxiiPublish, NothingUntilPublishedThenWhatEachReaderMaySee) {
  const auto green = open("Scanning", model::Tlp::green, "203.0.113.7");
  const auto red = open("Informant", model::Tlp::red, "198.51.100.99");
  // A TLP:RED indicator in a TLP:GREEN case: for the case's author (and list) only.
  act(*a_, kCase, green, "add_indicator",
      {{"type", "ipv4-addr"}, {"value", "192.0.2.66"}, {"tlp", "TLP:RED"}}, "anne", now_ms());
  EXPECT_TRUE(taxii_collections(*a_->store, "anne").empty());

  const AuditContext ctx{"root", "cli"};
  auto p = set_taxii_published(*a_->store, "peer", "bravo", true, now_ms(), &ctx);
  EXPECT_EQ(p.peers, std::vector<std::string>{"bravo"});
  set_taxii_published(*a_->store, "case", red, true, now_ms(), &ctx);
  // Again: no change, no second audit entry.
  set_taxii_published(*a_->store, "case", red, true, now_ms(), &ctx);
  auto audit = a_->store->snapshot([](store::Transaction& tx) { return tx.list_audit(0, 1000); });
  int publishes = 0;
  for (const auto& e : audit) publishes += e.action == "taxii.publish";
  EXPECT_EQ(publishes, 2);

  auto for_anne = taxii_collections(*a_->store, "anne");
  ASSERT_EQ(for_anne.size(), 2u);
  EXPECT_EQ(for_anne[0].alias, "peer-bravo");
  EXPECT_EQ(for_anne[1].id, red);
  auto for_olga = taxii_collections(*a_->store, "olga");
  ASSERT_EQ(for_olga.size(), 1u);
  EXPECT_EQ(code_of([&] { taxii_objects(*a_, red, "olga"); }), "taxii_collection_unknown");

  const auto peer_coll = for_anne[0].id;
  auto anne_sees = taxii_objects(*a_, peer_coll, "anne");
  auto olga_sees = taxii_objects(*a_, peer_coll, "olga");
  EXPECT_TRUE(mentions(anne_sees, "198.51.100.99"));
  EXPECT_TRUE(mentions(olga_sees, "203.0.113.7"));
  EXPECT_FALSE(mentions(olga_sees, "198.51.100.99"));
  EXPECT_FALSE(mentions(olga_sees, red));
  EXPECT_TRUE(mentions(anne_sees, "192.0.2.66"));
  EXPECT_FALSE(mentions(olga_sees, "192.0.2.66"));
  for (const auto& o : olga_sees)
    EXPECT_EQ(o.object.dump().find("e828b379"), std::string::npos) << o.object.dump();
  for (const auto& o : olga_sees) EXPECT_NE(o.tlp, "TLP:RED") << o.object.dump();

  // Dates added do not move; each (id, version) once.
  auto again = taxii_objects(*a_, peer_coll, "anne");
  ASSERT_EQ(again.size(), anne_sees.size());
  std::set<std::string> keys;
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].date_added, anne_sees[i].date_added);
    EXPECT_TRUE(keys.insert(again[i].object.dump()).second);
    EXPECT_FALSE(again[i].date_added.empty());
  }

  // On her list, olga reads it.
  a_->store->transact([&](store::Transaction& tx) { put_need_to_know_list(tx, red, {"olga"}); });
  EXPECT_TRUE(mentions(taxii_objects(*a_, peer_coll, "olga"), "198.51.100.99"));

  set_taxii_published(*a_->store, "peer", "bravo", false, now_ms(), &ctx);
  EXPECT_EQ(code_of([&] { taxii_objects(*a_, peer_coll, "anne"); }), "taxii_collection_unknown");
}

TEST_P(TaxiiPublish, BadNamesAreRefusedAndNothingChanges) {
  const auto before = taxii_publication(*a_->store);
  EXPECT_EQ(code_of([&] { set_taxii_published(*a_->store, "peer", "nobody", true, now_ms()); }),
            "peer_unknown");
  EXPECT_EQ(code_of([&] {
              set_taxii_published(*a_->store, "case", "01a252c4-b02c-72ac-ba3d-f1d6e47ee0f8", true,
                                  now_ms());
            }),
            "item_unknown");
  EXPECT_EQ(code_of([&] { set_taxii_published(*a_->store, "alert", "x", true, now_ms()); }),
            "taxii_publication_invalid");
  const auto after = taxii_publication(*a_->store);
  EXPECT_EQ(after.peers, before.peers);
  EXPECT_EQ(after.cases, before.cases);
  EXPECT_EQ(code_of([&] { taxii_objects(*a_, "no-such-collection", "anne"); }),
            "taxii_collection_unknown");
}

std::string store_name(const ::testing::TestParamInfo<bool>& p) {
  return p.param ? "postgres" : "sqlite";
}

INSTANTIATE_TEST_SUITE_P(Stores, TaxiiPublish, ::testing::Bool(), store_name);

}  // namespace taxii_service_test
}  // namespace hotline::service
