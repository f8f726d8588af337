#include "hotline/store/sqlite/review_tables.h"

#include <string>

namespace hotline::store::sqlite {
namespace {

constexpr const char* kReviewColumns =
    "SELECT id, link, period_from, period_to, made_by, state, report, created_at, updated_at "
    "FROM reviews ";

ReviewRecord read_review(const Query& q) {
  ReviewRecord r;
  r.id = q.text(0);
  r.link = q.text(1);
  r.period_from = q.text(2);
  r.period_to = q.text(3);
  r.made_by = q.text(4);
  r.state = q.text(5);
  r.report = q.text(6);
  r.created_at = q.text(7);
  r.updated_at = q.text(8);
  return r;
}

}  // namespace

void put_review(Connection& c, const ReviewRecord& r) {
  Query q(c,
          "INSERT INTO reviews (id, link, period_from, period_to, made_by, state, report, "
          "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) "
          "DO UPDATE SET state = excluded.state, report = excluded.report, "
          "updated_at = excluded.updated_at",
          "saving a review report");
  q.bind(1, r.id).bind(2, r.link).bind(3, r.period_from).bind(4, r.period_to);
  q.bind(5, r.made_by).bind(6, r.state).bind(7, r.report).bind(8, r.created_at);
  q.bind(9, r.updated_at);
  q.run();
}

std::optional<ReviewRecord> find_review(Connection& c, std::string_view id) {
  Query q(c, (std::string(kReviewColumns) + "WHERE id = ?1").c_str(), "reading a review report");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_review(q);
}

std::vector<ReviewRecord> list_reviews(Connection& c, std::string_view link, std::int64_t limit) {
  Query q(c,
          (std::string(kReviewColumns) +
           "WHERE (?1 = '' OR link = ?1) ORDER BY created_at DESC, id LIMIT ?2")
              .c_str(),
          "listing review reports");
  q.bind(1, link).bind(2, limit);
  std::vector<ReviewRecord> out;
  while (q.step()) out.push_back(read_review(q));
  return out;
}

void scan_items(Connection& c, std::string_view kind, std::string_view link,
                const std::function<void(const ItemRecord&)>& fn) {
  Query q(c,
          "SELECT id, kind, link, state, tlp, title, document, actions, created_at, updated_at "
          "FROM items WHERE kind = ?1 AND link = ?2",
          "reading the link's items");
  q.bind(1, kind).bind(2, link);
  ItemRecord i;
  while (q.step()) {
    i.id = q.text(0);
    i.kind = q.text(1);
    i.link = q.text(2);
    i.state = q.text(3);
    i.tlp = q.text(4);
    i.title = q.text(5);
    i.document = q.text(6);
    i.actions = q.text(7);
    i.created_at = q.text(8);
    i.updated_at = q.text(9);
    fn(i);
  }
}

void scan_envelope_seqs(Connection& c, std::string_view link, Direction direction,
                        const std::function<void(std::string_view id, std::int64_t seq)>& fn) {
  Query q(c, "SELECT id, seq FROM envelopes WHERE link = ?1 AND direction = ?2 ORDER BY seq",
          "reading the link's envelope numbers");
  q.bind(1, link).bind(2, to_string(direction));
  while (q.step()) fn(q.text(0), q.integer(1));
}

void scan_receipt_times(
    Connection& c, std::string_view link, Direction direction,
    const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) {
  Query q(c,
          "SELECT seq, received_at FROM receipts WHERE link = ?1 AND direction = ?2 ORDER BY seq",
          "reading the link's receipt times");
  q.bind(1, link).bind(2, to_string(direction));
  while (q.step()) fn(q.integer(0), q.text(1));
}

void put_review_facts(Connection& c, std::string_view item_id, std::string_view link,
                      std::string_view kind, std::string_view facts) {
  Query q(c,
          "INSERT INTO review_facts (link, item_id, kind, facts) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (link, item_id) DO UPDATE SET kind = excluded.kind, facts = excluded.facts",
          "saving an item's review facts");
  q.bind(1, link).bind(2, item_id).bind(3, kind).bind_blob(4, facts);
  q.run();
}

void scan_review_facts(Connection& c, std::string_view link,
                       const std::function<void(std::string_view item_id, std::string_view kind,
                                                std::string_view facts)>& fn) {
  Query q(c, "SELECT item_id, kind, facts FROM review_facts WHERE link = ?1",
          "reading the link's review facts");
  q.bind(1, link);
  while (q.step()) fn(q.view(0), q.view(1), q.view(2));
}

}  // namespace hotline::store::sqlite
