#include <gtest/gtest.h>

#include <stdexcept>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace transaction_test {

using TransactionTest = StoreTest;

TEST_P(TransactionTest, NoCommitRollsBack) {
  {
    auto tx = store_->write();
    tx->put_setting("a", "1");
    auto e = make_envelope("a-b", Direction::outbound, 1);
    tx->insert_envelope(e);
    tx->enqueue_outbox(OutboxItem{e.link, e.seq, e.id, 0, std::nullopt});
    EXPECT_EQ(tx->count_envelopes(), 1);
  }
  auto tx = store_->read();
  EXPECT_EQ(tx->get_setting("a"), std::nullopt);
  EXPECT_EQ(tx->count_envelopes(), 0);
  EXPECT_EQ(tx->outbox_length("a-b"), 0);
}

TEST_P(TransactionTest, TransactRollsBackAndRethrowsWhenFnThrows) {
  EXPECT_THROW(store_->transact([](Transaction& tx) {
    tx.put_setting("a", "1");
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 1));
    throw std::logic_error("boom");
  }),
               std::logic_error);
  auto tx = store_->read();
  EXPECT_EQ(tx->get_setting("a"), std::nullopt);
  EXPECT_EQ(tx->count_envelopes(), 0);
  // The writer is free again.
  store_->transact([](Transaction& t) { t.put_setting("a", "2"); });
  EXPECT_EQ(store_->read()->get_setting("a"), "2");
}

TEST_P(TransactionTest, TransactReturnsResult) {
  int n = store_->transact([](Transaction& tx) {
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 1));
    return static_cast<int>(tx.count_envelopes());
  });
  EXPECT_EQ(n, 1);
  EXPECT_EQ(store_->snapshot([](Transaction& tx) { return tx.count_envelopes(); }), 1);
}

TEST_P(TransactionTest, ReadTransactionRefusesWrites) {
  auto tx = store_->read();
  EXPECT_EQ(error_code([&] { tx->put_setting("a", "1"); }), "store_read_only");
  EXPECT_EQ(error_code([&] { tx->insert_envelope(make_envelope("a-b", Direction::outbound, 1)); }),
            "store_read_only");
  EXPECT_EQ(error_code([&] { tx->remove_outbox("a-b", 1); }), "store_read_only");
  tx->commit();
  EXPECT_EQ(store_->read()->count_envelopes(), 0);
}

TEST_P(TransactionTest, UseAfterCommitRefused) {
  auto tx = store_->write();
  tx->put_setting("a", "1");
  tx->commit();
  EXPECT_EQ(error_code([&] { tx->put_setting("a", "2"); }), "store_transaction_closed");
  EXPECT_EQ(error_code([&] { tx->commit(); }), "store_transaction_closed");
  EXPECT_EQ(store_->read()->get_setting("a"), "1");
}

TEST_P(TransactionTest, ReadIsASnapshot) {
  store_->transact([](Transaction& tx) { tx.put_setting("a", "old"); });
  auto reader = store_->read();
  store_->transact([](Transaction& tx) {
    tx.put_setting("a", "new");
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 1));
  });
  // Started before the commit: sees the old state throughout.
  EXPECT_EQ(reader->get_setting("a"), "old");
  EXPECT_EQ(reader->count_envelopes(), 0);
  reader->commit();
  EXPECT_EQ(store_->read()->get_setting("a"), "new");
}

TEST_P(TransactionTest, NestedWriteOnOneThreadRefused) {
  auto tx = store_->write();
  EXPECT_EQ(error_code([&] { store_->write(); }), "store_nested_write");
  tx->put_setting("a", "1");
  tx->commit();
  // Reads while writing are fine.
  auto outer = store_->write();
  EXPECT_EQ(store_->read()->get_setting("a"), "1");
}

HOTLINE_BOTH_STORES(TransactionTest);

}  // namespace transaction_test
}  // namespace hotline::store::testing
