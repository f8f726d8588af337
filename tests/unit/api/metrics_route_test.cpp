// GET /metrics through the OperatorApi: the allow-list and the metrics
// token let a scraper in, nothing else does; the exposition carries the
// route templates (never a path's id), the node's gauges and the peers'
// names.
#include <gtest/gtest.h>

#include <string>

#include "api_test_util.h"
#include "hotline/common/time.h"
#include "hotline/service/link_service.h"
#include "hotline/service/metrics_service.h"

namespace hotline::api {
namespace metrics_route_test {
namespace {

using testing::ApiWorld;
using testing::kNoItem;

const service::AuditContext kCli{"os:test", "cli"};

bool has_line(const std::string& body, const std::string& line) {
  return body.find("\n" + line + "\n") != std::string::npos || body.rfind(line + "\n", 0) == 0;
}

TEST(MetricsRoute, TokenReadsAndNothingElseDoes) {
  ApiWorld world;
  EXPECT_EQ(world.send("GET", "/metrics").status, 401);
  const std::string token = service::create_metrics_token(world.store(), kCli, hotline::now_ms());
  auto ok = world.as(token, "GET", "/metrics");
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.raw.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(ok.header("Cache-Control"), "no-store");
  // An API token does not read the metrics, and the metrics token reads no API route.
  auto api = world.as(world.role("admin").token, "GET", "/metrics");
  EXPECT_EQ(api.status, 401);
  EXPECT_EQ(api.code, "auth_failed");
  EXPECT_EQ(world.as(token, "GET", "/v1/alerts").status, 401);
  // Removed: it reads nothing.
  EXPECT_TRUE(service::remove_metrics_token(world.store(), kCli, hotline::now_ms()));
  EXPECT_EQ(world.as(token, "GET", "/metrics").status, 401);
  EXPECT_FALSE(service::remove_metrics_token(world.store(), kCli, hotline::now_ms()));
}

TEST(MetricsRoute, AllowListAndWhatTheExpositionHolds) {
  auto options = ApiWorld::default_options();
  options.metrics_allow = {"192.0.2.0/24"};  // testing::kRemote is 192.0.2.10
  ApiWorld world(options);
  // A peer name with the punctuation names may have (quotes and
  // backslashes may not; their escaping: common/metrics_test.cpp).
  service::add_peer(world.node(), "Ops B-2.x_y", "https://127.0.0.1:2",
                    service::read_public_key(world.dir() / "charlie").encoded(), hotline::now_ms());
  world.as(world.role("operator").token, "GET", "/v1/alerts/" + kNoItem);
  world.as(world.role("operator").token, "GET", "/v1/alerts");

  auto r = world.send("GET", "/metrics");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const std::string& body = r.raw.body;
  EXPECT_TRUE(has_line(body, "# TYPE hotline_http_requests_total counter")) << body;
  // (The counters are the process's: other tests of this binary add to them.)
  EXPECT_NE(
      body.find(
          "\nhotline_http_requests_total{method=\"GET\",route=\"/v1/alerts\",status=\"200\"} "),
      std::string::npos)
      << body;
  EXPECT_NE(body.find("route=\"/v1/alerts/{id}\""), std::string::npos);
  EXPECT_EQ(body.find(kNoItem), std::string::npos) << "an item id in a label";
  EXPECT_TRUE(has_line(body, "hotline_link_up{peer=\"bravo\"} 0")) << body;
  EXPECT_TRUE(has_line(body, "hotline_link_queued_envelopes{peer=\"Ops B-2.x_y\"} 0")) << body;
  EXPECT_NE(body.find("hotline_store_transaction_seconds_bucket{kind=\"read\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(body.find("\nprocess_open_fds "), std::string::npos);

  // Another address, no token: refused.
  auto elsewhere = testing::make_request("GET", "/metrics", "", {});
  elsewhere.remote_address = "198.51.100.7:5000";
  EXPECT_EQ(world.send(elsewhere).status, 401);
}

TEST(MetricsRoute, BadAllowListIsRefusedAtStart) {
  auto options = ApiWorld::default_options();
  options.metrics_allow = {"10.0.0.0/40"};
  try {
    ApiWorld world(options);
    ADD_FAILURE() << "a /40 of IPv4 was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "metrics_allow_invalid");
  }
}

}  // namespace
}  // namespace metrics_route_test
}  // namespace hotline::api
