#include "hotline/store/sqlite/migrations.h"

#include <string>

#include "hotline/common/error.h"
#include "hotline/common/time.h"

namespace hotline::store::sqlite {
namespace {

// Notes on the schema:
//  - direction is stored as its text ('outbound' / 'inbound') so a person
//    reading the file with sqlite3 understands it, and PostgreSQL can mirror
//    it exactly.
//  - seq >= 1, so last_seq() can answer 0 for "none".
//  - outbox and receipts reference envelopes: a receipt or a queued item for
//    an envelope that was never stored is a bug, refused at the source.
constexpr Migration kMigrations[] = {
    {1, "settings, envelopes, outbox, receipts",
     R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE envelopes (
  id          TEXT PRIMARY KEY,
  link        TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq         INTEGER NOT NULL CHECK (seq >= 1),
  digest      TEXT NOT NULL,
  type        TEXT NOT NULL,
  sent_at     TEXT NOT NULL,
  canonical   TEXT NOT NULL,
  received_at TEXT,
  UNIQUE (link, direction, seq)
);

CREATE TABLE outbox (
  link            TEXT NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq >= 1),
  envelope_id     TEXT NOT NULL REFERENCES envelopes (id),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT,
  PRIMARY KEY (link, seq)
) WITHOUT ROWID;
CREATE INDEX outbox_envelope ON outbox (envelope_id);

CREATE TABLE receipts (
  link            TEXT NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq             INTEGER NOT NULL,
  envelope_digest TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  ledger_index    INTEGER NOT NULL CHECK (ledger_index >= 0),
  canonical       TEXT NOT NULL,
  PRIMARY KEY (link, direction, seq),
  FOREIGN KEY (link, direction, seq) REFERENCES envelopes (link, direction, seq)
) WITHOUT ROWID;
)sql"},
    {2, "peers, link state, events, desk messages, agreements",
     R"sql(
CREATE TABLE peers (
  name       TEXT PRIMARY KEY,
  public_key TEXT NOT NULL UNIQUE,
  url        TEXT NOT NULL,
  link       TEXT NOT NULL UNIQUE,
  added_at   TEXT NOT NULL
);

CREATE TABLE link_state (
  link           TEXT PRIMARY KEY REFERENCES peers (link),
  state          TEXT NOT NULL CHECK (state IN ('unknown', 'up', 'down')),
  connected      INTEGER NOT NULL CHECK (connected IN (0, 1)),
  last_contact   TEXT,
  last_heartbeat TEXT,
  last_error     TEXT,
  updated_at     TEXT
) WITHOUT ROWID;

CREATE TABLE events (
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  kind   TEXT NOT NULL,
  link   TEXT NOT NULL,
  detail TEXT NOT NULL
);

CREATE TABLE desk_messages (
  envelope_id TEXT PRIMARY KEY REFERENCES envelopes (id),
  link        TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq         INTEGER NOT NULL,
  text        TEXT NOT NULL,
  sent_at     TEXT NOT NULL,
  received_at TEXT
);
CREATE INDEX desk_messages_time ON desk_messages (sent_at);

CREATE TABLE agreements (
  digest       TEXT PRIMARY KEY,
  link         TEXT NOT NULL,
  amendment    INTEGER NOT NULL CHECK (amendment >= 0),
  document     TEXT NOT NULL,
  proposed_by  TEXT NOT NULL,
  proposer_sig TEXT NOT NULL,
  acceptor_sig TEXT,
  state        TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'superseded', 'declined')),
  proposed_at  TEXT NOT NULL,
  accepted_at  TEXT
);
CREATE INDEX agreements_link ON agreements (link, amendment);
)sql"},
    {3, "the Merkle log: leaves, perfect-subtree hashes, signed tree heads",
     R"sql(
CREATE TABLE ledger_leaves (
  idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
  kind      TEXT NOT NULL CHECK (kind IN ('envelope', 'receipt')),
  link      TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq       INTEGER NOT NULL,
  leaf_hash TEXT NOT NULL,
  UNIQUE (kind, link, direction, seq)
);

CREATE TABLE ledger_nodes (
  level INTEGER NOT NULL CHECK (level >= 0),
  idx   INTEGER NOT NULL CHECK (idx >= 0),
  hash  TEXT NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE tree_heads (
  link        TEXT NOT NULL,
  size        INTEGER NOT NULL CHECK (size >= 0),
  root        TEXT NOT NULL,
  time        TEXT NOT NULL,
  key         TEXT NOT NULL,
  signature   TEXT NOT NULL,
  received_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('ok', 'unchecked', 'inconsistent')),
  PRIMARY KEY (link, size, root)
) WITHOUT ROWID;
)sql"},
    {4, "shared items, escalations, attachments on links",
     R"sql(
CREATE TABLE items (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('alert', 'request', 'case')),
  link       TEXT NOT NULL,
  state      TEXT NOT NULL,
  tlp        TEXT NOT NULL,
  title      TEXT NOT NULL,
  document   TEXT NOT NULL,
  actions    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX items_listing ON items (kind, updated_at);

CREATE TABLE escalations (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id       TEXT NOT NULL,
  item_kind     TEXT NOT NULL,
  link          TEXT NOT NULL,
  trigger_name  TEXT NOT NULL,
  at            TEXT NOT NULL,
  payload       TEXT NOT NULL,
  webhook_state TEXT NOT NULL CHECK (webhook_state IN ('pending', 'delivered', 'withheld', 'no_webhook')),
  attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    TEXT NOT NULL DEFAULT '',
  delivered_at  TEXT,
  UNIQUE (item_id, trigger_name)
);
CREATE INDEX escalations_pending ON escalations (webhook_state, id);

CREATE TABLE attachment_links (
  sha256     TEXT NOT NULL,
  link       TEXT NOT NULL,
  direction  TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  size       INTEGER NOT NULL CHECK (size >= 0),
  state      TEXT NOT NULL CHECK (state IN ('offered', 'wanted', 'complete', 'failed')),
  updated_at TEXT NOT NULL,
  error      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sha256, link, direction)
) WITHOUT ROWID;
CREATE INDEX attachment_links_state ON attachment_links (state, updated_at);
)sql"},
    {5, "users, API tokens, sessions",
     R"sql(
CREATE TABLE users (
  name           TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  display_name   TEXT NOT NULL,
  roles          TEXT NOT NULL,
  password_hash  TEXT NOT NULL,
  totp_secret    TEXT,
  totp_pending   TEXT,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  failed_logins  INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until   TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  user_name    TEXT NOT NULL REFERENCES users (name),
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
) WITHOUT ROWID;
CREATE INDEX api_tokens_user ON api_tokens (user_name, created_at);

CREATE TABLE sessions (
  id_hash         TEXT PRIMARY KEY,
  user_name       TEXT NOT NULL REFERENCES users (name),
  csrf_token_hash TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  last_seen_at    TEXT NOT NULL,
  remote          TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_name);
)sql"},
    {6, "audit trail",
     R"sql(
CREATE TABLE audit_trail (
  seq    INTEGER PRIMARY KEY CHECK (seq >= 1),
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  source TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev   TEXT NOT NULL,
  hash   TEXT NOT NULL
);
)sql"},
    // A version 2 receipt is ~1.3 KB of canonical JSON. In a WITHOUT ROWID
    // table a row stores at most ~1 KB in its B-tree page and spills the rest
    // into an overflow page of its own, so every receipt wrote one more whole
    // 4 KB page (to the WAL, then again at the checkpoint) that no other row
    // shares. A rowid table keeps rows of up to ~4 KB in its leaf pages; the
    // primary key becomes a small unique index.
    {7, "receipts as a rowid table (no overflow page per receipt)",
     R"sql(
CREATE TABLE receipts_rowid (
  link            TEXT NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq             INTEGER NOT NULL,
  envelope_digest TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  ledger_index    INTEGER NOT NULL CHECK (ledger_index >= 0),
  canonical       TEXT NOT NULL,
  PRIMARY KEY (link, direction, seq),
  FOREIGN KEY (link, direction, seq) REFERENCES envelopes (link, direction, seq)
);
INSERT INTO receipts_rowid (link, direction, seq, envelope_digest, received_at, ledger_index,
                            canonical)
  SELECT link, direction, seq, envelope_digest, received_at, ledger_index, canonical
  FROM receipts ORDER BY link, direction, seq;
DROP TABLE receipts;
ALTER TABLE receipts_rowid RENAME TO receipts;
)sql"},
    // Level 0 of the tree is the leaf hashes, which ledger_leaves already
    // holds: keeping a second copy in ledger_nodes cost one more B-tree
    // insert (and page in the WAL) for every entry of the log. Reads of level
    // 0 now come from ledger_leaves (ledger_tables.cpp).
    {8, "the log's level-0 hashes kept once, in ledger_leaves",
     R"sql(
DELETE FROM ledger_nodes WHERE level = 0;
)sql"},
    // Every request created checks, inside its write transaction, that the
    // agreement in force is the one it was prepared under. An agreement's row
    // holds its whole document, so finding `state` and `proposed_at` behind
    // it walked the row's overflow pages each time. This index answers that
    // lookup by itself (link_tables.cpp, accepted_agreement_digest).
    {9, "an index that finds the agreement in force without reading documents",
     R"sql(
CREATE INDEX agreements_in_force ON agreements (link, state, amendment, proposed_at, digest);
)sql"},
    // ledger_leaves carried UNIQUE (kind, link, direction, seq): an index
    // entry more for every leaf, and every envelope and receipt is a leaf,
    // on both nodes. No query reads through it, and what it guarded holds by
    // construction: a leaf is appended only by insert_envelope and
    // insert_receipt, in the transaction and right after the insert that
    // envelopes' UNIQUE (link, direction, seq) and receipts' primary key
    // refuse for a second time. A UNIQUE constraint cannot be dropped, so
    // the table is rebuilt without it (one copy of the log's leaf rows).
    // outbox_envelope, likewise read by no query, cost an index entry put and
    // taken away for every envelope sent. (It would only speed up the foreign
    // key check of a deleted envelope, and envelopes are never deleted; the
    // outbox holds a few rows at most once delivered.)
    {10, "the log's leaves and the outbox without indexes no query reads",
     R"sql(
CREATE TABLE ledger_leaves_new (
  idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
  kind      TEXT NOT NULL CHECK (kind IN ('envelope', 'receipt')),
  link      TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  seq       INTEGER NOT NULL,
  leaf_hash TEXT NOT NULL
);
INSERT INTO ledger_leaves_new (idx, kind, link, direction, seq, leaf_hash)
  SELECT idx, kind, link, direction, seq, leaf_hash FROM ledger_leaves ORDER BY idx;
DROP TABLE ledger_leaves;
ALTER TABLE ledger_leaves_new RENAME TO ledger_leaves;
DROP INDEX IF EXISTS outbox_envelope;
)sql"},
    // Issue #17, item 4: tokens expire (those made before get a year from
    // their creation) and may be read-only. A table of its own, so that the
    // migration can run again on a store that has it (as every one can).
    {11, "API tokens with an expiry and a read-only flag",
     R"sql(
CREATE TABLE IF NOT EXISTS api_token_limits (
  token_id   TEXT PRIMARY KEY REFERENCES api_tokens (id),
  expires_at TEXT NOT NULL,
  read_only  INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1))
) WITHOUT ROWID;
INSERT OR IGNORE INTO api_token_limits (token_id, expires_at, read_only)
  SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+365 days'), 0 FROM api_tokens;
)sql"},
    // Issue #18: disputes and review rounds are shared items like alerts,
    // requests and cases (their action logs travel on the link and replay
    // alike on both nodes). The kind's CHECK cannot be altered in place, so
    // the table is rebuilt with the two new kinds (one copy of its rows).
    {12, "shared items may be disputes and review rounds",
     R"sql(
CREATE TABLE items_new (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('alert', 'request', 'case', 'dispute', 'round')),
  link       TEXT NOT NULL,
  state      TEXT NOT NULL,
  tlp        TEXT NOT NULL,
  title      TEXT NOT NULL,
  document   TEXT NOT NULL,
  actions    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO items_new (id, kind, link, state, tlp, title, document, actions, created_at,
                       updated_at)
  SELECT id, kind, link, state, tlp, title, document, actions, created_at, updated_at FROM items;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;
CREATE INDEX items_listing ON items (kind, updated_at);
)sql"},
    // Issue #18: the review counts each item by the agreement in force when
    // it was received, from the acceptance envelope's signed sent_at (alike
    // on both nodes; accepted_at is each node's own clock), kept beside the
    // agreement (a table of its own, as in migration 11, so that the
    // migration can run again over a store that has it). Existing
    // acceptances are read back from their envelopes. Review reports are
    // kept, made here or received, with both signatures once agreed.
    {13, "agreements' entry into force; review reports",
     R"sql(
CREATE TABLE IF NOT EXISTS agreement_entries (
  digest        TEXT PRIMARY KEY REFERENCES agreements (digest),
  in_force_from TEXT NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO agreement_entries (digest, in_force_from)
  SELECT a.digest, (SELECT e.sent_at FROM envelopes e
                    WHERE e.link = a.link AND e.type = 'agreement.accept'
                      AND json_extract(e.canonical, '$.body.digest') = a.digest
                    ORDER BY e.sent_at LIMIT 1) AS sent_at
  FROM agreements a WHERE a.acceptor_sig IS NOT NULL AND sent_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS reviews (
  id          TEXT PRIMARY KEY,
  link        TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to   TEXT NOT NULL,
  made_by     TEXT NOT NULL CHECK (made_by IN ('ours', 'theirs')),
  state       TEXT NOT NULL CHECK (state IN ('made', 'agreed')),
  report      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reviews_listing ON reviews (created_at);
)sql"},
    // The review's facts of each alert, request and case in a compact binary
    // form (review/facts_codec.h), written with every change of the item so
    // that a report reads one short row per item, contiguous per link,
    // instead of replaying its log. Existing items get theirs when the node
    // next opens (service/review_facts.h, fill_review_facts).
    {14, "review facts beside each item",
     R"sql(
CREATE TABLE IF NOT EXISTS review_facts (
  link    TEXT NOT NULL,
  item_id TEXT NOT NULL,
  kind    TEXT NOT NULL,
  facts   BLOB NOT NULL,
  PRIMARY KEY (link, item_id)
) WITHOUT ROWID;
)sql"},
    // Issue 19: the web app's lists are paged and filtered by direction,
    // request kind and priority, which live in the item's document. They
    // are kept beside it (written with the document by put_item; a table of
    // its own so that the migration can run again) so that a list of
    // thousands of items reads no document; existing items get theirs from
    // their documents here.
    {15, "list facets of items",
     R"sql(
CREATE TABLE IF NOT EXISTS item_facets (
  id           TEXT PRIMARY KEY,
  origin       TEXT NOT NULL,
  request_kind TEXT NOT NULL,
  priority     TEXT NOT NULL
) WITHOUT ROWID;
INSERT OR REPLACE INTO item_facets (id, origin, request_kind, priority)
  SELECT id, coalesce(json_extract(document, '$.origin'), ''),
         CASE WHEN kind = 'request' THEN coalesce(json_extract(document, '$.kind'), '') ELSE '' END,
         coalesce(json_extract(document, '$.priority'), '')
  FROM items;
CREATE INDEX IF NOT EXISTS items_by_creation ON items (kind, created_at, id);
)sql"},
    // Issue 19: translations of an item's texts, kept on this node only
    // (never sent to the peer), each with the SHA-256 of the text it
    // translates so that a changed original shows the translation out of date.
    {16, "translations of items' texts",
     R"sql(
CREATE TABLE IF NOT EXISTS translations (
  id            TEXT PRIMARY KEY,
  item_id       TEXT NOT NULL REFERENCES items (id),
  field         TEXT NOT NULL,
  lang          TEXT NOT NULL,
  text          TEXT NOT NULL,
  by_user       TEXT NOT NULL,
  at            TEXT NOT NULL,
  source_sha256 TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS translations_by_item ON translations (item_id, at);
)sql"},
    // Issue 19: the lists' index of migration 15 made covering, so that a
    // page of a list reads no item row (the documents come before the times
    // in them); the narrower one goes.
    {17, "covering index of the paged lists",
     R"sql(
DROP INDEX IF EXISTS items_by_creation;
CREATE INDEX IF NOT EXISTS items_by_creation_covering
  ON items (kind, created_at, id, link, state, tlp, title, updated_at);
)sql"},
    // Issue 20: failed sign-ins per (account, source), and per account with
    // source '', in the store instead of each process's memory, so that
    // several processes of one node delay an attacker alike
    // (service/sign_in_guard.h). last_at orders the pruning.
    {18, "failed sign-ins shared by the node's processes",
     R"sql(
CREATE TABLE IF NOT EXISTS sign_in_failures (
  account  TEXT NOT NULL,
  source   TEXT NOT NULL,
  failures INTEGER NOT NULL,
  last_at  TEXT NOT NULL,
  PRIMARY KEY (account, source)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sign_in_failures_by_time ON sign_in_failures (last_at);
)sql"},
    // Issue 21: every case's indicators, one row each, so that a value is
    // looked up across all cases by index: (type, value) for the exact value
    // and a domain's parents, the span (model::AddressSpan, two 16-byte
    // BLOBs compared byte-wise) for the ranges holding an address. Written
    // with every change of a case; the cases stored before get theirs when
    // the node next opens (service/indicator_index.h, fill_case_indicators),
    // the spans needing the model.
    {19, "the index of every case's indicators",
     R"sql(
CREATE TABLE IF NOT EXISTS case_indicators (
  item_id    TEXT NOT NULL,
  position   INTEGER NOT NULL,
  link       TEXT NOT NULL,
  type       TEXT NOT NULL,
  value      TEXT NOT NULL,
  tlp        TEXT NOT NULL,
  span_first BLOB NOT NULL,
  span_last  BLOB NOT NULL,
  indicator  TEXT NOT NULL,
  PRIMARY KEY (item_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_indicators_by_value ON case_indicators (type, value);
CREATE INDEX IF NOT EXISTS case_indicators_by_span
  ON case_indicators (type, span_first, span_last);
)sql"},
    // Issue 22: escalations by e-mail, one row per (escalation, recipient)
    // (node/mail.h).
    {20, "escalation e-mails",
     R"sql(
CREATE TABLE IF NOT EXISTS escalation_mails (
  escalation_id INTEGER NOT NULL REFERENCES escalations (id),
  recipient     TEXT NOT NULL,
  lang          TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error    TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  done_at       TEXT,
  PRIMARY KEY (escalation_id, recipient)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS escalation_mails_pending ON escalation_mails (state, escalation_id);
)sql"},
};

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
))sql";

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

int recorded_schema_version(Connection& conn) {
  {
    Query q(conn, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'",
            "reading the schema version");
    q.step();
    if (q.integer(0) == 0) return 0;
  }
  Query q(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations",
          "reading the schema version");
  q.step();
  return static_cast<int>(q.integer(0));
}

void migrate(Connection& conn) {
  conn.exec("BEGIN IMMEDIATE", "starting the schema upgrade");
  try {
    const int current = recorded_schema_version(conn);
    if (current == 0) {
      // Either a new, empty file or somebody else's SQLite database: refuse
      // the latter rather than adding our tables to it.
      Query q(conn, "SELECT count(*) FROM sqlite_schema", "checking the database is Hotline's");
      q.step();
      if (q.integer(0) != 0) {
        throw Error(ErrorCategory::internal, "store_corrupt",
                    "The file " + conn.file().string() +
                        " is a SQLite database but not a Hotline one (it has "
                        "no schema_migrations table). Check the configured "
                        "path.");
      }
    }
    const int latest = latest_schema_version();
    if (current > latest) {
      throw Error(ErrorCategory::internal, "store_too_new",
                  "This database (" + conn.file().string() +
                      ") was written by a newer Hotline (schema version " +
                      std::to_string(current) + "; this build understands up to " +
                      std::to_string(latest) +
                      "). Install the newer hotline, or restore a backup made with this version.");
    }
    conn.exec(kCreateMigrationsTable, "creating the schema_migrations table");
    const std::string now = format_timestamp(now_ms());
    for (const Migration& m : kMigrations) {
      if (m.version <= current) continue;
      const std::string doing = "applying schema migration " + std::to_string(m.version);
      conn.exec(m.sql, doing);
      Query q(conn,
              "INSERT INTO schema_migrations (version, description, applied_at) "
              "VALUES (?1, ?2, ?3)",
              "recording a schema migration");
      q.bind(1, std::int64_t{m.version}).bind(2, std::string_view(m.description)).bind(3, now);
      q.run();
    }
    conn.exec("COMMIT", "saving the schema upgrade");
  } catch (...) {
    if (!conn.in_autocommit()) sqlite3_exec(conn.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace hotline::store::sqlite
