#include "hotline/store/sqlite/metric_tables.h"

#include <vector>

#include "hotline/store/metric_queries.h"

namespace hotline::store::sqlite {
namespace {

std::vector<MetricCounts::Row> rows(Connection& c, const char* sql) {
  Query q(c, sql, "counting records for the metrics");
  std::vector<MetricCounts::Row> out;
  while (q.step()) out.push_back({q.text(0), q.text(1), q.integer(2)});
  return out;
}

}  // namespace

MetricCounts metric_counts(Connection& c) {
  MetricCounts m;
  m.items = rows(c, kMetricItemsSql);
  m.unacknowledged_alerts = rows(c, kMetricUnacknowledgedSql);
  m.escalation_webhooks = rows(c, kMetricWebhooksSql);
  m.escalation_mails = rows(c, kMetricMailsSql);
  m.deadlines_missed = rows(c, kMetricDeadlinesMissedSql);
  return m;
}

}  // namespace hotline::store::sqlite
