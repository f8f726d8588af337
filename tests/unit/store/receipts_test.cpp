#include <gtest/gtest.h>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace receipts_test {

using ReceiptsTest = StoreTest;

TEST_P(ReceiptsTest, InsertAndFindByDirection) {
  auto out = make_envelope("a-b", Direction::outbound, 1);
  auto in = make_envelope("a-b", Direction::inbound, 1);
  const ReceiptRecord collected = make_receipt(out, 7);
  ReceiptRecord issued = make_receipt(in, 8);
  issued.canonical = "{\"issued\":true}";
  store_->transact([&](Transaction& tx) {
    tx.insert_envelope(out);
    tx.insert_envelope(in);
    tx.insert_receipt(collected);
    tx.insert_receipt(issued);
  });
  auto tx = store_->read();
  EXPECT_EQ(tx->find_receipt("a-b", Direction::outbound, 1), collected);
  EXPECT_EQ(tx->find_receipt("a-b", Direction::inbound, 1), issued);
  EXPECT_EQ(tx->find_receipt("a-b", Direction::inbound, 2), std::nullopt);
  EXPECT_EQ(tx->find_receipt("a-c", Direction::outbound, 1), std::nullopt);
}

TEST_P(ReceiptsTest, DuplicateRefusedOriginalKept) {
  auto e = make_envelope("a-b", Direction::inbound, 1);
  const ReceiptRecord original = make_receipt(e, 1);
  store_->transact([&](Transaction& tx) {
    tx.insert_envelope(e);
    tx.insert_receipt(original);
  });
  ReceiptRecord second = make_receipt(e, 2);
  second.received_at = "2030-01-01T00:00:00.000Z";
  EXPECT_EQ(
      error_code([&] { store_->transact([&](Transaction& tx) { tx.insert_receipt(second); }); }),
      "store_duplicate");
  EXPECT_EQ(store_->read()->find_receipt("a-b", Direction::inbound, 1), original);
}

TEST_P(ReceiptsTest, NeedsStoredEnvelope) {
  auto e = make_envelope("a-b", Direction::outbound, 1);
  EXPECT_EQ(error_code([&] {
              store_->transact([&](Transaction& tx) { tx.insert_receipt(make_receipt(e, 1)); });
            }),
            "store_missing_reference");
  EXPECT_EQ(store_->read()->find_receipt("a-b", Direction::outbound, 1), std::nullopt);
}

HOTLINE_BOTH_STORES(ReceiptsTest);

}  // namespace receipts_test
}  // namespace hotline::store::testing
