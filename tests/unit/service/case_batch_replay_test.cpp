// add_indicators and add_sightings through the replay both nodes run
// (service/item_replay.h): the peer's batch is checked again entry by
// entry, a bad entry voids the whole action naming it, a good one is the
// same case as that many single actions; apply_case_action (a new action
// of ours after a replay) gives what a replay of the longer log gives; and
// new_case_args fills every entry of our own batches.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace case_batch_replay_test {

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

json indicators(int n) {
  json list = json::array();
  for (int i = 0; i < n; ++i)
    list.push_back({{"type", "ipv4-addr"}, {"value", "198.51.100." + std::to_string(i)}});
  return new_case_args("add_indicators", {{"indicators", list}}, "carol");
}

TEST(CaseBatchReplay, ThePeersBatchIsCheckedAgainEntryByEntry) {
  ItemLog log = opened();
  json good = indicators(3);
  ASSERT_EQ(good["indicators"].size(), 3u);
  EXPECT_TRUE(good["indicators"][0]["confidence"].is_null()) << good.dump();
  log.shared.push_back(action(Side::theirs, 0, 1, "add_indicators", good));
  json bad = indicators(3);
  bad["indicators"][1]["value"] = "not an address";  // a peer that does not normalize
  log.shared.push_back(action(Side::theirs, 1, 1, "add_indicators", bad));
  json sightings = {{"sightings", json::array({{{"type", "ipv4-addr"},
                                                {"value", "198.51.100.2"},
                                                {"first_seen", "2026-12-01T09:00:00.000Z"},
                                                {"last_seen", "2026-12-01T09:10:00.000Z"},
                                                {"count", 4},
                                                {"where", "proxy"}}})}};
  log.shared.push_back(action(Side::theirs, 2, 1, "add_sightings", sightings));

  Replayed r = replay(kCase, kId, log);
  const auto& c = std::get<model::CaseFile>(r.item);
  EXPECT_EQ(c.indicators.size(), 3u);
  ASSERT_EQ(c.sightings.size(), 1u);
  EXPECT_EQ(c.sightings[0].by, "carol");
  EXPECT_EQ(c.sightings[0].side, Side::theirs);
  ASSERT_EQ(r.voided.size(), 1u);
  EXPECT_EQ(r.voided[0].action, "add_indicators");
  EXPECT_NE(r.voided[0].reason.find("args.indicators[1].value"), std::string::npos)
      << r.voided[0].reason;
  EXPECT_EQ(c.timeline.size(), 3u);  // open, add_indicators, add_sightings
}

TEST(CaseBatchReplay, AnActionAppliedAfterAReplayIsTheLongerLogsReplay) {
  ItemLog log = opened();
  log.shared.push_back(action(Side::theirs, 0, 1, "add_indicators", indicators(2)));
  Replayed r = replay(kCase, kId, log);
  SharedAction mine = action(Side::ours, 1, 1, "add_indicators", indicators(4));
  apply_case_action(r, mine);
  log.shared.push_back(mine);
  Replayed full = replay(kCase, kId, log);
  EXPECT_EQ(std::get<model::CaseFile>(r.item), std::get<model::CaseFile>(full.item));
  EXPECT_EQ(std::get<model::CaseFile>(r.item).indicators.size(), 4u);
  EXPECT_EQ(r.document(), full.document());

  // Refused: the replayed case unchanged.
  const model::CaseFile before = std::get<model::CaseFile>(r.item);
  json bad = indicators(1);
  bad["indicators"][0]["tlp"] = "TLP:PURPLE";
  EXPECT_THROW(apply_case_action(r, action(Side::ours, 2, 1, "add_indicators", bad)), Error);
  EXPECT_EQ(std::get<model::CaseFile>(r.item), before);
}

TEST(CaseBatchReplay, NewCaseArgsFillsAndNamesEveryEntry) {
  json args = new_case_args(
      "add_indicators",
      {{"indicators", json::array({{{"type", "domain-name"}, {"value", "Evil.Example."}}})}},
      "alice");
  EXPECT_EQ(args["indicators"][0]["value"], "evil.example");
  EXPECT_EQ(args["indicators"][0]["note"], "");
  try {
    new_case_args(
        "add_indicators",
        {{"indicators", json::array({{{"type", "domain-name"}, {"value", "ok.example"}},
                                     {{"type", "domain-name"}, {"value", "bad domain"}}})}},
        "alice");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("args.indicators[1]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(new_case_args("add_indicators", {{"indicators", json::array()}}, "alice"), Error);
  EXPECT_THROW(new_case_args("add_sightings", {{"sightings", json::object()}}, "alice"), Error);
  EXPECT_THROW(new_case_args("add_indicators", {{"list", json::array()}}, "alice"), Error);
}

}  // namespace case_batch_replay_test
}  // namespace hotline::service
