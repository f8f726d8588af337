// Transaction::metric_counts on PostgreSQL (store/metric_queries.h).
#pragma once

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

MetricCounts metric_counts(Conn& c);

}  // namespace hotline::store::postgres
