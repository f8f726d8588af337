// The node's own log as the use cases read it: the Merkle tree over a store
// transaction, and our signed tree heads. Shared support (docs/architecture.md,
// "Inside service/"): ledger_service publishes heads and answers proofs with
// it, ledger_export and ledger_verify read the tree.
#pragma once

#include <cstdint>
#include <optional>

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

// The newest of our own heads, if any.
std::optional<store::TreeHeadRecord> latest_own_head(store::Transaction& tx);

}  // namespace hotline::service
