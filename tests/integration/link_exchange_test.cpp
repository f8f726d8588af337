// Two real nodes exchanging over the link: a large two-way stream, what
// `peer list` reports, the agreement flow and heartbeat liveness.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "link_harness.h"

namespace hotline::it {
namespace link_exchange_test {

class LinkExchange : public TwoNodes {};

TEST_F(LinkExchange, TenThousandEachWayAtOnce) {
  const std::int64_t n = kSanitized ? 2000 : 10000;
  ASSERT_NO_FATAL_FAILURE(setup());
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));

  auto t0 = Clock::now();
  std::mutex err_mu;
  std::string errors;
  auto producer = [&](const fs::path& d, const std::string& peer) {
    try {
      enqueue(d, peer, n);
    } catch (const std::exception& e) {
      std::lock_guard lock(err_mu);
      errors += "enqueue into " + d.string() + " failed: " + e.what() + "\n";
    }
  };
  std::jthread ta(producer, dir(kAlpha), "bravo");
  std::jthread tb(producer, dir(kBravo), "alpha");
  ta.join();
  tb.join();
  double enqueue_s = seconds_since(t0);
  ASSERT_TRUE(errors.empty()) << errors;

  const auto timeout = kSanitized ? 180s : 90s;
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", n, timeout));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", n, timeout));
  std::printf("[exchange] %lld envelopes each way: queued in %.1f s, all receipted after %.1f s\n",
              static_cast<long long>(n), enqueue_s, seconds_since(t0));
  auto t_delivered = Clock::now();

  // What `peer list --json` reports, against the stores themselves.
  for (Side s : {kAlpha, kBravo}) {
    expect_peer_list_matches_store(s);
    auto c = both_counts();
    EXPECT_GE((s == kAlpha ? c.first : c.second).last_out, n) << "desk messages and more";
  }

  auto t_stop = Clock::now();
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  auto t_check = Clock::now();
  auto ab = expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), msg_texts("alpha", 0, n));
  auto ba = expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), msg_texts("bravo", 0, n));
  std::printf("[exchange] peer list checks %.1f s, stop %.1f s, chain checks %.1f s\n",
              std::chrono::duration<double>(t_stop - t_delivered).count(),
              std::chrono::duration<double>(t_check - t_stop).count(), seconds_since(t_check));
  std::printf(
      "[exchange] alpha->bravo %lld envelopes (%lld desk messages), bravo->alpha %lld (%lld)\n",
      static_cast<long long>(ab.envelopes), static_cast<long long>(ab.desk_messages),
      static_cast<long long>(ba.envelopes), static_cast<long long>(ba.desk_messages));
}

nlohmann::json agreement_show(TwoNodes* t, const testing::RunResult& r) {
  (void)t;
  if (r.exit_code != 0) return nlohmann::json{{"cli_error", r.err}};
  return nlohmann::json::parse(r.out);
}

TEST_F(LinkExchange, AgreementProposeAcceptThroughRunningNodes) {
  ASSERT_NO_FATAL_FAILURE(setup());
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  auto show = [&](Side s) {
    return agreement_show(this, cli({"agreement", "show", "--dir", dir(s).string(), "--peer",
                                     peer_name_of(s), "--json"}));
  };

  auto r = cli({"agreement", "propose", "--dir", dir(kAlpha).string(), "--peer", "bravo"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto ours = show(kAlpha);
  ASSERT_TRUE(ours["pending"].is_object()) << ours.dump(2);
  const std::string proposed_digest = ours["pending"].value("digest", "");
  EXPECT_TRUE(ours["current"].is_null());

  // The proposal travels to bravo and waits there for acceptance.
  auto theirs = poll_json([&] { return show(kBravo); },
                          [](const nlohmann::json& j) { return j["pending"].is_object(); }, 20s);
  ASSERT_TRUE(theirs["pending"].is_object()) << "proposal never reached bravo: " << theirs.dump(2);
  EXPECT_EQ(theirs["pending"].value("digest", ""), proposed_digest);
  EXPECT_EQ(theirs["pending"]["document"], ours["pending"]["document"]);

  r = cli({"agreement", "accept", "--dir", dir(kBravo).string(), "--peer", "alpha"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;

  // The acceptance travels back; both sides then hold the same agreement.
  ours = poll_json([&] { return show(kAlpha); },
                   [](const nlohmann::json& j) { return j["current"].is_object(); }, 20s);
  theirs = show(kBravo);
  ASSERT_TRUE(ours["current"].is_object()) << "acceptance never reached alpha: " << ours.dump(2);
  ASSERT_TRUE(theirs["current"].is_object()) << theirs.dump(2);
  EXPECT_EQ(ours["current"].value("digest", "a"), theirs["current"].value("digest", "b"));
  EXPECT_EQ(ours["current"].value("digest", ""), proposed_digest);
  EXPECT_EQ(ours["current"].value("state", ""), "accepted");
  EXPECT_EQ(theirs["current"].value("state", ""), "accepted");
  EXPECT_EQ(ours["current"]["document"], theirs["current"]["document"]);
  EXPECT_TRUE(ours["pending"].is_null()) << ours.dump(2);
  EXPECT_TRUE(theirs["pending"].is_null()) << theirs.dump(2);

  // `peer list` names it on both sides.
  for (Side s : {kAlpha, kBravo}) {
    auto e = peer_entry(s);
    EXPECT_EQ(e.value("agreement", ""), "accepted, amendment 0") << e.dump();
  }

  // Both delivered everything (heartbeats, the proposal, the acceptance).
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", 2, 20s));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 2, 20s));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), {});
  expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), {});
}

TEST_F(LinkExchange, HeartbeatsMarkThePeerDownAndUpAgain) {
  Options o;
  o.heartbeat_s = 1;
  ASSERT_NO_FATAL_FAILURE(setup(o));
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));

  auto hb = [](const nlohmann::json& e) { return e.value("heartbeat", std::string("?")); };
  auto up = poll_json([&] { return peer_entry(kAlpha); },
                      [&](const nlohmann::json& e) { return hb(e) == "up"; }, 15s);
  ASSERT_EQ(hb(up), "up") << "bravo's heartbeats never arrived at alpha: " << up.dump(2);
  EXPECT_FALSE(up["last_heartbeat"].is_null());

  // bravo freezes: no heartbeats. After 3 intervals alpha calls the link down.
  sigstop(kBravo);
  auto t_stop = Clock::now();
  auto down = poll_json([&] { return peer_entry(kAlpha); },
                        [&](const nlohmann::json& e) { return hb(e) == "down"; }, 15s);
  double down_after = seconds_since(t_stop);
  ASSERT_EQ(hb(down), "down") << "alpha still says " << down.dump(2);
  std::printf("[heartbeat] alpha saw bravo down %.1f s after SIGSTOP\n", down_after);
  EXPECT_GE(down_after, 1.5) << "down too early: 3 intervals of 1 s had not passed";
  EXPECT_TRUE(testing::eventually(
      [&] { return log(kAlpha).find("event=link_down") != std::string::npos; }, 5s))
      << "alpha's log has no event=link_down";

  sigcont(kBravo);
  auto t_cont = Clock::now();
  auto again = poll_json([&] { return peer_entry(kAlpha); },
                         [&](const nlohmann::json& e) { return hb(e) == "up"; }, 20s);
  ASSERT_EQ(hb(again), "up") << "bravo resumed but alpha still says " << again.dump(2);
  std::printf("[heartbeat] alpha saw bravo up again %.1f s after SIGCONT\n", seconds_since(t_cont));

  // The events, in the store: link_up, then link_down, then link_up again.
  {
    auto a = service::open_node(dir(kAlpha));
    auto events =
        a.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 100000); });
    std::vector<std::string> seq;
    for (const auto& e : events)
      if (e.kind == "link_up" || e.kind == "link_down") seq.push_back(e.kind);
    std::string joined;
    for (const auto& k : seq) joined += k + " ";
    ASSERT_GE(seq.size(), 3u) << joined;
    auto last_down = std::find(seq.rbegin(), seq.rend(), "link_down");
    ASSERT_NE(last_down, seq.rend()) << joined;
    EXPECT_NE(std::find(seq.rbegin(), last_down, "link_up"), last_down)
        << "no link_up event after the last link_down: " << joined;
  }
  // And in the log, for whoever watches it.
  EXPECT_TRUE(testing::eventually(
      [&] { return log(kAlpha).find("event=link_up") != std::string::npos; }, 5s))
      << "alpha's log has no event=link_up (the event is only recorded in the store)";

  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));
  // Heartbeats may still be queued at the stop; the chains must be intact.
  for (Side s : {kAlpha, kBravo}) {
    auto self = service::open_node(dir(s));
    auto other = service::open_node(dir(s == kAlpha ? kBravo : kAlpha));
    auto link = link_of(*self.store, peer_name_of(s));
    auto tx = self.store->read();
    auto out = link::check_chain(*tx, link, store::Direction::outbound, self.identity.public_key(),
                                 other.identity.public_key());
    auto in = link::check_chain(*tx, link, store::Direction::inbound, other.identity.public_key(),
                                self.identity.public_key());
    EXPECT_TRUE(out.ok()) << first_findings(out);
    EXPECT_TRUE(in.ok()) << first_findings(in);
    EXPECT_GT(out.envelopes, 2);
  }
}

}  // namespace link_exchange_test
}  // namespace hotline::it
