// SQL for the index of every case's indicators (PostgreSQL migration 3,
// service/indicator_index.h), as free functions over a connection;
// PostgresTransaction checks the transaction and calls these.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

// The table and its indexes (migration 3).
extern const char* const kCaseIndicatorSchema;

void put_case_indicators(Conn& c, std::string_view item_id,
                         const std::vector<CaseIndicatorRecord>& rows);
std::vector<CaseIndicatorRecord> find_case_indicators(Conn& c, const CaseIndicatorQuery& q);
void scan_case_indicators(Conn& c, std::string_view item_id,
                          const std::function<void(const CaseIndicatorRecord&)>& fn);

}  // namespace hotline::store::postgres
