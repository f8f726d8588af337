// SignInGuard: delays per (account, source) that double after the free
// failures, the account-wide ceiling that slows only failing sources, the
// bounded memory; source_key(): IPv4 as is, IPv6 by its /64.
#include "hotline/service/sign_in_guard.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace hotline::service {
namespace sign_in_guard_test {

using namespace std::chrono_literals;

const TimePoint kT0 = parse_timestamp("2026-11-27T09:00:00.000Z");

TEST(SourceKey, IPv4AsIsIPv6ByItsSlash64) {
  EXPECT_EQ(source_key("203.0.113.5"), "203.0.113.5");
  EXPECT_EQ(source_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(source_key("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
  EXPECT_NE(source_key("2001:db8:1:3::1"), source_key("2001:db8:1:2::1"));
  EXPECT_EQ(source_key("::ffff:198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(source_key("::1"), "::/64");
  EXPECT_EQ(source_key("not an address"), "not an address");
}

TEST(SignInGuard, FreeFailuresThenDoublingDelays) {
  SignInLimits limits;
  limits.account_ceiling = 1000;
  SignInGuard guard(limits);
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
}

TEST(SignInGuard, AccountCeilingSlowsOnlyFailingSources) {
  SignInLimits limits;
  limits.account_ceiling = 10;
  SignInGuard guard(limits);
  // Ten sources fail once each: none is past its free failures.
  for (int i = 0; i < 10; ++i) guard.failed("sara", "10.0.0." + std::to_string(i), kT0);
  EXPECT_EQ(guard.wait("sara", "10.0.0.1", kT0), 1min);
  EXPECT_EQ(guard.wait("sara", "10.0.0.1", kT0 + 45s), 15s);
  // A source with no failures is never delayed.
  EXPECT_EQ(guard.wait("sara", "198.51.100.7", kT0), 0ms);
}

TEST(SignInGuard, MemoryIsBounded) {
  SignInLimits limits;
  limits.max_entries = 100;
  SignInGuard guard(limits);
  for (int i = 0; i < 10000; ++i) {
    guard.failed("user" + std::to_string(i % 300), "10.0." + std::to_string(i), kT0);
  }
  EXPECT_LE(guard.size(), 200u);
}

}  // namespace sign_in_guard_test
}  // namespace hotline::service
