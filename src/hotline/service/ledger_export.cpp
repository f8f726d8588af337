#include "hotline/service/ledger_export.h"

#include <algorithm>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/ledger/merkle.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/proof_verify.h"
#include "hotline/ledger/tree_head.h"
#include "hotline/link/envelope.h"
#include "hotline/link/receipt.h"
#include "hotline/service/desk_rules.h"
#include "hotline/service/link_support.h"
#include "hotline/service/tree_heads.h"

namespace hotline::service {
namespace {

using nlohmann::json;
using store::Direction;

constexpr std::size_t kExportPage = 10000;

std::string dump(const json& j) {
  // A tampered store may hold bytes that are not UTF-8; replacing them keeps
  // the line valid JSON, and the auditor's hash check then fails on it.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ledger::SignedTreeHead to_signed_head(const store::TreeHeadRecord& h) {
  ledger::SignedTreeHead sth;
  sth.head =
      ledger::TreeHead{static_cast<std::uint64_t>(h.size), ledger::digest_from_hex(h.root), h.time};
  sth.key = h.key;
  sth.sig = h.signature;
  return sth;
}

// The head as signed on the wire plus "signed", its exact signing input.
json head_json(const ledger::SignedTreeHead& sth) {
  json j;
  ledger::to_json(j, sth);
  j["signed"] = ledger::signing_input(sth.head);
  return j;
}

json head_line(const store::TreeHeadRecord& h) {
  json j;
  j["type"] = "head";
  j["link"] = h.link;
  j["size"] = h.size;
  j["root"] = h.root;
  j["time"] = h.time;
  j["key"] = h.key;
  j["sig"] = h.signature;
  try {
    j["signed"] = ledger::signing_input(to_signed_head(h).head);
  } catch (const Error&) {
    j["signed"] = nullptr;  // a stored head that cannot have been signed as it is
  }
  j["status"] = h.status;
  j["received_at"] = h.received_at ? json(*h.received_at) : json(nullptr);
  return j;
}

// Why an envelope's content stays on this node, if it does: TLP:RED items
// are for the two parties' desks only (TLP 2.0; is_tlp_red), and an item
// envelope whose stored bytes no longer parse cannot be told apart from one,
// so it is withheld too (fail closed; `hotline ledger verify` names it).
enum class Withheld { no, tlp_red, unreadable };

Withheld withheld(store::Transaction& tx, const store::EnvelopeRecord& rec,
                  std::optional<link::Envelope>& parsed) {
  try {
    parsed = link::parse_envelope(rec.canonical);
  } catch (const Error&) {
    parsed.reset();
    return is_item_envelope(rec.type) ? Withheld::unreadable : Withheld::no;
  }
  return is_tlp_red(tx, *parsed) ? Withheld::tlp_red : Withheld::no;
}

// The item a leaf names, with what was signed: {canonical, signed, sig,
// signer, batch, redacted}. Counts the leaf in `summary` when it is redacted or its
// item is missing.
void fill_item(store::Transaction& tx, const store::LedgerLeafRecord& leaf, json& j,
               ExportSummary& summary) {
  j["canonical"] = nullptr;
  j["signed"] = nullptr;
  j["sig"] = nullptr;
  j["signer"] = nullptr;
  j["batch"] = nullptr;
  j["redacted"] = nullptr;
  if (leaf.kind == "envelope") {
    auto rec = tx.find_envelope_by_seq(leaf.link, leaf.direction, leaf.seq);
    if (!rec) {
      ++summary.missing_items;
      return;
    }
    std::optional<link::Envelope> e;
    switch (withheld(tx, *rec, e)) {
      case Withheld::tlp_red:
        // Only the leaf hash (and who signed) leaves the node: the tree
        // still verifies, the content does not travel.
        j["signer"] = e->from;
        j["redacted"] = kRedactedTlpRed;
        ++summary.redacted;
        return;
      case Withheld::unreadable:
        j["redacted"] = kRedactedUnreadable;
        ++summary.missing_items;
        return;
      case Withheld::no:
        break;
    }
    j["canonical"] = rec->canonical;
    if (e) {
      j["signed"] = link::signing_input(*e);
      j["sig"] = e->sig;
      j["signer"] = e->from;
    }
    // else: stored bytes that no longer parse, exported as they are, unsigned.
    return;
  }
  // A receipt holds the envelope's digest, seq and times, never its content:
  // exported as it is, also for a TLP:RED envelope.
  auto r = tx.find_receipt(leaf.link, leaf.direction, leaf.seq);
  if (!r) {
    ++summary.missing_items;
    return;
  }
  j["canonical"] = r->canonical;
  try {
    auto parsed = link::parse_receipt(r->canonical);
    j["signed"] = link::receipt_signing_input(parsed);
    j["sig"] = parsed.sig;
    j["signer"] = parsed.from;
    // Version 2: "signed" is the receipt's leaf in its batch's tree and "sig"
    // signs the tree's root; "batch" holds the path from one to the other.
    if (parsed.batch) j["batch"] = link::batch_json(*parsed.batch);
  } catch (const Error&) {
    // Stored bytes that no longer parse: exported as they are, unsigned.
  }
}

// Signs a head of the whole log unless our newest head already covers it.
// Refuses to sign over a log whose stored tree no longer has the root our
// newest head signed: that log must be verified first, not blessed.
bool ensure_head_covers(store::Transaction& tx, const Node& node, std::int64_t leaves,
                        TimePoint now) {
  auto last = latest_own_head(tx);
  if (last && last->size >= leaves) return false;
  if (last) {
    TxTreeStorage storage(tx);
    ledger::MerkleTree tree(storage);
    if (to_hex(tree.root_at(static_cast<std::uint64_t>(last->size))) != last->root) {
      throw Error(ErrorCategory::invalid_input, "ledger_head_invalid",
                  "our newest signed head (size " + std::to_string(last->size) + ", " + last->time +
                      ") does not match the stored log; no new head is signed over it. Run "
                      "`hotline ledger verify` to see what changed");
    }
  }
  make_tree_head(tx, node.identity, now);
  return true;
}

}  // namespace

ExportSummary export_ledger(Node& node, std::ostream& out, TimePoint now, bool sign_head) {
  ExportSummary summary;
  if (sign_head) {
    summary.signed_new_head = node.store->transact([&](store::Transaction& tx) {
      return ensure_head_covers(tx, node, tx.ledger_size(), now);
    });
  }
  node.store->snapshot([&](store::Transaction& tx) {
    const std::int64_t size = tx.ledger_size();
    json head;
    head["type"] = "node";
    head["format"] = kExportFormat;
    head["party"] = node.party;
    head["public_key"] = node.identity.public_key().encoded();
    // After a key rotation or revocation, every key of ours and of each
    // peer (oldest first), so that envelopes signed with an earlier key
    // verify (docs/auditing.md).
    head["keys"] = self_key_history(tx, node.identity.public_key()).to_json();
    head["log_size"] = size;
    head["exported_at"] = format_timestamp(now);
    head["peers"] = json::array();
    auto peers = tx.list_peers();
    for (const auto& p : peers) {
      head["peers"].push_back({{"name", p.name},
                               {"public_key", p.public_key},
                               {"link", p.link},
                               {"keys", peer_key_history(tx, p).to_json()}});
    }
    out << dump(head) << '\n';

    std::int64_t next = 0;
    auto missing_line = [&](std::int64_t index) {
      json j{{"type", "leaf"},       {"index", index},       {"kind", nullptr},
             {"link", nullptr},      {"direction", nullptr}, {"seq", nullptr},
             {"leaf_hash", nullptr}, {"canonical", nullptr}, {"signed", nullptr},
             {"sig", nullptr},       {"signer", nullptr},    {"batch", nullptr},
             {"redacted", nullptr}};
      out << dump(j) << '\n';
      ++summary.missing_items;
    };
    while (next < size) {
      auto batch = tx.list_ledger_leaves(next, kExportPage);
      if (batch.empty()) break;
      for (const auto& leaf : batch) {
        for (; next < leaf.index; ++next) missing_line(next);
        next = leaf.index + 1;
        json j;
        j["type"] = "leaf";
        j["index"] = leaf.index;
        j["kind"] = leaf.kind;
        j["link"] = leaf.link;
        j["direction"] = std::string(store::to_string(leaf.direction));
        j["seq"] = leaf.seq;
        j["leaf_hash"] = leaf.leaf_hash;
        fill_item(tx, leaf, j, summary);
        out << dump(j) << '\n';
        ++summary.leaves;
      }
    }
    for (; next < size; ++next) missing_line(next);

    for (const auto& h : tx.list_tree_heads("")) {
      out << dump(head_line(h)) << '\n';
      ++summary.own_heads;
    }
    for (const auto& p : peers) {
      for (const auto& h : tx.list_tree_heads(p.link)) {
        out << dump(head_line(h)) << '\n';
        ++summary.peer_heads;
      }
    }
  });
  out.flush();
  return summary;
}

json prove_envelope(Node& node, const std::string& envelope_id, TimePoint now) {
  // The envelope's leaf: an inbound envelope's receipt (which we signed)
  // names it; otherwise the log is searched.
  auto locate = [&](store::Transaction& tx) -> std::pair<store::EnvelopeRecord, std::int64_t> {
    auto env = tx.find_envelope(envelope_id);
    if (!env)
      throw Error(ErrorCategory::invalid_input, "ledger_unknown_item",
                  "no envelope with id " + envelope_id + " is stored");
    std::optional<link::Envelope> parsed;
    switch (withheld(tx, *env, parsed)) {
      case Withheld::tlp_red:
        throw Error(ErrorCategory::conflict, "ledger_tlp_red",
                    "envelope " + envelope_id +
                        " belongs to a TLP:RED item; its content never leaves this node (TLP "
                        "2.0). An auditor can still check it is in the log from the export, "
                        "which carries its leaf hash");
      case Withheld::unreadable:
        throw Error(ErrorCategory::invalid_input, "ledger_head_invalid",
                    "envelope " + envelope_id +
                        " no longer parses as it was logged; run "
                        "`hotline ledger verify`");
      case Withheld::no:
        break;
    }
    auto is_it = [&](const store::LedgerLeafRecord& l) {
      return l.kind == "envelope" && l.link == env->link && l.direction == env->direction &&
             l.seq == env->seq;
    };
    if (auto r = tx.find_receipt(env->link, env->direction, env->seq);
        r && env->direction == Direction::inbound) {
      auto at = tx.list_ledger_leaves(r->ledger_index, 1);
      if (!at.empty() && at[0].index == r->ledger_index && is_it(at[0])) return {*env, at[0].index};
    }
    const std::int64_t size = tx.ledger_size();
    for (std::int64_t from = 0; from < size;) {
      auto batch = tx.list_ledger_leaves(from, kExportPage);
      if (batch.empty()) break;
      for (const auto& l : batch) {
        if (is_it(l)) return {*env, l.index};
      }
      from = batch.back().index + 1;
    }
    throw Error(ErrorCategory::invalid_input, "ledger_unknown_item",
                "envelope " + envelope_id +
                    " is stored but is not in the log; run `hotline "
                    "ledger verify`");
  };
  auto build = [&](store::Transaction& tx) -> std::optional<json> {
    auto [env, index] = locate(tx);
    std::optional<store::TreeHeadRecord> head;
    for (const auto& h : tx.list_tree_heads("")) {
      if (h.size > index) head = h;  // ascending by size: the last one is the newest
    }
    if (!head) return std::nullopt;
    TxTreeStorage storage(tx);
    ledger::MerkleTree tree(storage);
    auto n = static_cast<std::uint64_t>(head->size);
    if (head->size > static_cast<std::int64_t>(tree.size()) ||
        to_hex(tree.root_at(n)) != head->root) {
      throw Error(ErrorCategory::invalid_input, "ledger_head_invalid",
                  "our signed head of size " + std::to_string(head->size) + " (" + head->time +
                      ") does not match the stored log; run `hotline "
                      "ledger verify`");
    }
    auto idx = static_cast<std::uint64_t>(index);
    auto leaf = ledger::leaf_hash(env.canonical);
    if (tree.leaf_hash_at(idx) != leaf) {
      throw Error(ErrorCategory::invalid_input, "ledger_head_invalid",
                  "envelope " + envelope_id + " was changed after it was logged at leaf " +
                      std::to_string(index) + "; run `hotline ledger verify`");
    }
    json proof;
    proof["format"] = kProofFormat;
    proof["leaf_index"] = index;
    proof["kind"] = "envelope";
    proof["envelope_id"] = env.id;
    proof["canonical"] = env.canonical;
    proof["leaf_hash"] = to_hex(leaf);
    proof["tree_size"] = head->size;
    proof["root"] = head->root;
    proof["proof"] = json::array();
    for (const auto& d : tree.inclusion_proof(idx, n)) proof["proof"].push_back(to_hex(d));
    proof["head"] = head_json(to_signed_head(*head));
    return proof;
  };
  if (auto p = node.store->snapshot(build)) return *p;
  node.store->transact(
      [&](store::Transaction& tx) { ensure_head_covers(tx, node, tx.ledger_size(), now); });
  if (auto p = node.store->snapshot(build)) return *p;
  throw Error(ErrorCategory::invalid_input, "ledger_head_invalid",
              "no signed head covers envelope " + envelope_id);
}

namespace {

// The failure that ends a proof's check, or nothing when a step holds.
using Failure = std::optional<std::string>;

// The members every proof has, with their types.
Failure check_shape(const json& doc) {
  if (!doc.is_object()) return "the proof is not a JSON object";
  if (doc.contains("format") && doc["format"] != kProofFormat)
    return "unknown proof format " + doc["format"].dump();
  for (const char* m : {"leaf_index", "tree_size"}) {
    if (!doc.contains(m) || !doc[m].is_number_integer() || doc[m].get<std::int64_t>() < 0)
      return std::string("\"") + m + "\" is missing or not a non-negative integer";
  }
  for (const char* m : {"canonical", "leaf_hash", "root"}) {
    if (!doc.contains(m) || !doc[m].is_string())
      return std::string("\"") + m + "\" is missing or not a string";
  }
  if (!doc.contains("proof") || !doc["proof"].is_array())
    return "\"proof\" is missing or not an array";
  if (!doc.contains("head") || !doc["head"].is_object())
    return "\"head\" is missing or not an object";
  return std::nullopt;
}

// 1. The envelope is well-formed and signed by its sender.
Failure check_envelope(const json& doc, const std::string& canonical, ProofCheck& c) {
  link::Envelope e;
  try {
    e = link::parse_envelope(canonical);
    link::verify_signature(e, crypto::PublicKey::decode(e.from));
  } catch (const Error& err) {
    return std::string("the envelope is not validly signed by its sender: ") + err.what();
  }
  c.envelope_id = e.id;
  if (doc.contains("envelope_id") && doc["envelope_id"] != e.id)
    return "\"envelope_id\" does not name the envelope in \"canonical\"";
  c.passed.push_back("envelope " + e.id + " (seq " + std::to_string(e.seq) + " of link " + e.link +
                     ") is signed by its sender " + e.from);
  return std::nullopt;
}

// 3. The head: its signing input and signature, by the expected key if one
// is given, and the proof's size and root its own.
Failure check_head(const json& doc, const std::optional<crypto::PublicKey>& expected_key,
                   ProofCheck& c, ledger::SignedTreeHead& sth) {
  json head = doc["head"];
  std::optional<std::string> signed_text;
  if (head.contains("signed")) {
    if (!head["signed"].is_string()) return "\"head.signed\" is not a string";
    signed_text = head["signed"].get<std::string>();
    head.erase("signed");
  }
  try {
    ledger::from_json(head, sth);
  } catch (const Error& err) {
    return std::string("the head is malformed: ") + err.what();
  }
  if (signed_text && *signed_text != ledger::signing_input(sth.head))
    return "\"head.signed\" is not the head's signing input";
  crypto::PublicKey key;
  try {
    key = crypto::PublicKey::decode(sth.key);
  } catch (const Error& err) {
    return std::string("the head's key is unusable: ") + err.what();
  }
  c.signer = sth.key;
  c.signer_fingerprint = key.fingerprint();
  if (!ledger::verify_tree_head(sth, key))
    return "the head's signature does not verify with the key it names";
  if (expected_key && key != *expected_key)
    return "the head is signed by " + sth.key + ", not by the expected key " +
           expected_key->encoded();
  c.passed.push_back("tree head of size " + std::to_string(sth.head.size) + " signed at " +
                     sth.head.time + " by " + sth.key);
  if (static_cast<std::uint64_t>(c.tree_size) != sth.head.size ||
      doc["root"].get<std::string>() != to_hex(sth.head.root))
    return "\"tree_size\" and \"root\" are not those of the signed head";
  return std::nullopt;
}

// 4. The inclusion path from the leaf to the head's root.
Failure check_inclusion(const json& doc, const ledger::Digest& leaf,
                        const ledger::SignedTreeHead& sth, ProofCheck& c) {
  std::vector<ledger::Digest> path;
  for (const auto& h : doc["proof"]) {
    if (!h.is_string()) return "a proof hash is not a string";
    try {
      path.push_back(ledger::digest_from_hex(h.get<std::string>()));
    } catch (const Error&) {
      return "a proof hash is not 64 hex digits";
    }
  }
  if (!ledger::verify_inclusion(leaf, static_cast<std::uint64_t>(c.leaf_index), sth.head.size, path,
                                sth.head.root))
    return "the inclusion proof does not lead from leaf " + std::to_string(c.leaf_index) +
           " to the head's root";
  c.passed.push_back("leaf " + std::to_string(c.leaf_index) + " is included in the tree of " +
                     std::to_string(sth.head.size) + " leaves with root " + to_hex(sth.head.root));
  return std::nullopt;
}

Failure check_proof_steps(const json& doc, const std::optional<crypto::PublicKey>& expected_key,
                          ProofCheck& c) {
  if (auto f = check_shape(doc)) return f;
  c.leaf_index = doc["leaf_index"].get<std::int64_t>();
  c.tree_size = doc["tree_size"].get<std::int64_t>();
  const auto canonical = doc["canonical"].get<std::string>();
  if (auto f = check_envelope(doc, canonical, c)) return f;

  // 2. Its leaf hash.
  auto leaf = ledger::leaf_hash(canonical);
  if (to_hex(leaf) != doc["leaf_hash"].get<std::string>())
    return "\"leaf_hash\" is not SHA-256(0x00 || the envelope's bytes)";
  c.passed.push_back("leaf hash " + to_hex(leaf) + " = SHA-256(0x00 || envelope)");

  ledger::SignedTreeHead sth;
  if (auto f = check_head(doc, expected_key, c, sth)) return f;
  return check_inclusion(doc, leaf, sth, c);
}

}  // namespace

ProofCheck check_proof(const json& doc, const std::optional<crypto::PublicKey>& expected_key) {
  ProofCheck c;
  Failure failure;
  try {
    failure = check_proof_steps(doc, expected_key, c);
  } catch (const std::exception& ex) {
    failure = std::string("the proof is malformed: ") + ex.what();
  }
  c.ok = !failure;
  if (failure) c.failure = std::move(*failure);
  return c;
}

}  // namespace hotline::service
