// SQL for the index of every case's indicators (migration 19,
// service/indicator_index.h), as free functions over a connection;
// SqliteTransaction checks the transaction and calls these.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

void put_case_indicators(Connection& c, std::string_view item_id,
                         const std::vector<CaseIndicatorRecord>& rows);
std::vector<CaseIndicatorRecord> find_case_indicators(Connection& c, const CaseIndicatorQuery& q);
void scan_case_indicators(Connection& c, std::string_view item_id,
                          const std::function<void(const CaseIndicatorRecord&)>& fn);

}  // namespace hotline::store::sqlite
