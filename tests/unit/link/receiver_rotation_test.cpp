// The receiver across a key rotation (docs/protocol.md §1.1, §5.2), in
// process against real SQLite stores: a key.rotate envelope and envelopes
// signed with the new key in one batch; an envelope signed with a key the
// peer never announced; the chain check with the key histories.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/link/chain_check.h"
#include "hotline/link/key_history.h"
#include "hotline/link/outbound.h"
#include "hotline/link/receiver.h"
#include "hotline/store/open.h"

namespace hotline::link {
namespace receiver_rotation_test {

namespace fs = std::filesystem;
using store::Direction;

class ReceiverRotation : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-rot-" + crypto::new_id());
    fs::create_directories(dir_);
    sender_ = store::open_sqlite(dir_ / "a.db");
    receiver_ = store::open_sqlite(dir_ / "b.db");
    bravo_ctx_.peer_keys = std::make_shared<KeyRing>(KeyHistory::single(old_.public_key()));
  }
  void TearDown() override {
    sender_.reset();
    receiver_.reset();
    fs::remove_all(dir_);
  }

  // The next envelope of alpha's outbound chain, signed by `signer`.
  std::string send(const crypto::KeyPair& signer, OutboundDraft d) {
    LinkContext ctx(signer, bravo_.public_key(), "bravo", link_);
    return sender_->transact([&](store::Transaction& tx) {
      return canonical(append_outbound(tx, ctx, std::move(d), now_ms()));
    });
  }
  std::string message(const crypto::KeyPair& signer, const std::string& text) {
    OutboundDraft d;
    d.type = "desk.message";
    d.body = {{"text", text}};
    return send(signer, std::move(d));
  }

  ReceiveOutcome receive(const std::string& batch) {
    return receive_batch(
        *receiver_, bravo_ctx_, batch, [] { return now_ms(); }, nullptr);
  }

  crypto::KeyPair old_ = crypto::KeyPair::generate();
  crypto::KeyPair new_ = crypto::KeyPair::generate();
  crypto::KeyPair bravo_ = crypto::KeyPair::generate();
  std::string link_ = link_id(old_.public_key(), bravo_.public_key());
  LinkContext bravo_ctx_{bravo_, old_.public_key(), "alpha", link_};
  fs::path dir_;
  std::unique_ptr<store::Store> sender_, receiver_;
};

TEST_F(ReceiverRotation, NewKeySignsRightAfterTheRotationInTheSameBatch) {
  const std::string until = format_timestamp(now_ms() + std::chrono::hours(1));
  OutboundDraft rot;
  rot.type = kKeyRotate;
  rot.body = rotation_body(link_, old_.public_key(), new_, until);
  // One by one: the chain's order is the order they are made in.
  std::string batch = message(old_, "before") + "\n";
  batch += send(old_, std::move(rot)) + "\n";
  batch += message(new_, "after, new key") + "\n";
  batch += message(old_, "old key, overlap");
  auto out = receive(batch);
  ASSERT_FALSE(out.error) << out.error->code << ": " << out.error->message;
  EXPECT_EQ(out.receipts.size(), 4u);

  // The stored chain verifies with the history the rotation makes.
  KeyHistory h = apply_rotation(KeyHistory::single(old_.public_key()),
                                Rotation{old_.public_key(), new_.public_key(), until},
                                format_timestamp(now_ms()));
  auto report = receiver_->snapshot([&](store::Transaction& tx) {
    return check_chain(tx, link_, Direction::inbound, h, KeyHistory::single(bravo_.public_key()));
  });
  EXPECT_TRUE(report.ok()) << (report.findings.empty() ? "" : report.findings[0]);
  EXPECT_EQ(report.envelopes, 4);
  // With the old key alone, the new key's envelope is a finding.
  auto single = receiver_->snapshot([&](store::Transaction& tx) {
    return check_chain(tx, link_, Direction::inbound, old_.public_key(), bravo_.public_key());
  });
  EXPECT_EQ(single.findings.size(), 1u);
}

TEST_F(ReceiverRotation, UnannouncedKeyAndBadProofAreRefused) {
  // A key nobody announced: refused, nothing stored.
  auto out = receive(message(new_, "who is this"));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "envelope_bad_value");
  EXPECT_NE(out.error->message.find(old_.public_key().fingerprint()), std::string::npos)
      << out.error->message;

  // A rotation whose proof is by another key pins nothing: the envelope
  // after it, signed with the announced key, is refused.
  sender_ = store::open_sqlite(dir_ / "a2.db");
  OutboundDraft rot;
  rot.type = kKeyRotate;
  rot.body = rotation_body(link_, old_.public_key(), crypto::KeyPair::generate(),
                           format_timestamp(now_ms() + std::chrono::hours(1)));
  rot.body["new_key"] = new_.public_key().encoded();
  std::string batch = send(old_, std::move(rot)) + "\n";
  batch += message(new_, "after a forged proof");
  out = receive(batch);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "envelope_bad_value");
  EXPECT_EQ(out.error->line, 1);
  EXPECT_EQ(out.receipts.size(), 1u);  // the rotation itself is stored (its effect refuses it)
}

TEST_F(ReceiverRotation, RetiredAndRevokedKeysAreRefusedWithTheirCode) {
  KeyHistory h = KeyHistory::single(old_.public_key());
  h.retire_current("2000-01-01T00:00:00.000Z");
  h.add(KeyRecord{new_.public_key(), "2000-01-01T00:00:00.000Z", std::nullopt, std::nullopt});
  bravo_ctx_.peer_keys->set(h);
  auto out = receive(message(old_, "too late"));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "envelope_key_retired");
  EXPECT_EQ(out.error->category, ErrorCategory::forbidden);

  h = KeyHistory::single(old_.public_key());
  h.revoke(old_.public_key(), "2000-01-01T00:00:00.000Z");
  h.add(KeyRecord{new_.public_key(), "2000-01-01T00:00:00.000Z", std::nullopt, std::nullopt});
  bravo_ctx_.peer_keys->set(h);
  out = receive(message(old_, "stolen"));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "envelope_key_revoked");
  EXPECT_EQ(receiver_->snapshot([](store::Transaction& tx) { return tx.count_envelopes(); }), 0);
}

}  // namespace receiver_rotation_test
}  // namespace hotline::link
