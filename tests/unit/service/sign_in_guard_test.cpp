// SignInGuard: delays per (account, source) that double after the free
// failures, the account-wide ceiling that slows only failing sources, the
// bounded memory; each with the counts in memory and in a real SQLite store.
// Two guards on one store (two processes of a node) see each other's
// failures. source_key(): IPv4 as is, IPv6 by its /64.
#include "hotline/service/sign_in_guard.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "hotline/crypto/random.h"
#include "hotline/store/open.h"

namespace hotline::service {
namespace sign_in_guard_test {

using namespace std::chrono_literals;

const TimePoint kT0 = parse_timestamp("2026-11-27T09:00:00.000Z");

// A real SQLite store in a scratch folder, removed at the end.
class ScratchStore {
 public:
  ScratchStore()
      : dir_(std::filesystem::temp_directory_path() / ("hotline-guard-" + crypto::new_id())) {
    std::filesystem::create_directories(dir_);
    store_ = store::open_sqlite(dir_ / "hotline.db");
  }
  ~ScratchStore() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  store::Store& operator*() { return *store_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

// Every behaviour, with the counts in memory (false) and in the store (true).
class SignInGuardTest : public ::testing::TestWithParam<bool> {
 protected:
  std::unique_ptr<SignInGuard> make(SignInLimits limits) {
    if (!GetParam()) return std::make_unique<SignInGuard>(limits);
    return std::make_unique<SignInGuard>(*store_, limits);
  }
  ScratchStore store_;
};

INSTANTIATE_TEST_SUITE_P(Counts, SignInGuardTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "InStore" : "InMemory";
                         });

TEST(SourceKey, IPv4AsIsIPv6ByItsSlash64) {
  EXPECT_EQ(source_key("203.0.113.5"), "203.0.113.5");
  EXPECT_EQ(source_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(source_key("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
  EXPECT_NE(source_key("2001:db8:1:3::1"), source_key("2001:db8:1:2::1"));
  EXPECT_EQ(source_key("::ffff:198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(source_key("::1"), "::/64");
  EXPECT_EQ(source_key("not an address"), "not an address");
}

TEST_P(SignInGuardTest, FreeFailuresThenDoublingDelays) {
  SignInLimits limits;
  limits.account_ceiling = 1000;
  auto owned = make(limits);
  SignInGuard& guard = *owned;
  TimePoint t = kT0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(guard.wait("anna", "192.0.2.1", t), 0ms) << i;
    guard.failed("anna", "192.0.2.1", t);
  }
  EXPECT_EQ(guard.wait("anna", "192.0.2.1", t), 2s);
  EXPECT_EQ(guard.wait("anna", "192.0.2.1", t + 1500ms), 500ms);
  guard.failed("anna", "192.0.2.1", t += 2s);
  EXPECT_EQ(guard.wait("anna", "192.0.2.1", t), 4s);
  guard.failed("anna", "192.0.2.1", t += 4s);
  EXPECT_EQ(guard.wait("anna", "192.0.2.1", t), 8s);
  for (int i = 0; i < 20; ++i) guard.failed("anna", "192.0.2.1", t);
  EXPECT_EQ(guard.wait("anna", "192.0.2.1", t), 15min);  // the cap
  // Another source, and another account from the same source: no delay.
  EXPECT_EQ(guard.wait("anna", "192.0.2.2", t), 0ms);
  EXPECT_EQ(guard.wait("bert", "192.0.2.1", t), 0ms);
  // A success forgets the pair.
  guard.succeeded("anna", "192.0.2.1");
  EXPECT_EQ(guard.wait("anna", "192.0.2.1", t), 0ms);
  // After forget_after without failures, the pair starts again.
  for (int i = 0; i < 5; ++i) guard.failed("bert", "192.0.2.1", t);
  EXPECT_EQ(guard.wait("bert", "192.0.2.1", t + 24h), 0ms);
  // And a failure then counts as the first again.
  guard.failed("bert", "192.0.2.1", t + 24h);
  EXPECT_EQ(guard.wait("bert", "192.0.2.1", t + 24h), 0ms);
}

TEST_P(SignInGuardTest, AccountCeilingSlowsOnlyFailingSources) {
  SignInLimits limits;
  limits.account_ceiling = 10;
  auto owned = make(limits);
  SignInGuard& guard = *owned;
  // Ten sources fail once each: none is past its free failures.
  for (int i = 0; i < 10; ++i) guard.failed("sara", "10.0.0." + std::to_string(i), kT0);
  EXPECT_EQ(guard.wait("sara", "10.0.0.1", kT0), 1min);
  EXPECT_EQ(guard.wait("sara", "10.0.0.1", kT0 + 45s), 15s);
  // A source with no failures is never delayed.
  EXPECT_EQ(guard.wait("sara", "198.51.100.7", kT0), 0ms);
}

TEST_P(SignInGuardTest, MemoryIsBounded) {
  SignInLimits limits;
  limits.max_entries = 100;
  auto owned = make(limits);
  SignInGuard& guard = *owned;
  // The store's table is pruned every kPruneEvery failures: it may hold
  // that many rows (two each) above the bound between two prunings.
  const std::size_t slack = GetParam() ? 2 * SignInGuard::kPruneEvery : 0;
  const int n = GetParam() ? 2000 : 10000;
  for (int i = 0; i < n; ++i) {
    guard.failed("user" + std::to_string(i % 300), "10.0." + std::to_string(i), kT0);
  }
  EXPECT_LE(guard.size(), 200u + slack);
}

TEST_P(SignInGuardTest, ASuccessForgetsThePairAndTheAccountsCount) {
  SignInLimits limits;
  limits.account_ceiling = 4;
  auto owned = make(limits);
  SignInGuard& guard = *owned;
  for (int i = 0; i < 4; ++i) guard.failed("sara", "192.0.2.1", kT0);
  guard.failed("sara", "192.0.2.2", kT0);
  EXPECT_EQ(guard.wait("sara", "192.0.2.2", kT0), 1min);  // the ceiling
  guard.succeeded("sara", "192.0.2.1");
  EXPECT_EQ(guard.wait("sara", "192.0.2.1", kT0), 0ms);
  EXPECT_EQ(guard.wait("sara", "192.0.2.2", kT0), 0ms);  // one failure, below the ceiling again
  guard.succeeded("nobody", "192.0.2.9");                // nothing to forget: changes nothing
  EXPECT_EQ(guard.size(), 1u);
}

// Two processes of one node: a guard each, one store. The failures counted
// by one delay the other, and survive both (a restart).
TEST(SignInGuardShared, AGuardSeesTheFailuresAnotherCountedOnTheStore) {
  ScratchStore scratch;
  auto second = store::open_sqlite(scratch.dir() / "hotline.db");
  SignInLimits limits;
  SignInGuard one(*scratch, limits);
  SignInGuard two(*second, limits);
  for (int i = 0; i < 2; ++i) one.failed("anna", "192.0.2.1", kT0);
  two.failed("anna", "192.0.2.1", kT0);
  // Three failures, split over the two: the pair is past its free ones.
  EXPECT_EQ(one.wait("anna", "192.0.2.1", kT0), 2s);
  EXPECT_EQ(two.wait("anna", "192.0.2.1", kT0), 2s);
  one.failed("anna", "192.0.2.1", kT0);
  EXPECT_EQ(two.wait("anna", "192.0.2.1", kT0), 4s);
  {
    SignInGuard restarted(*second, limits);
    EXPECT_EQ(restarted.wait("anna", "192.0.2.1", kT0), 4s);
  }
  // A success through one forgets the pair for both.
  two.succeeded("anna", "192.0.2.1");
  EXPECT_EQ(one.wait("anna", "192.0.2.1", kT0), 0ms);
}

// What the shared counts cost a sign-in: printed, not asserted (argon2id,
// tens of milliseconds, dwarfs it).
TEST(SignInGuardShared, CostOfTheSignInPath) {
  ScratchStore scratch;
  SignInLimits limits;
  SignInGuard memory(limits);
  SignInGuard shared(*scratch, limits);
  constexpr int kRounds = 300;
  auto time_it = [&](SignInGuard& g, const char* what, auto&& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) fn(g, i);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
        kRounds;
    std::printf("[sign_in_guard] %-6s %-38s %8.1f us\n", &g == &memory ? "memory" : "store", what,
                us);
  };
  for (SignInGuard* g : {&memory, &shared}) {
    time_it(*g, "wait (no failures)",
            [](SignInGuard& x, int i) { (void)x.wait("u" + std::to_string(i), "192.0.2.1", kT0); });
    time_it(*g, "wait + failed", [](SignInGuard& x, int i) {
      (void)x.wait("v" + std::to_string(i % 20), "192.0.2.1", kT0);
      x.failed("v" + std::to_string(i % 20), "192.0.2.1", kT0);
    });
    time_it(*g, "wait + succeeded (nothing to forget)", [](SignInGuard& x, int i) {
      (void)x.wait("w" + std::to_string(i), "192.0.2.1", kT0);
      x.succeeded("w" + std::to_string(i), "192.0.2.1");
    });
  }
  EXPECT_GT(shared.size(), 0u);
}

}  // namespace sign_in_guard_test
}  // namespace hotline::service
