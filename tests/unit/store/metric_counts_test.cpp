// Transaction::metric_counts (GET /metrics' node-wide counts) on both
// stores: items by kind and state, unacknowledged alerts by priority and
// origin, escalations by webhook and mail result, deadlines missed.
#include "store_test_util.h"

namespace hotline::store::testing {
namespace metric_counts_test {

using MetricCountsTest = StoreTest;
using Row = MetricCounts::Row;

ItemRecord item(const std::string& id, const std::string& kind, const std::string& state,
                const std::string& document) {
  ItemRecord i;
  i.id = id;
  i.kind = kind;
  i.link = "l1";
  i.state = state;
  i.tlp = "TLP:RED";
  i.title = "never in a metric";
  i.document = document;
  i.actions = R"({"local":[],"shared":[]})";
  i.created_at = "2026-11-27T09:00:00.000Z";
  i.updated_at = "2026-11-27T09:00:00.000Z";
  return i;
}

std::int64_t escalate(Transaction& tx, const std::string& item_id, const std::string& kind,
                      const std::string& trigger, const std::string& webhook_state) {
  EscalationRecord e;
  e.item_id = item_id;
  e.item_kind = kind;
  e.link = "l1";
  e.trigger = trigger;
  e.at = "2026-11-27T10:00:00Z";
  e.payload = "{}";
  e.webhook_state = webhook_state;
  return tx.insert_escalation(e);
}

void mail(Transaction& tx, std::int64_t escalation, const std::string& state) {
  EscalationMailRecord m;
  m.escalation_id = escalation;
  m.recipient = "duty@desk.example";
  m.lang = "en";
  m.message_id = "<esc-" + std::to_string(escalation) + "@desk.example>";
  m.state = state;
  m.created_at = "2026-11-27T10:00:01Z";
  tx.insert_escalation_mail(m);
}

TEST_P(MetricCountsTest, EmptyStoreCountsNothing) {
  EXPECT_EQ(store_->read()->metric_counts(), MetricCounts{});
}

TEST_P(MetricCountsTest, GroupsByTheirColumns) {
  store_->transact([](Transaction& tx) {
    tx.put_item(item("a1", "alert", "raised", R"({"origin":"ours","priority":"urgent"})"));
    tx.put_item(item("a2", "alert", "delivered", R"({"origin":"theirs","priority":"urgent"})"));
    tx.put_item(item("a3", "alert", "delivered", R"({"origin":"theirs","priority":"urgent"})"));
    tx.put_item(item("a4", "alert", "acknowledged", R"({"origin":"theirs","priority":"urgent"})"));
    tx.put_item(item("a5", "alert", "raised", R"({"origin":"ours","priority":"normal"})"));
    tx.put_item(item("r1", "request", "received", R"({"origin":"theirs","priority":"normal"})"));
    const auto e1 = escalate(tx, "a2", "alert", "alert.acknowledge.100", "delivered");
    escalate(tx, "a2", "alert", "alert.acknowledge.200", "pending");
    escalate(tx, "r1", "request", "request.respond.80", "withheld");
    const auto e4 = escalate(tx, "r1", "request", "request.respond.100", "pending");
    mail(tx, e1, "delivered");
    mail(tx, e4, "failed");
  });
  const MetricCounts c = store_->read()->metric_counts();
  EXPECT_EQ(c.items, (std::vector<Row>{{"alert", "acknowledged", 1},
                                       {"alert", "delivered", 2},
                                       {"alert", "raised", 2},
                                       {"request", "received", 1}}));
  EXPECT_EQ(
      c.unacknowledged_alerts,
      (std::vector<Row>{{"normal", "ours", 1}, {"urgent", "ours", 1}, {"urgent", "theirs", 2}}));
  EXPECT_EQ(c.escalation_webhooks,
            (std::vector<Row>{{"delivered", "", 1}, {"pending", "", 2}, {"withheld", "", 1}}));
  EXPECT_EQ(c.escalation_mails, (std::vector<Row>{{"delivered", "", 1}, {"failed", "", 1}}));
  // ".100" only: not ".200" (long after), not ".80".
  EXPECT_EQ(c.deadlines_missed, (std::vector<Row>{{"alert", "", 1}, {"request", "", 1}}));
}

HOTLINE_BOTH_STORES(MetricCountsTest);

}  // namespace metric_counts_test
}  // namespace hotline::store::testing
