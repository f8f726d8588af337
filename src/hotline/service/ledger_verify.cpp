#include "hotline/service/ledger_verify.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/ledger/memory_tree_storage.h"
#include "hotline/ledger/merkle.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/tree_head.h"
#include "hotline/link/chain_check.h"
#include "hotline/link/receipt.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/link_support.h"
#include "hotline/service/tree_heads.h"

namespace hotline::service {
namespace {

using store::Direction;

constexpr std::size_t kVerifyPage = 10000;
constexpr std::size_t kAllDeskMessages = 100'000'000;

std::string num(std::int64_t n) {
  return std::to_string(n);
}

// One item of the log: an envelope or a receipt, named as the leaf names it.
struct ItemKey {
  std::string kind;  // "envelope" or "receipt"
  std::string link;
  Direction direction = Direction::outbound;
  std::int64_t seq = 0;
  auto operator<=>(const ItemKey&) const = default;
};

std::string describe(const ItemKey& k) {
  std::string what = k.kind == "receipt" ? "the receipt of the " : "the ";
  return what + std::string(store::to_string(k.direction)) + " envelope seq " + num(k.seq) +
         " of link " + k.link;
}

std::optional<ledger::Digest> digest_of_hex(const std::string& hex) {
  try {
    return ledger::digest_from_hex(hex);
  } catch (const Error&) {
    return std::nullopt;
  }
}

class Findings {
 public:
  explicit Findings(LedgerReport& r) : report_(r) {}
  void add(const std::string& code, std::string message) {
    auto& n = counts_[code];
    if (n++ < kMaxFindingsPerCode) {
      report_.findings.push_back({code, std::move(message)});
    } else {
      ++report_.suppressed[code];
    }
  }

 private:
  LedgerReport& report_;
  std::map<std::string, std::size_t> counts_;
};

std::string head_name(const store::TreeHeadRecord& h, bool ours) {
  return std::string(ours ? "our" : "the peer's") + " tree head of size " + num(h.size) +
         " signed at " + h.time;
}

// Signature check of a stored head against `key`; false for any malformed
// field.
bool head_signature_valid(const store::TreeHeadRecord& h, const crypto::PublicKey& key) {
  auto root = digest_of_hex(h.root);
  if (!root || h.size < 0) return false;
  ledger::SignedTreeHead sth;
  sth.head = ledger::TreeHead{static_cast<std::uint64_t>(h.size), *root, h.time};
  sth.key = h.key;
  sth.sig = h.signature;
  return ledger::verify_tree_head(sth, key);
}

// Heads of one signer, ascending by size then time: one root per size, and
// a larger head is never signed before a smaller one.
void check_heads_agree(const std::vector<store::TreeHeadRecord>& heads, bool ours,
                       const std::string& code, Findings& f) {
  for (std::size_t i = 1; i < heads.size(); ++i) {
    const auto& a = heads[i - 1];
    const auto& b = heads[i];
    if (a.size == b.size && a.root != b.root) {
      f.add(code, head_name(a, ours) + " and " + head_name(b, ours) +
                      " give two different roots for the same size");
    } else if (a.size < b.size && b.time < a.time) {
      f.add(code, head_name(b, ours) + " was signed before the smaller " + head_name(a, ours) +
                      ": the log cannot have shrunk and grown back");
    }
  }
}

struct LeafInfo {
  std::int64_t index = 0;
  std::string hash;  // hex as stored
};

// One run of verify_ledger() over one snapshot: each step below reads what
// the earlier ones gathered (the leaves, the rebuilt tree, the peers) and
// adds its findings to the report. Lives on the caller's stack for the
// length of the call; `tx` and `report` must outlive it.
class LedgerVerifier {
 public:
  LedgerVerifier(store::Transaction& tx, const crypto::PublicKey& self, LedgerReport& report)
      : tx_(tx), self_(self), report_(report), f_(report), tree_(memory_) {}

  void run() {
    size_ = tx_.ledger_size();
    report_.log_size = size_;
    read_leaves();
    check_tree();
    read_peers();
    check_items();
    check_own_heads();
    check_peer_heads();
    check_audit_trail();
    report_.inconsistency_events = ledger_inconsistency_events(tx_);
  }

 private:
  // 1. The leaves, in index order: no gap, no item twice, each direction's
  //    items in seq order.
  void read_leaves() {
    hashes_.assign(static_cast<std::size_t>(size_), ledger::Digest{});
    matched_.assign(static_cast<std::size_t>(size_), false);
    next_leaf_ = 0;
    while (next_leaf_ < size_) {
      auto batch = tx_.list_ledger_leaves(next_leaf_, kVerifyPage);
      if (batch.empty()) break;
      for (const auto& leaf : batch) read_leaf(leaf);
    }
    report_missing_leaves(size_);
  }

  void read_leaf(const store::LedgerLeafRecord& leaf) {
    report_missing_leaves(leaf.index);
    next_leaf_ = leaf.index + 1;
    if (auto d = digest_of_hex(leaf.leaf_hash)) {
      hashes_[static_cast<std::size_t>(leaf.index)] = *d;
    } else {
      f_.add("leaf_hash_mismatch", "log leaf " + num(leaf.index) + " holds \"" + leaf.leaf_hash +
                                       "\", not a SHA-256 hash");
    }
    ItemKey key{leaf.kind, leaf.link, leaf.direction, leaf.seq};
    leaf_links_.insert(leaf.link);
    if (auto [it, fresh] = leaves_.emplace(key, LeafInfo{leaf.index, leaf.leaf_hash}); !fresh) {
      f_.add("leaf_duplicate", "log leaves " + num(it->second.index) + " and " + num(leaf.index) +
                                   " both hold " + describe(key));
    }
    ItemKey order_key{leaf.kind, leaf.link, leaf.direction, 0};
    auto last = last_in_order_.find(order_key);
    if (last != last_in_order_.end() && leaf.seq <= last->second) {
      f_.add("leaf_out_of_order", "log leaf " + num(leaf.index) + " holds " + describe(key) +
                                      " after seq " + num(last->second) +
                                      " of the same direction: the log is out of order");
    }
    last_in_order_[order_key] = std::max(leaf.seq, last == last_in_order_.end() ? 0 : last->second);
  }

  // Reports the leaves from the next expected one up to `upto` as missing.
  void report_missing_leaves(std::int64_t upto) {
    for (; next_leaf_ < upto; ++next_leaf_) {
      f_.add("leaf_missing", "log leaf " + num(next_leaf_) + " is missing (the log holds " +
                                 num(size_) + " leaves): a row of the log was deleted");
      // Its hash is gone with it (level 0 of the tree is the leaf row), so
      // the subtrees above it will not match either: reported below.
      matched_[static_cast<std::size_t>(next_leaf_)] = true;  // reported already
    }
  }

  // 2. Recompute the tree from the leaf hashes and compare every stored
  //    perfect-subtree hash, then look for nodes beyond the log. Level 0 is
  //    the leaf hashes read above; stored nodes start at level 1.
  void check_tree() {
    memory_.reserve(static_cast<std::uint64_t>(size_));
    tree_.append_leaf_hashes(hashes_);
    report_.root = to_hex(tree_.root());
    for (int level = 1; level <= ledger::kMaxLevel; ++level) {
      const std::int64_t count = size_ >> level;
      for (std::int64_t i = 0; i < count; ++i) check_node(level, i);
      if (tx_.ledger_node(level, count)) {
        f_.add("node_extra", "log node level " + std::to_string(level) + " index " + num(count) +
                                 " is stored but lies beyond the log's " + num(size_) +
                                 " leaves: leaves were removed from the end of the log");
      }
      if (count == 0) break;
    }
  }

  void check_node(int level, std::int64_t i) {
    auto stored = tx_.ledger_node(level, i);
    auto expected = to_hex(*memory_.get(level, static_cast<std::uint64_t>(i)));
    if (!stored) {
      f_.add("node_missing", "log node level " + std::to_string(level) + " index " + num(i) +
                                 " is missing from the stored tree");
    } else if (*stored != expected) {
      f_.add("node_mismatch", "log node level " + std::to_string(level) + " index " + num(i) +
                                  " is stored as " + *stored + " but the leaves give " + expected);
    }
  }

  // The configured peers, and every link named by a peer or by the log.
  void read_peers() {
    auto peers = tx_.list_peers();
    for (const auto& p : peers) peer_of_[p.link] = p;
    links_ = leaf_links_;
    for (const auto& p : peers) links_.insert(p.link);
    for (const auto& l : leaf_links_) {
      if (!peer_of_.count(l)) {
        f_.add("unknown_link",
               "the log holds items of link " + l + ", which is the link of no configured peer");
      }
    }
    report_.links = static_cast<std::int64_t>(peers.size());
  }

  // 3. Every stored envelope and receipt against its leaf, and the chains.
  void check_items() {
    for (const auto& link : links_) {
      for (Direction dir : {Direction::outbound, Direction::inbound}) check_envelopes(link, dir);
      if (auto p = peer_of_.find(link); p != peer_of_.end()) check_peer_link(p->second);
    }
    // Receipts whose leaf was not reached through their envelope (the
    // envelope row is gone): still check their bytes.
    for (const auto& [key, info] : leaves_) {
      if (key.kind != "receipt" || matched_[static_cast<std::size_t>(info.index)]) continue;
      if (auto rec = tx_.find_receipt(key.link, key.direction, key.seq)) {
        check_receipt(*rec, key, std::nullopt, nullptr);
      }
    }
    for (const auto& [key, info] : leaves_) {
      if (matched_[static_cast<std::size_t>(info.index)]) continue;
      f_.add("leaf_item_missing", "log leaf " + num(info.index) + " holds " + describe(key) +
                                      ", which is no longer in the store: it was deleted");
    }
    if (auto total = tx_.count_envelopes(); total != enumerated_) {
      f_.add("store_extra_envelopes", "the store holds " + num(total) + " envelopes, but only " +
                                          num(enumerated_) +
                                          " are on this node's links or in its log");
    }
  }

  // The envelopes of one direction of `link`, each with its receipt.
  void check_envelopes(const std::string& link, Direction dir) {
    std::int64_t after = 0;
    while (true) {
      auto batch = tx_.list_envelopes(link, dir, after, 1000);
      if (batch.empty()) break;
      for (const auto& env : batch) {
        after = env.seq;
        ++enumerated_;
        ++report_.envelopes;
        ItemKey ekey{"envelope", link, dir, env.seq};
        auto env_leaf = check_leaf(ekey, env.canonical, " (id " + env.id + ")");
        ItemKey rkey{"receipt", link, dir, env.seq};
        if (auto rec = tx_.find_receipt(link, dir, env.seq)) {
          check_receipt(*rec, rkey, env_leaf, &env);
        } else if (dir == Direction::outbound && env.received_at) {
          f_.add("received_at_mismatch",
                 describe(ekey) + " (id " + env.id + "): the envelopes table says received_at " +
                     *env.received_at + ", but the peer has not receipted it");
        }
      }
    }
  }

  // The stored item `key` against its leaf: returns the leaf's index, or
  // nothing when the item is not in the log.
  std::optional<std::int64_t> check_leaf(const ItemKey& key, const std::string& canonical,
                                         const std::string& extra) {
    auto it = leaves_.find(key);
    if (it == leaves_.end()) {
      f_.add("item_not_in_log", describe(key) + extra + " is stored but is not in the log");
      return std::nullopt;
    }
    matched_[static_cast<std::size_t>(it->second.index)] = true;
    auto actual = to_hex(ledger::leaf_hash(canonical));
    if (actual != it->second.hash) {
      f_.add("leaf_hash_mismatch", "log leaf " + num(it->second.index) + ": the stored bytes of " +
                                       describe(key) + extra + " hash to " + actual +
                                       ", the log recorded " + it->second.hash +
                                       ": the item was changed after it was logged");
    }
    return it->second.index;
  }

  // A stored receipt against its leaf, its own columns and its envelope's
  // row (`env` may be null when the envelope row is gone).
  void check_receipt(const store::ReceiptRecord& rec, const ItemKey& key,
                     std::optional<std::int64_t> envelope_leaf, const store::EnvelopeRecord* env) {
    ++report_.receipts;
    auto receipt_leaf = check_leaf(key, rec.canonical, "");
    if (receipt_leaf && envelope_leaf && *receipt_leaf < *envelope_leaf) {
      f_.add("leaf_out_of_order", "log leaf " + num(*receipt_leaf) + " holds " + describe(key) +
                                      " before its envelope at leaf " + num(*envelope_leaf));
    }
    link::Receipt r;
    try {
      r = link::parse_receipt(rec.canonical);
    } catch (const Error&) {
      return;  // the chain check names it
    }
    check_receipt_columns(rec, key, r);
    if (env) check_receipt_envelope(*env, key, envelope_leaf, r);
  }

  void check_receipt_columns(const store::ReceiptRecord& rec, const ItemKey& key,
                             const link::Receipt& r) {
    if (r.received_at != rec.received_at) {
      f_.add("received_at_mismatch", describe(key) + ": the receipts table says received_at " +
                                         rec.received_at + ", the signed receipt says " +
                                         r.received_at);
    }
    if (r.envelope != rec.envelope_digest) {
      f_.add("receipt_column_mismatch",
             describe(key) + ": the receipts table says envelope digest " + rec.envelope_digest +
                 ", the signed receipt says " + r.envelope);
    }
    if (r.index != rec.ledger_index) {
      f_.add("receipt_column_mismatch", describe(key) + ": the receipts table says log index " +
                                            num(rec.ledger_index) + ", the signed receipt says " +
                                            num(r.index));
    }
  }

  void check_receipt_envelope(const store::EnvelopeRecord& env, const ItemKey& key,
                              std::optional<std::int64_t> envelope_leaf, const link::Receipt& r) {
    const std::string envelope = describe(ItemKey{"envelope", key.link, key.direction, key.seq});
    if (env.direction == Direction::inbound) {
      if (env.received_at != r.received_at) {
        f_.add("received_at_mismatch", envelope + " (id " + env.id +
                                           "): the envelopes table says received_at " +
                                           env.received_at.value_or("(none)") +
                                           ", the receipt we signed says " + r.received_at);
      }
      if (envelope_leaf && r.index != *envelope_leaf) {
        f_.add("receipt_index_mismatch", envelope + " is at log leaf " + num(*envelope_leaf) +
                                             ", but the receipt we signed for it says leaf " +
                                             num(r.index));
      }
    } else if (env.received_at && *env.received_at != r.received_at) {
      f_.add("received_at_mismatch",
             envelope + " (id " + env.id + "): the envelopes table says received_at " +
                 *env.received_at + ", the peer's signed receipt says " + r.received_at);
    }
  }

  // The chains of both directions of a configured peer's link, and the
  // desk's copy of each inbound message against the receipt we signed.
  void check_peer_link(const store::PeerRecord& peer) {
    try {
      (void)crypto::PublicKey::decode(peer.public_key);
    } catch (const Error& e) {
      f_.add("chain", "peer " + peer.name + " has an unusable key: " + e.what());
      return;
    }
    // Each envelope and receipt against the key it names, in the signer's
    // key history (envelopes signed with an old key verify forever).
    const link::KeyHistory mine = self_key_history(tx_, self_);
    const link::KeyHistory theirs = peer_key_history(tx_, peer);
    for (Direction dir : {Direction::outbound, Direction::inbound}) {
      bool out = dir == Direction::outbound;
      auto chain = link::check_chain(tx_, peer.link, dir, out ? mine : theirs, out ? theirs : mine);
      for (auto& c : chain.findings) f_.add("chain", std::move(c));
    }
    for (const auto& m : tx_.list_desk_messages(peer.link, kAllDeskMessages)) {
      if (m.direction != Direction::inbound) continue;
      auto r = tx_.find_receipt(peer.link, Direction::inbound, m.seq);
      if (!r) continue;
      try {
        auto signed_at = link::parse_receipt(r->canonical).received_at;
        if (m.received_at != signed_at) {
          f_.add("received_at_mismatch",
                 "desk message " + m.envelope_id + " (inbound seq " + num(m.seq) + " of link " +
                     peer.link + ") says received_at " + m.received_at.value_or("(none)") +
                     ", the receipt we signed says " + signed_at);
        }
      } catch (const Error&) {
        // a receipt that does not parse is a chain finding already
      }
    }
  }

  // 4. Our own heads: signed by us, within the log, with the log's roots,
  //    and consistent with each other.
  void check_own_heads() {
    auto own = tx_.list_tree_heads("");
    report_.own_heads = static_cast<std::int64_t>(own.size());
    const std::string self_text = self_.encoded();
    const link::KeyHistory mine = self_key_history(tx_, self_);
    for (const auto& h : own) {
      const link::KeyRecord* signer = mine.find(h.key);
      if (signer == nullptr) {
        f_.add("head_wrong_key", head_name(h, true) + " names the key " + h.key +
                                     ", not this node's " + self_text +
                                     " nor one of its earlier keys");
      } else if (!head_signature_valid(h, signer->key)) {
        f_.add("head_bad_signature", head_name(h, true) +
                                         ": the signature does not verify with this node's key "
                                         "(the head was altered or replaced)");
      }
      if (h.size > size_) {
        f_.add("head_beyond_log", head_name(h, true) + " covers " + num(h.size) +
                                      " leaves, but the log holds only " + num(size_) +
                                      ": the log was truncated");
      } else if (h.size >= 0) {
        auto root = to_hex(tree_.root_at(static_cast<std::uint64_t>(h.size)));
        if (root != h.root) {
          f_.add("head_root_mismatch", head_name(h, true) + " has root " + h.root +
                                           ", but the log's first " + num(h.size) +
                                           " leaves have root " + root);
        }
      }
    }
    check_heads_agree(own, true, "heads_conflict", f_);
  }

  // 5. The peers' heads: signed by the peer, none found inconsistent.
  void check_peer_heads() {
    for (const auto& link : links_) {
      auto heads = tx_.list_tree_heads(link);
      if (heads.empty()) continue;
      report_.peer_heads += static_cast<std::int64_t>(heads.size());
      auto p = peer_of_.find(link);
      if (p == peer_of_.end()) {
        f_.add("peer_head_unknown_link", num(static_cast<std::int64_t>(heads.size())) +
                                             " tree heads are stored for link " + link +
                                             ", which is no configured peer's");
        continue;
      }
      check_heads_of(p->second, heads);
    }
  }

  void check_heads_of(const store::PeerRecord& peer,
                      const std::vector<store::TreeHeadRecord>& heads) {
    std::optional<crypto::PublicKey> key;
    try {
      key = crypto::PublicKey::decode(peer.public_key);
    } catch (const Error&) {
    }
    const link::KeyHistory theirs = peer_key_history(tx_, peer);
    for (const auto& h : heads) {
      std::string name = peer.name + "'s tree head of size " + num(h.size) + " signed at " + h.time;
      const link::KeyRecord* signer = theirs.find(h.key);
      if (signer == nullptr) {
        f_.add("peer_head_wrong_key", name + " names the key " + h.key + ", not " + peer.name +
                                          "'s pinned key " + peer.public_key +
                                          " nor one of its key history");
      } else if (!key || !head_signature_valid(h, signer->key)) {
        f_.add("peer_head_bad_signature", name + ": the signature does not verify with " +
                                              peer.name + "'s key (altered or replaced)");
      }
      if (h.status == "inconsistent") {
        f_.add("peer_head_inconsistent",
               name + " (received " + h.received_at.value_or("?") +
                   ") was found inconsistent with " + peer.name +
                   "'s earlier heads or with the receipts it signed; see the ledger_inconsistent "
                   "events");
      }
    }
    // Heads of a log the peer lost in a restore (ledger_service.h,
    // note_peer_restored) are kept but agree with nothing after them.
    const auto superseded = superseded_peer_heads(tx_, peer.link);
    std::vector<store::TreeHeadRecord> current;
    for (const auto& h : heads) {
      if (!is_superseded(superseded, h)) current.push_back(h);
    }
    check_heads_agree(current, false, "peer_heads_conflict", f_);
  }

  // 6. The audit trail's own chain.
  void check_audit_trail() {
    const AuditCheck audit_check = verify_audit_trail(tx_);
    report_.audit_entries = audit_check.entries;
    if (!audit_check.ok) f_.add("audit_trail", "audit trail: " + audit_check.problem);
  }

  store::Transaction& tx_;
  const crypto::PublicKey& self_;
  LedgerReport& report_;
  Findings f_;
  std::int64_t size_ = 0;

  // Gathered by read_leaves().
  std::vector<ledger::Digest> hashes_;
  std::vector<bool> matched_;  // leaf index -> its item was found (or reported)
  std::map<ItemKey, LeafInfo> leaves_;
  std::map<ItemKey, std::int64_t> last_in_order_;  // (kind, link, direction) -> last seq seen
  std::set<std::string> leaf_links_;
  std::int64_t next_leaf_ = 0;

  // Built by check_tree(): `tree_` writes into `memory_`, declared first.
  ledger::MemoryTreeStorage memory_;
  ledger::MerkleTree tree_;

  // Gathered by read_peers().
  std::map<std::string, store::PeerRecord> peer_of_;
  std::set<std::string> links_;
  std::int64_t enumerated_ = 0;  // envelopes reached through links_
};

}  // namespace

bool LedgerReport::has(const std::string& code) const {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const LedgerFinding& f) { return f.code == code; });
}

std::int64_t LedgerReport::total_findings() const {
  std::int64_t n = static_cast<std::int64_t>(findings.size());
  for (const auto& [code, count] : suppressed) n += count;
  return n;
}

std::vector<store::EventRecord> ledger_inconsistency_events(store::Transaction& tx) {
  std::vector<store::EventRecord> out;
  std::int64_t after = 0;
  while (true) {
    auto batch = tx.list_events(after, 1000);
    if (batch.empty()) break;
    for (auto& e : batch) {
      after = e.id;
      if (e.kind == "ledger_inconsistent") out.push_back(std::move(e));
    }
  }
  return out;
}

LedgerReport verify_ledger(store::Store& store, const crypto::PublicKey& self) {
  return store.snapshot([&](store::Transaction& tx) { return verify_ledger(tx, self); });
}

LedgerReport verify_ledger(store::Transaction& tx, const crypto::PublicKey& self) {
  LedgerReport report;
  LedgerVerifier(tx, self, report).run();
  return report;
}

LedgerStatus ledger_status(store::Store& store) {
  return store.snapshot([](store::Transaction& tx) {
    LedgerStatus s;
    TxTreeStorage storage(tx);
    ledger::MerkleTree tree(storage);
    s.log_size = static_cast<std::int64_t>(tree.size());
    s.root = to_hex(tree.root());
    auto own = tx.list_tree_heads("");
    s.own_heads = static_cast<std::int64_t>(own.size());
    if (!own.empty()) s.own_head = own.back();
    for (const auto& p : tx.list_peers()) {
      PeerLedgerStatus ps;
      ps.peer = p;
      const auto superseded = superseded_peer_heads(tx, p.link);
      for (const auto& h : tx.list_tree_heads(p.link)) {
        ++ps.heads;
        if (is_superseded(superseded, h)) {
          ++ps.superseded;
        } else if (h.status == "unchecked") {
          ++ps.unchecked;
        }
        if (h.status == "inconsistent") ++ps.inconsistent;
        if (!ps.latest || h.received_at.value_or("") >= ps.latest->received_at.value_or(""))
          ps.latest = h;
      }
      s.peers.push_back(std::move(ps));
    }
    s.inconsistency_events = ledger_inconsistency_events(tx);
    return s;
  });
}

namespace {

std::string verify_sentence(const LedgerReport& r) {
  if (r.ok()) {
    return "The ledger checks out: " + std::to_string(r.log_size) + " entries in the log (" +
           std::to_string(r.envelopes) + " envelopes, " + std::to_string(r.receipts) +
           " receipts), " + std::to_string(r.own_heads) + " of our signed heads and " +
           std::to_string(r.peer_heads) + " of the peers' agree with it.";
  }
  const auto n = r.total_findings();
  return std::to_string(n) + (n == 1 ? " problem" : " problems") +
         " found; the first: " + r.findings.front().message;
}

nlohmann::json verify_record_json(const LedgerVerifyRecord& v) {
  return {{"at", v.at},
          {"by", v.by},
          {"ok", v.ok},
          {"sentence", v.sentence},
          {"tree_size", v.tree_size},
          {"root", v.root},
          {"findings", v.findings}};
}

}  // namespace

std::pair<LedgerReport, LedgerVerifyRecord> record_ledger_verify(store::Store& store,
                                                                 const crypto::PublicKey& self,
                                                                 const std::string& by,
                                                                 TimePoint now,
                                                                 const AuditContext* audit_ctx) {
  LedgerReport report = verify_ledger(store, self);
  LedgerVerifyRecord v;
  v.at = format_timestamp(now);
  v.by = by;
  v.ok = report.ok();
  v.sentence = verify_sentence(report);
  v.tree_size = report.log_size;
  v.root = report.root;
  v.findings = report.total_findings();
  store.transact([&](store::Transaction& tx) {
    tx.put_setting(kLastVerifySetting, verify_record_json(v).dump());
    if (audit_ctx) {
      audit(tx, *audit_ctx, "ledger.verify", "",
            v.ok ? "ok" : std::to_string(v.findings) + " findings", now);
    }
  });
  return {std::move(report), std::move(v)};
}

std::optional<LedgerVerifyRecord> last_ledger_verify(store::Transaction& tx) {
  auto text = tx.get_setting(kLastVerifySetting);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    LedgerVerifyRecord v;
    v.at = j.at("at").get<std::string>();
    v.by = j.at("by").get<std::string>();
    v.ok = j.at("ok").get<bool>();
    v.sentence = j.at("sentence").get<std::string>();
    v.tree_size = j.at("tree_size").get<std::int64_t>();
    v.root = j.at("root").get<std::string>();
    v.findings = j.at("findings").get<std::int64_t>();
    return v;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::vector<TreeHeadView> recent_tree_heads(store::Store& store, const crypto::PublicKey& self,
                                            std::size_t limit) {
  return store.snapshot([&](store::Transaction& tx) {
    std::vector<TreeHeadView> out;
    // Each head against the key it names, in its signer's key history.
    auto valid_in = [](const link::KeyHistory& h, const store::TreeHeadRecord& head) {
      const link::KeyRecord* signer = h.find(head.key);
      return signer != nullptr && head_signature_valid(head, signer->key);
    };
    const link::KeyHistory mine = self_key_history(tx, self);
    for (auto& h : tx.list_tree_heads("")) {
      const bool valid = valid_in(mine, h);
      out.push_back(TreeHeadView{"", std::move(h), valid});
    }
    for (const auto& p : tx.list_peers()) {
      const link::KeyHistory theirs = peer_key_history(tx, p);
      for (auto& h : tx.list_tree_heads(p.link)) {
        const bool valid = valid_in(theirs, h);
        out.push_back(TreeHeadView{p.name, std::move(h), valid});
      }
    }
    std::sort(out.begin(), out.end(), [](const TreeHeadView& a, const TreeHeadView& b) {
      return std::tie(a.head.time, a.head.size) > std::tie(b.head.time, b.head.size);
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  });
}

}  // namespace hotline::service
