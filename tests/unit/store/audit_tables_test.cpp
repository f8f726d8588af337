// The audit trail table: entries appended strictly in seq order (a repeated
// seq is a duplicate, a gap is refused), listed after a seq with a limit,
// and the newest one found; a read snapshot cannot append.
#include "store_test_util.h"

namespace hotline::store::testing {
namespace audit_tables_test {

using AuditTablesTest = StoreTest;

AuditRecord entry(std::int64_t seq) {
  AuditRecord r;
  r.seq = seq;
  r.at = "2026-11-27T09:00:0" + std::to_string(seq % 10) + ".000Z";
  r.actor = "anna";
  r.source = "cli";
  r.action = "item.read";
  r.target = "item-" + std::to_string(seq);
  r.detail = "alert show TLP:AMBER \"Nord\"\n";
  r.prev = std::string(64, '0');
  r.hash = std::string(63, 'a') + std::to_string(seq % 10);
  return r;
}

TEST_P(AuditTablesTest, AuditEntriesAreAppendedListedAndTheLastFound) {
  EXPECT_FALSE(store_->read()->last_audit());
  EXPECT_TRUE(store_->read()->list_audit(0, 10).empty());
  store_->transact([](Transaction& tx) {
    for (std::int64_t s = 1; s <= 5; ++s) tx.append_audit(entry(s));
  });
  auto last = store_->read()->last_audit();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, entry(5));

  auto all = store_->read()->list_audit(0, 100);
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], entry(std::int64_t(i) + 1));

  auto page = store_->read()->list_audit(2, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 3);
  EXPECT_EQ(page[1].seq, 4);
}

TEST_P(AuditTablesTest, AuditSeqMustFollowTheLastOne) {
  store_->transact([](Transaction& tx) { tx.append_audit(entry(1)); });
  auto tx = store_->write();
  EXPECT_EQ(error_code([&] { tx->append_audit(entry(1)); }), "store_duplicate");
  EXPECT_EQ(error_code([&] { tx->append_audit(entry(3)); }), "store_invalid");
  EXPECT_EQ(error_code([&] { tx->append_audit(entry(0)); }), "store_invalid");
  EXPECT_EQ(error_code([&] { tx->append_audit(entry(-1)); }), "store_invalid");
  tx->append_audit(entry(2));  // still usable after the refusals
  tx->commit();
  EXPECT_EQ(store_->read()->last_audit()->seq, 2);
}

TEST_P(AuditTablesTest, AuditFirstEntryMustBeOne) {
  auto tx = store_->write();
  EXPECT_EQ(error_code([&] { tx->append_audit(entry(2)); }), "store_invalid");
  tx->append_audit(entry(1));
  tx->commit();
}

TEST_P(AuditTablesTest, AuditCannotBeAppendedInAReadSnapshot) {
  auto tx = store_->read();
  EXPECT_EQ(error_code([&] { tx->append_audit(entry(1)); }), "store_read_only");
}

TEST_P(AuditTablesTest, AuditAppendRollsBackWithItsTransaction) {
  {
    auto tx = store_->write();
    tx->append_audit(entry(1));
  }  // not committed
  EXPECT_FALSE(store_->read()->last_audit());
}

HOTLINE_BOTH_STORES(AuditTablesTest);

}  // namespace audit_tables_test
}  // namespace hotline::store::testing
