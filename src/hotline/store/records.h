// Plain records the Store reads and writes. No behaviour, no storage types:
// the same structs serve SQLite now and PostgreSQL later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::store {

// Which way an envelope travelled over a link, seen from this node.
enum class Direction { outbound, inbound };

// "outbound" / "inbound".
std::string_view to_string(Direction d);

// Inverse of to_string; anything else throws hotline::Error "direction_invalid".
Direction parse_direction(std::string_view text);

// One signed envelope, sent or received. Unique on id and on
// (link, direction, seq); seq starts at 1 on each (link, direction).
struct EnvelopeRecord {
  std::string id;
  std::string link;
  Direction direction = Direction::outbound;
  std::int64_t seq = 0;
  std::string digest;  // hex SHA-256 of `canonical`
  std::string type;
  std::string sent_at;    // RFC 3339, see hotline/common/time.h
  std::string canonical;  // the signed envelope's canonical JSON, exact bytes
  std::optional<std::string> received_at;

  bool operator==(const EnvelopeRecord&) const = default;
};

// The end of one direction of a link's hash chain: the highest stored seq
// and its envelope's digest, which the next envelope's "prev" must name.
struct ChainHead {
  std::int64_t seq = 0;  // 0: nothing stored yet
  std::string digest;    // empty when seq is 0
  bool operator==(const ChainHead&) const = default;
};

// A signed receipt for the envelope (link, direction, seq). `direction` is the
// direction of the envelope it receipts, so the receipts we issue are
// inbound and the receipts we collect are outbound.
struct ReceiptRecord {
  std::string link;
  Direction direction = Direction::outbound;
  std::int64_t seq = 0;
  std::string envelope_digest;
  std::string received_at;
  std::int64_t ledger_index = 0;
  std::string canonical;  // the signed receipt's canonical JSON, exact bytes

  bool operator==(const ReceiptRecord&) const = default;
};

// An outbound envelope still waiting for its receipt. Keyed by (link, seq);
// envelope_id must name a stored envelope.
struct OutboxItem {
  std::string link;
  std::int64_t seq = 0;
  std::string envelope_id;
  std::int64_t attempts = 0;
  std::optional<std::string> next_attempt_at;

  bool operator==(const OutboxItem&) const = default;
};

// A peer this node has a link with. Unique on name and on public_key.
struct PeerRecord {
  std::string name;
  std::string public_key;  // base64url Ed25519, pinned for the link
  std::string url;         // https://HOST:PORT of the peer's link listener
  std::string link;        // link id, see link/envelope.h
  std::string added_at;
  bool operator==(const PeerRecord&) const = default;
};

// What the running node knows of a link's health; written by `hotline serve`
// so that other processes (`hotline peer list`) can show it.
struct LinkStateRecord {
  std::string link;
  std::string state = "unknown";              // "up", "down" or "unknown" (peer heartbeats)
  bool connected = false;                     // our last delivery attempt reached the peer
  std::optional<std::string> last_contact;    // last successful exchange, either way
  std::optional<std::string> last_heartbeat;  // last heartbeat received from the peer
  std::optional<std::string> last_error;
  std::optional<std::string> updated_at;
  bool operator==(const LinkStateRecord&) const = default;
};

// Something an operator should see: a link going down or up, a clock skew,
// a refused envelope. Append-only; id is assigned by the store.
struct EventRecord {
  std::int64_t id = 0;
  std::string at;
  std::string kind;    // e.g. "link_down", "receipt_clock_skew"
  std::string link;    // empty when not about one link
  std::string detail;  // human-readable text
  bool operator==(const EventRecord&) const = default;
};

// A free-text message between the two duty desks, carried by envelope
// `envelope_id`.
struct DeskMessageRecord {
  std::string envelope_id;
  std::string link;
  Direction direction = Direction::outbound;
  std::int64_t seq = 0;
  std::string text;
  std::string sent_at;
  std::optional<std::string>
      received_at;  // inbound: our clock; outbound: empty (the receipt holds it)
  bool operator==(const DeskMessageRecord&) const = default;
};

// One version of a link's agreement. `document` is the canonical JSON that
// both parties sign; state goes proposed -> accepted -> superseded.
struct AgreementRecord {
  std::string digest;  // hex SHA-256 of document
  std::string link;
  std::int64_t amendment = 0;
  std::string document;
  std::string proposed_by;  // public key of the proposer
  std::string proposer_sig;
  std::optional<std::string> acceptor_sig;
  std::string state = "proposed";
  std::string proposed_at;
  std::optional<std::string> accepted_at;  // this node's clock (the acceptor's or the receipt's)
  // The acceptance envelope's signed sent_at: when the agreement entered
  // into force, alike on both nodes (the review counts by it).
  std::optional<std::string> in_force_from;
  bool operator==(const AgreementRecord&) const = default;
};

// One leaf of the node's Merkle log (RFC 9162): an envelope or a receipt,
// sent or received, in the order they were stored. The leaf's data are the
// item's canonical bytes, kept in the envelopes or receipts table.
struct LedgerLeafRecord {
  std::int64_t index = 0;
  std::string kind;  // "envelope" or "receipt"
  std::string link;
  Direction direction = Direction::outbound;  // the envelope's direction
  std::int64_t seq = 0;
  std::string leaf_hash;  // hex SHA-256(0x00 || data)
  bool operator==(const LedgerLeafRecord&) const = default;
};

// A signed tree head: ours (link empty) or one a peer sent us.
struct TreeHeadRecord {
  std::string link;  // "" for this node's own heads
  std::int64_t size = 0;
  std::string root;  // hex
  std::string time;
  std::string key;        // signer's public key
  std::string signature;  // base64url Ed25519
  std::optional<std::string> received_at;
  std::string status = "ok";  // peer heads: "ok", "unchecked" or "inconsistent"
  bool operator==(const TreeHeadRecord&) const = default;
};

// A shared item (alert, request or case) as this node sees it. The item's
// state is derived: `actions` is the item's action log (JSON array, both
// sides' actions in their agreed order, see service/item_replay.h) and
// `document` the model's JSON of the state that replaying it gives. The
// other columns are copies for listing.
struct ItemRecord {
  std::string id;    // UUIDv7
  std::string kind;  // "alert", "request" or "case"
  std::string link;
  std::string state;  // the model's state name
  std::string tlp;    // "TLP:AMBER", ...
  std::string title;  // summary / subject / title
  std::string document;
  std::string actions;
  std::string created_at;
  std::string updated_at;
  bool operator==(const ItemRecord&) const = default;
};

// What GET /metrics reads of the node's records (Transaction::metric_counts):
// counts grouped by the named columns, each row a group.
struct MetricCounts {
  struct Row {
    std::string a, b;  // the group's values ("" where only one column groups)
    std::int64_t count = 0;
    bool operator==(const Row&) const = default;
  };
  std::vector<Row> items;                  // (kind, state)
  std::vector<Row> unacknowledged_alerts;  // (priority, origin): state raised or delivered
  std::vector<Row> escalation_webhooks;    // (webhook_state, "")
  std::vector<Row> escalation_mails;       // (state, "")
  // Escalations recorded when a deadline ran out unmet (trigger "….100"),
  // (item_kind, "").
  std::vector<Row> deadlines_missed;
  bool operator==(const MetricCounts&) const = default;
};

// What a paged list of items asks the store (Transaction::find_item_summaries):
// every member left empty matches any item.
struct ItemQuery {
  std::string kind;  // "alert", "request", ...
  std::string link;
  std::vector<std::string> states;  // the model's state names, any of them
  std::string origin;               // "ours" (we made it) or "theirs"
  std::string request_kind;         // a request's own kind: "information", ...
  std::string priority;             // "urgent" or "normal" (alerts, requests)
  // A part of the title, compared without regard to case (ASCII letters).
  std::string title_contains;
  // Newest created first (created_at, then id, both descending); false:
  // most recently updated first (updated_at, then id).
  bool by_creation = true;
};

// One indicator of a case in the index of every case's indicators
// (service/indicator_index.h), written with every change of the case.
struct CaseIndicatorRecord {
  std::string item_id;        // the case
  std::int64_t position = 0;  // its place in the case's list, from 0
  std::string link;           // the case's link
  std::string type;           // model/indicator.h token (or a legacy one)
  std::string value;          // normalized
  std::string tlp;            // its own TLP, or the case's: "TLP:AMBER"
  // For addresses and ranges, model::AddressSpan's first and last address,
  // 16 bytes each (compared byte-wise); empty for other types.
  std::string span_first, span_last;
  std::string indicator;  // its JSON (model::indicator_json)
  bool operator==(const CaseIndicatorRecord&) const = default;
};

// A lookup in that index (Transaction::find_case_indicators): the rows of
// `type` whose value is one of `values`, and, when span_first is given, the
// rows of `type` whose span holds [span_first, span_last].
struct CaseIndicatorQuery {
  std::string type;
  std::vector<std::string> values;
  std::string span_first, span_last;  // 16 bytes each, or empty
  std::size_t limit = 1000;
};

// A translation of one text of an item, kept on this node only
// (service/translation_service.h).
struct TranslationRecord {
  std::string id;       // UUIDv7
  std::string item_id;  // the item it belongs to
  std::string field;    // a JSON pointer into the item's document, without the leading '/'
  std::string lang;     // BCP 47 tag
  std::string text;
  std::string by;             // the user who wrote it
  std::string at;             // when
  std::string source_sha256;  // hex SHA-256 of the text it translates
  bool operator==(const TranslationRecord&) const = default;
};

// An escalation: a deadline passed (or a share of it used) on an item. It is
// recorded once per (item, trigger) and then offered to the configured
// webhook until delivered.
struct EscalationRecord {
  std::int64_t id = 0;
  std::string item_id;
  std::string item_kind;
  std::string link;
  std::string trigger;  // e.g. "alert.acknowledge.100", "request.respond.80"
  std::string at;       // when it was detected (our clock)
  std::string payload;  // the JSON document a webhook receives
  // "pending": to be delivered; "delivered"; "withheld": TLP:RED, never sent;
  // "no_webhook": none was configured when it was recorded.
  std::string webhook_state = "pending";
  std::int64_t attempts = 0;
  std::string last_error;
  std::optional<std::string> delivered_at;
  bool operator==(const EscalationRecord&) const = default;
};

// One e-mail of an escalation to one recipient (node/mail.h sends it;
// docs/operations.md, "Escalation e-mail"). Unique on (escalation_id,
// recipient).
struct EscalationMailRecord {
  std::int64_t escalation_id = 0;
  std::string recipient;   // the address
  std::string lang;        // "en" or "zh-CN": the message's language
  std::string message_id;  // "<...@...>": the same on every attempt
  // "pending": to be sent (again); "delivered": the relay accepted it;
  // "failed": the relay refused it for good (a 5xx answer, in last_error).
  std::string state = "pending";
  std::int64_t attempts = 0;
  std::string last_error;
  std::string created_at;
  std::optional<std::string> done_at;  // when it was delivered or failed
  // While "pending" after a failed attempt: when the mailer tries it again
  // (kept in the done_at column, unused while pending); otherwise none.
  std::optional<std::string> next_at;
  bool operator==(const EscalationMailRecord&) const = default;
};

// An attachment on a link. outbound: we offered it in an envelope (the peer
// may fetch it); inbound: the peer offered it and we fetch it
// ("wanted" -> "complete", or "failed" with the reason).
struct AttachmentLinkRecord {
  std::string sha256;
  std::string link;
  Direction direction = Direction::outbound;
  std::int64_t size = 0;
  std::string state;  // outbound: "offered"; inbound: "wanted", "complete", "failed"
  std::string updated_at;
  std::string error;
  bool operator==(const AttachmentLinkRecord&) const = default;
};

// A person who may sign in to this node (service/user_service.h). Unique on
// name. Users are disabled, never deleted, so that the names in item logs
// always resolve.
struct UserRecord {
  std::string name;  // 1-64 of [a-z0-9._-], the login name
  std::string display_name;
  // Role names ("admin", "operator", ...), sorted and without duplicates;
  // stored as one comma-separated text column.
  std::vector<std::string> roles;
  std::string password_hash;  // argon2id PHC string (crypto/password.h)
  // Base32 TOTP secret once a second factor is confirmed; while one is being
  // set up it waits in totp_pending until the first valid code.
  std::optional<std::string> totp_secret;
  std::optional<std::string> totp_pending;
  std::int64_t totp_last_step = 0;  // last accepted TOTP step (replay guard)
  bool disabled = false;
  std::int64_t failed_logins = 0;  // consecutive; reset by a successful login
  std::optional<std::string> locked_until;
  std::string created_at;
  std::string updated_at;
  bool operator==(const UserRecord&) const = default;
};

// An API token of a user. The token itself is shown once and never stored:
// only its hash. Unique on id and on token_hash.
struct ApiTokenRecord {
  std::string id;  // UUIDv7
  std::string user;
  std::string name;        // the owner's label ("siem-export")
  std::string token_hash;  // hex SHA-256 of the token text
  std::string created_at;
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;
  // Refused from this time on (kept in the table api_token_limits). Tokens
  // made before expiries existed got their creation + 365 days when the
  // store was upgraded.
  std::optional<std::string> expires_at;
  bool read_only = false;  // only GET and HEAD requests
  bool operator==(const ApiTokenRecord&) const = default;
};

// A signed-in browser session. The session id and CSRF token are held by the
// browser; the store keeps only their hashes.
struct SessionRecord {
  std::string id_hash;  // hex SHA-256 of the session id
  std::string user;
  std::string csrf_token_hash;  // hex SHA-256 of the CSRF token
  std::string created_at;
  std::string expires_at;  // absolute end, whatever the activity
  std::string last_seen_at;
  std::string remote;  // the client address that signed in
  bool operator==(const SessionRecord&) const = default;
};

// Failed sign-ins (service/sign_in_guard.h) of one account from one source
// (a client's IPv4 address or IPv6 /64; never empty), or with source "" the
// account's total over all its sources. Kept in the store so that every
// process of a node counts the same failures.
struct SignInFailureRecord {
  std::string account;
  std::string source;  // "" = the account's total
  std::int64_t failures = 0;
  std::string last_at;  // the last failure's time (timestamp)
  bool operator==(const SignInFailureRecord&) const = default;
};

// One entry of the audit trail (service/audit_trail.h): who did or read what,
// when and from where. Append-only and hash-chained: `hash` covers the other
// columns and `prev` is the previous entry's hash. Unique on seq (1, 2, ...).
struct AuditRecord {
  std::int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string source;  // "cli", "api 203.0.113.5", "node"
  std::string action;  // "item.read", "item.change", "user.add", ...
  std::string target;  // item id, user name
  std::string detail;
  std::string prev;  // hex; 64 zeros for the first entry
  std::string hash;  // hex SHA-256
  bool operator==(const AuditRecord&) const = default;
};

// A review report (service/review_service.h) this node made or received:
// the report file's JSON (body, signatures). Keyed by id, the hex SHA-256 of
// the canonical body, so both nodes name the same report alike.
struct ReviewRecord {
  std::string id;
  std::string link;
  std::string period_from, period_to;  // RFC 3339
  std::string made_by;                 // "ours" or "theirs": whose node made the body
  std::string state;                   // "made" (one signature) or "agreed" (both)
  std::string report;                  // the report file's canonical JSON
  std::string created_at, updated_at;
  bool operator==(const ReviewRecord&) const = default;
};

}  // namespace hotline::store
