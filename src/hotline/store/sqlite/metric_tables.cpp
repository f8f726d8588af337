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
  return collect_metric_counts([&](const char* sql) { return rows(c, sql); });
}

}  // namespace hotline::store::sqlite
