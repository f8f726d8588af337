// The link's tables: peers, link state, events, desk messages, agreements,
// and the log index that insert_envelope hands out.
#include "store_test_util.h"

namespace hotline::store::testing {
namespace link_tables_test {

using LinkTablesTest = StoreTest;

PeerRecord peer(const std::string& name, const std::string& key, const std::string& link) {
  return PeerRecord{name, key, "https://127.0.0.1:8444", link, "2026-11-27T09:00:00.000Z"};
}

TEST_P(LinkTablesTest, InsertEnvelopeReturnsConsecutiveLogIndexes) {
  store_->transact([](Transaction& tx) {
    EXPECT_EQ(tx.insert_envelope(make_envelope("l1", Direction::outbound, 1)), 0);
    EXPECT_EQ(tx.insert_envelope(make_envelope("l1", Direction::inbound, 1)), 1);
  });
  // A rolled-back insert does not use up an index.
  {
    auto tx = store_->write();
    tx->insert_envelope(make_envelope("l1", Direction::outbound, 2));
  }
  store_->transact([](Transaction& tx) {
    EXPECT_EQ(tx.insert_envelope(make_envelope("l1", Direction::outbound, 2)), 2);
  });
}

TEST_P(LinkTablesTest, PeersAreUniqueByNameAndKey) {
  store_->transact([](Transaction& tx) { tx.insert_peer(peer("bravo", "KEYB", "linkb")); });
  EXPECT_EQ(
      error_code([&] {
        store_->transact([](Transaction& tx) { tx.insert_peer(peer("bravo", "KEYX", "linkx")); });
      }),
      "store_duplicate");
  EXPECT_EQ(
      error_code([&] {
        store_->transact([](Transaction& tx) { tx.insert_peer(peer("other", "KEYB", "linky")); });
      }),
      "store_duplicate");
  store_->transact([](Transaction& tx) { tx.insert_peer(peer("alpha", "KEYA", "linka")); });
  store_->snapshot([](Transaction& tx) {
    auto all = tx.list_peers();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "alpha");
    EXPECT_EQ(tx.find_peer("bravo")->public_key, "KEYB");
    EXPECT_EQ(tx.find_peer_by_key("KEYA")->name, "alpha");
    EXPECT_FALSE(tx.find_peer("nobody"));
  });
}

TEST_P(LinkTablesTest, LinkStateUpserts) {
  store_->transact([](Transaction& tx) {
    tx.insert_peer(peer("bravo", "KEYB", "linkb"));
    LinkStateRecord s;
    s.link = "linkb";
    s.state = "up";
    s.connected = true;
    s.last_heartbeat = "2026-11-27T09:00:01.000Z";
    tx.put_link_state(s);
    s.state = "down";
    s.connected = false;
    s.last_error = "timeout";
    tx.put_link_state(s);
  });
  auto s = store_->snapshot([](Transaction& tx) { return tx.find_link_state("linkb"); });
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "down");
  EXPECT_FALSE(s->connected);
  EXPECT_EQ(s->last_error, "timeout");
  EXPECT_EQ(s->last_heartbeat, "2026-11-27T09:00:01.000Z");
  // Only known states are stored.
  EXPECT_NE(error_code([&] {
              store_->transact([](Transaction& tx) {
                LinkStateRecord bad;
                bad.link = "linkb";
                bad.state = "sideways";
                tx.put_link_state(bad);
              });
            }),
            "none");
}

TEST_P(LinkTablesTest, EventsAreAppendedInOrder) {
  store_->transact([](Transaction& tx) {
    EXPECT_EQ(tx.append_event({0, "2026-11-27T09:00:00.000Z", "link_down", "l", "first"}), 1);
    EXPECT_EQ(tx.append_event({0, "2026-11-27T09:00:01.000Z", "link_up", "l", "second"}), 2);
  });
  auto after_first = store_->snapshot([](Transaction& tx) { return tx.list_events(1, 10); });
  ASSERT_EQ(after_first.size(), 1u);
  EXPECT_EQ(after_first[0].kind, "link_up");
  EXPECT_EQ(after_first[0].detail, "second");
}

TEST_P(LinkTablesTest, LastEventIdIsTheNewest) {
  EXPECT_EQ(store_->snapshot([](Transaction& tx) { return tx.last_event_id(); }), 0);
  store_->transact([](Transaction& tx) {
    for (int i = 0; i < 3; ++i)
      tx.append_event({0, "2026-11-27T09:00:00.000Z", "link_up", "l", ""});
  });
  EXPECT_EQ(store_->snapshot([](Transaction& tx) { return tx.last_event_id(); }), 3);
}

TEST_P(LinkTablesTest, DeskMessagesNeedTheirEnvelopeAndListNewestWindow) {
  EXPECT_EQ(error_code([&] {
              store_->transact([](Transaction& tx) {
                tx.insert_desk_message(
                    {"missing", "l", Direction::inbound, 1, "hi", "2026-11-27T09:00:00.000Z", {}});
              });
            }),
            "store_missing_reference");
  store_->transact([](Transaction& tx) {
    for (int i = 1; i <= 5; ++i) {
      auto e = make_envelope("l", Direction::outbound, i);
      tx.insert_envelope(e);
      tx.insert_desk_message({e.id,
                              "l",
                              Direction::outbound,
                              i,
                              "text " + std::to_string(i),
                              "2026-11-27T09:00:0" + std::to_string(i) + ".000Z",
                              {}});
    }
  });
  auto last3 = store_->snapshot([](Transaction& tx) { return tx.list_desk_messages("", 3); });
  ASSERT_EQ(last3.size(), 3u);
  EXPECT_EQ(last3[0].text, "text 3");  // oldest of the window first
  EXPECT_EQ(last3[2].text, "text 5");
  EXPECT_TRUE(
      store_->snapshot([](Transaction& tx) { return tx.list_desk_messages("other", 10); }).empty());
}

TEST_P(LinkTablesTest, AgreementsUpsertOnDigest) {
  AgreementRecord a;
  a.digest = std::string(64, 'a');
  a.link = "l";
  a.document = "{}";
  a.proposed_by = "KEYA";
  a.proposer_sig = "sig";
  a.proposed_at = "2026-11-27T09:00:00.000Z";
  store_->transact([&](Transaction& tx) { tx.put_agreement(a); });
  a.state = "accepted";
  a.acceptor_sig = "sig2";
  a.accepted_at = "2026-11-27T09:01:00.000Z";
  store_->transact([&](Transaction& tx) { tx.put_agreement(a); });
  auto list = store_->snapshot([](Transaction& tx) { return tx.list_agreements("l"); });
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], a);
}

TEST_P(LinkTablesTest, AcceptedAgreementDigestIsTheFirstAcceptedInListOrder) {
  auto digest = [&] {
    return store_->snapshot([](Transaction& tx) { return tx.accepted_agreement_digest("l"); });
  };
  EXPECT_EQ(digest(), std::nullopt);
  AgreementRecord a;
  a.digest = std::string(64, 'a');
  a.link = "l";
  a.amendment = 0;
  a.document = "{}";
  a.proposed_by = "KEYA";
  a.proposer_sig = "sig";
  a.proposed_at = "2026-11-27T09:00:00.000Z";
  store_->transact([&](Transaction& tx) { tx.put_agreement(a); });  // proposed only
  EXPECT_EQ(digest(), std::nullopt);
  a.state = "accepted";
  a.accepted_at = "2026-11-27T09:01:00.000Z";
  store_->transact([&](Transaction& tx) { tx.put_agreement(a); });
  EXPECT_EQ(digest(), a.digest);
  // An amendment proposed: the accepted one is still in force.
  AgreementRecord b = a;
  b.digest = std::string(64, 'b');
  b.amendment = 1;
  b.state = "proposed";
  b.accepted_at.reset();
  store_->transact([&](Transaction& tx) { tx.put_agreement(b); });
  EXPECT_EQ(digest(), a.digest);
  // Accepted, the old one superseded: the new one.
  a.state = "superseded";
  b.state = "accepted";
  b.accepted_at = "2026-11-27T10:00:00.000Z";
  store_->transact([&](Transaction& tx) {
    tx.put_agreement(a);
    tx.put_agreement(b);
  });
  EXPECT_EQ(digest(), b.digest);
  for (const auto& r : store_->snapshot([](Transaction& tx) { return tx.list_agreements("l"); })) {
    if (r.state == "accepted") {
      EXPECT_EQ(r.digest, digest()) << "disagrees with list order";
    }
  }
  EXPECT_EQ(store_->snapshot([](Transaction& tx) { return tx.accepted_agreement_digest("m"); }),
            std::nullopt);
}

HOTLINE_BOTH_STORES(LinkTablesTest);

}  // namespace link_tables_test
}  // namespace hotline::store::testing
