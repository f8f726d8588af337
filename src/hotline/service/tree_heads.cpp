#include "hotline/service/tree_heads.h"

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

#include <nlohmann/json.hpp>

namespace hotline::service {

std::uint64_t TxTreeStorage::size() {
  return static_cast<std::uint64_t>(tx_.ledger_size());
}

std::optional<ledger::Digest> TxTreeStorage::get(int level, std::uint64_t index) {
  auto hex = tx_.ledger_node(level, static_cast<std::int64_t>(index));
  if (!hex) return std::nullopt;
  return ledger::digest_from_hex(*hex);
}

void TxTreeStorage::put(int, std::uint64_t, const ledger::Digest&) {
  throw Error(ErrorCategory::invalid_input, "ledger_read_only",
              "the log is appended by the store, not through TxTreeStorage");
}

std::optional<store::TreeHeadRecord> latest_own_head(store::Transaction& tx) {
  auto heads = tx.list_tree_heads("");
  if (heads.empty()) return std::nullopt;
  return heads.back();
}

ledger::SignedTreeHead make_tree_head(store::Transaction& tx, const crypto::KeyPair& key,
                                      TimePoint now) {
  TxTreeStorage storage(tx);
  ledger::MerkleTree tree(storage);
  ledger::TreeHead head{tree.size(), tree.root(), format_timestamp(now)};
  auto sth = ledger::sign_tree_head(head, key);
  std::string root = to_hex(head.root);
  auto last = latest_own_head(tx);
  if (last && last->size == static_cast<std::int64_t>(head.size) && last->root == root) {
    // Nothing new since the last head: hand that one out again.
    ledger::SignedTreeHead again;
    again.head = ledger::TreeHead{head.size, head.root, last->time};
    again.key = last->key;
    again.sig = last->signature;
    return again;
  }
  tx.insert_tree_head(store::TreeHeadRecord{"", static_cast<std::int64_t>(head.size), root,
                                            head.time, sth.key, sth.sig, std::nullopt, "ok"});
  return sth;
}

SupersededHeads superseded_peer_heads(store::Transaction& tx, const std::string& link) {
  SupersededHeads out;
  auto text = tx.get_setting(kSupersededHeadsPrefix + link);
  if (!text) return out;
  try {
    for (const auto& h : nlohmann::json::parse(*text)) {
      out.emplace(h.at("size").get<std::int64_t>(), h.at("root").get<std::string>());
    }
  } catch (const std::exception&) {
    throw Error(ErrorCategory::internal, "store_invalid",
                "the setting " + std::string(kSupersededHeadsPrefix) + link +
                    " is not a JSON array of {\"size\", \"root\"}");
  }
  return out;
}

void put_superseded_peer_heads(store::Transaction& tx, const std::string& link,
                               const SupersededHeads& heads) {
  auto arr = nlohmann::json::array();
  for (const auto& [size, root] : heads) arr.push_back({{"size", size}, {"root", root}});
  tx.put_setting(kSupersededHeadsPrefix + link, arr.dump());
}

}  // namespace hotline::service
