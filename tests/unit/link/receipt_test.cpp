// Receipts signed a batch at a time (version 2) and one at a time (version
// 1, as older stores hold them). Each rejection starts from a valid receipt
// and changes one thing, so removing the check under test would let the
// receipt through and fail the test.
#include "hotline/link/receipt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/random.h"

namespace hotline::link {
namespace receipt_test {

using nlohmann::json;

class ReceiptTest : public ::testing::Test {
 protected:
  crypto::KeyPair sender = crypto::KeyPair::generate();
  crypto::KeyPair receiver = crypto::KeyPair::generate();

  Receipt unsigned_receipt(std::int64_t seq) {
    Receipt r;
    r.link = std::string(32, 'a');
    r.to = sender.public_key().encoded();
    r.seq = seq;
    r.envelope = std::string(64, static_cast<char>('0' + seq % 10));
    r.envelope_id = crypto::new_id();
    r.received_at = format_timestamp(now_ms());
    r.index = 2 * seq;
    return r;
  }

  std::vector<Receipt> batch(std::size_t n) {
    std::vector<Receipt> rs;
    for (std::size_t i = 0; i < n; ++i)
      rs.push_back(unsigned_receipt(static_cast<std::int64_t>(i + 1)));
    return seal_batch(std::move(rs), receiver);
  }

  // The receipt's canonical text with `edit` applied, parsed back.
  Receipt edited(const Receipt& r, const std::function<void(json&)>& edit) {
    json j = json::parse(canonical(r));
    edit(j);
    return parse_receipt(crypto::canonicalize(j));
  }

  void expect_bad_signature(const Receipt& r) {
    try {
      verify_signature(r, receiver.public_key());
      FAIL() << "receipt accepted: " << canonical(r);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "receipt_bad_signature") << e.what();
    }
  }

  void expect_invalid(const std::string& text) {
    try {
      parse_receipt(text);
      FAIL() << "receipt parsed: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "receipt_invalid") << e.what();
    }
  }
};

// The receipt as a JSON object, built as the code did before it wrote
// canonical text directly: canonicalize() of this is the definition.
json as_json(const Receipt& r, bool with_sig) {
  json j = {{"v", r.v},
            {"link", r.link},
            {"from", r.from},
            {"to", r.to},
            {"seq", r.seq},
            {"envelope", r.envelope},
            {"envelope_id", r.envelope_id},
            {"received_at", r.received_at},
            {"index", r.index}};
  if (with_sig) {
    j["sig"] = r.sig;
    if (r.batch) j["batch"] = batch_json(*r.batch);
  }
  return j;
}

TEST_F(ReceiptTest, CanonicalTextIsCanonicalizeOfTheReceiptAsJson) {
  auto rs = batch(5);  // paths of one to three hashes
  Receipt v1 = unsigned_receipt(3);
  v1.v = 1;
  v1.from = receiver.public_key().encoded();
  v1.sig = "x";
  rs.push_back(v1);
  Receipt odd = rs[0];
  odd.link = "quote \" backslash \\ tab \t é";
  odd.seq = 9007199254740991;
  rs.push_back(odd);
  for (const auto& r : rs) {
    EXPECT_EQ(canonical(r), crypto::canonicalize(as_json(r, true)));
    EXPECT_EQ(receipt_signing_input(r), crypto::canonicalize(as_json(r, false)));
  }
  Receipt too_big = rs[0];
  too_big.index = 9007199254740992;
  try {
    (void)canonical(too_big);
    FAIL() << "an integer beyond 2^53-1 was written";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "json_integer_range");
  }
}

TEST_F(ReceiptTest, EveryReceiptOfABatchVerifiesOnItsOwn) {
  for (std::size_t n : {1u, 2u, 3u, 7u, 8u, 9u, 100u}) {
    auto rs = batch(n);
    for (std::size_t m = 0; m < n; ++m) {
      // Round trip through its text, as the sender and an auditor see it.
      Receipt r = parse_receipt(canonical(rs[m]));
      EXPECT_EQ(r, rs[m]);
      EXPECT_EQ(r.v, 2);
      EXPECT_EQ(r.sig, rs[0].sig) << "one signature for the batch";
      EXPECT_EQ(r.batch->size, static_cast<std::int64_t>(n));
      EXPECT_EQ(r.batch->position, static_cast<std::int64_t>(m));
      EXPECT_NO_THROW(verify_signature(r, receiver.public_key())) << "n=" << n << " m=" << m;
    }
  }
}

TEST_F(ReceiptTest, AChangedFieldBreaksTheBatchSignature) {
  auto rs = batch(5);
  // Verified first, so a remembered batch root could wrongly vouch for the
  // changed receipts below if the memo were keyed on the signature alone.
  verify_signature(rs[2], receiver.public_key());
  expect_bad_signature(edited(rs[2], [](json& j) { j["seq"] = 99; }));
  expect_bad_signature(
      edited(rs[2], [](json& j) { j["received_at"] = "2020-01-01T00:00:00.000Z"; }));
  expect_bad_signature(edited(rs[2], [](json& j) { j["index"] = 0; }));
  expect_bad_signature(edited(rs[2], [](json& j) { j["envelope"] = std::string(64, 'f'); }));
  // Another place in the batch, or a path hash changed.
  expect_bad_signature(edited(rs[2], [](json& j) { j["batch"]["position"] = 3; }));
  expect_bad_signature(edited(rs[2], [](json& j) { j["batch"]["size"] = 6; }));
  expect_bad_signature(edited(rs[2], [](json& j) {
    std::string h = j["batch"]["path"][0];
    h[0] = h[0] == 'a' ? 'b' : 'a';
    j["batch"]["path"][0] = h;
  }));
  // A path too short or too long for its place.
  expect_bad_signature(edited(rs[2], [](json& j) { j["batch"]["path"].erase(0); }));
  expect_bad_signature(
      edited(rs[2], [](json& j) { j["batch"]["path"].push_back(std::string(64, '0')); }));
  // Another batch's signature.
  auto other = batch(5);
  expect_bad_signature(edited(rs[2], [&](json& j) { j["sig"] = other[2].sig; }));
}

TEST_F(ReceiptTest, SignedByAnotherKeyIsRefused) {
  auto rs = seal_batch({unsigned_receipt(1), unsigned_receipt(2)}, sender);
  try {
    verify_signature(rs[0], receiver.public_key());
    FAIL() << "a receipt signed by the wrong key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "receipt_bad_signature");
  }
  // "from" set to the expected key does not help: the signature is the sender's.
  Receipt forged = rs[0];
  forged.from = receiver.public_key().encoded();
  expect_bad_signature(forged);
}

TEST_F(ReceiptTest, VersionOneReceiptsStillVerify) {
  Receipt r = unsigned_receipt(4);
  r.v = 1;
  r.from = receiver.public_key().encoded();
  r.sig = crypto::encode_signature(receiver.sign(receipt_signing_input(r)));
  Receipt parsed = parse_receipt(canonical(r));
  EXPECT_EQ(parsed.v, 1);
  EXPECT_FALSE(parsed.batch);
  EXPECT_NO_THROW(verify_signature(parsed, receiver.public_key()));
  expect_bad_signature(edited(parsed, [](json& j) { j["seq"] = 5; }));
}

TEST_F(ReceiptTest, ShapeErrorsAreReceiptInvalid) {
  auto rs = batch(3);
  json j = json::parse(canonical(rs[1]));
  auto without = [&](const char* member) {
    json k = j;
    k.erase(member);
    return k.dump();
  };
  expect_invalid(without("batch"));
  expect_invalid(without("sig"));
  {
    json k = j;  // a version 1 receipt has no batch
    k["v"] = 1;
    expect_invalid(k.dump());
  }
  {
    json k = j;
    k["v"] = 3;
    expect_invalid(k.dump());
  }
  for (auto edit : std::vector<std::function<void(json&)>>{
           [](json& b) { b["position"] = 3; },  // not a leaf of 3
           [](json& b) { b["position"] = -1; },
           [](json& b) { b["size"] = 0; },
           [](json& b) { b["path"] = "00"; },
           [](json& b) { b["path"] = json::array({"00"}); },
           [](json& b) { b["extra"] = 1; },
           [](json& b) { b.erase("size"); },
           [](json& b) {
             b["path"] = json::array();
             for (int i = 0; i < 21; ++i) b["path"].push_back(std::string(64, '0'));
           },
       }) {
    json k = j;
    edit(k["batch"]);
    expect_invalid(k.dump());
  }
}

}  // namespace receipt_test
}  // namespace hotline::link
