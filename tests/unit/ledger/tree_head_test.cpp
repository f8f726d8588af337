// Signed tree heads: exact signing bytes, signing and verification, and the
// strict JSON reader.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hotline/crypto/canonical_json.h"
#include "hotline/ledger/tree_head.h"
#include "ledger_test_util.h"

namespace hotline::ledger {
namespace tree_head_test {

using nlohmann::json;
using namespace testing;

crypto::KeyPair key_from(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return crypto::KeyPair::from_seed(seed);
}

TreeHead example_head() {
  return TreeHead{8,
                  digest_of_hex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
                  "2026-11-27T09:44:49.123Z"};
}

TEST(TreeHead, SigningInputIsExactCanonicalJson) {
  EXPECT_EQ(signing_input(example_head()),
            R"({"root":"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",)"
            R"("size":8,"time":"2026-11-27T09:44:49.123Z","type":"tree_head","v":1})");
  TreeHead empty{0, empty_root(), "1970-01-01T00:00:00.000Z"};
  EXPECT_EQ(signing_input(empty),
            R"({"root":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",)"
            R"("size":0,"time":"1970-01-01T00:00:00.000Z","type":"tree_head","v":1})");
}

TEST(TreeHead, SigningInputRefusesBadValues) {
  TreeHead h = example_head();
  h.time = "2026-11-27T09:44:49Z";
  EXPECT_EQ(error_code_of([&] { (void)signing_input(h); }), "tree_head_invalid");
  h = example_head();
  h.size = std::uint64_t{1} << 53;
  EXPECT_EQ(error_code_of([&] { (void)signing_input(h); }), "tree_head_invalid");
  h.size = (std::uint64_t{1} << 53) - 1;
  EXPECT_EQ(error_code_of([&] { (void)signing_input(h); }), "<no error>");
}

TEST(TreeHead, SignAndVerify) {
  const crypto::KeyPair key = key_from(7);
  const SignedTreeHead sth = sign_tree_head(example_head(), key);
  EXPECT_EQ(sth.head, example_head());
  EXPECT_EQ(sth.key, key.public_key().encoded());
  EXPECT_EQ(sth.sig.size(), 86u);
  EXPECT_TRUE(verify_tree_head(sth, key.public_key()));
  // Ed25519 is deterministic: the same head signs to the same bytes.
  EXPECT_EQ(sign_tree_head(example_head(), key), sth);
}

TEST(TreeHead, TamperingFails) {
  const crypto::KeyPair key = key_from(7);
  const SignedTreeHead sth = sign_tree_head(example_head(), key);

  SignedTreeHead t = sth;
  t.head.size = 9;
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  t = sth;
  t.head.size = 7;
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  t = sth;
  t.head.root = flip_bit(t.head.root, 100);
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  t = sth;
  t.head.time = "2026-11-27T09:44:49.124Z";
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  t = sth;
  t.head.time = "not a time";
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  t = sth;
  t.sig[10] = t.sig[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  t = sth;
  t.sig = "short";
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
}

TEST(TreeHead, WrongKeyFails) {
  const crypto::KeyPair key = key_from(7);
  const crypto::KeyPair other = key_from(8);
  const SignedTreeHead sth = sign_tree_head(example_head(), key);
  EXPECT_FALSE(verify_tree_head(sth, other.public_key()));
  // Claiming the other key does not help either.
  SignedTreeHead t = sth;
  t.key = other.public_key().encoded();
  EXPECT_FALSE(verify_tree_head(t, other.public_key()));
  // A good signature that names another signer is refused: the head must
  // name the key it is checked against.
  t = sth;
  t.key = other.public_key().encoded();
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
  // A signature by the other key over the same head, under our key's name.
  t = sign_tree_head(example_head(), other);
  t.key = key.public_key().encoded();
  EXPECT_FALSE(verify_tree_head(t, key.public_key()));
}

TEST(TreeHead, JsonRoundTrip) {
  const crypto::KeyPair key = key_from(3);
  const SignedTreeHead sth = sign_tree_head(example_head(), key);
  const json j = sth;
  EXPECT_EQ(j.size(), 7u);
  EXPECT_EQ(j.at("type"), "tree_head");
  EXPECT_EQ(j.at("v"), 1);
  EXPECT_EQ(j.at("size"), 8);
  EXPECT_EQ(j.at("root"), "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  EXPECT_EQ(j.get<SignedTreeHead>(), sth);
  const std::string text = canonical(sth);
  EXPECT_TRUE(crypto::is_canonical(text));
  EXPECT_EQ(text.substr(0, 8), R"({"key":")");
  const SignedTreeHead back = parse_signed_tree_head(text);
  EXPECT_EQ(back, sth);
  EXPECT_TRUE(verify_tree_head(back, key.public_key()));
  // Not canonical on the wire is fine (whitespace, order).
  EXPECT_EQ(parse_signed_tree_head(j.dump(2)), sth);
}

TEST(TreeHead, StrictJsonReader) {
  const crypto::KeyPair key = key_from(3);
  const json good = sign_tree_head(example_head(), key);
  auto code_after = [&](auto edit) {
    json j = good;
    edit(j);
    return error_code_of([&] { (void)j.get<SignedTreeHead>(); });
  };
  EXPECT_EQ(code_after([](json&) {}), "<no error>");
  EXPECT_EQ(code_after([](json& j) { j = json::array(); }), "tree_head_invalid");
  for (const char* f : {"key", "root", "sig", "size", "time", "type", "v"}) {
    EXPECT_EQ(code_after([&](json& j) { j.erase(f); }), "tree_head_invalid") << f;
  }
  EXPECT_EQ(code_after([](json& j) { j["extra"] = 1; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["v"] = 2; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["v"] = "1"; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["type"] = "receipt"; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["size"] = -1; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["size"] = 8.0; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["size"] = "8"; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["size"] = std::uint64_t{1} << 53; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) {
              std::string r = j["root"];
              r[0] = 'A';
              j["root"] = r;
            }),
            "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["root"] = std::string(62, 'a'); }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["root"] = std::string(64, 'g'); }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["time"] = "2026-11-27 09:44:49.123Z"; }),
            "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["time"] = 5; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["key"] = "not a key"; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["sig"] = "AAAA"; }), "tree_head_invalid");
  EXPECT_EQ(code_after([](json& j) { j["sig"] = nullptr; }), "tree_head_invalid");
  // Text-level strictness comes from the canonical JSON reader.
  EXPECT_EQ(error_code_of([] { (void)parse_signed_tree_head(R"({"size":1.5})"); }), "json_float");
  EXPECT_EQ(error_code_of([] { (void)parse_signed_tree_head(R"({"v":1,"v":1})"); }),
            "json_duplicate_key");
}

}  // namespace tree_head_test
}  // namespace hotline::ledger
