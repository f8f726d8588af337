// Disputes through the operators' API (in-process, over a real node):
// opening one about a figure or an item, reading it back, the actions and
// their permissions, and bad input refused with nothing stored.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api_test_util.h"

namespace hotline::api {
namespace dispute_api_test {

using nlohmann::json;
using testing::ApiWorld;
using testing::Reply;

json figure_dispute() {
  return {{"peer", "bravo"},
          {"title", "Acknowledgement share of Q1"},
          {"ground", "quality"},
          {"subject",
           {{"figure", "/figures/a_asks_b/requests/acknowledged_in_time"},
            {"period_from", "2026-01-01T00:00:00.000Z"},
            {"period_to", "2026-04-01T00:00:00.000Z"}}},
          {"text", "Three requests were acknowledged by phone."},
          {"lang", "en"}};
}

TEST(DisputeApi, OpenListShowAndAct) {
  ApiWorld world;
  const auto& op = world.role("operator").token;
  Reply made = world.as(op, "POST", "/v1/disputes", figure_dispute().dump());
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id = made.body.value("id", "");
  EXPECT_EQ(made.body["item_kind"], "dispute");
  EXPECT_EQ(made.body["state"], "open");
  EXPECT_EQ(made.body["ground"], "quality");
  EXPECT_EQ(made.body["origin"], "ours");
  EXPECT_EQ(made.body["subject"]["figure"], "/figures/a_asks_b/requests/acknowledged_in_time");
  EXPECT_EQ(made.body["positions"].size(), 1U);

  // A reviewer reads disputes (read_items), open ones by default.
  Reply list = world.as(world.role("reviewer").token, "GET", "/v1/disputes");
  ASSERT_EQ(list.status, 200) << list.raw.body;
  ASSERT_EQ(list.body["items"].size(), 1U);
  EXPECT_EQ(list.body["items"][0]["id"], id);
  Reply one = world.as(op, "GET", "/v1/disputes/" + id.substr(id.size() - 8));
  ASSERT_EQ(one.status, 200) << one.raw.body;
  EXPECT_EQ(one.body["title"], "Acknowledgement share of Q1");
  // Disputes are not cases, requests or alerts.
  EXPECT_EQ(world.as(op, "GET", "/v1/cases").body["items"].size(), 0U);
  EXPECT_EQ(world.as(op, "GET", "/v1/cases/" + id).code, "item_wrong_kind");

  // Our own dispute: we add a position (a translation of the first), but do
  // not answer it (that is the peer's).
  Reply pos = world.as(op, "POST", "/v1/disputes/" + id + "/actions",
                       json({{"action", "add_position"},
                             {"args",
                              {{"text", "三项请求已通过电话确认。"},
                               {"lang", "zh-CN"},
                               {"translation_of", 0},
                               {"attachments", json::array()}}}})
                           .dump());
  ASSERT_EQ(pos.status, 200) << pos.raw.body;
  EXPECT_EQ(pos.body["positions"][1]["translation_of"], 0);
  Reply answer =
      world.as(op, "POST", "/v1/disputes/" + id + "/actions",
               json({{"action", "answer"},
                     {"args", {{"text", "x"}, {"lang", "en"}, {"attachments", json::array()}}}})
                   .dump());
  EXPECT_EQ(answer.status, 409) << answer.raw.body;
  EXPECT_EQ(answer.code, "wrong_side");
  // Not answered yet: no settlement can be proposed.
  Reply early = world.as(
      world.role("supervisor").token, "POST", "/v1/disputes/" + id + "/actions",
      json({{"action", "propose"}, {"args", {{"text", "Let us agree."}, {"adjustment", nullptr}}}})
          .dump());
  EXPECT_EQ(early.status, 409) << early.raw.body;
  EXPECT_EQ(early.code, "illegal_transition");
  Reply gone =
      world.as(op, "POST", "/v1/disputes/" + id + "/actions",
               json({{"action", "withdraw"}, {"args", {{"reason", "Recounted."}}}}).dump());
  ASSERT_EQ(gone.status, 200) << gone.raw.body;
  EXPECT_EQ(gone.body["state"], "withdrawn");
  EXPECT_EQ(world.as(op, "GET", "/v1/disputes").body["items"].size(), 0U);
  EXPECT_EQ(world.as(op, "GET", "/v1/disputes?status=all").body["items"].size(), 1U);

  // Every change is on the event stream, naming the dispute as its item.
  Reply events = world.as(op, "GET", "/v1/events?limit=1000");
  ASSERT_EQ(events.status, 200) << events.raw.body;
  std::vector<std::string> seen;
  for (const auto& e : events.body["events"]) {
    if (e["item"].is_object() && e["item"]["id"] == id) {
      EXPECT_EQ(e["item"]["kind"], "dispute");
      seen.push_back(e.value("detail", ""));
    }
  }
  ASSERT_EQ(seen.size(), 3U);  // open, add_position, withdraw (refusals change nothing)
  EXPECT_NE(seen[0].find("open by us: open"), std::string::npos) << seen[0];
  EXPECT_NE(seen[2].find("withdraw by us: withdrawn"), std::string::npos) << seen[2];
}

TEST(DisputeApi, BadInputIsRefusedAndNothingStored) {
  ApiWorld world;
  const auto& op = world.role("operator").token;
  auto refused = [&](json body, const std::string& code) {
    const auto before = world.fingerprint();
    Reply r = world.as(op, "POST", "/v1/disputes", body.dump());
    EXPECT_EQ(r.status, 400) << r.raw.body;
    EXPECT_EQ(r.code, code) << body.dump() << ": " << r.raw.body;
    EXPECT_EQ(testing::changed_sections(before, world.fingerprint()), "");
  };
  json b = figure_dispute();
  b["ground"] = "grumpiness";
  refused(b, "request_invalid");
  b = figure_dispute();
  b["subject"] = {{"figure", "/x"}};
  refused(b, "request_invalid");
  b = figure_dispute();
  b["subject"]["figure"] = "no pointer";
  refused(b, "dispute_invalid");
  b = figure_dispute();
  b["subject"]["period_to"] = "2025-01-01T00:00:00.000Z";
  refused(b, "dispute_invalid");
  b = figure_dispute();
  b["lang"] = "English please";
  refused(b, "dispute_invalid");
  b = figure_dispute();
  b["text"] = "";
  refused(b, "request_invalid");  // a required member, empty
  b = figure_dispute();
  b["colour"] = "red";
  refused(b, "request_invalid");
  // An item that is not there.
  b = figure_dispute();
  b["subject"] = {{"item", testing::kNoItem}};
  const auto before = world.fingerprint();
  Reply r = world.as(op, "POST", "/v1/disputes", b.dump());
  EXPECT_EQ(r.status, 404) << r.raw.body;
  EXPECT_EQ(testing::changed_sections(before, world.fingerprint()), "");
}

}  // namespace dispute_api_test
}  // namespace hotline::api
