// The review routes over a real node (in-process OperatorApi, real store):
// a reviewer makes a report, lists it, reads it as JSON and as HTML, and
// verifies it (it matches this node's records); a changed figure is named;
// a supervisor cannot sign the node's own report (only the peer's).
#include <gtest/gtest.h>

#include <string>

#include "api_test_util.h"
#include "hotline/common/encoding.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/sha256.h"
#include "hotline/model/agreement.h"
#include "hotline/service/link_support.h"

namespace hotline::api {
namespace review_api_test {

using nlohmann::json;
using testing::ApiWorld;
using testing::Reply;

class ReviewApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& node = world_.node();
    const auto peer = service::find_peer(*node.store, "bravo");
    model::Party us, them;
    us.name = "alpha";
    us.public_key = node.identity.public_key().encoded();
    us.languages = {"en"};
    us.time_zone = "Europe/Paris";
    them = us;
    them.name = "bravo";
    them.public_key = peer.public_key;
    them.time_zone = "Asia/Shanghai";
    const auto doc = model::default_agreement(us, them, peer.link, "2026-01-01T00:00:00.000Z");
    node.store->transact([&](store::Transaction& tx) {
      store::AgreementRecord rec;
      rec.document = crypto::canonicalize(model::to_json(doc));
      rec.digest = to_hex(crypto::sha256(rec.document));
      rec.link = peer.link;
      rec.proposed_by = us.public_key;
      rec.proposer_sig = "x";
      rec.acceptor_sig = "y";
      rec.state = "accepted";
      rec.proposed_at = "2026-01-01T00:00:00.000Z";
      rec.accepted_at = rec.proposed_at;
      rec.in_force_from = rec.proposed_at;
      tx.put_agreement(rec);
    });
  }
  Reply call(const std::string& role, const std::string& method, const std::string& target,
             const std::string& body = "") {
    auto headers = testing::bearer(world_.role(role).token);
    if (!body.empty()) headers["content-type"] = "application/json";
    return world_.send(method, target, body, headers);
  }
  ApiWorld world_;
};

TEST_F(ReviewApi, MakeListShowVerifyAndRefuseToSignOurOwn) {
  Reply made = call("reviewer", "POST", "/v1/reviews",
                    R"({"peer":"bravo","from":"2026-01-01","to":"2026-04-01"})");
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id = made.body.value("id", "");
  ASSERT_EQ(id.size(), 64u);
  EXPECT_EQ(made.body.value("state", ""), "made");
  const json report = made.body["report"];
  EXPECT_EQ(report["signatures"].size(), 1u);
  EXPECT_EQ(report["body"].value("format", ""), "hotline.review/1");

  Reply list = call("reviewer", "GET", "/v1/reviews");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["reviews"].size(), 1u);
  EXPECT_EQ(list.body["reviews"][0].value("id", ""), id);

  Reply shown = call("supervisor", "GET", "/v1/reviews/" + id.substr(0, 12));
  ASSERT_EQ(shown.status, 200) << shown.raw.body;
  json kept = report;
  kept.erase("judgements");  // kept without them: they are for the peer's verify
  EXPECT_TRUE(crypto::canonicalize(shown.body["report"]) == crypto::canonicalize(kept));
  Reply html = call("reviewer", "GET", "/v1/reviews/" + id + "?format=html&lang=zh-CN");
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.raw.content_type, "text/html; charset=utf-8");
  EXPECT_NE(html.raw.body.find("<html"), std::string::npos);
  // Viewable in a tab (inline style allowed), and nothing else: no script.
  const std::string policy = html.header("Content-Security-Policy");
  EXPECT_NE(policy.find("style-src 'unsafe-inline'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("sandbox"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("script-src"), std::string::npos) << policy;

  Reply ok = call("reviewer", "POST", "/v1/reviews/verify", json({{"report", report}}).dump());
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.body.value("matches", false), true) << ok.body.dump(2);

  json changed = report;
  changed["body"]["directions"][1]["requests_total"]["current"]["received"] = 5;
  Reply bad = call("reviewer", "POST", "/v1/reviews/verify", json({{"report", changed}}).dump());
  ASSERT_EQ(bad.status, 200);
  EXPECT_EQ(bad.body.value("matches", true), false);
  ASSERT_EQ(bad.body["figures"].size(), 1u) << bad.body.dump(2);
  EXPECT_EQ(bad.body["figures"][0].value("path", ""),
            "/directions/1/requests_total/current/received");
  EXPECT_EQ(bad.body["signature_problems"].size(), 1u);

  Reply own = call("supervisor", "POST", "/v1/reviews/" + id + "/sign", "{}");
  EXPECT_EQ(own.status, 409) << own.raw.body;
  EXPECT_EQ(own.body["error"].value("code", ""), "review_not_signed_by_peer");

  Reply explained = call("reviewer", "GET",
                         "/v1/reviews/explain?peer=bravo&from=2026-01-01&to=2026-04-01&figure=/"
                         "directions/0/requests_total/current/received");
  ASSERT_EQ(explained.status, 200) << explained.raw.body;
  EXPECT_EQ(explained.body.value("value", -1), 0);
  Reply nofig = call("reviewer", "GET",
                     "/v1/reviews/explain?peer=bravo&from=2026-01-01&to=2026-04-01&figure=/nope");
  EXPECT_EQ(nofig.status, 400);
}

}  // namespace review_api_test
}  // namespace hotline::api
