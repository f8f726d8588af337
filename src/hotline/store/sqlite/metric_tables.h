// Transaction::metric_counts on SQLite (store/metric_queries.h).
#pragma once

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

MetricCounts metric_counts(Connection& c);

}  // namespace hotline::store::sqlite
