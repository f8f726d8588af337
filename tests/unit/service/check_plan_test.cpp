// When a node owes its peer a communication check (service/check_plan.h),
// over a real store: one check per period, at a moment inside the period
// that a restart does not move, none before the agreement takes force, none
// when the agreement schedules none.
#include "hotline/service/check_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/random.h"
#include "hotline/model/agreement.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {
namespace check_plan_test {

namespace fs = std::filesystem;
constexpr const char* kLink = "0123456789abcdef0123456789abcdef";

class CheckPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-check-plan-" + crypto::new_id());
    init_node(dir_, "Alpha");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // An accepted agreement with `schedule`, in force from `origin`; the peer
  // (the receiver of our checks) keeps Paris office hours.
  void agree(Node& node, model::CheckSchedule schedule, TimePoint origin) {
    auto bravo = crypto::KeyPair::generate();
    model::Party us;
    us.name = "Alpha";
    us.public_key = node.identity.public_key().encoded();
    us.languages = {"en"};
    us.time_zone = "UTC";
    model::Party them = us;
    them.name = "Bravo";
    them.public_key = bravo.public_key().encoded();
    them.time_zone = "Europe/Paris";
    auto doc = model::default_agreement(us, them, kLink, format_timestamp(origin));
    doc.checks = schedule;
    node.store->transact([&](store::Transaction& tx) {
      tx.insert_peer(store::PeerRecord{"Bravo", them.public_key, "https://127.0.0.1:1", kLink,
                                       format_timestamp(origin)});
      store::AgreementRecord rec;
      rec.document = crypto::canonicalize(model::to_json(doc));
      rec.digest = std::string(64, 'a');
      rec.link = kLink;
      rec.proposed_by = us.public_key;
      rec.proposer_sig = "x";
      rec.acceptor_sig = "y";
      rec.state = "accepted";
      rec.proposed_at = format_timestamp(origin);
      rec.accepted_at = format_timestamp(origin);
      tx.put_agreement(rec);
      ensure_check_seed(tx);
    });
  }

  std::optional<DueCheck> due(Node& node, TimePoint now) {
    return node.store->snapshot([&](store::Transaction& tx) { return due_check(tx, kLink, now); });
  }

  // The first instant (to the minute) at which a check is due, scanning
  // [from, to); nullopt when none is.
  std::optional<TimePoint> first_due(Node& node, TimePoint from, TimePoint to) {
    for (TimePoint t = from; t < to; t += std::chrono::minutes(1)) {
      if (due(node, t)) return t;
    }
    return std::nullopt;
  }

  fs::path dir_;
};

TEST_F(CheckPlan, OneCheckPerPeriodInsideThePeriodAndStableAcrossRestarts) {
  const TimePoint origin = parse_timestamp("2026-05-04T00:00:00.000Z");  // a Monday
  std::optional<TimePoint> first;
  {
    Node node = open_node(dir_);
    agree(node, model::CheckSchedule{7, true}, origin);
    EXPECT_FALSE(due(node, origin - std::chrono::hours(1)));  // before it took force
    first = first_due(node, origin, origin + std::chrono::days(7));
    ASSERT_TRUE(first.has_value());
    auto d = due(node, *first);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->period, 0);
    EXPECT_LE(d->moment, *first);
    EXPECT_GT(d->moment, *first - std::chrono::minutes(1));
  }
  {
    // Reopened: the same moment, since it is drawn from the node's seed.
    Node node = open_node(dir_);
    EXPECT_FALSE(due(node, *first - std::chrono::minutes(1)));
    ASSERT_TRUE(due(node, *first));
    node.store->transact([&](store::Transaction& tx) { record_check_sent(tx, kLink, *first); });
    // Sent: nothing more is owed until the next period's moment.
    EXPECT_FALSE(first_due(node, *first, origin + std::chrono::days(7)));
    auto next = first_due(node, origin + std::chrono::days(7), origin + std::chrono::days(14));
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(due(node, *next)->period, 1);
  }
}

TEST_F(CheckPlan, NoScheduleNoCheck) {
  const TimePoint origin = parse_timestamp("2026-05-04T00:00:00.000Z");
  Node node = open_node(dir_);
  agree(node, model::CheckSchedule{0, true}, origin);
  EXPECT_FALSE(first_due(node, origin, origin + std::chrono::days(2)));
}

}  // namespace check_plan_test
}  // namespace hotline::service
