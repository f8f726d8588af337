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
namespace envelope_test {

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

// The envelope as a JSON object, built member by member as the code did
// before it wrote canonical text directly: canonicalize() of this is the
// definition the direct writer must match byte for byte.
json as_json(const Envelope& e, bool with_sig) {
  json atts = json::array();
  for (const auto& a : e.attachments) atts.push_back({{"sha256", a.sha256}, {"size", a.size}});
  json j = {{"v", e.v},       {"id", e.id},     {"link", e.link},     {"from", e.from},
            {"to", e.to},     {"seq", e.seq},   {"prev", e.prev},     {"sent_at", e.sent_at},
            {"type", e.type}, {"body", e.body}, {"attachments", atts}};
  j["ref"] = e.ref ? json(*e.ref) : json(nullptr);
  if (with_sig) j["sig"] = e.sig;
  return j;
}

TEST_F(EnvelopeTest, CanonicalTextIsCanonicalizeOfTheEnvelopeAsJson) {
  std::vector<Envelope> cases;
  cases.push_back(make());
  Envelope e = make(9007199254740991);  // the largest integer canonical JSON holds
  e.ref = crypto::new_id();
  e.attachments = {{std::string(64, 'b'), 0}, {std::string(64, 'c'), 9007199254740991}};
  cases.push_back(seal(e, alice));
  e.attachments.clear();
  e.ref.reset();
  e.type = "request.preservation_v2";
  // Keys out of order, escapes, controls, DEL, U+2028, a non-BMP key that
  // sorts by UTF-16 (before U+FFFD), nesting, negative and large integers.
  e.body = json::parse(
      R"({"z":1,"a":[true,false,null,-9007199254740991,"\"\\/\b\f\n\r\t\u0001\u007f\u2028"],)"
      R"("\ud83d\ude00":"emoji key","\ufffd":"replacement","nested":{"b":{"c":[[],{}]},"a":""}})");
  cases.push_back(seal(e, alice));
  e.body = json::object();
  e.sig.clear();  // an unsealed envelope still writes "sig" (as "")
  cases.push_back(e);
  for (const auto& c : cases) {
    EXPECT_EQ(canonical(c), crypto::canonicalize(as_json(c, true)));
    EXPECT_EQ(signing_input(c), crypto::canonicalize(as_json(c, false)));
  }
}

TEST_F(EnvelopeTest, CanonicalTextRefusesWhatCanonicalizeRefuses) {
  Envelope e = make();
  e.body = {{"text", std::string("bad \xff byte")}};
  EXPECT_EQ(code_of([&] { (void)canonical(e); }), "json_invalid_utf8");
  e.body = {{"n", 9007199254740992}};
  EXPECT_EQ(code_of([&] { (void)canonical(e); }), "json_integer_range");
  e.body = {{"f", 0.5}};
  EXPECT_EQ(code_of([&] { (void)signing_input(e); }), "json_float");
  // The body sits one level inside the envelope: 62 more levels inside it
  // are the deepest canonical JSON allows (kMaxDepth 64), one more is not.
  json deep = json::object();
  for (int i = 0; i < crypto::kMaxDepth - 2; ++i) deep = json{{"d", deep}};
  e.body = deep;
  EXPECT_EQ(canonical(e), crypto::canonicalize(as_json(e, true)));
  e.body = json{{"d", deep}};
  EXPECT_EQ(code_of([&] { (void)crypto::canonicalize(as_json(e, true)); }), "json_too_deep");
  EXPECT_EQ(code_of([&] { (void)canonical(e); }), "json_too_deep");
  e = make();
  e.from = std::string("\x80");
  EXPECT_EQ(code_of([&] { (void)canonical(e); }), "json_invalid_utf8");
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

}  // namespace envelope_test
}  // namespace hotline::link
