#include "hotline/service/ledger_service.h"

#include <algorithm>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/ledger/proof_verify.h"
#include "hotline/link/outbound.h"
#include "hotline/service/link_support.h"

namespace hotline::service {
namespace {

using nlohmann::json;
using store::Direction;

constexpr std::size_t kMaxInclusionPerRequest = 1000;
constexpr std::size_t kMaxInclusionPerAudit = 500;

json hex_list(const std::vector<ledger::Digest>& v) {
  json out = json::array();
  for (const auto& d : v) out.push_back(to_hex(d));
  return out;
}

std::vector<ledger::Digest> digests_of(const json& arr) {
  if (!arr.is_array())
    throw Error(ErrorCategory::invalid_input, "ledger_bad_answer",
                "a proof is not an array of hashes");
  std::vector<ledger::Digest> out;
  for (const auto& h : arr) {
    if (!h.is_string())
      throw Error(ErrorCategory::invalid_input, "ledger_bad_answer",
                  "a proof hash is not a string");
    out.push_back(ledger::digest_from_hex(h.get<std::string>()));
  }
  return out;
}

std::string watermark_key(const std::string& link) {
  return "ledger_audit_seq:" + link;
}

}  // namespace

ledger::SignedTreeHead publish_tree_head(Node& node, TimePoint now) {
  return node.store->transact([&](store::Transaction& tx) {
    auto sth = make_tree_head(tx, node.identity, now);
    json body;
    ledger::to_json(body["head"], sth);
    for (const auto& p : tx.list_peers()) {
      link::OutboundDraft d;
      d.type = kTreeHead;
      d.body = body;
      link::append_outbound(tx, link_context(node, p), std::move(d), now);
    }
    return sth;
  });
}

json answer_proof_request(store::Store& store, const json& req) {
  if (!req.is_object() || !req.contains("size") || !req["size"].is_number_integer()) {
    throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                "a proof request needs an integer \"size\"");
  }
  auto size = req["size"].get<std::int64_t>();
  std::optional<std::int64_t> first;
  if (req.contains("first") && !req["first"].is_null()) {
    if (!req["first"].is_number_integer())
      throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                  "\"first\" must be an integer or null");
    first = req["first"].get<std::int64_t>();
  }
  std::vector<std::int64_t> indexes;
  if (req.contains("inclusion")) {
    if (!req["inclusion"].is_array() || req["inclusion"].size() > kMaxInclusionPerRequest) {
      throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                  "\"inclusion\" must be an array of at most 1000 leaf indexes");
    }
    for (const auto& i : req["inclusion"]) {
      if (!i.is_number_integer())
        throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                    "leaf indexes are integers");
      indexes.push_back(i.get<std::int64_t>());
    }
  }
  return store.snapshot([&](store::Transaction& tx) {
    bool signed_size = false;
    for (const auto& h : tx.list_tree_heads("")) signed_size = signed_size || h.size == size;
    if (!signed_size) {
      throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                  "size " + std::to_string(size) + " is not the size of one of our signed heads");
    }
    TxTreeStorage storage(tx);
    ledger::MerkleTree tree(storage);
    auto n = static_cast<std::uint64_t>(size);
    json out;
    out["size"] = size;
    out["root"] = to_hex(tree.root_at(n));
    out["consistency"] =
        first ? hex_list(tree.consistency_proof(static_cast<std::uint64_t>(*first), n))
              : json(nullptr);
    out["inclusion"] = json::array();
    for (auto i : indexes) {
      if (i < 0 || i >= size)
        throw Error(ErrorCategory::invalid_input, "ledger_bad_request",
                    "leaf index " + std::to_string(i) + " is outside the tree");
      auto idx = static_cast<std::uint64_t>(i);
      out["inclusion"].push_back({{"index", i},
                                  {"leaf_hash", to_hex(tree.leaf_hash_at(idx))},
                                  {"proof", hex_list(tree.inclusion_proof(idx, n))}});
    }
    return out;
  });
}

void apply_tree_head(store::Transaction& tx, const link::LinkContext& ctx, const json& body,
                     const std::string& received_at) {
  if (!body.contains("head"))
    throw Error(ErrorCategory::invalid_input, "tree_head_invalid", "ledger.head without \"head\"");
  ledger::SignedTreeHead sth;
  ledger::from_json(body["head"], sth);
  // Signed with the peer's newest key, or (during a rotation's overlap) the
  // one before.
  const auto history = ctx.peer_history();
  const link::KeyRecord* signer = history->find(sth.key);
  if (signer == nullptr || !ledger::verify_tree_head(sth, signer->key)) {
    throw Error(ErrorCategory::invalid_input, "tree_head_invalid",
                "the tree head's signature is not the peer's");
  }
  store::TreeHeadRecord rec{ctx.link,
                            static_cast<std::int64_t>(sth.head.size),
                            to_hex(sth.head.root),
                            sth.head.time,
                            sth.key,
                            sth.sig,
                            received_at,
                            "unchecked"};
  // Quick checks against what we hold: the peer's log only grows, and one
  // size has one root. Proof-based checks follow in the audit.
  std::optional<std::string> problem;
  const auto superseded = superseded_peer_heads(tx, ctx.link);
  for (const auto& h : tx.list_tree_heads(ctx.link)) {
    if (is_superseded(superseded, h)) continue;  // of a log the peer lost (note_peer_restored)
    if (h.size == rec.size && h.root == rec.root) return;  // already held
    if (h.size == rec.size)
      problem = "two different roots for tree size " + std::to_string(rec.size);
    if (h.size > rec.size)
      problem = "a head of size " + std::to_string(rec.size) + " after one of size " +
                std::to_string(h.size) + " (the log shrank)";
  }
  if (problem) rec.status = "inconsistent";
  tx.insert_tree_head(rec);
  if (problem) {
    record_event(tx, parse_timestamp(received_at), "ledger_inconsistent", ctx.link,
                 ctx.peer_name + "'s log is inconsistent: " + *problem);
  }
}

std::int64_t note_peer_restored(store::Transaction& tx, const link::LinkContext& ctx,
                                std::int64_t log_size, TimePoint now) {
  std::int64_t marked = 0;
  auto superseded = superseded_peer_heads(tx, ctx.link);
  for (const auto& h : tx.list_tree_heads(ctx.link)) {
    // Beyond the backup; and at its size one not yet checked, which may have
    // been signed after the backup (the restored node cannot prove it).
    const bool lost = h.size > log_size || (h.size == log_size && h.status != "ok");
    if (lost && superseded.emplace(h.size, h.root).second) ++marked;
  }
  put_superseded_peer_heads(tx, ctx.link, superseded);
  std::int64_t receipted = 0;
  for (auto seq = tx.last_seq(ctx.link, Direction::outbound); seq > 0; --seq) {
    if (tx.find_receipt(ctx.link, Direction::outbound, seq)) {
      receipted = seq;
      break;
    }
  }
  const auto watermark = std::stoll(tx.get_setting(watermark_key(ctx.link)).value_or("0"));
  if (receipted > watermark) tx.put_setting(watermark_key(ctx.link), std::to_string(receipted));
  record_event(tx, now, "peer_restored", ctx.link,
               ctx.peer_name + " was restored from a backup when its log held " +
                   std::to_string(log_size) + " leaves; " + std::to_string(marked) +
                   " of its tree heads beyond that size are kept as superseded");
  return marked;
}

std::optional<AuditPlan> plan_audit(store::Store& store, const std::string& link) {
  return store.snapshot([&](store::Transaction& tx) -> std::optional<AuditPlan> {
    auto heads = tx.list_tree_heads(link);
    const auto superseded = superseded_peer_heads(tx, link);
    AuditPlan plan;
    bool found = false;
    for (const auto& h : heads) {
      if (is_superseded(superseded, h)) continue;  // of a log the peer lost
      if (h.status == "ok") plan.previous = h;
      if (h.status == "unchecked") {
        plan.head = h;
        found = true;
        break;  // the oldest unchecked head first
      }
    }
    if (!found) return std::nullopt;
    if (plan.previous && plan.previous->size > plan.head.size) plan.previous.reset();
    auto from = std::stoll(tx.get_setting(watermark_key(link)).value_or("0"));
    for (std::int64_t seq = from + 1; plan.inclusion.size() < kMaxInclusionPerAudit; ++seq) {
      auto r = tx.find_receipt(link, Direction::outbound, seq);
      if (!r || r->ledger_index >= plan.head.size) break;
      plan.inclusion.emplace_back(seq, r->ledger_index);
    }
    return plan;
  });
}

json audit_request(const AuditPlan& plan) {
  json req;
  req["size"] = plan.head.size;
  bool consistency =
      plan.previous && plan.previous->size > 0 && plan.previous->size < plan.head.size;
  req["first"] = consistency ? json(plan.previous->size) : json(nullptr);
  req["inclusion"] = json::array();
  for (const auto& [seq, index] : plan.inclusion) req["inclusion"].push_back(index);
  return req;
}

std::vector<std::string> judge_audit(store::Store& store, const link::LinkContext& ctx,
                                     const AuditPlan& plan, const json& answer, TimePoint now) {
  std::vector<std::string> findings;
  const auto& head = plan.head;
  auto root = ledger::digest_from_hex(head.root);
  auto n = static_cast<std::uint64_t>(head.size);
  std::int64_t verified_seq = 0;
  try {
    if (!answer.is_object() || answer.value("size", std::int64_t{-1}) != head.size) {
      findings.push_back("the answer is not for tree size " + std::to_string(head.size));
    } else if (answer.value("root", std::string()) != head.root) {
      findings.push_back("the peer's tree at size " + std::to_string(head.size) +
                         " has another root than its signed head");
    }
    bool consistency = plan.previous && plan.previous->size > 0 && plan.previous->size < head.size;
    if (findings.empty() && consistency) {
      auto proof = digests_of(answer["consistency"]);
      if (!ledger::verify_consistency(static_cast<std::uint64_t>(plan.previous->size), n,
                                      ledger::digest_from_hex(plan.previous->root), root, proof)) {
        findings.push_back("head of size " + std::to_string(head.size) +
                           " is not consistent with the earlier head of size " +
                           std::to_string(plan.previous->size) + ": the peer rewrote its log");
      }
    }
    if (findings.empty()) {
      const auto& inc = answer["inclusion"];
      if (!inc.is_array() || inc.size() != plan.inclusion.size()) {
        findings.push_back("the answer does not hold one inclusion proof per envelope asked");
      } else {
        store.snapshot([&](store::Transaction& tx) {
          for (std::size_t i = 0; i < plan.inclusion.size(); ++i) {
            auto [seq, index] = plan.inclusion[i];
            auto env = tx.find_envelope_by_seq(ctx.link, Direction::outbound, seq);
            if (!env) break;
            auto expected = ledger::leaf_hash(env->canonical);
            auto proof = digests_of(inc[i]["proof"]);
            bool ok = inc[i].value("index", std::int64_t{-1}) == index &&
                      inc[i].value("leaf_hash", std::string()) == to_hex(expected) &&
                      ledger::verify_inclusion(expected, static_cast<std::uint64_t>(index), n,
                                               proof, root);
            if (!ok) {
              findings.push_back("our envelope seq " + std::to_string(seq) +
                                 " is not in the peer's log at index " + std::to_string(index) +
                                 " as its receipt promised");
              break;
            }
            verified_seq = seq;
          }
        });
      }
    }
  } catch (const Error& e) {
    findings.push_back(std::string("the peer's answer is malformed: ") + e.what());
  }

  store.transact([&](store::Transaction& tx) {
    if (findings.empty()) {
      tx.set_tree_head_status(ctx.link, head.size, "ok");
      if (verified_seq > 0) tx.put_setting(watermark_key(ctx.link), std::to_string(verified_seq));
    } else {
      tx.set_tree_head_status(ctx.link, head.size, "inconsistent");
      for (const auto& f : findings) {
        record_event(tx, now, "ledger_inconsistent", ctx.link, ctx.peer_name + ": " + f);
      }
    }
  });
  return findings;
}

}  // namespace hotline::service
