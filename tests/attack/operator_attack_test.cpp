// The operators' listener under attack (issue #17, item 10), on one real
// node (`hotline serve`, real TLS on 127.0.0.1). Each scenario is bounded in
// attempts and time; meanwhile an authorised operator's request must still
// be answered within its usual time (under 2 s here), and the node's memory
// must stay within the bound each scenario states.
//
//   SignInFloodAgainstASupervisor  hundreds of wrong passwords for a
//       supervisor from one place (127.0.0.1): the supervisor still signs in
//       at once from another place (127.0.0.2) with the right password and
//       TOTP code; nothing locks the account.
//   UnauthenticatedLargeUploads    uploads announcing 100 MiB without
//       credentials: each is answered 401 on its header, before any of the
//       body is sent (with and without "Expect: 100-continue"); the node
//       grows by less than 64 MiB.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "attack/operator_harness.h"
#include "hotline/crypto/totp.h"

namespace hotline::attack {
namespace operator_attack_test {

TEST(OperatorAttack, SignInFloodAgainstASupervisor) {
  OperatorNode node;
  node.user_with_token("sara", {service::Role::supervisor});
  const std::string desk = node.user_with_token("olga", {service::Role::operator_});
  std::vector<std::uint8_t> key;
  {
    auto n = service::open_node(node.dir());
    auto setup = service::enable_totp(*n.store, "sara", "Hotline", now_ms());
    key = crypto::base32_decode(setup.secret);
    service::confirm_totp(*n.store, "sara", crypto::totp(key, now_ms()), now_ms());
  }
  ASSERT_TRUE(node.start());

  // The flood: 4 attackers, 100 wrong passwords each, at most 20 s.
  const std::string guess =
      nlohmann::json({{"name", "sara"}, {"password", "wrong guess 12345"}}).dump();
  std::atomic<int> refused{0}, other{0};
  const auto flood_end = Clock::now() + 20s;
  std::vector<std::future<void>> attackers;
  for (int a = 0; a < 4; ++a) {
    attackers.push_back(std::async(std::launch::async, [&] {
      for (int i = 0; i < 100 && Clock::now() < flood_end; ++i) {
        RawClient c(node.port(), "127.0.0.1");
        const int s = status_of(c.request("POST", "/v1/session", guess));
        (s == 401 || s == 429 || s == 503 ? refused : other) += 1;
      }
    }));
  }
  // Meanwhile the desk works, at its usual pace.
  std::this_thread::sleep_for(300ms);
  for (int i = 0; i < 5; ++i) {
    auto [status, took] = node.timed_get(desk, "/v1/alerts");
    EXPECT_EQ(status, 200);
    EXPECT_LT(took, 2s) << "an authorised request waited during the flood";
    std::this_thread::sleep_for(100ms);
  }
  // The supervisor signs in from her own place, right password and code
  // (the next step's: the current one was used to confirm the set-up, and
  // a code is never accepted twice).
  const TimePoint t = now_ms() + std::chrono::seconds(30);
  RawClient sara(node.port(), "127.0.0.2");
  ASSERT_TRUE(sara.ok());
  const auto start = Clock::now();
  const std::string answer = sara.request(
      "POST", "/v1/session",
      nlohmann::json(
          {{"name", "sara"}, {"password", OperatorNode::kPassword}, {"totp", crypto::totp(key, t)}})
          .dump());
  EXPECT_EQ(status_of(answer), 201) << answer.substr(0, 400);
  EXPECT_LT(Clock::now() - start, 3s);
  for (auto& f : attackers) f.get();
  EXPECT_GT(refused.load(), 0);
  EXPECT_EQ(other.load(), 0) << "a wrong password was not refused";
}

TEST(OperatorAttack, UnauthenticatedLargeUploads) {
  OperatorNode node;
  const std::string desk = node.user_with_token("olga", {service::Role::operator_});
  ASSERT_TRUE(node.start());
  const long rss_before = node.rss_kib();
  const std::string head =
      "POST /v1/attachments?name=x.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/octet-stream\r\nContent-Length: 104857600\r\n";
  // 40 uploads, half announcing "Expect: 100-continue": each is answered
  // 401 on its header alone, before any byte of its body is sent.
  std::vector<std::future<std::string>> uploads;
  for (int i = 0; i < 40; ++i) {
    uploads.push_back(std::async(std::launch::async, [&, i] {
      RawClient c(node.port(), "127.0.0.1", 3000ms);
      if (!c.ok()) return std::string("no connection");
      c.write(head + (i % 2 ? "Expect: 100-continue\r\n" : "") + "\r\n");
      return c.read_until("\r\n\r\n");  // the answer, with no body sent
    }));
  }
  // Meanwhile the desk works.
  auto [status, took] = node.timed_get(desk, "/v1/alerts");
  EXPECT_EQ(status, 200);
  EXPECT_LT(took, 2s);
  for (auto& u : uploads) {
    const std::string answer = u.get();
    EXPECT_EQ(status_of(answer), 401) << answer.substr(0, 200);
    EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer.substr(0, 200);
  }
  // Then bodies pushed regardless (1 MiB each, 20 senders): nothing of it
  // is kept; the node grows by less than 64 MiB.
  std::vector<std::future<void>> pushers;
  for (int i = 0; i < 20; ++i) {
    pushers.push_back(std::async(std::launch::async, [&] {
      RawClient c(node.port(), "127.0.0.1", 2000ms);
      c.write(head + "\r\n");
      const std::string chunk(64 * 1024, 'x');
      for (int k = 0; k < 16 && c.write(chunk) == chunk.size(); ++k) {
      }
    }));
  }
  for (auto& p : pushers) p.get();
  const long rss_after = node.rss_kib();
  EXPECT_LT(rss_after - rss_before, 64 * 1024)
      << "before " << rss_before << " KiB, after " << rss_after << " KiB";
  auto [status2, took2] = node.timed_get(desk, "/v1/alerts");
  EXPECT_EQ(status2, 200);
  EXPECT_LT(took2, 2s);
}

}  // namespace operator_attack_test
}  // namespace hotline::attack
