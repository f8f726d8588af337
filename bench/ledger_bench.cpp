// Benchmarks of the ledger part: appending leaves (the work of every
// envelope and receipt a node stores) and serving and checking proofs in a
// large tree (the work of answering a peer). Targets: >= 100,000 appends/s;
// <= 50 us per proof (generation + verification) at 10,000,000 leaves.
//
// Trees live in MemoryTreeStorage, so these figures are the tree's own cost;
// a database adds its reads (one get_many() per proof) and writes (one
// put_many() per batch).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "hotline/ledger/memory_tree_storage.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/proof_verify.h"

namespace {

using hotline::ledger::Digest;
using hotline::ledger::MemoryTreeStorage;
using hotline::ledger::MerkleTree;

// A distinct leaf hash per index without hashing anything.
Digest cheap_leaf(std::uint64_t i) {
  Digest d{};
  for (int b = 0; b < 8; ++b) {
    d[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (8 * b));
  }
  d[31] = 0xa5;
  return d;
}

// Appends batches of `range(0)` leaves of 512 bytes (a typical envelope),
// hashing each leaf: the cost of MerkleTree::append_batch() per leaf.
void BM_AppendBatch(benchmark::State& state) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  std::vector<std::string> batch(batch_size, std::string(512, 'e'));
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (std::string& leaf : batch) {
      // Distinct leaves: stamp a counter into each.
      std::uint64_t v = n++;
      for (int b = 0; b < 8; ++b)
        leaf[static_cast<std::size_t>(b)] = static_cast<char>(v >> (8 * b));
    }
    benchmark::DoNotOptimize(tree.append_batch(batch));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["leaves/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendBatch)->Arg(1)->Arg(64)->Arg(1024)->Arg(16384);

// The same without leaf hashing: the tree's own work (node hashes, stores).
void BM_AppendLeafHashes(benchmark::State& state) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  std::vector<Digest> batch(batch_size);
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (Digest& d : batch) d = cheap_leaf(n++);
    benchmark::DoNotOptimize(tree.append_leaf_hashes(batch));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["leaves/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendLeafHashes)->Arg(1)->Arg(1024);

// One tree of 10,000,000 leaves, built once (about 640 MB).
constexpr std::uint64_t kBig = 10'000'000;

MerkleTree& big_tree() {
  static MemoryTreeStorage storage;
  static MerkleTree& tree = [&]() -> MerkleTree& {
    storage.reserve(kBig);
    static MerkleTree t(storage);
    std::vector<Digest> batch;
    batch.reserve(1 << 16);
    for (std::uint64_t i = 0; i < kBig; ++i) {
      batch.push_back(cheap_leaf(i));
      if (batch.size() == batch.capacity() || i + 1 == kBig) {
        t.append_leaf_hashes(batch);
        batch.clear();
      }
    }
    return t;
  }();
  return tree;
}

// Tree sizes for the proofs: the current size (part of each proof comes from
// the in-memory right edge) and an older one (everything from storage).
std::uint64_t size_for(const benchmark::State& state) {
  return state.range(0) == 0 ? kBig : kBig - 123'457;
}

void BM_InclusionProof(benchmark::State& state) {
  MerkleTree& tree = big_tree();
  const std::uint64_t size = size_for(state);
  const Digest root = tree.root_at(size);
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    const std::uint64_t index = rng() % size;
    std::vector<Digest> proof = tree.inclusion_proof(index, size);
    benchmark::DoNotOptimize(proof.data());
  }
  benchmark::DoNotOptimize(root);
}
BENCHMARK(BM_InclusionProof)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_InclusionProveAndVerify(benchmark::State& state) {
  MerkleTree& tree = big_tree();
  const std::uint64_t size = size_for(state);
  const Digest root = tree.root_at(size);
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    const std::uint64_t index = rng() % size;
    std::vector<Digest> proof = tree.inclusion_proof(index, size);
    if (!hotline::ledger::verify_inclusion(cheap_leaf(index), index, size, proof, root)) {
      state.SkipWithError("inclusion proof did not verify");
      break;
    }
  }
}
BENCHMARK(BM_InclusionProveAndVerify)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_InclusionVerify(benchmark::State& state) {
  MerkleTree& tree = big_tree();
  const std::uint64_t index = 4'567'891;
  const std::vector<Digest> proof = tree.inclusion_proof(index, kBig);
  const Digest root = tree.root();
  const Digest leaf = cheap_leaf(index);
  for (auto _ : state) {
    benchmark::DoNotOptimize(hotline::ledger::verify_inclusion(leaf, index, kBig, proof, root));
  }
}
BENCHMARK(BM_InclusionVerify)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof(benchmark::State& state) {
  MerkleTree& tree = big_tree();
  const std::uint64_t size = size_for(state);
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    const std::uint64_t size1 = 1 + rng() % size;
    std::vector<Digest> proof = tree.consistency_proof(size1, size);
    benchmark::DoNotOptimize(proof.data());
  }
}
BENCHMARK(BM_ConsistencyProof)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Includes root_at(size1), which a verifier would hold already from a
// signed tree head; it is the historical-root cost of the log.
void BM_ConsistencyProveAndVerify(benchmark::State& state) {
  MerkleTree& tree = big_tree();
  const std::uint64_t size = size_for(state);
  const Digest root = tree.root_at(size);
  std::mt19937_64 rng(4);
  for (auto _ : state) {
    const std::uint64_t size1 = 1 + rng() % size;
    const Digest root1 = tree.root_at(size1);
    std::vector<Digest> proof = tree.consistency_proof(size1, size);
    if (!hotline::ledger::verify_consistency(size1, size, root1, root, proof)) {
      state.SkipWithError("consistency proof did not verify");
      break;
    }
  }
}
BENCHMARK(BM_ConsistencyProveAndVerify)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RootAt(benchmark::State& state) {
  MerkleTree& tree = big_tree();
  std::mt19937_64 rng(5);
  for (auto _ : state) benchmark::DoNotOptimize(tree.root_at(1 + rng() % kBig));
}
BENCHMARK(BM_RootAt)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
