#include "hotline/store/postgres/metric_tables.h"

#include <vector>

#include "hotline/store/metric_queries.h"

namespace hotline::store::postgres {
namespace {

std::vector<MetricCounts::Row> rows(Conn& c, const char* sql) {
  std::vector<MetricCounts::Row> out;
  for (const auto& r : c.exec("counting records for the metrics", sql)) {
    out.push_back({text(r, 0), text(r, 1), integer(r, 2)});
  }
  return out;
}

}  // namespace

MetricCounts metric_counts(Conn& c) {
  return collect_metric_counts([&](const char* sql) { return rows(c, sql); });
}

}  // namespace hotline::store::postgres
