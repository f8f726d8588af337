#include "hotline/store/sqlite/link_tables.h"

#include <sqlite3.h>

namespace hotline::store::sqlite {
namespace {

constexpr const char* kPeerColumns = "SELECT name, public_key, url, link, added_at FROM peers ";

PeerRecord read_peer(const Query& q) {
  return PeerRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)};
}

constexpr const char* kAgreementColumns =
    "SELECT digest, link, amendment, document, proposed_by, proposer_sig, acceptor_sig, state, "
    "proposed_at, accepted_at, in_force_from FROM agreements "
    "LEFT JOIN agreement_entries USING (digest) ";

AgreementRecord read_agreement(const Query& q) {
  AgreementRecord a;
  a.digest = q.text(0);
  a.link = q.text(1);
  a.amendment = q.integer(2);
  a.document = q.text(3);
  a.proposed_by = q.text(4);
  a.proposer_sig = q.text(5);
  a.acceptor_sig = q.optional_text(6);
  a.state = q.text(7);
  a.proposed_at = q.text(8);
  a.accepted_at = q.optional_text(9);
  a.in_force_from = q.optional_text(10);
  return a;
}

}  // namespace

void insert_peer(Connection& c, const PeerRecord& p) {
  Query q(c,
          "INSERT INTO peers (name, public_key, url, link, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
          "adding a peer");
  q.bind(1, p.name).bind(2, p.public_key).bind(3, p.url).bind(4, p.link).bind(5, p.added_at);
  q.run();
}

std::vector<PeerRecord> list_peers(Connection& c) {
  Query q(c, (std::string(kPeerColumns) + "ORDER BY name").c_str(), "listing peers");
  std::vector<PeerRecord> out;
  while (q.step()) out.push_back(read_peer(q));
  return out;
}

std::optional<PeerRecord> find_peer(Connection& c, std::string_view name) {
  Query q(c, (std::string(kPeerColumns) + "WHERE name = ?1").c_str(), "reading a peer");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return read_peer(q);
}

std::optional<PeerRecord> find_peer_by_key(Connection& c, std::string_view key) {
  Query q(c, (std::string(kPeerColumns) + "WHERE public_key = ?1").c_str(), "reading a peer");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return read_peer(q);
}

void put_link_state(Connection& c, const LinkStateRecord& s) {
  Query q(
      c,
      "INSERT INTO link_state (link, state, connected, last_contact, last_heartbeat, last_error, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (link) DO UPDATE SET "
      "state = excluded.state, connected = excluded.connected, last_contact = "
      "excluded.last_contact, "
      "last_heartbeat = excluded.last_heartbeat, last_error = excluded.last_error, "
      "updated_at = excluded.updated_at",
      "saving a link's state");
  q.bind(1, s.link).bind(2, s.state).bind(3, std::int64_t{s.connected ? 1 : 0});
  q.bind_optional(4, s.last_contact).bind_optional(5, s.last_heartbeat);
  q.bind_optional(6, s.last_error).bind_optional(7, s.updated_at);
  q.run();
}

std::optional<LinkStateRecord> find_link_state(Connection& c, std::string_view link) {
  Query q(c,
          "SELECT link, state, connected, last_contact, last_heartbeat, last_error, updated_at "
          "FROM link_state WHERE link = ?1",
          "reading a link's state");
  q.bind(1, link);
  if (!q.step()) return std::nullopt;
  LinkStateRecord s;
  s.link = q.text(0);
  s.state = q.text(1);
  s.connected = q.integer(2) != 0;
  s.last_contact = q.optional_text(3);
  s.last_heartbeat = q.optional_text(4);
  s.last_error = q.optional_text(5);
  s.updated_at = q.optional_text(6);
  return s;
}

std::int64_t append_event(Connection& c, const EventRecord& e) {
  Query q(c, "INSERT INTO events (at, kind, link, detail) VALUES (?1, ?2, ?3, ?4)",
          "recording an event");
  q.bind(1, e.at).bind(2, e.kind).bind(3, e.link).bind(4, e.detail);
  q.run();
  return sqlite3_last_insert_rowid(c.handle());
}

std::vector<EventRecord> list_events(Connection& c, std::int64_t after_id, std::int64_t limit) {
  Query q(c, "SELECT id, at, kind, link, detail FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
          "listing events");
  q.bind(1, after_id).bind(2, limit);
  std::vector<EventRecord> out;
  while (q.step())
    out.push_back(EventRecord{q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4)});
  return out;
}

std::int64_t last_event_id(Connection& c) {
  Query q(c, "SELECT COALESCE(MAX(id), 0) FROM events", "reading the newest event id");
  return q.step() ? q.integer(0) : 0;
}

// Only the oldest `limit` rows are looked at (by rowid, which rises with
// time), so a round costs the same however large the table is.
std::int64_t prune_events(Connection& c, std::string_view before, std::int64_t limit) {
  Query q(c,
          "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?2) "
          "AND at < ?1 AND id < (SELECT MAX(id) FROM events)",
          "pruning old events");
  q.bind(1, before).bind(2, limit);
  q.run();
  return sqlite3_changes(c.handle());
}

void insert_desk_message(Connection& c, const DeskMessageRecord& m) {
  Query q(
      c,
      "INSERT INTO desk_messages (envelope_id, link, direction, seq, text, sent_at, received_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      "storing a desk message");
  q.bind(1, m.envelope_id).bind(2, m.link).bind(3, to_string(m.direction)).bind(4, m.seq);
  q.bind(5, m.text).bind(6, m.sent_at).bind_optional(7, m.received_at);
  q.run();
}

std::vector<DeskMessageRecord> list_desk_messages(Connection& c, std::string_view link,
                                                  std::int64_t limit) {
  Query q(
      c,
      "SELECT envelope_id, link, direction, seq, text, sent_at, received_at FROM ("
      "SELECT * FROM desk_messages WHERE ?1 = '' OR link = ?1 ORDER BY sent_at DESC, rowid DESC "
      "LIMIT ?2) ORDER BY sent_at, rowid",
      "listing desk messages");
  q.bind(1, link).bind(2, limit);
  std::vector<DeskMessageRecord> out;
  while (q.step()) {
    DeskMessageRecord m;
    m.envelope_id = q.text(0);
    m.link = q.text(1);
    m.direction = parse_direction(q.text(2));
    m.seq = q.integer(3);
    m.text = q.text(4);
    m.sent_at = q.text(5);
    m.received_at = q.optional_text(6);
    out.push_back(std::move(m));
  }
  return out;
}

void put_agreement(Connection& c, const AgreementRecord& a) {
  Query q(
      c,
      "INSERT INTO agreements (digest, link, amendment, document, proposed_by, proposer_sig, "
      "acceptor_sig, state, proposed_at, accepted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10) ON CONFLICT (digest) DO UPDATE SET acceptor_sig = excluded.acceptor_sig, "
      "state = excluded.state, accepted_at = excluded.accepted_at",
      "saving an agreement");
  q.bind(1, a.digest).bind(2, a.link).bind(3, a.amendment).bind(4, a.document);
  q.bind(5, a.proposed_by).bind(6, a.proposer_sig).bind_optional(7, a.acceptor_sig);
  q.bind(8, a.state).bind(9, a.proposed_at).bind_optional(10, a.accepted_at);
  q.run();
  if (a.in_force_from) {
    Query e(c,
            "INSERT INTO agreement_entries (digest, in_force_from) VALUES (?1, ?2) "
            "ON CONFLICT (digest) DO UPDATE SET in_force_from = excluded.in_force_from",
            "saving an agreement's entry into force");
    e.bind(1, a.digest).bind(2, *a.in_force_from);
    e.run();
  }
}

std::optional<AgreementRecord> find_agreement(Connection& c, std::string_view digest) {
  Query q(c, (std::string(kAgreementColumns) + "WHERE digest = ?1").c_str(),
          "reading an agreement");
  q.bind(1, digest);
  if (!q.step()) return std::nullopt;
  return read_agreement(q);
}

std::vector<AgreementRecord> list_agreements(Connection& c, std::string_view link) {
  Query q(
      c,
      (std::string(kAgreementColumns) + "WHERE link = ?1 ORDER BY amendment, proposed_at").c_str(),
      "listing agreements");
  q.bind(1, link);
  std::vector<AgreementRecord> out;
  while (q.step()) out.push_back(read_agreement(q));
  return out;
}

const char* const kAgreementInForceSql =
    "SELECT digest FROM agreements WHERE link = ?1 AND state = 'accepted' "
    "ORDER BY amendment, proposed_at LIMIT 1";

std::optional<std::string> accepted_agreement_digest(Connection& c, std::string_view link) {
  Query q(c, kAgreementInForceSql, "reading the agreement in force");
  q.bind(1, link);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

}  // namespace hotline::store::sqlite
