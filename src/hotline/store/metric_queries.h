// The SQL of Transaction::metric_counts (records.h, MetricCounts), the same
// text for SQLite and PostgreSQL. Each query returns (a, b, count) rows; a
// query with one group column returns '' as b. They read whole tables or
// indexes (items: items_by_creation_covering on SQLite; escalations:
// escalations_pending; escalation_mails: escalation_mails_pending) with no
// sort of the rows themselves: a scrape of a node with 100 000 items costs
// a few milliseconds (docs/operations.md, "Metrics").
#pragma once

#include "hotline/store/records.h"

namespace hotline::store {

inline constexpr const char* kMetricItemsSql =
    "SELECT kind, state, count(*) FROM items GROUP BY kind, state ORDER BY kind, state";
inline constexpr const char* kMetricUnacknowledgedSql =
    "SELECT f.priority, f.origin, count(*) FROM items i JOIN item_facets f ON f.id = i.id "
    "WHERE i.kind = 'alert' AND i.state IN ('raised', 'delivered') "
    "GROUP BY f.priority, f.origin ORDER BY f.priority, f.origin";
inline constexpr const char* kMetricWebhooksSql =
    "SELECT webhook_state, '', count(*) FROM escalations GROUP BY webhook_state "
    "ORDER BY webhook_state";
inline constexpr const char* kMetricMailsSql =
    "SELECT state, '', count(*) FROM escalation_mails GROUP BY state ORDER BY state";
inline constexpr const char* kMetricDeadlinesMissedSql =
    "SELECT item_kind, '', count(*) FROM escalations WHERE trigger_name LIKE '%.100' "
    "GROUP BY item_kind ORDER BY item_kind";

// MetricCounts from `rows(sql)`, which runs one query above and returns its
// rows: the two stores differ only in how they read rows.
template <class Rows>
MetricCounts collect_metric_counts(Rows rows) {
  MetricCounts m;
  m.items = rows(kMetricItemsSql);
  m.unacknowledged_alerts = rows(kMetricUnacknowledgedSql);
  m.escalation_webhooks = rows(kMetricWebhooksSql);
  m.escalation_mails = rows(kMetricMailsSql);
  m.deadlines_missed = rows(kMetricDeadlinesMissedSql);
  return m;
}

}  // namespace hotline::store
