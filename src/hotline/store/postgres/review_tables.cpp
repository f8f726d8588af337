// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/review_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void review_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

const char* const kReviewSchema = "";

void put_review(Conn& c, const ReviewRecord& r) {
  review_not_yet("put_review");
}

std::optional<ReviewRecord> find_review(Conn& c, std::string_view id) {
  review_not_yet("find_review");
}

std::vector<ReviewRecord> list_reviews(Conn& c, std::string_view link, std::int64_t limit) {
  review_not_yet("list_reviews");
}

void scan_items(Conn& c, std::string_view kind, std::string_view link,
                const std::function<void(const ItemRecord&)>& fn) {
  review_not_yet("scan_items");
}

void scan_envelope_seqs(Conn& c, std::string_view link, Direction direction,
                        const std::function<void(std::string_view id, std::int64_t seq)>& fn) {
  review_not_yet("scan_envelope_seqs");
}

void scan_receipt_times(
    Conn& c, std::string_view link, Direction direction,
    const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) {
  review_not_yet("scan_receipt_times");
}

void put_review_facts(Conn& c, std::string_view item_id, std::string_view link,
                      std::string_view kind, std::string_view facts) {
  review_not_yet("put_review_facts");
}

void scan_review_facts(Conn& c, std::string_view link,
                       const std::function<void(std::string_view item_id, std::string_view kind,
                                                std::string_view facts)>& fn) {
  review_not_yet("scan_review_facts");
}

}  // namespace hotline::store::postgres
