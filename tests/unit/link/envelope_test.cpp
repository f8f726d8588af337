// Envelope round trips and, for every way an envelope can be wrong, a test
// that it is refused with its own error code. Each rejection starts from a
// valid sealed envelope and changes one thing, so removing the check under
// test would let the envelope through and fail the test.
#include "hotline/link/envelope.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/random.h"

namespace hotline::link {
namespace {

using nlohmann::json;

class EnvelopeTest : public ::testing::Test {
 protected:
  crypto::KeyPair alice = crypto::KeyPair::generate();
  crypto::KeyPair bob = crypto::KeyPair::generate();

  Envelope make(std::int64_t seq = 1) {
    Envelope e;
    e.id = crypto::new_id();
    e.link = link_id(alice.public_key(), bob.public_key());
    e.from = alice.public_key().encoded();
    e.to = bob.public_key().encoded();
    e.seq = seq;
    e.prev = std::string(kGenesisPrev);
    e.sent_at = format_timestamp(now_ms());
    e.type = "desk.message";
    e.body = {{"text", "Routine test message. Please acknowledge. Привет, 你好"}, {"n", 42}};
    e.attachments = {{std::string(64, 'a'), 1024}};
    return seal(e, alice);
  }

  // Canonical text of `e` with `edit` applied to its JSON form.
  std::string edited(const Envelope& e, const std::function<void(json&)>& edit) {
    json j = json::parse(canonical(e));
    edit(j);
    return crypto::canonicalize(j);
  }

  static std::string code_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.code();
    }
    return "accepted";
  }

  std::string parse_code(const std::string& text) {
    return code_of([&] { (void)parse_envelope(text); });
  }
};

TEST_F(EnvelopeTest, RoundTripsThroughCanonicalText) {
  Envelope e = make();
  std::string text = canonical(e);
  Envelope back = parse_envelope(text);
  EXPECT_EQ(back, e);
  EXPECT_EQ(canonical(back), text);
  EXPECT_NO_THROW(verify_signature(back, alice.public_key()));
  EXPECT_TRUE(crypto::is_canonical(text));
}

TEST_F(EnvelopeTest, RefAndEmptyAttachmentsRoundTrip) {
  Envelope e = make(7);
  e.prev = std::string(64, 'f');
  e.ref = crypto::new_id();
  e.attachments.clear();
  e = seal(e, alice);
  Envelope back = parse_envelope(canonical(e));
  EXPECT_EQ(back.ref, e.ref);
  EXPECT_TRUE(back.attachments.empty());
  EXPECT_EQ(envelope_digest(back), envelope_digest(e));
}

TEST_F(EnvelopeTest, LinkIdIsTheSameFromBothEnds) {
  EXPECT_EQ(link_id(alice.public_key(), bob.public_key()),
            link_id(bob.public_key(), alice.public_key()));
  EXPECT_EQ(link_id(alice.public_key(), bob.public_key()).size(), 32u);
  auto carol = crypto::KeyPair::generate();
  EXPECT_NE(link_id(alice.public_key(), bob.public_key()),
            link_id(alice.public_key(), carol.public_key()));
}

TEST_F(EnvelopeTest, RejectsMalformedJson) {
  std::string text = canonical(make());
  EXPECT_EQ(parse_code(text.substr(0, text.size() - 1)), "json_malformed");
  EXPECT_EQ(parse_code(text + "x"), "json_malformed");
}

TEST_F(EnvelopeTest, RejectsFloats) {
  // The canonicalizer refuses floats too, so the float is written into the text.
  std::string text = canonical(make());
  auto pos = text.find("\"n\":42");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 6, "\"n\":1.5");
  EXPECT_EQ(parse_code(text), "json_float");
}

TEST_F(EnvelopeTest, RejectsNonObject) {
  EXPECT_EQ(parse_code("[1,2]"), "envelope_not_object");
  EXPECT_EQ(parse_code("\"envelope\""), "envelope_not_object");
}

TEST_F(EnvelopeTest, RejectsUnknownVersion) {
  Envelope e = make();
  EXPECT_EQ(parse_code(edited(e, [](json& j) { j["v"] = 2; })), "envelope_unknown_version");
  EXPECT_EQ(parse_code(edited(e, [](json& j) { j["v"] = "1"; })), "envelope_unknown_version");
  EXPECT_EQ(parse_code(edited(e, [](json& j) { j.erase("v"); })), "envelope_unknown_version");
}

TEST_F(EnvelopeTest, RejectsEachMissingField) {
  Envelope e = make();
  for (const char* f : {"attachments", "body", "from", "id", "link", "prev", "ref", "sent_at",
                        "seq", "sig", "to", "type"}) {
    EXPECT_EQ(parse_code(edited(e, [&](json& j) { j.erase(f); })), "envelope_missing_field") << f;
  }
}

TEST_F(EnvelopeTest, RejectsExtraField) {
  EXPECT_EQ(parse_code(edited(make(), [](json& j) { j["priority"] = "high"; })),
            "envelope_unknown_field");
}

TEST_F(EnvelopeTest, RejectsWrongTypes) {
  Envelope e = make();
  std::vector<std::pair<const char*, json>> cases = {
      {"id", 5},    {"link", nullptr}, {"from", json::array()},         {"to", true},
      {"seq", "1"}, {"prev", 0},       {"sent_at", 1700000000},         {"type", json::object()},
      {"ref", 3},   {"body", "text"},  {"attachments", json::object()}, {"sig", nullptr}};
  for (const auto& [field, value] : cases) {
    EXPECT_EQ(parse_code(edited(e, [&](json& j) { j[field] = value; })), "envelope_wrong_type")
        << field;
  }
}

TEST_F(EnvelopeTest, RejectsBadValues) {
  Envelope e = make();
  std::vector<std::pair<const char*, json>> cases = {
      {"id", "not-a-uuid"},
      {"id", "00000000-0000-4000-8000-000000000000"},  // v4, not v7
      {"link", "xyz"},
      {"from", "short"},
      {"to", e.from},  // same as from
      {"seq", 0},
      {"prev", "00"},
      {"prev", std::string(64, 'a')},  // seq 1 must have the genesis prev
      {"sent_at", "2026-11-27 10:00"},
      {"type", "Desk Message"},
      {"ref", ""},
      {"attachments", json::array({{{"sha256", "00"}, {"size", 1}}})},
      {"attachments", json::array({{{"sha256", std::string(64, 'b')}, {"size", -1}}})},
      {"attachments",
       json::array({{{"sha256", std::string(64, 'b')}, {"size", 1}, {"name", "x"}}})},
      {"sig", "abc"}};
  for (const auto& [field, value] : cases) {
    EXPECT_EQ(parse_code(edited(e, [&](json& j) { j[field] = value; })), "envelope_bad_value")
        << field << " = " << value.dump();
  }
}

TEST_F(EnvelopeTest, RejectsNonCanonicalText) {
  std::string text = canonical(make());
  // Same content, pretty-printed: parses, but is not the signed bytes.
  EXPECT_EQ(parse_code(json::parse(text).dump(2)), "envelope_not_canonical");
  // Members out of order.
  std::string reordered = "{\"v\":1," + text.substr(1, text.rfind(",\"v\":1") - 1) + "}";
  ASSERT_NE(reordered, text);
  EXPECT_EQ(parse_code(reordered), "envelope_not_canonical");
  // A needless escape.
  std::string escaped = text;
  auto pos = escaped.find("desk.message");
  escaped.replace(pos, 1, "\\u0064");
  EXPECT_EQ(parse_code(escaped), "envelope_not_canonical");
}

TEST_F(EnvelopeTest, RejectsBadSignature) {
  Envelope e = make();
  // Body changed after signing: well-formed, canonical, but forged.
  Envelope tampered = parse_envelope(edited(e, [](json& j) { j["body"]["n"] = 43; }));
  EXPECT_EQ(code_of([&] { verify_signature(tampered, alice.public_key()); }),
            "envelope_bad_signature");
  // Signed by someone else but claiming to be alice.
  Envelope forged = e;
  forged.sig = crypto::encode_signature(bob.sign(signing_input(e)));
  forged = parse_envelope(canonical(forged));
  EXPECT_EQ(code_of([&] { verify_signature(forged, alice.public_key()); }),
            "envelope_bad_signature");
  // A valid envelope checked against the wrong peer key.
  EXPECT_EQ(code_of([&] { verify_signature(e, bob.public_key()); }), "envelope_bad_value");
  // And the untouched one verifies, so the checks above are not vacuous.
  EXPECT_NO_THROW(verify_signature(parse_envelope(canonical(e)), alice.public_key()));
}

TEST_F(EnvelopeTest, SealRefusesAForeignFrom) {
  Envelope e = make();
  e.from = bob.public_key().encoded();
  EXPECT_THROW(seal(e, alice), Error);
}

}  // namespace
}  // namespace hotline::link
