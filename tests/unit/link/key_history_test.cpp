// Key histories and the key.rotate body (docs/protocol.md §1.1, §5.2): which
// key may sign what, when; the proof of possession; the stored form.
#include "hotline/link/key_history.h"

#include <gtest/gtest.h>

#include <functional>

#include "hotline/common/error.h"
#include "hotline/crypto/random.h"

namespace hotline::link {
namespace key_history_test {

crypto::KeyPair gen() {
  return crypto::KeyPair::generate();
}

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

Envelope rotate_envelope(const crypto::KeyPair& old_key, const crypto::KeyPair& new_key,
                         const std::string& until) {
  Envelope e;
  e.id = crypto::new_id();
  e.link = "00112233445566778899aabbccddeeff";
  e.from = old_key.public_key().encoded();
  e.to = gen().public_key().encoded();
  e.seq = 7;
  e.prev = std::string(64, 'a');
  e.sent_at = "2026-12-08T10:00:00.000Z";
  e.type = kKeyRotate;
  e.body = rotation_body(e.link, old_key.public_key(), new_key, until);
  return seal(std::move(e), old_key);
}

TEST(KeyHistory, RetiredKeySignsUntilTheOverlapEndsAndVerifiesForever) {
  auto a = gen(), b = gen();
  KeyHistory h = KeyHistory::single(a.public_key(), "2026-01-01T00:00:00.000Z");
  h.retire_current("2026-12-15T00:00:00.000Z");
  h.add(KeyRecord{b.public_key(), "2026-12-08T00:00:00.000Z", std::nullopt, std::nullopt});
  const auto ak = a.public_key().encoded();
  EXPECT_EQ(h.current(), b.public_key());
  EXPECT_EQ(h.accept_new(ak, "2026-12-10T00:00:00.000Z", "2026-12-10T00:00:00.000Z", "p"),
            a.public_key());
  EXPECT_EQ(code_of([&] {
              h.accept_new(ak, "2026-12-16T00:00:00.000Z", "2026-12-16T00:00:00.000Z", "p");
            }),
            "envelope_key_retired");
  EXPECT_EQ(h.accept_stored(ak, "2026-12-10T00:00:00.000Z", "p"), a.public_key());
  EXPECT_EQ(h.accept_new(b.public_key().encoded(), "2027-06-01T00:00:00.000Z",
                         "2027-06-01T00:00:00.000Z", "p"),
            b.public_key());
  EXPECT_TRUE(h.accepts_tls(a.public_key(), "2026-12-14T00:00:00.000Z"));
  EXPECT_TRUE(h.accepts_tls(a.public_key(), "2026-12-16T00:00:00.000Z"));  // retired, not revoked
  EXPECT_EQ(h.tls_keys("2026-12-16T00:00:00.000Z").size(), 2u);
  // A key that is not the party's: the error names what was expected.
  try {
    h.accept_new(gen().public_key().encoded(), "2026-12-10T00:00:00.000Z",
                 "2026-12-10T00:00:00.000Z", "bravo");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "envelope_bad_value");
    EXPECT_NE(std::string(e.what()).find(b.public_key().fingerprint()), std::string::npos);
  }
}

TEST(KeyHistory, RevokedKeyRefusesWhatWasSentFromTheRevocationOn) {
  auto a = gen(), b = gen();
  KeyHistory h = KeyHistory::single(a.public_key());
  h.revoke(a.public_key(), "2026-12-08T09:30:00.000Z");
  h.add(KeyRecord{b.public_key(), "2026-12-08T12:00:00.000Z", std::nullopt, std::nullopt});
  const auto ak = a.public_key().encoded();
  EXPECT_EQ(h.accept_stored(ak, "2026-12-08T09:29:59.999Z", "p"), a.public_key());
  EXPECT_EQ(code_of([&] { h.accept_stored(ak, "2026-12-08T09:30:00.000Z", "p"); }),
            "envelope_key_revoked");
  EXPECT_EQ(code_of([&] {
              h.accept_new(ak, "2026-12-08T10:00:00.000Z", "2026-12-08T13:00:00.000Z", "p");
            }),
            "envelope_key_revoked");
  EXPECT_FALSE(h.accepts_tls(a.public_key(), "2026-12-08T09:00:00.000Z"));
  EXPECT_EQ(code_of([&] { h.revoke(gen().public_key(), "2026-12-08T09:30:00.000Z"); }),
            "key_unknown");
}

TEST(KeyHistory, StoredFormRoundTripsAndBadFormIsRefused) {
  auto a = gen(), b = gen();
  KeyHistory h = KeyHistory::single(a.public_key(), "2026-01-01T00:00:00.000Z");
  h.retire_current("2026-12-15T00:00:00.000Z");
  h.add(KeyRecord{b.public_key(), "2026-12-08T00:00:00.000Z", std::nullopt,
                  "2026-12-09T00:00:00.000Z"});
  EXPECT_EQ(KeyHistory::from_json(nlohmann::json::parse(h.to_json().dump())), h);
  EXPECT_EQ(code_of([] { KeyHistory::from_json(nlohmann::json::array()); }), "key_history_invalid");
  EXPECT_EQ(code_of([] {
              KeyHistory::from_json(nlohmann::json::parse(R"([{"key":"nope","since":""}])"));
            }),
            "key_history_invalid");
  // The same key twice is not a history.
  auto twice = h.to_json();
  twice.push_back(twice[0]);
  EXPECT_EQ(code_of([&] { KeyHistory::from_json(twice); }), "key_history_invalid");
}

TEST(KeyRotation, ProofByTheNewKeyIsChecked) {
  auto old_key = gen(), new_key = gen();
  KeyHistory h = KeyHistory::single(old_key.public_key());
  Envelope e = rotate_envelope(old_key, new_key, "2026-12-15T10:00:00.000Z");
  Rotation r = check_rotation(e, h);
  EXPECT_EQ(r.new_key, new_key.public_key());
  EXPECT_EQ(r.old_key, old_key.public_key());
  KeyHistory next = apply_rotation(h, r, "2026-12-08T10:00:01.000Z");
  ASSERT_EQ(next.keys().size(), 2u);
  EXPECT_EQ(next.keys()[0].until, "2026-12-15T10:00:00.000Z");
  EXPECT_EQ(next.current(), new_key.public_key());

  // A proof by another key (the sender does not hold the new one).
  Envelope forged = e;
  forged.body = rotation_body(e.link, old_key.public_key(), gen(), "2026-12-15T10:00:00.000Z");
  forged.body["new_key"] = new_key.public_key().encoded();
  EXPECT_EQ(code_of([&] { check_rotation(forged, h); }), "key_rotation_invalid");
  // The proof is bound to the link: the same body on another link fails.
  Envelope moved = e;
  moved.link = "ffeeddccbbaa99887766554433221100";
  EXPECT_EQ(code_of([&] { check_rotation(moved, h); }), "key_rotation_invalid");
  // An overlap that ends before the envelope was sent; a key pinned already;
  // a body with another member.
  EXPECT_EQ(code_of([&] {
              check_rotation(rotate_envelope(old_key, new_key, "2026-12-01T00:00:00.000Z"), h);
            }),
            "key_rotation_invalid");
  EXPECT_EQ(code_of([&] { check_rotation(e, next); }), "key_rotation_invalid");
  Envelope extra = e;
  extra.body["more"] = 1;
  EXPECT_EQ(code_of([&] { check_rotation(extra, h); }), "key_rotation_invalid");
}

}  // namespace key_history_test
}  // namespace hotline::link
