// A case's indicator actions through the replay both nodes run
// (service/item_replay.h): the peer's typed action is normalized and checked
// again, and a bad one is void with a reason naming the member; a stored
// action from before typed indicators ({type, value}, any token) replays as
// before; new_case_args fills and checks our own actions' arguments.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace case_indicator_replay_test {

using model::Side;
using nlohmann::json;

const std::string kId = "01890a5d-ac96-774b-bcce-b302099a8057";

SharedAction action(Side side, std::int64_t n, std::int64_t seen, const std::string& name,
                    json args) {
  SharedAction a;
  a.side = side;
  a.n = n;
  a.seen = seen;
  a.envelope = "env-" + std::to_string(static_cast<int>(side)) + "-" + std::to_string(n);
  a.sent_at = "2026-12-01T10:00:0" + std::to_string(n) + ".000Z";
  a.action = name;
  a.actor = side == Side::ours ? "alice" : "carol";
  a.args = std::move(args);
  return a;
}

ItemLog opened() {
  ItemLog log;
  log.shared.push_back(
      action(Side::ours, 0, 0, "open",
             {{"title", "Phishing wave"}, {"labels", model::to_json(model::Labels{})}}));
  return log;
}

json typed(const std::string& type, const std::string& value) {
  return new_case_args("add_indicator", {{"type", type}, {"value", value}}, "carol");
}

TEST(CaseIndicatorReplay, ThePeersActionIsCheckedAgainAndABadOneIsVoid) {
  ItemLog log = opened();
  json good = typed("domain-name", "Evil.Example");
  EXPECT_EQ(good["value"], "evil.example");
  EXPECT_TRUE(good.contains("confidence") && good["confidence"].is_null()) << good.dump();
  log.shared.push_back(action(Side::theirs, 0, 1, "add_indicator", good));
  // A peer that sends a value no normalizer accepts, and a confidence out of range.
  json bad = good;
  bad["value"] = "not a domain!";
  log.shared.push_back(action(Side::theirs, 1, 1, "add_indicator", bad));
  json far = good;
  far["confidence"] = 400;
  log.shared.push_back(action(Side::theirs, 2, 1, "add_indicator", far));

  Replayed r = replay(kCase, kId, log);
  const auto& c = std::get<model::CaseFile>(r.item);
  ASSERT_EQ(c.indicators.size(), 1u);
  ASSERT_EQ(r.voided.size(), 2u);
  EXPECT_NE(r.voided[0].reason.find("value"), std::string::npos) << r.voided[0].reason;
  EXPECT_NE(r.voided[1].reason.find("confidence"), std::string::npos) << r.voided[1].reason;
}

TEST(CaseIndicatorReplay, StoredLegacyActionsReplayAsBefore) {
  ItemLog log = opened();
  log.shared.push_back(
      action(Side::theirs, 0, 1, "add_indicator", {{"type", "ip-src"}, {"value", "Odd Value"}}));
  log.shared.push_back(action(Side::ours, 1, 1, "add_indicator",
                              {{"type", "domain-name"}, {"value", "Evil.Example"}}));
  Replayed r = replay(kCase, kId, log);
  EXPECT_TRUE(r.voided.empty());
  const auto& c = std::get<model::CaseFile>(r.item);
  ASSERT_EQ(c.indicators.size(), 2u);
  EXPECT_EQ(c.indicators[0].type, "ip-src");
  EXPECT_EQ(c.indicators[1].value, "evil.example");
  EXPECT_EQ(c.timeline.back().text, "domain-name:Evil.Example");  // as it was written then
  EXPECT_EQ(model::case_from_json(model::to_json(c)), c);
}

TEST(CaseIndicatorReplay, OurArgumentsAreFilledAndCheckedNamingTheMember) {
  auto code_of = [](const std::string& act, json args) {
    try {
      new_case_args(act, std::move(args), "alice");
    } catch (const Error& e) {
      return std::string(e.code()) + " " + e.what();
    }
    return std::string("no error");
  };
  std::string m = code_of("add_indicator", {{"value", "192.0.2.1"}});
  EXPECT_NE(m.find("args.type"), std::string::npos) << m;
  m = code_of("add_indicator", {{"type", "ipv4-addr"}, {"value", "192.0.2.1"}, {"colour", "red"}});
  EXPECT_NE(m.find("args.colour"), std::string::npos) << m;
  m = code_of("add_indicator", {{"type", "ipv4-addr"}, {"value", "192.0.2.1"}, {"tlp", "RED"}});
  EXPECT_NE(m.find("args.tlp"), std::string::npos) << m;
  m = code_of("add_sighting", {{"type", "ipv4-addr"}, {"value", "192.0.2.1"}});
  EXPECT_NE(m.find("args.first_seen"), std::string::npos) << m;
  json s = new_case_args("add_sighting",
                         {{"type", "ipv4-addr"},
                          {"value", "192.0.2.1"},
                          {"first_seen", "2026-12-01T02:00:00.000Z"},
                          {"last_seen", "2026-12-01T03:00:00.000Z"}},
                         "alice");
  EXPECT_EQ(s, json({{"type", "ipv4-addr"},
                     {"value", "192.0.2.1"},
                     {"first_seen", "2026-12-01T02:00:00.000Z"},
                     {"last_seen", "2026-12-01T03:00:00.000Z"},
                     {"count", 1},
                     {"where", ""}}));
}

}  // namespace case_indicator_replay_test
}  // namespace hotline::service
