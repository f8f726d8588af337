#include <gtest/gtest.h>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace outbox_test {

using OutboxTest = StoreTest;

OutboxItem item_for(const EnvelopeRecord& e) {
  return OutboxItem{e.link, e.seq, e.id, 0, std::nullopt};
}

std::vector<std::int64_t> pending_seqs(Store& store, const std::string& link, std::size_t limit) {
  std::vector<std::int64_t> out;
  for (const auto& item : store.read()->pending_outbox(link, limit)) out.push_back(item.seq);
  return out;
}

TEST_P(OutboxTest, DeliveredInSeqOrderPerLink) {
  store_->transact([](Transaction& tx) {
    for (int seq : {3, 1, 4, 2}) {
      auto e = make_envelope("a-b", Direction::outbound, seq);
      tx.insert_envelope(e);
      tx.enqueue_outbox(item_for(e));
    }
    auto other = make_envelope("a-c", Direction::outbound, 1);
    tx.insert_envelope(other);
    tx.enqueue_outbox(item_for(other));
  });
  EXPECT_EQ(pending_seqs(*store_, "a-b", 10), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(pending_seqs(*store_, "a-b", 2), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(pending_seqs(*store_, "a-c", 10), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(store_->read()->outbox_length("a-b"), 4);
  EXPECT_EQ(store_->read()->outbox_length("a-c"), 1);
  EXPECT_EQ(store_->read()->outbox_length("a-z"), 0);

  auto first = store_->read()->pending_outbox("a-b", 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], item_for(make_envelope("a-b", Direction::outbound, 1)));

  // Past what is already on the wire: the items after a given seq.
  std::vector<std::int64_t> after;
  for (const auto& item : store_->read()->pending_outbox("a-b", 10, 2)) after.push_back(item.seq);
  EXPECT_EQ(after, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(store_->read()->pending_outbox("a-b", 1, 3).at(0).seq, 4);
  EXPECT_TRUE(store_->read()->pending_outbox("a-b", 10, 4).empty());
}

TEST_P(OutboxTest, RemoveAndAttempts) {
  store_->transact([](Transaction& tx) {
    for (int seq = 1; seq <= 3; ++seq) {
      auto e = make_envelope("a-b", Direction::outbound, seq);
      tx.insert_envelope(e);
      tx.enqueue_outbox(item_for(e));
    }
  });
  store_->transact([](Transaction& tx) {
    EXPECT_TRUE(tx.note_outbox_attempt("a-b", 1, "2026-11-27T10:00:00.000Z"));
    EXPECT_TRUE(tx.note_outbox_attempt("a-b", 1, "2026-11-27T10:00:05.000Z"));
    EXPECT_FALSE(tx.note_outbox_attempt("a-b", 9, "2026-11-27T10:00:05.000Z"));
  });
  auto head = store_->read()->pending_outbox("a-b", 1);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(head[0].attempts, 2);
  EXPECT_EQ(head[0].next_attempt_at, "2026-11-27T10:00:05.000Z");

  store_->transact([](Transaction& tx) {
    EXPECT_TRUE(tx.remove_outbox("a-b", 1));
    EXPECT_FALSE(tx.remove_outbox("a-b", 1));
    EXPECT_TRUE(tx.remove_outbox("a-b", 3));
  });
  EXPECT_EQ(pending_seqs(*store_, "a-b", 10), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(store_->read()->outbox_length("a-b"), 1);
  // The envelopes themselves stay.
  EXPECT_EQ(store_->read()->count_envelopes(), 3);
}

TEST_P(OutboxTest, NeedsStoredEnvelopeAndRefusesDuplicates) {
  auto e = make_envelope("a-b", Direction::outbound, 1);
  auto tx = store_->write();
  // Foreign keys are on: an item for an envelope never stored is refused.
  EXPECT_EQ(error_code([&] { tx->enqueue_outbox(item_for(e)); }), "store_missing_reference");
  tx->insert_envelope(e);
  tx->enqueue_outbox(item_for(e));
  EXPECT_EQ(error_code([&] { tx->enqueue_outbox(item_for(e)); }), "store_duplicate");
  tx->commit();
  EXPECT_EQ(store_->read()->outbox_length("a-b"), 1);
}

HOTLINE_BOTH_STORES(OutboxTest);

}  // namespace outbox_test
}  // namespace hotline::store::testing
