#include "hotline/store/sqlite/item_tables.h"

#include <sqlite3.h>

#include <string>

namespace hotline::store::sqlite {
namespace {

constexpr const char* kItemColumns =
    "SELECT id, kind, link, state, tlp, title, document, actions, created_at, updated_at "
    "FROM items ";

ItemRecord read_item(const Query& q) {
  ItemRecord i;
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
  return i;
}

constexpr const char* kEscalationColumns =
    "SELECT id, item_id, item_kind, link, trigger_name, at, payload, webhook_state, attempts, "
    "last_error, delivered_at FROM escalations ";

EscalationRecord read_escalation(const Query& q) {
  EscalationRecord e;
  e.id = q.integer(0);
  e.item_id = q.text(1);
  e.item_kind = q.text(2);
  e.link = q.text(3);
  e.trigger = q.text(4);
  e.at = q.text(5);
  e.payload = q.text(6);
  e.webhook_state = q.text(7);
  e.attempts = q.integer(8);
  e.last_error = q.text(9);
  e.delivered_at = q.optional_text(10);
  return e;
}

constexpr const char* kMailColumns =
    "SELECT escalation_id, recipient, lang, message_id, state, attempts, last_error, created_at, "
    "done_at FROM escalation_mails ";

// The done_at column holds, while an e-mail is pending, when it is tried
// next (EscalationMailRecord::next_at), and otherwise when it was delivered
// or failed (done_at): one column, no schema change.
std::optional<std::string> mail_when_column(const EscalationMailRecord& m) {
  return m.state == "pending" ? m.next_at : m.done_at;
}

EscalationMailRecord read_mail(const Query& q) {
  EscalationMailRecord m;
  m.escalation_id = q.integer(0);
  m.recipient = q.text(1);
  m.lang = q.text(2);
  m.message_id = q.text(3);
  m.state = q.text(4);
  m.attempts = q.integer(5);
  m.last_error = q.text(6);
  m.created_at = q.text(7);
  (m.state == "pending" ? m.next_at : m.done_at) = q.optional_text(8);
  return m;
}

constexpr const char* kAttachmentColumns =
    "SELECT sha256, link, direction, size, state, updated_at, error FROM attachment_links ";

AttachmentLinkRecord read_attachment(const Query& q) {
  AttachmentLinkRecord r;
  r.sha256 = q.text(0);
  r.link = q.text(1);
  r.direction = parse_direction(q.text(2));
  r.size = q.integer(3);
  r.state = q.text(4);
  r.updated_at = q.text(5);
  r.error = q.text(6);
  return r;
}

}  // namespace

void put_item(Connection& c, const ItemRecord& i) {
  Query q(c,
          "INSERT INTO items (id, kind, link, state, tlp, title, document, actions, created_at, "
          "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO "
          "UPDATE SET state = excluded.state, tlp = excluded.tlp, title = excluded.title, "
          "document = excluded.document, actions = excluded.actions, "
          "updated_at = excluded.updated_at",
          "saving an item");
  q.bind(1, i.id).bind(2, i.kind).bind(3, i.link).bind(4, i.state).bind(5, i.tlp);
  q.bind(6, i.title).bind(7, i.document).bind(8, i.actions).bind(9, i.created_at);
  q.bind(10, i.updated_at);
  q.run();
  // The list facets (migration 15), read from the document.
  Query f(c,
          "INSERT OR REPLACE INTO item_facets (id, origin, request_kind, priority) VALUES (?1, "
          "coalesce(json_extract(?3, '$.origin'), ''), "
          "CASE WHEN ?2 = 'request' THEN coalesce(json_extract(?3, '$.kind'), '') ELSE '' END, "
          "coalesce(json_extract(?3, '$.priority'), ''))",
          "saving an item's list facets");
  f.bind(1, i.id).bind(2, i.kind).bind(3, i.document);
  f.run();
}

std::optional<ItemRecord> find_item(Connection& c, std::string_view id) {
  Query q(c, (std::string(kItemColumns) + "WHERE id = ?1").c_str(), "reading an item");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_item(q);
}

std::vector<ItemRecord> list_items(Connection& c, std::string_view kind, std::string_view link,
                                   std::int64_t limit) {
  Query q(c,
          (std::string(kItemColumns) + "WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR link = ?2) "
                                       "ORDER BY updated_at DESC, id DESC LIMIT ?3")
              .c_str(),
          "listing items");
  q.bind(1, kind).bind(2, link).bind(3, limit);
  std::vector<ItemRecord> out;
  while (q.step()) out.push_back(read_item(q));
  return out;
}

std::vector<ItemRecord> list_item_summaries(Connection& c, std::string_view kind,
                                            std::string_view link, std::int64_t limit) {
  Query q(c,
          "SELECT id, kind, link, state, tlp, title, '', '', created_at, updated_at FROM items "
          "WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR link = ?2) "
          "ORDER BY updated_at DESC, id DESC LIMIT ?3",
          "listing items");
  q.bind(1, kind).bind(2, link).bind(3, limit);
  std::vector<ItemRecord> out;
  while (q.step()) out.push_back(read_item(q));
  return out;
}

// Only the filters given are in the SQL, so that the planner can walk the
// covering index items_by_creation_covering (migration 17) for one kind: the items'
// rows, whose large documents come before their times, are never read.
std::vector<ItemRecord> find_item_summaries(Connection& c, const ItemQuery& query) {
  std::string sql =
      "SELECT items.id, kind, link, state, tlp, title, '', '', created_at, updated_at "
      "FROM items LEFT JOIN item_facets f ON f.id = items.id WHERE 1";
  std::vector<std::string> values;
  auto where = [&](const std::string& value, const char* condition) {
    if (value.empty()) return;
    values.push_back(value);
    std::string n = "?" + std::to_string(values.size());
    std::string cond = condition;
    for (auto at = cond.find('?'); at != std::string::npos; at = cond.find('?', at + n.size()))
      cond.replace(at, 1, n);
    sql += " AND " + cond;
  };
  where(query.kind, "kind = ?");
  where(query.link, "link = ?");
  where(query.origin, "f.origin = ?");
  where(query.request_kind, "f.request_kind = ?");
  where(query.priority, "f.priority = ?");
  where(query.title_contains, "instr(lower(title), lower(?)) > 0");
  if (!query.states.empty()) {
    sql += " AND state IN (";
    for (std::size_t i = 0; i < query.states.size(); ++i) {
      values.push_back(query.states[i]);
      sql += (i ? ", ?" : "?") + std::to_string(values.size());
    }
    sql += ")";
  }
  sql += query.by_creation ? " ORDER BY created_at DESC, items.id DESC"
                           : " ORDER BY updated_at DESC, items.id DESC";
  Query q(c, sql.c_str(), "listing items");
  for (std::size_t i = 0; i < values.size(); ++i) q.bind(static_cast<int>(i + 1), values[i]);
  std::vector<ItemRecord> out;
  while (q.step()) out.push_back(read_item(q));
  return out;
}

namespace {

constexpr const char* kTranslationColumns =
    "SELECT id, item_id, field, lang, text, by_user, at, source_sha256 FROM translations ";

TranslationRecord read_translation(const Query& q) {
  TranslationRecord t;
  t.id = q.text(0);
  t.item_id = q.text(1);
  t.field = q.text(2);
  t.lang = q.text(3);
  t.text = q.text(4);
  t.by = q.text(5);
  t.at = q.text(6);
  t.source_sha256 = q.text(7);
  return t;
}

}  // namespace

void insert_translation(Connection& c, const TranslationRecord& t) {
  Query q(c,
          "INSERT INTO translations (id, item_id, field, lang, text, by_user, at, source_sha256) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
          "saving a translation");
  q.bind(1, t.id).bind(2, t.item_id).bind(3, t.field).bind(4, t.lang).bind(5, t.text);
  q.bind(6, t.by).bind(7, t.at).bind(8, t.source_sha256);
  q.run();
}

std::vector<TranslationRecord> list_translations(Connection& c, std::string_view item_id) {
  Query q(c, (std::string(kTranslationColumns) + "WHERE item_id = ?1 ORDER BY at, id").c_str(),
          "listing an item's translations");
  q.bind(1, item_id);
  std::vector<TranslationRecord> out;
  while (q.step()) out.push_back(read_translation(q));
  return out;
}

std::optional<TranslationRecord> find_translation(Connection& c, std::string_view id) {
  Query q(c, (std::string(kTranslationColumns) + "WHERE id = ?1").c_str(), "reading a translation");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_translation(q);
}

bool delete_translation(Connection& c, std::string_view id) {
  Query q(c, "DELETE FROM translations WHERE id = ?1", "deleting a translation");
  q.bind(1, id);
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

std::int64_t insert_escalation(Connection& c, const EscalationRecord& e) {
  Query q(c,
          "INSERT INTO escalations (item_id, item_kind, link, trigger_name, at, payload, "
          "webhook_state, attempts, last_error, delivered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
          "?7, ?8, ?9, ?10)",
          "recording an escalation");
  q.bind(1, e.item_id).bind(2, e.item_kind).bind(3, e.link).bind(4, e.trigger).bind(5, e.at);
  q.bind(6, e.payload).bind(7, e.webhook_state).bind(8, e.attempts).bind(9, e.last_error);
  q.bind_optional(10, e.delivered_at);
  q.run();
  return sqlite3_last_insert_rowid(c.handle());
}

std::vector<EscalationRecord> list_escalations(Connection& c, std::int64_t after_id,
                                               std::int64_t limit) {
  Query q(c, (std::string(kEscalationColumns) + "WHERE id > ?1 ORDER BY id LIMIT ?2").c_str(),
          "listing escalations");
  q.bind(1, after_id).bind(2, limit);
  std::vector<EscalationRecord> out;
  while (q.step()) out.push_back(read_escalation(q));
  return out;
}

std::vector<EscalationRecord> recent_escalations(Connection& c, std::int64_t offset,
                                                 std::int64_t limit) {
  Query q(c, (std::string(kEscalationColumns) + "ORDER BY id DESC LIMIT ?1 OFFSET ?2").c_str(),
          "listing the recent escalations");
  q.bind(1, limit).bind(2, offset);
  std::vector<EscalationRecord> out;
  while (q.step()) out.push_back(read_escalation(q));
  return out;
}

std::int64_t count_escalations(Connection& c) {
  Query q(c, "SELECT count(*) FROM escalations", "counting escalations");
  q.step();
  return q.integer(0);
}

std::vector<EscalationRecord> pending_escalations(Connection& c, std::int64_t limit) {
  Query q(c,
          (std::string(kEscalationColumns) + "WHERE webhook_state = 'pending' ORDER BY id LIMIT ?1")
              .c_str(),
          "listing pending escalations");
  q.bind(1, limit);
  std::vector<EscalationRecord> out;
  while (q.step()) out.push_back(read_escalation(q));
  return out;
}

void update_escalation_delivery(Connection& c, const EscalationRecord& e) {
  Query q(c,
          "UPDATE escalations SET webhook_state = ?2, attempts = ?3, last_error = ?4, "
          "delivered_at = ?5 WHERE id = ?1",
          "updating an escalation");
  q.bind(1, e.id).bind(2, e.webhook_state).bind(3, e.attempts).bind(4, e.last_error);
  q.bind_optional(5, e.delivered_at);
  q.run();
}

bool insert_escalation_mail(Connection& c, const EscalationMailRecord& m) {
  Query q(c,
          "INSERT INTO escalation_mails (escalation_id, recipient, lang, message_id, state, "
          "attempts, last_error, created_at, done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
          "ON CONFLICT (escalation_id, recipient) DO NOTHING",
          "queueing an escalation e-mail");
  q.bind(1, m.escalation_id).bind(2, m.recipient).bind(3, m.lang).bind(4, m.message_id);
  q.bind(5, m.state).bind(6, m.attempts).bind(7, m.last_error).bind(8, m.created_at);
  q.bind_optional(9, mail_when_column(m));
  q.run();
  return sqlite3_changes(c.handle()) > 0;
}

std::vector<EscalationMailRecord> pending_escalation_mails(Connection& c, std::int64_t limit) {
  Query q(c,
          (std::string(kMailColumns) +
           "WHERE state = 'pending' ORDER BY escalation_id, recipient LIMIT ?1")
              .c_str(),
          "listing pending escalation e-mails");
  q.bind(1, limit);
  std::vector<EscalationMailRecord> out;
  while (q.step()) out.push_back(read_mail(q));
  return out;
}

std::vector<EscalationMailRecord> list_escalation_mails(Connection& c, std::int64_t escalation_id) {
  Query q(c, (std::string(kMailColumns) + "WHERE escalation_id = ?1 ORDER BY recipient").c_str(),
          "listing an escalation's e-mails");
  q.bind(1, escalation_id);
  std::vector<EscalationMailRecord> out;
  while (q.step()) out.push_back(read_mail(q));
  return out;
}

void update_escalation_mail(Connection& c, const EscalationMailRecord& m) {
  Query q(c,
          "UPDATE escalation_mails SET state = ?3, attempts = ?4, last_error = ?5, done_at = ?6 "
          "WHERE escalation_id = ?1 AND recipient = ?2",
          "updating an escalation e-mail");
  q.bind(1, m.escalation_id).bind(2, m.recipient).bind(3, m.state).bind(4, m.attempts);
  q.bind(5, m.last_error).bind_optional(6, mail_when_column(m));
  q.run();
}

void put_attachment_link(Connection& c, const AttachmentLinkRecord& r) {
  Query q(c,
          "INSERT INTO attachment_links (sha256, link, direction, size, state, updated_at, "
          "error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sha256, link, direction) DO "
          "UPDATE SET size = excluded.size, state = excluded.state, "
          "updated_at = excluded.updated_at, error = excluded.error",
          "saving an attachment's transfer state");
  q.bind(1, r.sha256).bind(2, r.link).bind(3, to_string(r.direction)).bind(4, r.size);
  q.bind(5, r.state).bind(6, r.updated_at).bind(7, r.error);
  q.run();
}

std::optional<AttachmentLinkRecord> find_attachment_link(Connection& c, std::string_view sha256,
                                                         std::string_view link,
                                                         Direction direction) {
  Query q(c,
          (std::string(kAttachmentColumns) + "WHERE sha256 = ?1 AND link = ?2 AND direction = ?3")
              .c_str(),
          "reading an attachment's transfer state");
  q.bind(1, sha256).bind(2, link).bind(3, to_string(direction));
  if (!q.step()) return std::nullopt;
  return read_attachment(q);
}

std::vector<AttachmentLinkRecord> list_attachment_links(Connection& c, std::string_view state,
                                                        std::int64_t limit) {
  Query q(c,
          (std::string(kAttachmentColumns) +
           "WHERE ?1 = '' OR state = ?1 ORDER BY updated_at, sha256 LIMIT ?2")
              .c_str(),
          "listing attachment transfers");
  q.bind(1, state).bind(2, limit);
  std::vector<AttachmentLinkRecord> out;
  while (q.step()) out.push_back(read_attachment(q));
  return out;
}

}  // namespace hotline::store::sqlite
