// The node's own log as the use cases read it: the Merkle tree over a store
// transaction, and our signed tree heads. Shared support (docs/architecture.md,
// "Inside service/"): ledger_service publishes heads and answers proofs with
// it, ledger_export and ledger_verify read the tree.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "hotline/common/time.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/tree_head.h"
#include "hotline/ledger/tree_storage.h"
#include "hotline/store/store.h"

namespace hotline::service {

// ledger::TreeStorage over a store transaction: proofs and roots read the
// stored perfect-subtree hashes. Read-only: leaves are appended by the store.
class TxTreeStorage final : public ledger::TreeStorage {
 public:
  explicit TxTreeStorage(store::Transaction& tx) : tx_(tx) {}
  std::uint64_t size() override;
  std::optional<ledger::Digest> get(int level, std::uint64_t index) override;
  void put(int level, std::uint64_t index, const ledger::Digest& hash) override;

 private:
  store::Transaction& tx_;
};

// Signs a head of the log as it stands in `tx` and stores it.
ledger::SignedTreeHead make_tree_head(store::Transaction& tx, const crypto::KeyPair& key,
                                      TimePoint now);

// Heads of a peer's log that the peer lost when it was restored from a
// backup (ledger_service.h, note_peer_restored), as (size, root hex): kept
// in the store with their status, but no longer audited, and compared with
// no other head. Kept in the setting kSupersededHeadsPrefix + link (a JSON
// array of {"size","root"}).
inline constexpr const char* kSupersededHeadsPrefix = "ledger.superseded:";
using SupersededHeads = std::set<std::pair<std::int64_t, std::string>>;
SupersededHeads superseded_peer_heads(store::Transaction& tx, const std::string& link);
void put_superseded_peer_heads(store::Transaction& tx, const std::string& link,
                               const SupersededHeads& heads);
inline bool is_superseded(const SupersededHeads& s, const store::TreeHeadRecord& h) {
  return s.count({h.size, h.root}) > 0;
}

// The newest of our own heads, if any.
std::optional<store::TreeHeadRecord> latest_own_head(store::Transaction& tx);

}  // namespace hotline::service
