// SQL for the review's reads, its reports table and its facts table, as free
// functions over a connection; PostgresTransaction checks the transaction and
// calls these. The scans stream rows to a callback, one at a time, so that a
// link of a million items is read without holding it all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

void put_review(Conn& c, const ReviewRecord& r);
std::optional<ReviewRecord> find_review(Conn& c, std::string_view id);
std::vector<ReviewRecord> list_reviews(Conn& c, std::string_view link, std::int64_t limit);

void scan_items(Conn& c, std::string_view kind, std::string_view link,
                const std::function<void(const ItemRecord&)>& fn);
void scan_envelope_seqs(Conn& c, std::string_view link, Direction direction,
                        const std::function<void(std::string_view id, std::int64_t seq)>& fn);
void scan_receipt_times(
    Conn& c, std::string_view link, Direction direction,
    const std::function<void(std::int64_t seq, std::string_view received_at)>& fn);

void put_review_facts(Conn& c, std::string_view item_id, std::string_view link,
                      std::string_view kind, std::string_view facts);
void scan_review_facts(Conn& c, std::string_view link,
                       const std::function<void(std::string_view item_id, std::string_view kind,
                                                std::string_view facts)>& fn);

}  // namespace hotline::store::postgres
