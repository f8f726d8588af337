// The desk's tables: items (upsert, listing order and filters), escalations
// (once per item and trigger, delivery updates) and attachments on links.
#include <map>
#include <string_view>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace item_tables_test {

using ItemTablesTest = StoreTest;

ItemRecord item(const std::string& id, const std::string& kind, const std::string& link,
                const std::string& updated) {
  ItemRecord i;
  i.id = id;
  i.kind = kind;
  i.link = link;
  i.state = "raised";
  i.tlp = "TLP:AMBER";
  i.title = "Title of " + id;
  i.document = R"({"doc":")" + id + R"("})";
  i.actions = R"({"local":[],"shared":[]})";
  i.created_at = "2026-11-27T09:00:00.000Z";
  i.updated_at = updated;
  return i;
}

TEST_P(ItemTablesTest, ItemsAreUpsertedAndListedNewestFirst) {
  store_->transact([](Transaction& tx) {
    tx.put_item(item("a1", "alert", "l1", "2026-11-27T09:00:01.000Z"));
    tx.put_item(item("r1", "request", "l1", "2026-11-27T09:00:02.000Z"));
    tx.put_item(item("c1", "case", "l2", "2026-11-27T09:00:03.000Z"));
  });
  auto all = store_->snapshot([](Transaction& tx) { return tx.list_items("", "", 10); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "c1");
  EXPECT_EQ(all[2].id, "a1");
  EXPECT_EQ(store_->read()->list_items("request", "", 10).size(), 1u);
  EXPECT_EQ(store_->read()->list_items("", "l1", 10).size(), 2u);
  EXPECT_EQ(store_->read()->list_items("", "", 1).size(), 1u);

  // An update changes state and document, not created_at.
  auto changed = item("a1", "alert", "l1", "2026-11-27T09:00:09.000Z");
  changed.state = "acknowledged";
  changed.created_at = "2030-01-01T00:00:00.000Z";
  store_->transact([&](Transaction& tx) { tx.put_item(changed); });
  auto got = store_->read()->find_item("a1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, "acknowledged");
  EXPECT_EQ(got->created_at, "2026-11-27T09:00:00.000Z");
  EXPECT_EQ(store_->read()->list_items("", "", 10)[0].id, "a1");
  EXPECT_FALSE(store_->read()->find_item("nope"));
  // A kind outside the three is refused by the schema, and changes nothing.
  EXPECT_THROW(store_->transact([](Transaction& tx) {
    tx.put_item(item("x1", "memo", "l1", "2026-11-27T09:00:00.000Z"));
  }),
               Error);
  EXPECT_FALSE(store_->read()->find_item("x1"));
}

TEST_P(ItemTablesTest, ItemSummariesAreTheListingWithoutDocumentAndActions) {
  store_->transact([](Transaction& tx) {
    tx.put_item(item("a1", "alert", "l1", "2026-11-27T09:00:01.000Z"));
    tx.put_item(item("r1", "request", "l1", "2026-11-27T09:00:02.000Z"));
    tx.put_item(item("r2", "request", "l2", "2026-11-27T09:00:03.000Z"));
  });
  for (const auto& [kind, link] : {std::pair{"", ""}, {"request", ""}, {"", "l1"}}) {
    auto full = store_->read()->list_items(kind, link, 10);
    auto light = store_->read()->list_item_summaries(kind, link, 10);
    ASSERT_EQ(light.size(), full.size());
    for (std::size_t i = 0; i < full.size(); ++i) {
      EXPECT_TRUE(light[i].document.empty());
      EXPECT_TRUE(light[i].actions.empty());
      full[i].document.clear();
      full[i].actions.clear();
      EXPECT_EQ(light[i], full[i]);
    }
  }
  EXPECT_EQ(store_->read()->list_item_summaries("", "", 1).size(), 1u);
}

EscalationRecord escalation(const std::string& item_id, const std::string& trigger) {
  EscalationRecord e;
  e.item_id = item_id;
  e.item_kind = "request";
  e.link = "l1";
  e.trigger = trigger;
  e.at = "2026-11-27T10:00:00.000Z";
  e.payload = R"({"event":"escalation"})";
  return e;
}

TEST_P(ItemTablesTest, EscalationsAreRecordedOncePerTrigger) {
  std::int64_t first = 0;
  store_->transact([&](Transaction& tx) {
    first = tx.insert_escalation(escalation("r1", "request.respond.50"));
    EXPECT_GT(tx.insert_escalation(escalation("r1", "request.respond.80")), first);
    EXPECT_EQ(error_code([&] { tx.insert_escalation(escalation("r1", "request.respond.50")); }),
              "store_duplicate");
    auto withheld = escalation("r2", "request.respond.50");
    withheld.webhook_state = "withheld";
    tx.insert_escalation(withheld);
  });
  auto pending = store_->read()->pending_escalations(10);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, first);

  auto e = pending[0];
  e.webhook_state = "delivered";
  e.attempts = 3;
  e.last_error = "";
  e.delivered_at = "2026-11-27T10:00:05.000Z";
  store_->transact([&](Transaction& tx) { tx.update_escalation_delivery(e); });
  EXPECT_EQ(store_->read()->pending_escalations(10).size(), 1u);
  auto all = store_->read()->list_escalations(0, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], e);
  EXPECT_EQ(store_->read()->list_escalations(first, 10).size(), 2u);

  // Pages, newest first, and the count.
  EXPECT_EQ(store_->read()->count_escalations(), 3);
  auto page = store_->read()->recent_escalations(0, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, all[2].id);
  EXPECT_EQ(page[1].id, all[1].id);
  auto rest = store_->read()->recent_escalations(2, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0], e);
  EXPECT_TRUE(store_->read()->recent_escalations(3, 2).empty());
}

TEST_P(ItemTablesTest, EscalationMailsQueueOncePerRecipientAndRecordTheOutcome) {
  const auto id = store_->transact([&](Transaction& tx) {
    return tx.insert_escalation(escalation("m1", "alert.acknowledge.100"));
  });
  store::EscalationMailRecord m;
  m.escalation_id = id;
  m.recipient = "duty@desk.example";
  m.lang = "zh-CN";
  m.message_id = "<hotline.esc-1.ab@desk.example>";
  m.created_at = "2026-12-07T10:00:00.000Z";
  store_->transact([&](Transaction& tx) {
    EXPECT_TRUE(tx.insert_escalation_mail(m));
    EXPECT_FALSE(tx.insert_escalation_mail(m));  // once per (escalation, recipient)
    auto other = m;
    other.recipient = "chief@desk.example";
    EXPECT_TRUE(tx.insert_escalation_mail(other));
  });
  auto pending = store_->read()->pending_escalation_mails(10);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[1], m);
  // A failed attempt: tried again later; the time is kept.
  m.attempts = 1;
  m.last_error = "connect: connection refused";
  m.next_at = "2026-12-07T10:00:02.000Z";
  store_->transact([&](Transaction& tx) { tx.update_escalation_mail(m); });
  EXPECT_EQ(store_->read()->pending_escalation_mails(10)[1], m);
  m.next_at.reset();
  m.state = "failed";
  m.attempts = 2;
  m.last_error = "550 no such mailbox";
  m.done_at = "2026-12-07T10:00:05.000Z";
  store_->transact([&](Transaction& tx) { tx.update_escalation_mail(m); });
  EXPECT_EQ(store_->read()->pending_escalation_mails(10).size(), 1u);
  auto all = store_->read()->list_escalation_mails(id);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], m);
  EXPECT_TRUE(store_->read()->list_escalation_mails(id + 1).empty());
}

TEST_P(ItemTablesTest, AttachmentLinksAreKeyedByDigestLinkAndDirection) {
  const std::string sha(64, 'a');
  store_->transact([&](Transaction& tx) {
    tx.put_attachment_link({sha, "l1", Direction::outbound, 10, "offered", "t1", ""});
    tx.put_attachment_link({sha, "l1", Direction::inbound, 10, "wanted", "t2", ""});
  });
  EXPECT_EQ(store_->read()->list_attachment_links("wanted", 10).size(), 1u);
  store_->transact([&](Transaction& tx) {
    tx.put_attachment_link({sha, "l1", Direction::inbound, 10, "complete", "t3", ""});
  });
  EXPECT_TRUE(store_->read()->list_attachment_links("wanted", 10).empty());
  auto in = store_->read()->find_attachment_link(sha, "l1", Direction::inbound);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->state, "complete");
  EXPECT_EQ(store_->read()->list_attachment_links("", 10).size(), 2u);
  EXPECT_FALSE(store_->read()->find_attachment_link(sha, "l2", Direction::inbound));
  EXPECT_THROW(store_->transact([&](Transaction& tx) {
    tx.put_attachment_link({sha, "l1", Direction::inbound, 10, "lost", "t4", ""});
  }),
               Error);
}

// A call the schema refuses changes nothing and leaves the transaction
// usable (store.h): the rest of it is saved.
TEST_P(ItemTablesTest, ARefusedCallLeavesTheTransactionUsable) {
  const std::string sha(64, 'c');
  store_->transact([&](Transaction& tx) {
    EXPECT_EQ(
        error_code([&] { tx.put_item(item("x1", "memo", "l1", "2026-11-27T09:00:00.000Z")); }),
        "store_invalid");
    EXPECT_EQ(error_code([&] {
                tx.put_attachment_link({sha, "l1", Direction::inbound, 10, "lost", "t1", ""});
              }),
              "store_invalid");
    EXPECT_EQ(error_code([&] {
                tx.put_attachment_link({sha, "l1", Direction::inbound, -1, "wanted", "t1", ""});
              }),
              "store_invalid");
    auto e = escalation("r1", "request.respond.50");
    e.webhook_state = "sent";
    EXPECT_EQ(error_code([&] { tx.insert_escalation(e); }), "store_invalid");
    tx.put_item(item("a1", "alert", "l1", "2026-11-27T09:00:00.000Z"));
    tx.insert_escalation(escalation("r1", "request.respond.50"));
  });
  EXPECT_FALSE(store_->read()->find_item("x1"));
  EXPECT_TRUE(store_->read()->find_item("a1"));
  EXPECT_FALSE(store_->read()->find_attachment_link(sha, "l1", Direction::inbound));
  EXPECT_EQ(store_->read()->list_escalations(0, 10).size(), 1u);
}

// Listing order: newest update first, a tie broken by id descending in
// byte order; attachments oldest first, a tie by digest, link, direction.
TEST_P(ItemTablesTest, TiesInTimeAreBrokenAsOnSqlite) {
  const std::string t = "2026-11-27T09:00:01.000Z";
  store_->transact([&](Transaction& tx) {
    for (const char* id : {"a1", "B1", "b1"}) tx.put_item(item(id, "alert", "l1", t));
    for (const char* link : {"lb", "la"}) {
      tx.put_attachment_link({std::string(64, 'b'), link, Direction::inbound, 1, "wanted", t, ""});
      tx.put_attachment_link(
          {std::string(64, 'a'), link, Direction::outbound, 1, "offered", t, ""});
      tx.put_attachment_link({std::string(64, 'a'), link, Direction::inbound, 1, "wanted", t, ""});
    }
  });
  std::vector<std::string> ids;
  for (const auto& i : store_->read()->list_items("", "", 10)) ids.push_back(i.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"b1", "a1", "B1"}));
  std::vector<std::string> keys;
  for (const auto& a : store_->read()->list_attachment_links("", 10)) {
    keys.push_back(a.sha256.substr(0, 1) + " " + a.link + " " +
                   std::string(to_string(a.direction)));
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"a la inbound", "a la outbound", "a lb inbound",
                                            "a lb outbound", "b la inbound", "b lb inbound"}));
}

// The review's facts rows: upserted on (link, item), streamed per link,
// bytes kept exactly (NUL bytes included); a read snapshot cannot write.
TEST_P(ItemTablesTest, ReviewFactsRowsAreUpsertedAndStreamedPerLink) {
  const std::string bytes("\x01i\x00\xff\x00", 5);
  store_->transact([&](Transaction& tx) {
    tx.put_review_facts("r1", "l1", "request", bytes);
    tx.put_review_facts("a1", "l1", "alert", "old");
    tx.put_review_facts("a1", "l1", "alert", "new");
    tx.put_review_facts("c1", "l2", "case", "c");
  });
  std::map<std::string, std::pair<std::string, std::string>> l1;
  store_->snapshot([&](Transaction& tx) {
    tx.scan_review_facts("l1",
                         [&](std::string_view id, std::string_view kind, std::string_view facts) {
                           l1[std::string(id)] = {std::string(kind), std::string(facts)};
                         });
  });
  ASSERT_EQ(l1.size(), 2u);
  EXPECT_EQ(l1["r1"].first, "request");
  EXPECT_EQ(l1["r1"].second, bytes);
  EXPECT_EQ(l1["a1"].second, "new");
  auto tx = store_->read();
  EXPECT_THROW(tx->put_review_facts("x", "l1", "alert", "x"), Error);
}

HOTLINE_BOTH_STORES(ItemTablesTest);

}  // namespace item_tables_test
}  // namespace hotline::store::testing
