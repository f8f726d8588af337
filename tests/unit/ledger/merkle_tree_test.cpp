// MerkleTree, CompactRange and MemoryTreeStorage against the naive RFC 9162
// definitions (ledger_test_util.h), plus tampering, bad requests, storage
// failures and the cost of proofs in storage reads.

#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hotline/ledger/compact_range.h"
#include "hotline/ledger/memory_tree_storage.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/proof_verify.h"
#include "ledger_test_util.h"

namespace hotline::ledger {
namespace merkle_tree_test {

using namespace testing;

std::string leaf_data(std::uint64_t i) {
  return "leaf #" + std::to_string(i) + std::string(i % 7, 'x');
}

// Distinct leaf hashes without hashing leaf data (for big trees).
Digest cheap_leaf(std::uint64_t i) {
  Digest d{};
  for (int b = 0; b < 8; ++b)
    d[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (8 * b));
  d[31] = 0x5a;
  return d;
}

// Grows one tree leaf by leaf to 300 and, at every size, checks the root,
// every inclusion proof and a sample of consistency proofs against the
// naive definitions; then checks every historical root and proof.
TEST(MerkleTree, MatchesNaiveDefinitionsUpTo300Leaves) {
  constexpr std::uint64_t kMax = 300;
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  std::vector<Digest> leaves;
  std::vector<Digest> roots{empty_root()};  // naive MTH of the first k leaves
  std::mt19937_64 rng(42);
  for (std::uint64_t n = 1; n <= kMax; ++n) {
    EXPECT_EQ(tree.append(leaf_data(n - 1)), n - 1);
    leaves.push_back(leaf_hash(leaf_data(n - 1)));
    roots.push_back(naive_mth(leaves, 0, n));
    ASSERT_EQ(tree.size(), n);
    ASSERT_EQ(tree.root(), roots[n]) << "size " << n;
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::vector<Digest> proof = tree.inclusion_proof(i, n);
      ASSERT_TRUE(verify_inclusion(leaves[i], i, n, proof, roots[n])) << i << " of " << n;
      if (n <= 64 || i % 17 == 0) {
        ASSERT_EQ(proof, naive_path(leaves, i, 0, n)) << i << " of " << n;
      }
    }
    for (int s = 0; s < 4; ++s) {
      const std::uint64_t m = 1 + rng() % n;
      const std::vector<Digest> proof = tree.consistency_proof(m, n);
      ASSERT_EQ(proof, naive_consistency(leaves, m, n)) << m << " -> " << n;
      ASSERT_TRUE(verify_consistency(m, n, roots[m], roots[n], proof)) << m << " -> " << n;
    }
  }
  // Historical roots and proofs, served from stored nodes.
  for (std::uint64_t k = 0; k <= kMax; ++k) ASSERT_EQ(tree.root_at(k), roots[k]) << k;
  for (std::uint64_t k = 1; k <= kMax; ++k) {
    for (std::uint64_t i = 0; i < k; ++i) {
      ASSERT_TRUE(verify_inclusion(leaves[i], i, k, tree.inclusion_proof(i, k), roots[k]))
          << i << " of " << k;
    }
    for (std::uint64_t m = 1; m <= k; m += 1 + k / 10) {
      ASSERT_TRUE(verify_consistency(m, k, roots[m], roots[k], tree.consistency_proof(m, k)))
          << m << " -> " << k;
    }
  }
}

TEST(MerkleTree, StoresExactlyThePerfectSubtrees) {
  constexpr std::uint64_t kN = 300;
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  std::vector<Digest> leaves;
  for (std::uint64_t i = 0; i < kN; ++i) {
    tree.append(leaf_data(i));
    leaves.push_back(leaf_hash(leaf_data(i)));
  }
  EXPECT_EQ(storage.size(), kN);
  for (int l = 0; l <= 9; ++l) {
    const std::uint64_t width = std::uint64_t{1} << l;
    for (std::uint64_t i = 0; i <= kN / width; ++i) {
      const std::optional<Digest> got = storage.get(l, i);
      if ((i + 1) * width <= kN) {
        ASSERT_TRUE(got.has_value()) << "(" << l << ", " << i << ")";
        EXPECT_EQ(*got, naive_mth(leaves, i * width, (i + 1) * width))
            << "(" << l << ", " << i << ")";
      } else {
        EXPECT_FALSE(got.has_value()) << "(" << l << ", " << i << ")";
      }
    }
  }
}

TEST(MerkleTree, BatchesEqualSingleAppends) {
  MemoryTreeStorage s1, s2, s3;
  MerkleTree one(s1), batch(s2), hashes(s3);
  std::vector<std::string> data;
  std::vector<std::string_view> views;
  std::vector<Digest> leaf_hashes;
  for (std::uint64_t i = 0; i < 1000; ++i) data.push_back(leaf_data(i));
  for (const std::string& d : data) {
    views.push_back(d);
    leaf_hashes.push_back(leaf_hash(d));
    one.append(d);
  }
  EXPECT_EQ(batch.append_batch(std::span<const std::string>(data).first(333)), 0u);
  EXPECT_EQ(batch.append_batch(std::span<const std::string_view>(views).subspan(333, 0)), 333u);
  EXPECT_EQ(batch.append_batch(std::span<const std::string_view>(views).subspan(333)), 333u);
  EXPECT_EQ(hashes.append_leaf_hashes(std::span<const Digest>(leaf_hashes).first(500)), 0u);
  EXPECT_EQ(hashes.append_leaf_hash(leaf_hashes[500]), 500u);
  EXPECT_EQ(hashes.append_leaf_hashes(std::span<const Digest>(leaf_hashes).subspan(501)), 501u);
  EXPECT_EQ(batch.size(), 1000u);
  EXPECT_EQ(batch.root(), one.root());
  EXPECT_EQ(hashes.root(), one.root());
  EXPECT_EQ(batch.inclusion_proof(123, 777), one.inclusion_proof(123, 777));
  EXPECT_EQ(batch.consistency_proof(100, 1000), one.consistency_proof(100, 1000));
  EXPECT_EQ(hashes.consistency_proof(1, 999), one.consistency_proof(1, 999));
  EXPECT_EQ(batch.leaf_hash_at(999), leaf_hash(data[999]));
}

TEST(MerkleTree, ReopenedTreeContinuesWhereItStopped) {
  MemoryTreeStorage storage;
  Digest root;
  {
    MerkleTree tree(storage);
    for (std::uint64_t i = 0; i < 77; ++i) tree.append(leaf_data(i));
    root = tree.root();
  }
  MerkleTree reopened(storage);
  EXPECT_EQ(reopened.size(), 77u);
  EXPECT_EQ(reopened.root(), root);
  for (std::uint64_t i = 77; i < 100; ++i) reopened.append(leaf_data(i));

  MemoryTreeStorage fresh_storage;
  MerkleTree fresh(fresh_storage);
  for (std::uint64_t i = 0; i < 100; ++i) fresh.append(leaf_data(i));
  EXPECT_EQ(reopened.root(), fresh.root());
  EXPECT_EQ(reopened.root_at(77), root);
}

TEST(MerkleTree, TamperedProofsRootsLeavesAndIndicesFail) {
  constexpr std::uint64_t kN = 100;
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  std::vector<Digest> leaves;
  for (std::uint64_t i = 0; i < kN; ++i) {
    tree.append(leaf_data(i));
    leaves.push_back(leaf_hash(leaf_data(i)));
  }
  std::mt19937_64 rng(7);
  int checks = 0;
  for (std::uint64_t n = 1; n <= kN; n += 3) {
    const Digest root = tree.root_at(n);
    for (std::uint64_t i = 0; i < n; i += 1 + n / 8) {
      const std::vector<Digest> proof = tree.inclusion_proof(i, n);
      ASSERT_TRUE(verify_inclusion(leaves[i], i, n, proof, root));
      const int bit = static_cast<int>(rng() % 256);
      EXPECT_FALSE(verify_inclusion(flip_bit(leaves[i], bit), i, n, proof, root));
      EXPECT_FALSE(verify_inclusion(leaves[i], i, n, proof, flip_bit(root, bit)));
      for (std::size_t k = 0; k < proof.size(); ++k) {
        std::vector<Digest> bad = proof;
        bad[k] = flip_bit(bad[k], bit);
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n, bad, root)) << i << " of " << n;
      }
      for (std::uint64_t j = 0; j < n; ++j) {
        if (j != i) {
          EXPECT_FALSE(verify_inclusion(leaves[i], j, n, proof, root)) << i << "->" << j;
        }
      }
      // The tree size is bound by the root, not by the proof: a proof for
      // one size can have the same shape as for another, but it never
      // leads to the other size's root.
      if (n < kN) {
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n + 1, proof, tree.root_at(n + 1)));
      }
      if (n > i + 1) {
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n - 1, proof, tree.root_at(n - 1)));
      }
      std::vector<Digest> longer = proof;
      longer.push_back(leaves[i]);
      EXPECT_FALSE(verify_inclusion(leaves[i], i, n, longer, root));
      if (!proof.empty()) {
        std::vector<Digest> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n, shorter, root));
      }
      ++checks;
    }
    for (std::uint64_t m = 1; m < n; m += 1 + n / 6) {
      const Digest root1 = tree.root_at(m);
      const std::vector<Digest> proof = tree.consistency_proof(m, n);
      ASSERT_TRUE(verify_consistency(m, n, root1, root, proof));
      const int bit = static_cast<int>(rng() % 256);
      EXPECT_FALSE(verify_consistency(m, n, flip_bit(root1, bit), root, proof));
      EXPECT_FALSE(verify_consistency(m, n, root1, flip_bit(root, bit), proof));
      for (std::size_t k = 0; k < proof.size(); ++k) {
        std::vector<Digest> bad = proof;
        bad[k] = flip_bit(bad[k], bit);
        EXPECT_FALSE(verify_consistency(m, n, root1, root, bad)) << m << " -> " << n;
      }
      EXPECT_FALSE(verify_consistency(m + 1, n, root1, root, proof));
      if (m > 1) {
        EXPECT_FALSE(verify_consistency(m - 1, n, root1, root, proof));
      }
      if (n < kN) {
        EXPECT_FALSE(verify_consistency(m, n + 1, root1, tree.root_at(n + 1), proof));
      }
      EXPECT_FALSE(verify_consistency(m, n, root, root1, proof));
      std::vector<Digest> shorter(proof.begin(), proof.end() - 1);
      EXPECT_FALSE(verify_consistency(m, n, root1, root, shorter));
      ++checks;
    }
  }
  EXPECT_GT(checks, 300);
}

TEST(MerkleTree, BadRequestsThrow) {
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  for (std::uint64_t i = 0; i < 10; ++i) tree.append(leaf_data(i));
  auto code = [](auto f) { return error_code_of(f); };
  EXPECT_EQ(code([&] { (void)tree.inclusion_proof(10, 10); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.inclusion_proof(5, 5); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.inclusion_proof(0, 11); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.inclusion_proof(0, 0); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.consistency_proof(0, 5); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.consistency_proof(0, 0); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.consistency_proof(6, 5); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.consistency_proof(5, 11); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.root_at(11); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.leaf_hash_at(10); }), "ledger_bad_request");
  EXPECT_EQ(code([&] { (void)tree.consistency_proof(10, 10); }), "<no error>");
  EXPECT_TRUE(tree.consistency_proof(4, 4).empty());
  try {
    (void)tree.inclusion_proof(12, 10);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("10 leaves"), std::string::npos) << e.what();
  }
}

TEST(ProofVerify, PolicyEdgeCases) {
  const Digest a = leaf_hash("a");
  const Digest b = leaf_hash("b");
  EXPECT_FALSE(verify_consistency(0, 0, a, a, {}));
  EXPECT_FALSE(verify_consistency(0, 1, empty_root(), a, {}));
  EXPECT_TRUE(verify_consistency(1, 1, a, a, {}));
  EXPECT_FALSE(verify_consistency(1, 1, a, b, {}));
  const Digest one[] = {a};
  EXPECT_FALSE(verify_consistency(1, 1, a, a, one));
  EXPECT_FALSE(verify_consistency(2, 1, a, a, {}));
  EXPECT_TRUE(verify_consistency(1, 2, a, node_hash(a, b), std::vector<Digest>{b}));
  EXPECT_FALSE(verify_consistency(1, 2, a, node_hash(a, b), {}));
  EXPECT_TRUE(verify_inclusion(a, 0, 1, {}, a));
  EXPECT_FALSE(verify_inclusion(a, 1, 1, {}, a));
  EXPECT_FALSE(verify_inclusion(a, 0, 0, {}, a));
  EXPECT_EQ(root_from_inclusion(b, 1, 2, one), std::optional<Digest>(node_hash(a, b)));
  EXPECT_EQ(root_from_inclusion(b, 1, 3, one), std::nullopt);  // too short
}

TEST(CompactRange, NodeIdsAndFind) {
  const std::vector<NodeId> ids = CompactRange::node_ids(13);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], (NodeId{3, 0}));
  EXPECT_EQ(ids[1], (NodeId{2, 2}));
  EXPECT_EQ(ids[2], (NodeId{0, 12}));
  EXPECT_TRUE(CompactRange::node_ids(0).empty());

  CompactRange range;
  std::vector<StoredNode> completed;
  for (std::uint64_t i = 0; i < 13; ++i) range.append(leaf_hash(leaf_data(i)), &completed);
  EXPECT_EQ(completed.size(), 13u + 6u + 3u + 1u);  // leaves, then levels 1..3
  ASSERT_EQ(range.hashes().size(), 3u);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const Digest* d = range.find(ids[k]);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(*d, range.hashes()[k]);
  }
  EXPECT_EQ(range.find({2, 1}), nullptr);
  EXPECT_EQ(range.find({1, 5}), nullptr);
  EXPECT_EQ(range.find({63, 0}), nullptr);

  CompactRange copy(13, std::vector<Digest>(range.hashes().begin(), range.hashes().end()));
  EXPECT_EQ(copy, range);
  EXPECT_EQ(copy.root(), range.root());
  EXPECT_EQ(error_code_of([&] { CompactRange(13, {}); }), "ledger_bad_request");
}

TEST(MemoryTreeStorage, RefusesConflictsAndGapsAtomically) {
  MemoryTreeStorage s;
  const Digest a = leaf_hash("a");
  const Digest b = leaf_hash("b");
  s.put(0, 0, a);
  EXPECT_NO_THROW(s.put(0, 0, a));  // same hash again: no-op
  EXPECT_EQ(error_code_of([&] { s.put(0, 0, b); }), "ledger_storage_conflict");
  EXPECT_EQ(error_code_of([&] { s.put(0, 2, b); }), "ledger_storage_gap");
  EXPECT_EQ(error_code_of([&] { s.put(-1, 0, b); }), "ledger_storage_gap");
  EXPECT_EQ(error_code_of([&] { s.put(64, 0, b); }), "ledger_storage_gap");
  const StoredNode batch[] = {{{0, 1}, b}, {{1, 0}, node_hash(a, b)}, {{0, 3}, a}};
  EXPECT_EQ(error_code_of([&] { s.put_many(batch); }), "ledger_storage_gap");
  EXPECT_EQ(s.size(), 1u);  // nothing of the refused batch was written
  EXPECT_FALSE(s.get(1, 0).has_value());
  EXPECT_NO_THROW(s.put_many(std::span<const StoredNode>(batch, 2)));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.get(1, 0), std::optional<Digest>(node_hash(a, b)));
}

// A storage that refuses writes, or forgets a node.
class FaultyStorage final : public TreeStorage {
 public:
  explicit FaultyStorage(TreeStorage& inner) : inner_(inner) {}
  std::uint64_t size() override { return inner_.size(); }
  std::optional<Digest> get(int level, std::uint64_t index) override {
    if (level == hidden.level && index == hidden.index) return std::nullopt;
    return inner_.get(level, index);
  }
  void put(int level, std::uint64_t index, const Digest& hash) override {
    inner_.put(level, index, hash);
  }
  void put_many(std::span<const StoredNode> nodes) override {
    if (fail_writes) throw Error(ErrorCategory::internal, "store_io", "disk full");
    inner_.put_many(nodes);
  }
  bool fail_writes = false;
  NodeId hidden{-1, 0};

 private:
  TreeStorage& inner_;
};

TEST(MerkleTree, FailedWriteLeavesTreeUnchanged) {
  MemoryTreeStorage memory;
  FaultyStorage storage(memory);
  MerkleTree tree(storage);
  for (std::uint64_t i = 0; i < 7; ++i) tree.append(leaf_data(i));
  const Digest root = tree.root();
  storage.fail_writes = true;
  EXPECT_EQ(error_code_of([&] { tree.append(leaf_data(7)); }), "store_io");
  const std::vector<std::string> more = {leaf_data(7), leaf_data(8)};
  EXPECT_EQ(error_code_of([&] { tree.append_batch(more); }), "store_io");
  EXPECT_EQ(tree.size(), 7u);
  EXPECT_EQ(tree.root(), root);
  storage.fail_writes = false;
  EXPECT_EQ(tree.append(leaf_data(7)), 7u);
  EXPECT_EQ(memory.size(), 8u);
}

TEST(MerkleTree, MissingStoredNodeIsReportedNotRecomputed) {
  MemoryTreeStorage memory;
  FaultyStorage storage(memory);
  MerkleTree tree(storage);
  for (std::uint64_t i = 0; i < 16; ++i) tree.append(leaf_data(i));
  storage.hidden = {1, 2};  // leaves 4 and 5
  EXPECT_EQ(error_code_of([&] { (void)tree.inclusion_proof(6, 15); }), "ledger_storage_corrupt");
  EXPECT_EQ(error_code_of([&] { (void)tree.root_at(6); }), "ledger_storage_corrupt");
  EXPECT_EQ(error_code_of([&] { (void)tree.consistency_proof(6, 15); }), "ledger_storage_corrupt");
  EXPECT_NO_THROW((void)tree.inclusion_proof(0, 15));  // does not need that node
  storage.hidden = {4, 0};                             // the right edge of 16 leaves
  EXPECT_EQ(error_code_of([&] { MerkleTree reopened(storage); }), "ledger_storage_corrupt");
  EXPECT_NO_THROW((void)tree.root());  // the current root needs no reads
}

// Proofs come from stored nodes: at a million leaves, each proof or
// historical root reads at most 2 nodes per level (plus 2), however large
// the tree, and never a leaf it does not need.
TEST(MerkleTree, ProofsAtAMillionLeavesReadLogarithmicallyManyNodes) {
  constexpr std::uint64_t kN = 1'000'000;
  MemoryTreeStorage memory;
  memory.reserve(kN);
  CountingStorage storage(memory);
  MerkleTree tree(storage);
  std::vector<Digest> batch;
  for (std::uint64_t i = 0; i < kN; ++i) {
    batch.push_back(cheap_leaf(i));
    if (batch.size() == 4096 || i + 1 == kN) {
      tree.append_leaf_hashes(batch);
      batch.clear();
    }
  }
  ASSERT_EQ(tree.size(), kN);
  EXPECT_EQ(storage.gets, 0u);  // appending reads nothing

  std::mt19937_64 rng(1);
  const std::vector<std::uint64_t> sizes = {kN,      kN - 1,  999'983,        524'289,
                                            524'288, 777'777, 1 + rng() % kN, 1 + rng() % kN};
  for (std::uint64_t n : sizes) {
    const auto bound = static_cast<std::uint64_t>(2 * std::ceil(std::log2(double(n))) + 2);
    storage.gets = 0;
    const Digest root = tree.root_at(n);
    EXPECT_LE(storage.gets, static_cast<std::uint64_t>(std::popcount(n)));
    for (int t = 0; t < 20; ++t) {
      const std::uint64_t index = t == 0 ? n - 1 : rng() % n;
      storage.gets = 0;
      const std::vector<Digest> proof = tree.inclusion_proof(index, n);
      EXPECT_LE(storage.gets, bound) << "leaf " << index << " of " << n;
      EXPECT_TRUE(verify_inclusion(cheap_leaf(index), index, n, proof, root));

      const std::uint64_t m = t == 0 ? 1 : 1 + rng() % n;
      const Digest root1 = tree.root_at(m);
      storage.gets = 0;
      const std::vector<Digest> cproof = tree.consistency_proof(m, n);
      EXPECT_LE(storage.gets, bound) << m << " -> " << n;
      EXPECT_TRUE(verify_consistency(m, n, root1, root, cproof)) << m << " -> " << n;
    }
  }
  // The current root agrees with hashing all leaves from scratch.
  std::vector<Digest> all;
  all.reserve(kN);
  for (std::uint64_t i = 0; i < kN; ++i) all.push_back(cheap_leaf(i));
  EXPECT_EQ(tree.root(), naive_mth(all, 0, kN));
}

}  // namespace merkle_tree_test
}  // namespace hotline::ledger
