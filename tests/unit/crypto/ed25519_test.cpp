#include "hotline/crypto/ed25519.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "test_util.h"

namespace hotline::crypto {
namespace ed25519_test {

using testing::error_code_of;
using testing::read_file;
using testing::vectors_path;

std::string bytes_text(const std::vector<std::uint8_t>& v) {
  return std::string(v.begin(), v.end());
}

template <std::size_t N>
std::array<std::uint8_t, N> to_array(const std::vector<std::uint8_t>& v) {
  std::array<std::uint8_t, N> a{};
  EXPECT_EQ(v.size(), N);
  std::copy_n(v.begin(), std::min(N, v.size()), a.begin());
  return a;
}

TEST(Ed25519Rfc8032, Section71Vectors) {
  const auto doc =
      nlohmann::json::parse(read_file(vectors_path("ed25519/rfc8032_7.1_ed25519.json")));
  int count = 0;
  for (const auto& v : doc.at("vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto kp = KeyPair::from_seed(from_hex(v.at("secret_key").get<std::string>()));
    const auto pk = to_array<32>(from_hex(v.at("public_key").get<std::string>()));
    EXPECT_EQ(kp.public_key().bytes, pk);
    const std::string msg = bytes_text(from_hex(v.at("message").get<std::string>()));
    const Signature expected = to_array<64>(from_hex(v.at("signature").get<std::string>()));
    const Signature sig = kp.sign(msg);
    EXPECT_EQ(sig, expected);
    EXPECT_TRUE(verify(kp.public_key(), msg, sig));

    // Any flipped bit in signature, message or key breaks verification.
    Signature bad_sig = sig;
    bad_sig[count % 64] ^= 0x01;
    EXPECT_FALSE(verify(kp.public_key(), msg, bad_sig));
    bad_sig = sig;
    bad_sig[40] ^= 0x80;
    EXPECT_FALSE(verify(kp.public_key(), msg, bad_sig));
    std::string bad_msg = msg.empty() ? std::string(1, '\0') : msg;
    if (!msg.empty()) bad_msg[0] = static_cast<char>(bad_msg[0] ^ 0x01);
    EXPECT_FALSE(verify(kp.public_key(), bad_msg, sig));
    PublicKey bad_key = kp.public_key();
    bad_key.bytes[0] ^= 0x01;
    EXPECT_FALSE(verify(bad_key, msg, sig));
    ++count;
  }
  EXPECT_EQ(count, 5);
}

// Google Wycheproof EdDSA verification vectors. libsodium's verifier is
// strict; every case agrees with Wycheproof's verdict.
TEST(Ed25519Wycheproof, AllCases) {
  const auto doc =
      nlohmann::json::parse(read_file(vectors_path("ed25519/wycheproof_ed25519_test.json")));
  int total = 0, valid = 0, invalid = 0;
  for (const auto& group : doc.at("testGroups")) {
    PublicKey key;
    key.bytes = to_array<32>(from_hex(group.at("publicKey").at("pk").get<std::string>()));
    for (const auto& t : group.at("tests")) {
      const int id = t.at("tcId").get<int>();
      const std::string result = t.at("result").get<std::string>();
      ASSERT_TRUE(result == "valid" || result == "invalid") << "tcId " << id << ": " << result;
      const std::string msg = bytes_text(from_hex(t.at("msg").get<std::string>()));
      const auto raw_sig = from_hex(t.at("sig").get<std::string>());
      bool accepted = false;
      if (raw_sig.size() == 64) {
        accepted = verify(key, msg, to_array<64>(raw_sig));
        // The same case through the text form must agree.
        EXPECT_EQ(accepted,
                  verify(key, msg, decode_signature(encode_signature(to_array<64>(raw_sig)))));
      } else {
        // Truncated or padded signatures cannot even be decoded.
        EXPECT_EQ(error_code_of([&] { decode_signature(base64url_encode(raw_sig)); }),
                  "signature_invalid")
            << "tcId " << id;
      }
      EXPECT_EQ(accepted, result == "valid")
          << "tcId " << id << " (" << t.at("comment").get<std::string>() << ", flags "
          << t.at("flags").dump() << ")";
      (result == "valid" ? valid : invalid)++;
      ++total;
    }
  }
  EXPECT_EQ(total, doc.at("numberOfTests").get<int>());
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

TEST(Ed25519, GenerateSignVerify) {
  const auto a = KeyPair::generate();
  const auto b = KeyPair::generate();
  EXPECT_NE(a.public_key(), b.public_key());
  const Signature sig = a.sign("hello");
  EXPECT_TRUE(verify(a.public_key(), "hello", sig));
  EXPECT_FALSE(verify(b.public_key(), "hello", sig));
  EXPECT_FALSE(verify(a.public_key(), "hellO", sig));
  // The seed reproduces the key pair.
  const auto again = KeyPair::from_seed(a.seed());
  EXPECT_EQ(again.public_key(), a.public_key());
  EXPECT_EQ(again.sign("hello"), sig);  // deterministic signatures
}

TEST(Ed25519, MoveKeepsTheKey) {
  auto a = KeyPair::generate();
  const PublicKey pk = a.public_key();
  KeyPair b = std::move(a);
  EXPECT_EQ(b.public_key(), pk);
  EXPECT_TRUE(verify(pk, "m", b.sign("m")));
  auto c = KeyPair::generate();
  c = std::move(b);
  EXPECT_EQ(c.public_key(), pk);
}

TEST(Ed25519, FromSeedNeeds32Bytes) {
  std::vector<std::uint8_t> seed(31, 7);
  EXPECT_EQ(error_code_of([&] { KeyPair::from_seed(seed); }), "key_invalid");
  seed.resize(33);
  EXPECT_EQ(error_code_of([&] { KeyPair::from_seed(seed); }), "key_invalid");
}

TEST(Ed25519, PublicKeyText) {
  // RFC 8032 TEST 1 public key.
  PublicKey pk;
  pk.bytes =
      to_array<32>(from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  EXPECT_EQ(pk.encoded(), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(pk.encoded().size(), 43u);
  EXPECT_EQ(PublicKey::decode(pk.encoded()), pk);
  // Independently computed: sha256(pk)[0..16] in groups of four hex digits.
  EXPECT_EQ(pk.fingerprint(), "SHA256:21fe 31df a154 a261 626b f854 046f d227");

  EXPECT_EQ(error_code_of([] { PublicKey::decode(""); }), "key_invalid");
  EXPECT_EQ(
      error_code_of([] { PublicKey::decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="); }),
      "key_invalid");  // padding
  EXPECT_EQ(error_code_of([] { PublicKey::decode("11qYAYKxCrfVS+7TyWQHOg7hcvPapiMlrwIaaPcHURo"); }),
            "key_invalid");  // base64, not base64url
  EXPECT_EQ(error_code_of([] { PublicKey::decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"); }),
            "key_invalid");  // 42 characters
  // 32 bytes that are not a usable point: the identity (small order).
  std::array<std::uint8_t, 32> identity{};
  identity[0] = 1;
  EXPECT_EQ(error_code_of([&] { PublicKey::decode(base64url_encode(identity)); }), "key_invalid");
  try {
    PublicKey::decode("not a key");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("base64url"), std::string::npos) << e.what();
  }
}

TEST(Ed25519, SignatureText) {
  const auto kp = KeyPair::generate();
  const Signature sig = kp.sign("x");
  const std::string text = encode_signature(sig);
  EXPECT_EQ(text.size(), 86u);
  EXPECT_EQ(decode_signature(text), sig);
  EXPECT_EQ(error_code_of([&] { decode_signature(text.substr(0, 85)); }), "signature_invalid");
  EXPECT_EQ(error_code_of([&] { decode_signature(text + "AA"); }), "signature_invalid");
  EXPECT_EQ(error_code_of([&] { decode_signature("!" + text.substr(1)); }), "signature_invalid");
  EXPECT_EQ(error_code_of([] { decode_signature(""); }), "signature_invalid");
}

}  // namespace ed25519_test
}  // namespace hotline::crypto
