#include "hotline/store/postgres/review_tables.h"

#include <string>

#include "hotline/common/error.h"
#include "hotline/store/postgres/item_tables.h"
#include "hotline/store/postgres/schema.h"

namespace hotline::store::postgres {

// The end state of SQLite's migrations 13 and 14 for these tables; the
// facts are bytes (BYTEA), read and written as hex text.
const char* const kReviewSchema = R"sql(
CREATE TABLE reviews (
  id          TEXT COLLATE "C" PRIMARY KEY,
  link        TEXT COLLATE "C" NOT NULL,
  period_from TEXT NOT NULL,
  period_to   TEXT NOT NULL,
  made_by     TEXT NOT NULL CHECK (made_by IN ('ours', 'theirs')),
  state       TEXT NOT NULL CHECK (state IN ('made', 'agreed')),
  report      TEXT NOT NULL,
  created_at  TEXT COLLATE "C" NOT NULL,
  updated_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX reviews_listing ON reviews (created_at);

CREATE TABLE review_facts (
  link    TEXT COLLATE "C" NOT NULL,
  item_id TEXT COLLATE "C" NOT NULL,
  kind    TEXT COLLATE "C" NOT NULL,
  facts   BYTEA NOT NULL,
  PRIMARY KEY (link, item_id)
);
)sql";

namespace {

// The scans read a link in batches of this many rows, each batch after the
// last key of the one before (keyset), within the transaction's snapshot:
// a link of a million items is never held at once.
constexpr std::int64_t kItemBatch = 256;
constexpr std::int64_t kRowBatch = 2048;

ReviewRecord read_review(const pqxx::row& r) {
  ReviewRecord v;
  v.id = text(r, 0);
  v.link = text(r, 1);
  v.period_from = text(r, 2);
  v.period_to = text(r, 3);
  v.made_by = text(r, 4);
  v.state = text(r, 5);
  v.report = text(r, 6);
  v.created_at = text(r, 7);
  v.updated_at = text(r, 8);
  return v;
}

// The schema's CHECKs, before the statement, so that a refused report
// leaves the transaction usable (store.h).
void check_review(const ReviewRecord& r) {
  if (r.made_by != "ours" && r.made_by != "theirs") {
    throw Error(ErrorCategory::internal, "store_invalid",
                "A review report is made by ours or theirs, not another; nothing was saved.");
  }
  if (r.state != "made" && r.state != "agreed") {
    throw Error(ErrorCategory::internal, "store_invalid",
                "A review report's state is made or agreed, not another; nothing was saved.");
  }
}

constexpr char kFactsHex[] = "0123456789abcdef";

// Bytes as BYTEA's hex input ("\x0aff...").
std::string to_bytea(std::string_view bytes) {
  std::string out;
  out.reserve(2 + 2 * bytes.size());
  out += "\\x";
  for (unsigned char b : bytes) {
    out += kFactsHex[b >> 4];
    out += kFactsHex[b & 15];
  }
  return out;
}

int facts_hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// BYTEA's hex output back to bytes, into `out` (reused between rows).
void from_bytea(const pqxx::field& f, std::string& out) {
  const char* s = f.c_str();
  const std::size_t n = f.size();
  if (n < 2 || s[0] != '\\' || s[1] != 'x' || n % 2 != 0) {
    throw Error(ErrorCategory::internal, "store_failed",
                "Expected review facts in BYTEA's hex form (bytea_output = hex), found another "
                "form; check the database's bytea_output setting.");
  }
  out.resize((n - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = facts_hex_value(s[2 + 2 * i]);
    const int lo = facts_hex_value(s[3 + 2 * i]);
    if (hi < 0 || lo < 0) {
      throw Error(ErrorCategory::internal, "store_failed",
                  "Expected hex digits in stored review facts, found another character.");
    }
    out[i] = static_cast<char>(hi * 16 + lo);
  }
}

}  // namespace

void put_review(Conn& c, const ReviewRecord& r) {
  check_review(r);
  c.exec("saving a review report",
         "INSERT INTO reviews (id, link, period_from, period_to, made_by, state, report, "
         "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) "
         "DO UPDATE SET state = excluded.state, report = excluded.report, "
         "updated_at = excluded.updated_at",
         r.id, r.link, r.period_from, r.period_to, r.made_by, r.state, r.report, r.created_at,
         r.updated_at);
}

std::optional<ReviewRecord> find_review(Conn& c, std::string_view id) {
  auto r = c.exec("reading a review report",
                  "SELECT id, link, period_from, period_to, made_by, state, report, created_at, "
                  "updated_at FROM reviews WHERE id = $1",
                  id);
  if (r.empty()) return std::nullopt;
  return read_review(r[0]);
}

std::vector<ReviewRecord> list_reviews(Conn& c, std::string_view link, std::int64_t limit) {
  auto result = c.exec("listing review reports",
                       "SELECT id, link, period_from, period_to, made_by, state, report, "
                       "created_at, updated_at FROM reviews WHERE ($1 = '' OR link = $1) "
                       "ORDER BY created_at DESC, id LIMIT $2",
                       link, limit);
  std::vector<ReviewRecord> out;
  for (const auto& r : result) out.push_back(read_review(r));
  return out;
}

// In id order, a batch at a time (items_by_link).
void scan_items(Conn& c, std::string_view kind, std::string_view link,
                const std::function<void(const ItemRecord&)>& fn) {
  std::string after;
  for (;;) {
    auto batch = c.exec("reading the link's items",
                        "SELECT id, kind, link, state, tlp, title, document, actions, created_at, "
                        "updated_at FROM items WHERE link = $1 AND kind = $2 AND id > $3 "
                        "ORDER BY id LIMIT $4",
                        link, kind, after, kItemBatch);
    for (const auto& r : batch) fn(read_item(r));
    if (static_cast<std::int64_t>(batch.size()) < kItemBatch) return;
    after = text(batch[batch.size() - 1], 0);
  }
}

void scan_envelope_seqs(Conn& c, std::string_view link, Direction direction,
                        const std::function<void(std::string_view id, std::int64_t seq)>& fn) {
  std::int64_t after = 0;
  for (;;) {
    auto batch = c.exec("reading the link's envelope numbers",
                        "SELECT id, seq FROM envelopes WHERE link = $1 AND direction = $2 "
                        "AND seq > $3 ORDER BY seq LIMIT $4",
                        link, to_string(direction), after, kRowBatch);
    for (const auto& r : batch) {
      after = integer(r, 1);
      fn(std::string_view(r[0].c_str(), r[0].size()), after);
    }
    if (static_cast<std::int64_t>(batch.size()) < kRowBatch) return;
  }
}

void scan_receipt_times(
    Conn& c, std::string_view link, Direction direction,
    const std::function<void(std::int64_t seq, std::string_view received_at)>& fn) {
  std::int64_t after = 0;
  for (;;) {
    auto batch = c.exec("reading the link's receipt times",
                        "SELECT seq, received_at FROM receipts WHERE link = $1 AND direction = $2 "
                        "AND seq > $3 ORDER BY seq LIMIT $4",
                        link, to_string(direction), after, kRowBatch);
    for (const auto& r : batch) {
      after = integer(r, 0);
      fn(after, std::string_view(r[1].c_str(), r[1].size()));
    }
    if (static_cast<std::int64_t>(batch.size()) < kRowBatch) return;
  }
}

void put_review_facts(Conn& c, std::string_view item_id, std::string_view link,
                      std::string_view kind, std::string_view facts) {
  c.write("saving an item's review facts",
          "INSERT INTO review_facts (link, item_id, kind, facts) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (link, item_id) DO UPDATE SET kind = excluded.kind, facts = excluded.facts",
          link, item_id, kind, to_bytea(facts));
}

// In item id order (the primary key), a batch at a time.
void scan_review_facts(Conn& c, std::string_view link,
                       const std::function<void(std::string_view item_id, std::string_view kind,
                                                std::string_view facts)>& fn) {
  std::string after;
  std::string bytes;
  for (;;) {
    auto batch = c.exec("reading the link's review facts",
                        "SELECT item_id, kind, facts FROM review_facts WHERE link = $1 "
                        "AND item_id > $2 ORDER BY item_id LIMIT $3",
                        link, after, kRowBatch);
    for (const auto& r : batch) {
      from_bytea(r[2], bytes);
      fn(std::string_view(r[0].c_str(), r[0].size()), std::string_view(r[1].c_str(), r[1].size()),
         bytes);
    }
    if (static_cast<std::int64_t>(batch.size()) < kRowBatch) return;
    after = text(batch[batch.size() - 1], 0);
  }
}

}  // namespace hotline::store::postgres
