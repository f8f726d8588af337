// The RFC 6962/9162 reference vectors, the exhaustive 8-leaf proofs and the
// 196 verifier probes of tests/vectors/merkle-rfc6962 (tests/vectors/SOURCES.md).

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hotline/ledger/memory_tree_storage.h"
#include "hotline/ledger/merkle.h"
#include "hotline/ledger/merkle_tree.h"
#include "hotline/ledger/proof_verify.h"
#include "ledger_test_util.h"

namespace hotline::ledger {
namespace vectors_test {

using nlohmann::json;
using namespace testing;

const json& reference() {
  static const json j = load_json(vectors_path("merkle-rfc6962/rfc6962_reference_vectors.json"));
  return j;
}

const json& exhaustive() {
  static const json j =
      load_json(vectors_path("merkle-rfc6962/GENERATED_exhaustive_proofs_8leaf.json"));
  return j;
}

std::vector<Digest> digests_of_hex(const json& array) {
  std::vector<Digest> out;
  for (const json& h : array) out.push_back(digest_of_hex(h.get<std::string>()));
  return out;
}

// The 8-leaf reference tree, built by append from the leaf inputs.
struct ReferenceTree {
  MemoryTreeStorage storage;
  MerkleTree tree{storage};
  ReferenceTree() {
    for (const json& leaf : reference().at("leaf_inputs")) {
      tree.append(string_of_hex(leaf.get<std::string>()));
    }
  }
};

TEST(ReferenceVectors, LeafHashes) {
  const json& inputs = reference().at("leaf_inputs");
  const json& hashes = reference().at("leaf_hashes");
  ASSERT_EQ(inputs.size(), 8u);
  ASSERT_EQ(hashes.size(), 8u);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(leaf_hash(string_of_hex(inputs[i].get<std::string>())),
              digest_of_hex(hashes[i].get<std::string>()))
        << "leaf " << i;
  }
}

TEST(ReferenceVectors, NodeHashesByLevel) {
  const json& levels = reference().at("node_hashes_by_level").at("levels");
  ASSERT_EQ(levels.size(), 4u);
  int checked = 0;
  for (std::size_t l = 1; l < levels.size(); ++l) {
    for (std::size_t i = 0; i < levels[l].size(); ++i) {
      const Digest left = digest_of_hex(levels[l - 1][2 * i].get<std::string>());
      const Digest right = digest_of_hex(levels[l - 1][2 * i + 1].get<std::string>());
      EXPECT_EQ(node_hash(left, right), digest_of_hex(levels[l][i].get<std::string>()))
          << "node (" << l << ", " << i << ")";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 7);
}

TEST(ReferenceVectors, StoredNodesAreTheReferenceNodes) {
  ReferenceTree t;
  const json& levels = reference().at("node_hashes_by_level").at("levels");
  for (std::size_t l = 0; l < levels.size(); ++l) {
    for (std::size_t i = 0; i < levels[l].size(); ++i) {
      EXPECT_EQ(t.storage.get(static_cast<int>(l), i),
                std::optional<Digest>(digest_of_hex(levels[l][i].get<std::string>())))
          << "node (" << l << ", " << i << ")";
    }
    // Nothing beyond the perfect subtrees of 8 leaves.
    EXPECT_FALSE(t.storage.get(static_cast<int>(l), levels[l].size()).has_value());
  }
  EXPECT_FALSE(t.storage.get(4, 0).has_value());
}

TEST(ReferenceVectors, EmptyRoot) {
  EXPECT_EQ(empty_root(), digest_of_hex(reference().at("roots_by_tree_size").at("0")));
  MemoryTreeStorage storage;
  MerkleTree tree(storage);
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.root(), empty_root());
  EXPECT_EQ(tree.root_at(0), empty_root());
}

TEST(ReferenceVectors, RootsBySize) {
  ReferenceTree t;
  const json& roots = reference().at("roots_by_tree_size");
  ASSERT_EQ(roots.size(), 9u);
  for (std::uint64_t n = 0; n <= 8; ++n) {
    const Digest want = digest_of_hex(roots.at(std::to_string(n)).get<std::string>());
    EXPECT_EQ(t.tree.root_at(n), want) << "historical root at size " << n;
    // And the root of a tree grown to exactly n leaves.
    MemoryTreeStorage s;
    MerkleTree grown(s);
    for (std::uint64_t i = 0; i < n; ++i) {
      grown.append(string_of_hex(reference().at("leaf_inputs")[i].get<std::string>()));
    }
    EXPECT_EQ(grown.root(), want) << "root of a tree of " << n;
  }
  EXPECT_EQ(t.tree.root(), digest_of_hex(roots.at("8").get<std::string>()));
}

TEST(ReferenceVectors, InclusionProofs) {
  ReferenceTree t;
  const json& cases = reference().at("inclusion_proofs");
  ASSERT_EQ(cases.size(), 5u);
  for (const json& c : cases) {
    const auto index = c.at("leaf_index").get<std::uint64_t>();
    const auto size = c.at("tree_size").get<std::uint64_t>();
    SCOPED_TRACE("leaf " + std::to_string(index) + " of " + std::to_string(size));
    const std::vector<Digest> want = digests_of_hex(c.at("audit_path"));
    const Digest root = digest_of_hex(c.at("root").get<std::string>());
    const Digest leaf = leaf_hash(string_of_hex(c.at("leaf_input").get<std::string>()));
    EXPECT_EQ(t.tree.inclusion_proof(index, size), want);
    EXPECT_TRUE(verify_inclusion(leaf, index, size, want, root));
  }
}

TEST(ReferenceVectors, InvalidInclusionRequests) {
  ReferenceTree t;
  for (const json& c : reference().at("invalid_inclusion_requests")) {
    const auto size = c.at("tree_size").get<std::uint64_t>();
    // 1-based 0 has no 0-based index; ask for index 0 (and the size itself).
    EXPECT_EQ(error_code_of([&] { (void)t.tree.inclusion_proof(0, size); }), "ledger_bad_request");
    EXPECT_EQ(error_code_of([&] { (void)t.tree.inclusion_proof(size, size); }),
              "ledger_bad_request");
    EXPECT_FALSE(verify_inclusion(empty_root(), 0, size, {}, empty_root()));
  }
}

TEST(ReferenceVectors, ConsistencyProofs) {
  ReferenceTree t;
  const json& cases = reference().at("consistency_proofs");
  ASSERT_EQ(cases.size(), 5u);
  for (const json& c : cases) {
    const auto size1 = c.at("first_size").get<std::uint64_t>();
    const auto size2 = c.at("second_size").get<std::uint64_t>();
    SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size2));
    const std::vector<Digest> want = digests_of_hex(c.at("proof"));
    const Digest root1 = digest_of_hex(c.at("first_root").get<std::string>());
    const Digest root2 = digest_of_hex(c.at("second_root").get<std::string>());
    EXPECT_EQ(t.tree.consistency_proof(size1, size2), want);
    EXPECT_TRUE(verify_consistency(size1, size2, root1, root2, want));
  }
}

TEST(ExhaustiveProofs, EveryInclusionProofOfEightLeaves) {
  ReferenceTree t;
  const json& cases = exhaustive().at("inclusion_proofs");
  ASSERT_EQ(cases.size(), 36u);
  for (const json& c : cases) {
    const auto index = c.at("leaf_index").get<std::uint64_t>();
    const auto size = c.at("tree_size").get<std::uint64_t>();
    SCOPED_TRACE("leaf " + std::to_string(index) + " of " + std::to_string(size));
    const std::vector<Digest> want = digests_of_hex(c.at("audit_path"));
    const Digest root = digest_of_hex(c.at("root").get<std::string>());
    const Digest leaf = digest_of_hex(c.at("leaf_hash").get<std::string>());
    EXPECT_EQ(t.tree.leaf_hash_at(index), leaf);
    EXPECT_EQ(t.tree.root_at(size), root);
    EXPECT_EQ(t.tree.inclusion_proof(index, size), want);
    EXPECT_TRUE(verify_inclusion(leaf, index, size, want, root));
  }
}

TEST(ExhaustiveProofs, EveryConsistencyProofOfEightLeaves) {
  ReferenceTree t;
  const json& cases = exhaustive().at("consistency_proofs");
  ASSERT_EQ(cases.size(), 36u);
  for (const json& c : cases) {
    const auto size1 = c.at("first_size").get<std::uint64_t>();
    const auto size2 = c.at("second_size").get<std::uint64_t>();
    SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size2));
    const std::vector<Digest> want = digests_of_hex(c.at("proof"));
    const Digest root1 = digest_of_hex(c.at("first_root").get<std::string>());
    const Digest root2 = digest_of_hex(c.at("second_root").get<std::string>());
    EXPECT_EQ(t.tree.consistency_proof(size1, size2), want);
    EXPECT_TRUE(verify_consistency(size1, size2, root1, root2, want));
  }
}

// ---- Probes ---------------------------------------------------------------
//
// The probes carry hashes as byte strings, some of the wrong length (empty,
// 9 or 12 bytes). Our verifier takes typed 32-byte Digests, so the step
// that turns wire bytes into a Digest is part of what a probe tests:
//   * a leaf hash or proof hash that is not 32 bytes is refused at that
//     step (the probe is rejected, as wantErr requires);
//   * a root is only ever compared for equality, so a root of another
//     length stands for "some value that is no SHA-256 output": it maps to
//     a digest derived from its bytes under a distinct label, so equal
//     roots stay equal and no computed root can match it.

std::optional<Digest> probe_hash(const json& value) {
  std::vector<std::uint8_t> b = base64_decode(value.get<std::string>());
  if (b.size() != 32) return std::nullopt;
  Digest d;
  std::copy(b.begin(), b.end(), d.begin());
  return d;
}

Digest probe_root(const json& value) {
  if (std::optional<Digest> d = probe_hash(value)) return *d;
  return crypto::sha256("probe root that is not 32 bytes: " + value.get<std::string>());
}

// Proof hashes, or nullopt when one of them cannot be a Digest.
std::optional<std::vector<Digest>> probe_proof(const json& value) {
  std::vector<Digest> proof;
  if (value.is_null()) return proof;
  for (const json& h : value) {
    std::optional<Digest> d = probe_hash(h);
    if (!d) return std::nullopt;
    proof.push_back(*d);
  }
  return proof;
}

std::vector<std::filesystem::path> probe_files(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(
           vectors_path("merkle-rfc6962/probes/" + kind))) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool run_inclusion_probe(const json& p) {
  const std::optional<Digest> leaf = probe_hash(p.at("leafHash"));
  const std::optional<std::vector<Digest>> proof = probe_proof(p.at("proof"));
  if (!leaf || !proof) return false;
  return verify_inclusion(*leaf, p.at("leafIdx").get<std::uint64_t>(),
                          p.at("treeSize").get<std::uint64_t>(), *proof, probe_root(p.at("root")));
}

bool run_consistency_probe(const json& p) {
  const std::optional<std::vector<Digest>> proof = probe_proof(p.at("proof"));
  if (!proof) return false;
  return verify_consistency(p.at("size1").get<std::uint64_t>(), p.at("size2").get<std::uint64_t>(),
                            probe_root(p.at("root1")), probe_root(p.at("root2")), *proof);
}

TEST(Probes, AllInclusionAndConsistencyProbes) {
  int total = 0;
  int valid = 0;
  for (const std::string kind : {"inclusion", "consistency"}) {
    for (const auto& file : probe_files(kind)) {
      const json p = load_json(file.string());
      const bool want_ok = !p.at("wantErr").get<bool>();
      const bool ok = kind == "inclusion" ? run_inclusion_probe(p) : run_consistency_probe(p);
      EXPECT_EQ(ok, want_ok) << file.string() << ": " << p.at("desc").get<std::string>();
      ++total;
      valid += want_ok ? 1 : 0;
    }
  }
  EXPECT_EQ(total, 196);
  EXPECT_EQ(valid, 12);
}

// The valid probes' proofs are also what our tree generates for the same
// leaves: the happy paths use the 8 reference leaves.
TEST(Probes, HappyPathsMatchGeneratedProofs) {
  ReferenceTree t;
  int checked = 0;
  for (const auto& file : probe_files("inclusion")) {
    const json p = load_json(file.string());
    if (p.at("desc") != "happy path") continue;
    const auto index = p.at("leafIdx").get<std::uint64_t>();
    const auto size = p.at("treeSize").get<std::uint64_t>();
    EXPECT_EQ(t.tree.inclusion_proof(index, size), *probe_proof(p.at("proof"))) << file;
    EXPECT_EQ(t.tree.root_at(size), *probe_hash(p.at("root"))) << file;
    ++checked;
  }
  for (const auto& file : probe_files("consistency")) {
    const json p = load_json(file.string());
    if (p.at("desc") != "happy path") continue;
    const auto size1 = p.at("size1").get<std::uint64_t>();
    const auto size2 = p.at("size2").get<std::uint64_t>();
    EXPECT_EQ(t.tree.consistency_proof(size1, size2), *probe_proof(p.at("proof"))) << file;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

}  // namespace vectors_test
}  // namespace hotline::ledger
