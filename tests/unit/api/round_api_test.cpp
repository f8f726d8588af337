// The review rounds' routes (api/routes_rounds.cpp) over a real node with an
// agreement in force with "bravo": a reviewer proposes a round, lists it,
// shows it by a short id, cancels it; bad input and actions the round does
// not allow are refused and change nothing.
#include <gtest/gtest.h>

#include <string>

#include "api_test_util.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/model/agreement.h"

namespace hotline::api {
namespace round_api_test {

using nlohmann::json;
using testing::ApiWorld;
using testing::Reply;

class RoundApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& node = world_.node();
    model::Party us;
    us.name = "alpha";
    us.public_key = node.identity.public_key().encoded();
    us.languages = {"en"};
    us.time_zone = "UTC";
    model::Party them = us;
    them.name = "bravo";
    them.public_key = service::read_public_key(world_.dir() / "bravo").encoded();
    const std::string origin = "2026-01-01T00:00:00.000Z";
    node.store->transact([&](store::Transaction& tx) {
      const auto link = tx.find_peer("bravo")->link;
      auto doc = model::default_agreement(us, them, link, origin);
      store::AgreementRecord rec;
      rec.document = crypto::canonicalize(model::to_json(doc));
      rec.digest = std::string(64, 'a');
      rec.link = link;
      rec.proposed_by = us.public_key;
      rec.proposer_sig = "x";
      rec.acceptor_sig = "y";
      rec.state = "accepted";
      rec.proposed_at = origin;
      rec.accepted_at = origin;
      rec.in_force_from = origin;
      tx.put_agreement(rec);
    });
  }

  json proposal() {
    return {{"peer", "bravo"},
            {"title", "Review of the third quarter"},
            {"period_from", "2026-07-01T00:00:00.000Z"},
            {"period_to", "2026-10-01T00:00:00.000Z"},
            {"meeting_at", "2026-11-20T09:00:00.000Z"},
            {"place", "Videoconference"},
            {"participants", json::array({{{"name", "Anna K."}, {"role", "head of desk"}},
                                          {{"name", "Bo L."}, {"party", "theirs"}}})},
            {"agenda", json::array({"Staffing of the night shift"})}};
  }

  Reply as_reviewer(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return world_.as(world_.role("reviewer").token, method, target, body);
  }

  ApiWorld world_;
};

TEST_F(RoundApi, AReviewerProposesListsShowsAndCancelsARound) {
  Reply r = as_reviewer("POST", "/v1/rounds", proposal().dump());
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body["item_kind"], "round");
  EXPECT_EQ(r.body["state"], "proposed");
  EXPECT_EQ(r.body["tlp"], "TLP:AMBER");
  EXPECT_EQ(r.body["agenda_version"], 1);
  EXPECT_TRUE(r.body["agenda_accepted_ours"].get<bool>());
  ASSERT_EQ(r.body["plan"]["agenda"].size(), 1u) << r.body.dump(2);
  EXPECT_EQ(r.body["plan"]["agenda"][0]["source"], "party");
  EXPECT_EQ(r.body["plan"]["participants"][1]["party"], "theirs");
  const std::string id = r.body["id"];

  Reply list = as_reviewer("GET", "/v1/rounds");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["id"], id);
  // Rounds are not alerts, requests or cases.
  EXPECT_TRUE(as_reviewer("GET", "/v1/cases?status=all").body["items"].empty());

  Reply shown = as_reviewer("GET", "/v1/rounds/" + id.substr(id.size() - 8));
  ASSERT_EQ(shown.status, 200) << shown.raw.body;
  EXPECT_EQ(shown.body["title"], "Review of the third quarter");

  // Our own proposal is not ours to accept again as the other side; an old
  // version is refused; nothing changes.
  const auto before = world_.fingerprint();
  Reply stale = as_reviewer("POST", "/v1/rounds/" + id + "/actions",
                            R"({"action":"accept_agenda","args":{"version":5}})");
  EXPECT_EQ(stale.status, 409) << stale.raw.body;
  Reply unknown =
      as_reviewer("POST", "/v1/rounds/" + id + "/actions", R"({"action":"sign","args":{}})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.message.find("accept_minutes"), std::string::npos) << unknown.message;
  Reply minutes =
      as_reviewer("POST", "/v1/rounds/" + id + "/actions",
                  R"({"action":"propose_minutes","args":{"minutes":"m","action_items":[]}})");
  EXPECT_EQ(minutes.status, 409) << "minutes before the agenda is agreed: " << minutes.raw.body;
  EXPECT_EQ(world_.fingerprint(), before);

  Reply cancelled =
      as_reviewer("POST", "/v1/rounds/" + id + "/actions",
                  R"({"action":"cancel","args":{"reason":"The date does not suit"}})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.raw.body;
  EXPECT_EQ(cancelled.body["state"], "cancelled");
  EXPECT_TRUE(as_reviewer("GET", "/v1/rounds").body["items"].empty());
  EXPECT_EQ(as_reviewer("GET", "/v1/rounds?status=closed").body["items"].size(), 1u);
  // Both changes are on the event stream, naming the round as their item.
  Reply events = as_reviewer("GET", "/v1/events?after=0");
  ASSERT_EQ(events.status, 200) << events.raw.body;
  int changes = 0;
  for (const auto& e : events.body["events"]) {
    if (e.value("kind", "") != "item_changed") continue;
    EXPECT_EQ(e["item"], json({{"kind", "round"}, {"id", id}})) << e.dump();
    ++changes;
  }
  EXPECT_EQ(changes, 2) << events.body.dump(2);
  Reply items = as_reviewer("GET", "/v1/action-items?status=all");
  ASSERT_EQ(items.status, 200);
  EXPECT_TRUE(items.body["action_items"].empty());
}

TEST_F(RoundApi, BadProposalsAreRefusedAndChangeNothing) {
  const auto before = world_.fingerprint();
  json bad = proposal();
  bad["period_from"] = "July";
  EXPECT_EQ(as_reviewer("POST", "/v1/rounds", bad.dump()).status, 400);
  bad = proposal();
  bad["extra"] = 1;
  EXPECT_EQ(as_reviewer("POST", "/v1/rounds", bad.dump()).status, 400);
  bad = proposal();
  bad["participants"] = json::array({{{"name", "Anna"}, {"party", "both"}}});
  EXPECT_EQ(as_reviewer("POST", "/v1/rounds", bad.dump()).status, 400);
  bad = proposal();
  bad["title"] = "two\nlines";
  EXPECT_EQ(as_reviewer("POST", "/v1/rounds", bad.dump()).status, 400);
  bad = proposal();
  bad["period_to"] = bad["period_from"];
  EXPECT_EQ(as_reviewer("POST", "/v1/rounds", bad.dump()).status, 400);
  bad = proposal();
  bad["peer"] = "nobody";
  EXPECT_EQ(as_reviewer("POST", "/v1/rounds", bad.dump()).status, 404);
  EXPECT_EQ(world_.fingerprint(), before);
}

}  // namespace round_api_test
}  // namespace hotline::api
