#include "hotline/store/postgres/item_tables.h"

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

namespace hotline::store::postgres {

// The end state of SQLite's migrations 4, 12, 15, 16 and 17 for these
// tables. Text columns compare in byte order (COLLATE "C"), as SQLite's do:
// the lists' orders and the title search (lower() of ASCII letters only)
// are the same on both stores, whatever the database's locale.
// items_by_link serves the review's scan of one link (keyset by id).
const char* const kItemSchema = R"sql(
CREATE TABLE items (
  id         TEXT COLLATE "C" PRIMARY KEY,
  kind       TEXT COLLATE "C" NOT NULL
             CHECK (kind IN ('alert', 'request', 'case', 'dispute', 'round')),
  link       TEXT COLLATE "C" NOT NULL,
  state      TEXT COLLATE "C" NOT NULL,
  tlp        TEXT COLLATE "C" NOT NULL,
  title      TEXT COLLATE "C" NOT NULL,
  document   TEXT NOT NULL,
  actions    TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX items_listing ON items (kind, updated_at, id);
CREATE INDEX items_by_creation ON items (kind, created_at, id);
CREATE INDEX items_by_link ON items (link, kind, id);

CREATE TABLE item_facets (
  id           TEXT COLLATE "C" PRIMARY KEY,
  origin       TEXT COLLATE "C" NOT NULL,
  request_kind TEXT COLLATE "C" NOT NULL,
  priority     TEXT COLLATE "C" NOT NULL
);

CREATE TABLE translations (
  id            TEXT COLLATE "C" PRIMARY KEY,
  item_id       TEXT COLLATE "C" NOT NULL REFERENCES items (id),
  field         TEXT NOT NULL,
  lang          TEXT NOT NULL,
  text          TEXT NOT NULL,
  by_user       TEXT NOT NULL,
  at            TEXT COLLATE "C" NOT NULL,
  source_sha256 TEXT NOT NULL
);
CREATE INDEX translations_by_item ON translations (item_id, at, id);

CREATE TABLE escalations (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id       TEXT COLLATE "C" NOT NULL,
  item_kind     TEXT NOT NULL,
  link          TEXT NOT NULL,
  trigger_name  TEXT COLLATE "C" NOT NULL,
  at            TEXT NOT NULL,
  payload       TEXT NOT NULL,
  webhook_state TEXT NOT NULL
                CHECK (webhook_state IN ('pending', 'delivered', 'withheld', 'no_webhook')),
  attempts      BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    TEXT NOT NULL DEFAULT '',
  delivered_at  TEXT,
  UNIQUE (item_id, trigger_name)
);
CREATE INDEX escalations_pending ON escalations (webhook_state, id);

CREATE TABLE attachment_links (
  sha256     TEXT COLLATE "C" NOT NULL,
  link       TEXT COLLATE "C" NOT NULL,
  direction  TEXT COLLATE "C" NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  size       BIGINT NOT NULL CHECK (size >= 0),
  state      TEXT COLLATE "C" NOT NULL
             CHECK (state IN ('offered', 'wanted', 'complete', 'failed')),
  updated_at TEXT COLLATE "C" NOT NULL,
  error      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sha256, link, direction)
);
CREATE INDEX attachment_links_state ON attachment_links (state, updated_at);
)sql";

namespace {

[[noreturn]] void invalid_desk_record(const std::string& what) {
  throw Error(ErrorCategory::internal, "store_invalid", what + "; nothing was saved.");
}

std::vector<ItemRecord> read_items(const pqxx::result& result) {
  std::vector<ItemRecord> out;
  out.reserve(result.size());
  for (const auto& r : result) out.push_back(read_item(r));
  return out;
}

// The schema's CHECK on items.kind, tested before the statement so that a
// refused item leaves the transaction usable (store.h).
void check_item(const ItemRecord& i) {
  static constexpr std::array<std::string_view, 5> kKinds = {"alert", "request", "case", "dispute",
                                                             "round"};
  for (auto k : kKinds) {
    if (i.kind == k) return;
  }
  invalid_desk_record(
      "An item's kind must be alert, request, case, dispute or round, not another (" +
      std::to_string(i.kind.size()) + " bytes)");
}

// A member of the document as SQLite's json_extract() gives it in
// migration 15 (coalesce(..., '')): a string as itself, a number as its
// digits, true/false as 1/0, an object or array as its JSON, else ''.
std::string facet(const nlohmann::json& doc, const char* key) {
  if (!doc.is_object()) return {};
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "1" : "0";
  return it->dump();
}

struct Facets {
  std::string origin, request_kind, priority;
};

Facets facets_of(const ItemRecord& i) {
  auto doc = nlohmann::json::parse(i.document, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    invalid_desk_record("An item's document must be JSON, and the one of this item is not");
  }
  Facets f;
  f.origin = facet(doc, "origin");
  if (i.kind == "request") f.request_kind = facet(doc, "kind");
  f.priority = facet(doc, "priority");
  return f;
}

}  // namespace

ItemRecord read_item(const pqxx::row& r) {
  ItemRecord i;
  i.id = text(r, 0);
  i.kind = text(r, 1);
  i.link = text(r, 2);
  i.state = text(r, 3);
  i.tlp = text(r, 4);
  i.title = text(r, 5);
  i.document = text(r, 6);
  i.actions = text(r, 7);
  i.created_at = text(r, 8);
  i.updated_at = text(r, 9);
  return i;
}

// The item and its list facets (SQLite's migration 15, read from the
// document here) in one statement: one round trip.
void put_item(Conn& c, const ItemRecord& i) {
  check_item(i);
  const Facets f = facets_of(i);
  c.write("saving an item",
          "WITH saved AS (INSERT INTO items (id, kind, link, state, tlp, title, document, actions, "
          "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
          "ON CONFLICT (id) DO UPDATE SET state = excluded.state, tlp = excluded.tlp, "
          "title = excluded.title, document = excluded.document, actions = excluded.actions, "
          "updated_at = excluded.updated_at RETURNING id) "
          "INSERT INTO item_facets (id, origin, request_kind, priority) "
          "SELECT id, $11::text, $12::text, $13::text FROM saved ON CONFLICT (id) DO UPDATE SET "
          "origin = excluded.origin, request_kind = excluded.request_kind, "
          "priority = excluded.priority",
          i.id, i.kind, i.link, i.state, i.tlp, i.title, i.document, i.actions, i.created_at,
          i.updated_at, f.origin, f.request_kind, f.priority);
}

std::optional<ItemRecord> find_item(Conn& c, std::string_view id) {
  auto r = c.exec("reading an item",
                  "SELECT id, kind, link, state, tlp, title, document, actions, created_at, "
                  "updated_at FROM items WHERE id = $1",
                  id);
  if (r.empty()) return std::nullopt;
  return read_item(r[0]);
}

std::vector<ItemRecord> list_items(Conn& c, std::string_view kind, std::string_view link,
                                   std::int64_t limit) {
  return read_items(c.exec("listing items",
                           "SELECT id, kind, link, state, tlp, title, document, actions, "
                           "created_at, updated_at FROM items "
                           "WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR link = $2) "
                           "ORDER BY updated_at DESC, id DESC LIMIT $3",
                           kind, link, limit));
}

std::vector<ItemRecord> list_item_summaries(Conn& c, std::string_view kind, std::string_view link,
                                            std::int64_t limit) {
  return read_items(c.exec("listing items",
                           "SELECT id, kind, link, state, tlp, title, '', '', created_at, "
                           "updated_at FROM items "
                           "WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR link = $2) "
                           "ORDER BY updated_at DESC, id DESC LIMIT $3",
                           kind, link, limit));
}

namespace {

// A PostgreSQL array literal of texts ('{"a","b"}'), each quoted.
std::string states_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

// Only the filters given are in the SQL (so that the planner sees the
// conditions it can use an index for); the values are always parameters, so
// there are at most 2^7 * 2 statements, each prepared once per connection.
// The title search is SQLite's instr(lower(title), lower(?)): lower() of a
// text in the "C" collation changes ASCII letters only, as SQLite's does.
std::vector<ItemRecord> find_item_summaries(Conn& c, const ItemQuery& query) {
  std::string sql =
      "SELECT items.id, kind, link, state, tlp, title, '', '', created_at, updated_at "
      "FROM items LEFT JOIN item_facets f ON f.id = items.id WHERE true";
  std::vector<Param> values;
  auto where = [&](const std::string& value, const char* before, const char* after) {
    if (value.empty()) return;
    values.push_back(value);
    sql += std::string(" AND ") + before + "$" + std::to_string(values.size()) + after;
  };
  where(query.kind, "kind = ", "");
  where(query.link, "link = ", "");
  where(query.origin, "f.origin = ", "");
  where(query.request_kind, "f.request_kind = ", "");
  where(query.priority, "f.priority = ", "");
  where(query.title_contains, "strpos(lower(title), lower(", "::text COLLATE \"C\")) > 0");
  if (!query.states.empty()) where(states_array(query.states), "state = ANY(", "::text[])");
  sql += query.by_creation ? " ORDER BY created_at DESC, items.id DESC"
                           : " ORDER BY updated_at DESC, items.id DESC";
  return read_items(c.exec_params("listing items", sql, values));
}

namespace {

TranslationRecord read_translation(const pqxx::row& r) {
  TranslationRecord t;
  t.id = text(r, 0);
  t.item_id = text(r, 1);
  t.field = text(r, 2);
  t.lang = text(r, 3);
  t.text = text(r, 4);
  t.by = text(r, 5);
  t.at = text(r, 6);
  t.source_sha256 = text(r, 7);
  return t;
}

}  // namespace

// Rare (a person writes it): a savepoint around it keeps the transaction
// usable after a second id or an unknown item.
void insert_translation(Conn& c, const TranslationRecord& t) {
  c.exec_guarded("saving a translation",
                 "INSERT INTO translations (id, item_id, field, lang, text, by_user, at, "
                 "source_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 t.id, t.item_id, t.field, t.lang, t.text, t.by, t.at, t.source_sha256);
}

std::vector<TranslationRecord> list_translations(Conn& c, std::string_view item_id) {
  auto result = c.exec("listing an item's translations",
                       "SELECT id, item_id, field, lang, text, by_user, at, source_sha256 "
                       "FROM translations WHERE item_id = $1 ORDER BY at, id",
                       item_id);
  std::vector<TranslationRecord> out;
  for (const auto& r : result) out.push_back(read_translation(r));
  return out;
}

std::optional<TranslationRecord> find_translation(Conn& c, std::string_view id) {
  auto r = c.exec("reading a translation",
                  "SELECT id, item_id, field, lang, text, by_user, at, source_sha256 "
                  "FROM translations WHERE id = $1",
                  id);
  if (r.empty()) return std::nullopt;
  return read_translation(r[0]);
}

bool delete_translation(Conn& c, std::string_view id) {
  auto r = c.exec("deleting a translation", "DELETE FROM translations WHERE id = $1", id);
  return r.affected_rows() > 0;
}

namespace {

constexpr const char* kEscalationSelect =
    "SELECT id, item_id, item_kind, link, trigger_name, at, payload, webhook_state, attempts, "
    "last_error, delivered_at FROM escalations ";

EscalationRecord read_escalation(const pqxx::row& r) {
  EscalationRecord e;
  e.id = integer(r, 0);
  e.item_id = text(r, 1);
  e.item_kind = text(r, 2);
  e.link = text(r, 3);
  e.trigger = text(r, 4);
  e.at = text(r, 5);
  e.payload = text(r, 6);
  e.webhook_state = text(r, 7);
  e.attempts = integer(r, 8);
  e.last_error = text(r, 9);
  e.delivered_at = optional_text(r, 10);
  return e;
}

std::vector<EscalationRecord> read_escalations(const pqxx::result& result) {
  std::vector<EscalationRecord> out;
  out.reserve(result.size());
  for (const auto& r : result) out.push_back(read_escalation(r));
  return out;
}

// The schema's CHECKs, before the statement (see check_item).
void check_escalation(const EscalationRecord& e) {
  const auto& s = e.webhook_state;
  if (s != "pending" && s != "delivered" && s != "withheld" && s != "no_webhook") {
    invalid_desk_record(
        "An escalation's webhook state must be pending, delivered, withheld or no_webhook");
  }
  if (e.attempts < 0) {
    invalid_desk_record("An escalation's attempts must be 0 or more, not " +
                        std::to_string(e.attempts));
  }
}

}  // namespace

std::int64_t insert_escalation(Conn& c, const EscalationRecord& e) {
  check_escalation(e);
  auto r =
      c.exec("recording an escalation",
             "INSERT INTO escalations (item_id, item_kind, link, trigger_name, at, payload, "
             "webhook_state, attempts, last_error, delivered_at) VALUES ($1, $2, $3, $4, $5, "
             "$6, $7, $8, $9, $10) ON CONFLICT (item_id, trigger_name) DO NOTHING RETURNING id",
             e.item_id, e.item_kind, e.link, e.trigger, e.at, e.payload, e.webhook_state,
             e.attempts, e.last_error, e.delivered_at);
  if (r.empty()) {
    throw Error(ErrorCategory::conflict, "store_duplicate",
                "An escalation of this item with this trigger is recorded already (expected "
                "one per item and trigger); nothing was saved.");
  }
  return integer(r[0], 0);
}

std::vector<EscalationRecord> list_escalations(Conn& c, std::int64_t after_id, std::int64_t limit) {
  return read_escalations(c.exec(
      "listing escalations", std::string(kEscalationSelect) + "WHERE id > $1 ORDER BY id LIMIT $2",
      after_id, limit));
}

std::vector<EscalationRecord> recent_escalations(Conn& c, std::int64_t offset, std::int64_t limit) {
  return read_escalations(c.exec(
      "listing the recent escalations",
      std::string(kEscalationSelect) + "ORDER BY id DESC LIMIT $1 OFFSET $2", limit, offset));
}

std::int64_t count_escalations(Conn& c) {
  auto r = c.exec("counting escalations", "SELECT count(*) FROM escalations");
  return integer(r[0], 0);
}

std::vector<EscalationRecord> pending_escalations(Conn& c, std::int64_t limit) {
  return read_escalations(c.exec(
      "listing pending escalations",
      std::string(kEscalationSelect) + "WHERE webhook_state = 'pending' ORDER BY id LIMIT $1",
      limit));
}

void update_escalation_delivery(Conn& c, const EscalationRecord& e) {
  check_escalation(e);
  c.exec("updating an escalation",
         "UPDATE escalations SET webhook_state = $2, attempts = $3, last_error = $4, "
         "delivered_at = $5 WHERE id = $1",
         e.id, e.webhook_state, e.attempts, e.last_error, e.delivered_at);
}

// Issue 22: escalations by e-mail (SQLite's migration 20; PostgreSQL's 4).
const char* const kEscalationMailSchema = R"sql(
CREATE TABLE escalation_mails (
  escalation_id BIGINT NOT NULL REFERENCES escalations (id),
  recipient     TEXT COLLATE "C" NOT NULL,
  lang          TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts      BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  done_at       TEXT,
  PRIMARY KEY (escalation_id, recipient)
);
CREATE INDEX escalation_mails_pending ON escalation_mails (state, escalation_id);
)sql";

namespace {

constexpr const char* kMailSelect =
    "SELECT escalation_id, recipient, lang, message_id, state, attempts, last_error, created_at, "
    "done_at FROM escalation_mails ";

// The done_at column holds, while an e-mail is pending, when it is tried
// next (EscalationMailRecord::next_at), and otherwise when it was delivered
// or failed (done_at): one column, no schema change.
std::optional<std::string> mail_when_column(const EscalationMailRecord& m) {
  return m.state == "pending" ? m.next_at : m.done_at;
}

std::vector<EscalationMailRecord> read_mails(const pqxx::result& result) {
  std::vector<EscalationMailRecord> out;
  for (const auto& r : result) {
    EscalationMailRecord m;
    m.escalation_id = integer(r, 0);
    m.recipient = text(r, 1);
    m.lang = text(r, 2);
    m.message_id = text(r, 3);
    m.state = text(r, 4);
    m.attempts = integer(r, 5);
    m.last_error = text(r, 6);
    m.created_at = text(r, 7);
    (m.state == "pending" ? m.next_at : m.done_at) = optional_text(r, 8);
    out.push_back(std::move(m));
  }
  return out;
}

void check_mail(const EscalationMailRecord& m) {
  if (m.state != "pending" && m.state != "delivered" && m.state != "failed") {
    invalid_desk_record("An escalation e-mail's state must be pending, delivered or failed, not " +
                        m.state);
  }
  if (m.attempts < 0) invalid_desk_record("An escalation e-mail's attempts must be 0 or more");
}

}  // namespace

bool insert_escalation_mail(Conn& c, const EscalationMailRecord& m) {
  check_mail(m);
  auto r = c.exec("queueing an escalation e-mail",
                  "INSERT INTO escalation_mails (escalation_id, recipient, lang, message_id, "
                  "state, attempts, last_error, created_at, done_at) VALUES ($1, $2, $3, $4, $5, "
                  "$6, $7, $8, $9) ON CONFLICT (escalation_id, recipient) DO NOTHING RETURNING "
                  "escalation_id",
                  m.escalation_id, m.recipient, m.lang, m.message_id, m.state, m.attempts,
                  m.last_error, m.created_at, mail_when_column(m));
  return !r.empty();
}

std::vector<EscalationMailRecord> pending_escalation_mails(Conn& c, std::int64_t limit) {
  return read_mails(c.exec("listing pending escalation e-mails",
                           std::string(kMailSelect) +
                               "WHERE state = 'pending' ORDER BY escalation_id, recipient LIMIT $1",
                           limit));
}

std::vector<EscalationMailRecord> list_escalation_mails(Conn& c, std::int64_t escalation_id) {
  return read_mails(c.exec("listing an escalation's e-mails",
                           std::string(kMailSelect) + "WHERE escalation_id = $1 ORDER BY recipient",
                           escalation_id));
}

void update_escalation_mail(Conn& c, const EscalationMailRecord& m) {
  check_mail(m);
  c.exec("updating an escalation e-mail",
         "UPDATE escalation_mails SET state = $3, attempts = $4, last_error = $5, done_at = $6 "
         "WHERE escalation_id = $1 AND recipient = $2",
         m.escalation_id, m.recipient, m.state, m.attempts, m.last_error, mail_when_column(m));
}

namespace {

constexpr const char* kAttachmentSelect =
    "SELECT sha256, link, direction, size, state, updated_at, error FROM attachment_links ";

AttachmentLinkRecord read_attachment(const pqxx::row& r) {
  AttachmentLinkRecord a;
  a.sha256 = text(r, 0);
  a.link = text(r, 1);
  a.direction = parse_direction(text(r, 2));
  a.size = integer(r, 3);
  a.state = text(r, 4);
  a.updated_at = text(r, 5);
  a.error = text(r, 6);
  return a;
}

void check_attachment(const AttachmentLinkRecord& a) {
  const auto& s = a.state;
  if (s != "offered" && s != "wanted" && s != "complete" && s != "failed") {
    invalid_desk_record(
        "An attachment's transfer state must be offered, wanted, complete or failed");
  }
  if (a.size < 0) {
    invalid_desk_record("An attachment's size must be 0 or more, not " + std::to_string(a.size));
  }
}

}  // namespace

void put_attachment_link(Conn& c, const AttachmentLinkRecord& a) {
  check_attachment(a);
  c.exec("saving an attachment's transfer state",
         "INSERT INTO attachment_links (sha256, link, direction, size, state, updated_at, error) "
         "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256, link, direction) DO UPDATE "
         "SET size = excluded.size, state = excluded.state, updated_at = excluded.updated_at, "
         "error = excluded.error",
         a.sha256, a.link, to_string(a.direction), a.size, a.state, a.updated_at, a.error);
}

std::optional<AttachmentLinkRecord> find_attachment_link(Conn& c, std::string_view sha256,
                                                         std::string_view link,
                                                         Direction direction) {
  auto r =
      c.exec("reading an attachment's transfer state",
             std::string(kAttachmentSelect) + "WHERE sha256 = $1 AND link = $2 AND direction = $3",
             sha256, link, to_string(direction));
  if (r.empty()) return std::nullopt;
  return read_attachment(r[0]);
}

std::vector<AttachmentLinkRecord> list_attachment_links(Conn& c, std::string_view state,
                                                        std::int64_t limit) {
  auto result = c.exec("listing attachment transfers",
                       std::string(kAttachmentSelect) +
                           "WHERE $1 = '' OR state = $1 "
                           "ORDER BY updated_at, sha256, link, direction LIMIT $2",
                       state, limit);
  std::vector<AttachmentLinkRecord> out;
  for (const auto& r : result) out.push_back(read_attachment(r));
  return out;
}

}  // namespace hotline::store::postgres
