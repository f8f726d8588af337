// store/copy.h: a SQLite store with records of every kind copied into an
// empty store of each backend: the same records (ids, seqs and the log's
// leaves kept), the same counts, ids assigned afterwards continuing after
// the copied ones; a target that is not empty refused. And the calls the
// copy added to the Transaction (list_settings, import_event,
// import_escalation, list_sessions) on both stores.
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hotline/crypto/secretbox.h"
#include "hotline/store/copy.h"
#include "store_test_util.h"

namespace hotline::store::testing {
namespace copy_test {

constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();
const std::string kLink = "L1";

ItemRecord item(const std::string& id, const std::string& kind) {
  return ItemRecord{id,
                    kind,
                    kLink,
                    "open",
                    "TLP:AMBER",
                    "title " + id,
                    R"({"origin":"ours","priority":"urgent"})",
                    "[]",
                    "2026-11-27T10:00:00.000Z",
                    "2026-11-27T10:0" + id.substr(id.size() - 1) + ":00.000Z"};
}

void put_link_records(Transaction& tx) {
  tx.put_setting("party", "Alpha");
  tx.put_setting("webhook.secret", "s3cret");
  tx.insert_peer(PeerRecord{"bravo", "KEY", "https://127.0.0.1:1", kLink, "2026-11-27T09:00:00Z"});
  LinkStateRecord state;
  state.link = kLink;
  state.state = "up";
  state.connected = true;
  tx.put_link_state(state);
  std::int64_t index = 0;
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    auto out = make_envelope(kLink, Direction::outbound, seq);
    index = tx.insert_envelope(out);
    if (seq < 3) tx.insert_receipt(make_receipt(out, index + 1));
    tx.insert_envelope(make_envelope(kLink, Direction::inbound, seq));
  }
  tx.enqueue_outbox(OutboxItem{kLink, 3, make_envelope(kLink, Direction::outbound, 3).id, 2,
                               "2026-11-27T11:00:00.000Z"});
  tx.insert_desk_message(DeskMessageRecord{make_envelope(kLink, Direction::inbound, 1).id, kLink,
                                           Direction::inbound, 1, "hello",
                                           "2026-11-27T09:44:49.123Z", "2026-11-27T09:44:50Z"});
  AgreementRecord a;
  a.digest = std::string(64, 'd');
  a.link = kLink;
  a.amendment = 1;
  a.document = "{}";
  a.proposed_by = "KEY";
  a.proposer_sig = "SIG";
  a.acceptor_sig = "SIG2";
  a.state = "accepted";
  a.proposed_at = "2026-11-27T09:00:00Z";
  a.accepted_at = "2026-11-27T09:01:00Z";
  a.in_force_from = "2026-11-27T09:00:30Z";
  tx.put_agreement(a);
  tx.insert_tree_head(TreeHeadRecord{"", 2, std::string(64, '1'), "2026-11-27T09:10:00Z", "KEY",
                                     "SIG", std::nullopt, "ok"});
  tx.insert_tree_head(TreeHeadRecord{kLink, 1, std::string(64, '2'), "2026-11-27T09:11:00Z", "PEER",
                                     "SIG", "2026-11-27T09:11:01Z", "unchecked"});
}

void put_desk_records(Transaction& tx) {
  tx.put_item(item("item-1", "alert"));
  tx.put_item(item("item-2", "request"));
  tx.put_item(item("item-3", "case"));
  tx.insert_translation(TranslationRecord{"tr-1", "item-1", "summary", "de", "Scan", "alice",
                                          "2026-11-27T10:05:00Z", std::string(64, 'e')});
  tx.put_review_facts("item-1", kLink, "alert", std::string("\x01\x00\xff", 3));
  for (const char* trigger : {"alert.acknowledge.100", "alert.acknowledge.80"}) {
    EscalationRecord e;
    e.item_id = "item-1";
    e.item_kind = "alert";
    e.link = kLink;
    e.trigger = trigger;
    e.at = "2026-11-27T10:10:00Z";
    e.payload = "{}";
    const auto id = tx.insert_escalation(e);
    EscalationMailRecord m;
    m.escalation_id = id;
    m.recipient = "duty@desk.example";
    m.lang = "zh-CN";
    m.message_id = "<hotline.esc-" + std::to_string(id) + ".ab@desk.example>";
    m.state = id == 1 ? "delivered" : "pending";
    m.attempts = 2;
    m.last_error = id == 1 ? "" : "connection refused";
    m.created_at = "2026-11-27T10:10:01Z";
    if (id == 1) m.done_at = "2026-11-27T10:10:05Z";
    tx.insert_escalation_mail(m);
  }
  tx.put_attachment_link(AttachmentLinkRecord{std::string(64, 'f'), kLink, Direction::inbound, 10,
                                              "complete", "2026-11-27T10:00:00Z", ""});
  tx.put_review(ReviewRecord{"rev-1", kLink, "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", "ours",
                             "made", "{}", "2026-11-27T10:00:00Z", "2026-11-27T10:00:00Z"});
}

void put_people_and_history(Transaction& tx) {
  UserRecord u;
  u.name = "alice";
  u.display_name = "Alice";
  u.roles = {"admin", "operator"};
  u.password_hash = "$argon2id$x";
  u.totp_secret = "JBSWY3DPEHPK3PXP";
  u.failed_logins = 2;
  u.created_at = u.updated_at = "2026-11-27T09:00:00Z";
  tx.insert_user(u);
  tx.insert_api_token(ApiTokenRecord{"tok-1", "alice", "siem", std::string(64, '3'),
                                     "2026-11-27T09:00:00Z", std::nullopt, std::nullopt,
                                     "2027-11-27T09:00:00Z", true});
  tx.insert_session(SessionRecord{std::string(64, '4'), "alice", std::string(64, '5'),
                                  "2026-11-27T09:00:00Z", "2026-11-28T09:00:00Z",
                                  "2026-11-27T09:30:00Z", "203.0.113.5"});
  std::string prev(64, '0');
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    const std::string hash(64, static_cast<char>('a' + seq));
    tx.append_audit(AuditRecord{seq, "2026-11-27T09:00:00Z", "alice", "cli", "item.read", "item-1",
                                "", prev, hash});
    prev = hash;
  }
  // Events 1 and 2 are old and pruned: the ids start at 3.
  tx.append_event(EventRecord{0, "2020-01-01T00:00:00Z", "link_up", kLink, "old"});
  tx.append_event(EventRecord{0, "2020-01-01T00:00:01Z", "link_up", kLink, "old"});
  for (int i = 0; i < 3; ++i) {
    tx.append_event(EventRecord{0, "2026-11-27T09:0" + std::to_string(i) + ":00Z", "link_down",
                                kLink, "event " + std::to_string(i)});
  }
  tx.prune_events("2021-01-01T00:00:00Z", 10);
}

// Every record, as read through the interface.
struct Everything {
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<PeerRecord> peers;
  std::optional<LinkStateRecord> state;
  std::vector<LedgerLeafRecord> leaves;
  std::vector<EnvelopeRecord> out, in;
  std::optional<ReceiptRecord> receipt;
  std::vector<OutboxItem> outbox;
  std::vector<DeskMessageRecord> desk;
  std::vector<AgreementRecord> agreements;
  std::vector<TreeHeadRecord> own_heads, peer_heads;
  std::vector<ItemRecord> items;
  std::vector<TranslationRecord> translations;
  std::vector<std::string> facts;
  std::vector<EscalationRecord> escalations;
  std::vector<EscalationMailRecord> mails;
  std::vector<AttachmentLinkRecord> attachments;
  std::vector<ReviewRecord> reviews;
  std::vector<UserRecord> users;
  std::vector<ApiTokenRecord> tokens;
  std::vector<SessionRecord> sessions;
  std::vector<AuditRecord> audit;
  std::vector<EventRecord> events;
  bool operator==(const Everything&) const = default;
};

Everything read_all(Store& st) {
  return st.snapshot([](Transaction& tx) {
    Everything e;
    e.settings = tx.list_settings();
    e.peers = tx.list_peers();
    e.state = tx.find_link_state(kLink);
    e.leaves = tx.list_ledger_leaves(0, kAll);
    e.out = tx.list_envelopes(kLink, Direction::outbound, 0, kAll);
    e.in = tx.list_envelopes(kLink, Direction::inbound, 0, kAll);
    e.receipt = tx.find_receipt(kLink, Direction::outbound, 2);
    e.outbox = tx.pending_outbox(kLink, kAll);
    e.desk = tx.list_desk_messages("", kAll);
    e.agreements = tx.list_agreements(kLink);
    e.own_heads = tx.list_tree_heads("");
    e.peer_heads = tx.list_tree_heads(kLink);
    e.items = tx.list_items("", "", kAll);
    e.translations = tx.list_translations("item-1");
    tx.scan_review_facts(
        kLink, [&](std::string_view id, std::string_view kind, std::string_view facts) {
          e.facts.push_back(std::string(id) + "/" + std::string(kind) + "/" + std::string(facts));
        });
    e.escalations = tx.list_escalations(0, kAll);
    for (const auto& x : e.escalations) {
      for (auto& m : tx.list_escalation_mails(x.id)) e.mails.push_back(m);
    }
    e.attachments = tx.list_attachment_links("", kAll);
    e.reviews = tx.list_reviews("", kAll);
    e.users = tx.list_users();
    e.tokens = tx.list_api_tokens("");
    e.sessions = tx.list_sessions();
    e.audit = tx.list_audit(0, kAll);
    e.events = tx.list_events(0, kAll);
    return e;
  });
}

class CopyStore : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    SqliteOptions options;
    options.secret_key = key_;
    source_ = open_sqlite(dir_.db(), options);
    source_->transact(put_link_records);
    source_->transact(put_desk_records);
    source_->transact(put_people_and_history);
  }
  void TearDown() override {
    source_.reset();
    StoreTest::TearDown();
  }

  TempDir dir_;
  crypto::SecretKey key_{1, 2, 3, 4, 5, 6, 7, 8};
  std::unique_ptr<Store> source_;
};

TEST_P(CopyStore, CopiesEveryRecordKeepingIdsAndTheLog) {
  std::vector<std::string> told;
  auto counts = copy_store(*source_, (*store_),
                           [&](std::string_view kind, std::int64_t) { told.emplace_back(kind); });
  EXPECT_FALSE(told.empty());
  EXPECT_EQ(counts["envelopes"], 6);
  EXPECT_EQ(counts["receipts"], 2);
  EXPECT_EQ(counts["events"], 3);
  EXPECT_EQ(counts["escalation_mails"], 2);

  const auto before = read_all(*source_);
  const auto after = read_all((*store_));
  ASSERT_EQ(before.events.size(), 3u);
  EXPECT_EQ(before.events.front().id, 3);
  EXPECT_EQ(after.events, before.events);
  EXPECT_EQ(after.escalations, before.escalations);
  EXPECT_EQ(after.mails, before.mails);
  EXPECT_EQ(after.mails.size(), 2u);
  EXPECT_EQ(after.leaves, before.leaves);
  EXPECT_EQ(after.items, before.items);
  EXPECT_EQ(after.users, before.users);
  EXPECT_EQ(after.sessions, before.sessions);
  EXPECT_EQ(after.audit, before.audit);
  EXPECT_TRUE(after == before) << "some other kind of record differs";
  EXPECT_EQ(count_records((*store_)), count_records(*source_));
  (*store_).snapshot([&](Transaction& tx) {
    for (int level = 0; level < 4; ++level) {
      for (std::int64_t i = 0; i < 8; ++i) {
        EXPECT_EQ(tx.ledger_node(level, i), source_->snapshot([&](Transaction& s) {
          return s.ledger_node(level, i);
        })) << "node "
            << level << "/" << i;
      }
    }
  });

  // What the target numbers next continues after the copied ids.
  (*store_).transact([](Transaction& tx) {
    EXPECT_EQ(tx.append_event(EventRecord{0, "2026-11-27T12:00:00Z", "link_up", kLink, "new"}), 6);
    EscalationRecord e;
    e.item_id = "item-2";
    e.item_kind = "request";
    e.link = kLink;
    e.trigger = "request.respond.80";
    e.at = "2026-11-27T12:00:00Z";
    e.payload = "{}";
    EXPECT_EQ(tx.insert_escalation(e), 3);
  });
}

TEST_P(CopyStore, RefusesATargetThatIsNotEmpty) {
  (*store_).transact([](Transaction& tx) { tx.put_setting("party", "Other"); });
  EXPECT_EQ(error_code([&] { copy_store(*source_, (*store_)); }), "store_not_empty");
  (*store_).snapshot([](Transaction& tx) {
    EXPECT_EQ(tx.list_settings().size(), 1u);
    EXPECT_EQ(tx.ledger_size(), 0);
  });
}

HOTLINE_BOTH_STORES(CopyStore);

class CopyCalls : public StoreTest {};

TEST_P(CopyCalls, ImportsKeepTheirIdsAboveTheStoredOnes) {
  (*store_).transact([](Transaction& tx) {
    tx.import_event(EventRecord{41, "2026-11-27T09:00:00Z", "link_up", "", "imported"});
    EXPECT_EQ(error_code([&] {
                tx.import_event(EventRecord{41, "2026-11-27T09:00:00Z", "link_up", "", "again"});
              }),
              "store_invalid");
    EXPECT_EQ(tx.append_event(EventRecord{0, "2026-11-27T09:00:01Z", "link_up", "", "next"}), 42);
    EscalationRecord e;
    e.id = 7;
    e.item_id = "x";
    e.item_kind = "alert";
    e.link = "L";
    e.trigger = "alert.acknowledge.100";
    e.at = "2026-11-27T09:00:00Z";
    e.payload = "{}";
    tx.import_escalation(e);
    e.trigger = "alert.acknowledge.80";
    EXPECT_EQ(error_code([&] { tx.import_escalation(e); }), "store_invalid");
    e.id = 0;
    EXPECT_EQ(tx.insert_escalation(e), 8);
  });
  auto events = (*store_).snapshot([](Transaction& tx) { return tx.list_events(0, 10); });
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, 41);
  EXPECT_EQ(events[0].detail, "imported");
}

TEST_P(CopyCalls, ListsSettingsAndSessions) {
  (*store_).transact([](Transaction& tx) {
    tx.put_setting("b", "2");
    tx.put_setting("a", "1");
    UserRecord u;
    u.name = "bob";
    u.display_name = "Bob";
    u.roles = {"operator"};
    u.password_hash = "h";
    u.created_at = u.updated_at = "2026-11-27T09:00:00Z";
    tx.insert_user(u);
    for (const char* id : {"bb", "aa"}) {
      tx.insert_session(SessionRecord{id, "bob", "c", "2026-11-27T09:00:00Z",
                                      "2026-11-28T09:00:00Z", "2026-11-27T09:00:00Z", "::1"});
    }
  });
  (*store_).snapshot([](Transaction& tx) {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(tx.list_settings(), (Pairs{{"a", "1"}, {"b", "2"}}));
    auto sessions = tx.list_sessions();
    ASSERT_EQ(sessions.size(), 2u);
    EXPECT_EQ(sessions[0].id_hash, "aa");
    EXPECT_EQ(sessions[1].remote, "::1");
  });
}

HOTLINE_BOTH_STORES(CopyCalls);

}  // namespace copy_test
}  // namespace hotline::store::testing
