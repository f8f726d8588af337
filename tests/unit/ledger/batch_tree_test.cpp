// The in-memory batch tree against the naive RFC 9162 definitions: the same
// root as MTH(D[n]) and, for every leaf, exactly PATH(m, D[n]), which
// verify_inclusion() accepts. Sizes 1 to 70 cover perfect trees, one leaf
// more and one less, and the batch sizes the link uses.
#include "hotline/ledger/batch_tree.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"
#include "hotline/ledger/proof_verify.h"
#include "ledger_test_util.h"

namespace hotline::ledger {
namespace batch_tree_test {

std::vector<Digest> leaves_of(std::size_t n) {
  std::vector<Digest> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(leaf_hash("receipt " + std::to_string(i)));
  return out;
}

TEST(BatchTreeTest, RootAndEveryPathAreRfc9162) {
  for (std::size_t n = 1; n <= 70; ++n) {
    auto leaves = leaves_of(n);
    auto tree = build_batch_tree(leaves);
    ASSERT_EQ(tree.root, testing::naive_mth(leaves, 0, n)) << "n=" << n;
    ASSERT_EQ(tree.paths.size(), n);
    for (std::size_t m = 0; m < n; ++m) {
      EXPECT_EQ(tree.paths[m], testing::naive_path(leaves, m, 0, n)) << "n=" << n << " m=" << m;
      EXPECT_TRUE(verify_inclusion(leaves[m], m, n, tree.paths[m], tree.root));
      // The path proves this leaf at this place only.
      if (n > 1) {
        EXPECT_FALSE(verify_inclusion(leaves[m], (m + 1) % n, n, tree.paths[m], tree.root));
      }
    }
  }
}

TEST(BatchTreeTest, OneLeafIsItsOwnRoot) {
  auto leaves = leaves_of(1);
  auto tree = build_batch_tree(leaves);
  EXPECT_EQ(tree.root, leaves[0]);
  EXPECT_TRUE(tree.paths[0].empty());
}

TEST(BatchTreeTest, NoLeavesIsRefused) {
  try {
    build_batch_tree({});
    FAIL() << "an empty batch was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "ledger_empty_batch");
  }
}

}  // namespace batch_tree_test
}  // namespace hotline::ledger
