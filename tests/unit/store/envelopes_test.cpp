#include <gtest/gtest.h>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace envelopes_test {

using EnvelopesTest = StoreTest;

TEST_P(EnvelopesTest, InsertAndFind) {
  const EnvelopeRecord out = make_envelope("a-b", Direction::outbound, 1);
  const EnvelopeRecord in = make_envelope("a-b", Direction::inbound, 1);
  ASSERT_FALSE(out.received_at.has_value());
  store_->transact([&](Transaction& tx) {
    tx.insert_envelope(out);
    tx.insert_envelope(in);
  });

  auto tx = store_->read();
  EXPECT_EQ(tx->find_envelope(out.id), out);
  EXPECT_EQ(tx->find_envelope(in.id), in);
  EXPECT_EQ(tx->find_envelope("nope"), std::nullopt);
  EXPECT_EQ(tx->find_envelope_by_seq("a-b", Direction::outbound, 1), out);
  EXPECT_EQ(tx->find_envelope_by_seq("a-b", Direction::inbound, 1), in);
  EXPECT_EQ(tx->find_envelope_by_seq("a-b", Direction::inbound, 2), std::nullopt);
  EXPECT_EQ(tx->find_envelope_by_seq("a-c", Direction::inbound, 1), std::nullopt);
  EXPECT_EQ(tx->count_envelopes(), 2);
}

TEST_P(EnvelopesTest, LastSeqPerLinkAndDirection) {
  EXPECT_EQ(store_->read()->last_seq("a-b", Direction::outbound), 0);
  store_->transact([&](Transaction& tx) {
    for (int seq = 1; seq <= 5; ++seq)
      tx.insert_envelope(make_envelope("a-b", Direction::outbound, seq));
    for (int seq = 1; seq <= 2; ++seq)
      tx.insert_envelope(make_envelope("a-b", Direction::inbound, seq));
    tx.insert_envelope(make_envelope("a-c", Direction::outbound, 1));
  });
  auto tx = store_->read();
  EXPECT_EQ(tx->last_seq("a-b", Direction::outbound), 5);
  EXPECT_EQ(tx->last_seq("a-b", Direction::inbound), 2);
  EXPECT_EQ(tx->last_seq("a-c", Direction::outbound), 1);
  EXPECT_EQ(tx->last_seq("a-c", Direction::inbound), 0);
  EXPECT_EQ(tx->count_envelopes(), 8);
}

TEST_P(EnvelopesTest, ChainHeadIsTheHighestSeqWithItsDigest) {
  EXPECT_EQ(store_->read()->chain_head("a-b", Direction::outbound), ChainHead{});
  store_->transact([&](Transaction& tx) {
    // Out of order, so that the last inserted is not the highest seq.
    for (int seq : {1, 3, 2}) tx.insert_envelope(make_envelope("a-b", Direction::outbound, seq));
    tx.insert_envelope(make_envelope("a-b", Direction::inbound, 1));
    tx.insert_envelope(make_envelope("a-c", Direction::outbound, 7));
  });
  auto tx = store_->read();
  const auto digest = [](const char* link, Direction d, int seq) {
    return make_envelope(link, d, seq).digest;
  };
  EXPECT_EQ(tx->chain_head("a-b", Direction::outbound),
            (ChainHead{3, digest("a-b", Direction::outbound, 3)}));
  EXPECT_EQ(tx->chain_head("a-b", Direction::inbound),
            (ChainHead{1, digest("a-b", Direction::inbound, 1)}));
  EXPECT_EQ(tx->chain_head("a-c", Direction::outbound),
            (ChainHead{7, digest("a-c", Direction::outbound, 7)}));
  EXPECT_EQ(tx->chain_head("a-c", Direction::inbound), ChainHead{});
}

// Inside a write transaction the head follows the transaction's own
// inserts (it is remembered there, not read again), and an insert that is
// refused leaves it as it was.
TEST_P(EnvelopesTest, ChainHeadFollowsTheTransactionsOwnInserts) {
  const auto head = [](int seq) {
    return ChainHead{seq, make_envelope("a-b", Direction::outbound, seq).digest};
  };
  store_->transact([&](Transaction& tx) {
    EXPECT_EQ(tx.chain_head("a-b", Direction::outbound), ChainHead{});
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 1));
    EXPECT_EQ(tx.chain_head("a-b", Direction::outbound), head(1));
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 3));
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 2));
    EXPECT_EQ(tx.chain_head("a-b", Direction::outbound), head(3));
    EXPECT_THROW(tx.insert_envelope(make_envelope("a-b", Direction::outbound, 3)), Error);
    EXPECT_EQ(tx.chain_head("a-b", Direction::outbound), head(3));
    tx.insert_envelope(make_envelope("a-b", Direction::inbound, 4));
    EXPECT_EQ(tx.chain_head("a-b", Direction::outbound), head(3));
    EXPECT_EQ(tx.chain_head("a-b", Direction::inbound).seq, 4);
  });
  EXPECT_EQ(store_->read()->chain_head("a-b", Direction::outbound), head(3));
  store_->transact([&](Transaction& tx) {
    tx.insert_envelope(make_envelope("a-b", Direction::outbound, 4));
    EXPECT_EQ(tx.chain_head("a-b", Direction::outbound), head(4));
  });
}

TEST_P(EnvelopesTest, ListIsAscendingAfterSeqAndLimited) {
  store_->transact([&](Transaction& tx) {
    // Inserted out of order; listing must sort by seq.
    for (int seq : {3, 1, 5, 2, 4})
      tx.insert_envelope(make_envelope("a-b", Direction::outbound, seq));
    tx.insert_envelope(make_envelope("a-b", Direction::inbound, 1));
  });
  auto tx = store_->read();
  auto seqs = [&](std::int64_t after, std::size_t limit) {
    std::vector<std::int64_t> out;
    for (const auto& e : tx->list_envelopes("a-b", Direction::outbound, after, limit)) {
      EXPECT_EQ(e, make_envelope("a-b", Direction::outbound, e.seq));
      out.push_back(e.seq);
    }
    return out;
  };
  EXPECT_EQ(seqs(0, 100), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(seqs(2, 2), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(seqs(5, 10), std::vector<std::int64_t>{});
  EXPECT_EQ(seqs(0, 0), std::vector<std::int64_t>{});
  EXPECT_EQ(tx->list_envelopes("a-b", Direction::outbound, 0, SIZE_MAX).size(), 5u);
}

TEST_P(EnvelopesTest, DuplicatesRefusedAndNothingChanged) {
  const EnvelopeRecord first = make_envelope("a-b", Direction::outbound, 1);
  store_->transact([&](Transaction& tx) { tx.insert_envelope(first); });

  EnvelopeRecord same_id = make_envelope("a-b", Direction::outbound, 2);
  same_id.id = first.id;
  EnvelopeRecord same_seq = make_envelope("a-b", Direction::outbound, 1);
  same_seq.id = "other-id";
  same_seq.canonical = "{}";

  auto tx = store_->write();
  EXPECT_EQ(error_code([&] { tx->insert_envelope(same_id); }), "store_duplicate");
  EXPECT_EQ(error_code([&] { tx->insert_envelope(same_seq); }), "store_duplicate");
  // The transaction is still usable after a refused insert.
  tx->insert_envelope(make_envelope("a-b", Direction::outbound, 2));
  tx->commit();

  auto rtx = store_->read();
  EXPECT_EQ(rtx->count_envelopes(), 2);
  EXPECT_EQ(rtx->find_envelope(first.id), first);
  EXPECT_EQ(rtx->find_envelope("other-id"), std::nullopt);
  EXPECT_EQ(rtx->find_envelope_by_seq("a-b", Direction::outbound, 2),
            make_envelope("a-b", Direction::outbound, 2));
}

TEST_P(EnvelopesTest, SeqMustBePositive) {
  auto tx = store_->write();
  EXPECT_EQ(error_code([&] { tx->insert_envelope(make_envelope("a-b", Direction::outbound, 0)); }),
            "store_invalid");
  EXPECT_EQ(tx->count_envelopes(), 0);
}

TEST_P(EnvelopesTest, DirectionText) {
  EXPECT_EQ(to_string(Direction::outbound), "outbound");
  EXPECT_EQ(to_string(Direction::inbound), "inbound");
  EXPECT_EQ(parse_direction("inbound"), Direction::inbound);
  EXPECT_EQ(parse_direction("outbound"), Direction::outbound);
  EXPECT_EQ(error_code([] { parse_direction("Inbound"); }), "direction_invalid");
}

HOTLINE_BOTH_STORES(EnvelopesTest);

}  // namespace envelopes_test
}  // namespace hotline::store::testing
