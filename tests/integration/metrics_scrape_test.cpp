// GET /metrics on two real linked nodes: scraped over TLS, parsed with the
// Prometheus reference parser (python3-prometheus-client), and the values
// move as they should: a request raises its counter, envelopes queued for a
// stopped peer show in the queue length, the link shows down, then up and
// drained once the peer is back. The refusals (no token, an API token, a
// wrong one) and the allow-list; the example alert rules of
// docs/operations.md parse and name metrics the node exposes.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_harness.h"

namespace hotline::it {
namespace metrics_scrape_test {
namespace {

const fs::path kRoot = fs::path(HOTLINE_PG_CLUSTER_SCRIPT).parent_path().parent_path();
const fs::path kParser = kRoot / "tests" / "support" / "prom_parse.py";
constexpr const char* kPython = "/usr/bin/python3";

struct Sample {
  std::string family, type, name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Scrape {
  std::vector<Sample> samples;
  // The value of `name` whose labels include `labels`; -1 when none.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) all = false;
      }
      if (all) return s.value;
    }
    return -1;
  }
  std::set<std::string> families() const {
    std::set<std::string> out;
    for (const auto& s : samples) out.insert(s.family);
    return out;
  }
};

bool have_parser() {
  return fs::exists(kPython) && testing::run({kPython, "-c", "import prometheus_client, yaml"},
                                             fs::temp_directory_path() / "hotline-prom-check")
                                        .exit_code == 0;
}

class MetricsScrape : public ApiNodes {
 protected:
  struct Raw {
    int status = 0;
    std::string content_type, body;
  };

  Raw get(Side s, const std::map<std::string, std::string>& headers = {}) {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;
    net::HttpsClient client(cfg, "127.0.0.1", node(s).op_port);
    net::HttpRequest r;
    r.method = "GET";
    r.target = "/metrics";
    r.headers = headers;
    auto res = client.request(r);
    return {res.status, res.content_type, res.body};
  }

  // Scrapes with the metrics token and parses with the reference parser.
  Scrape scrape(Side s, const std::string& token) {
    Raw raw = get(s, {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(raw.status, 200) << raw.body;
    EXPECT_EQ(raw.content_type, "text/plain; version=0.0.4; charset=utf-8");
    const fs::path file = scratch() / ("scrape-" + std::to_string(++scrapes_) + ".txt");
    std::ofstream(file) << raw.body;
    auto r = testing::run({kPython, kParser.string(), file.string()}, scratch() / "parse");
    EXPECT_EQ(r.exit_code, 0) << "the reference parser refused the exposition: " << r.err;
    Scrape out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      out.samples.push_back({j["family"].get<std::string>(), j["type"].get<std::string>(),
                             j["name"].get<std::string>(),
                             j["labels"].get<std::map<std::string, std::string>>(),
                             j["value"].get<double>()});
    }
    return out;
  }

  std::string metrics_token(Side s) {
    auto r = on(s, {"metrics", "token"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }

  int scrapes_ = 0;
};

TEST_F(MetricsScrape, ValuesMoveAndRefusals) {
  if (!have_parser()) GTEST_SKIP() << "no python3-prometheus-client and python3-yaml";
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const std::string mtoken = metrics_token(kAlpha);
  ASSERT_EQ(mtoken.rfind("hlm_", 0), 0u) << mtoken;
  const std::string api = this->token(kAlpha, "desk", {service::Role::operator_});

  // Refused: nothing, an API token, a wrong metrics token.
  EXPECT_EQ(get(kAlpha).status, 401);
  Raw with_api = get(kAlpha, {{"Authorization", "Bearer " + api}});
  EXPECT_EQ(with_api.status, 401) << with_api.body;
  EXPECT_NE(with_api.body.find("auth_failed"), std::string::npos) << with_api.body;
  EXPECT_EQ(get(kAlpha, {{"Authorization", "Bearer hlm_wrong"}}).status, 401);
  // And the metrics token is no API token.
  EXPECT_EQ(call(kAlpha, "GET", "/v1/alerts", nullptr, mtoken).status, 401);

  // The link is up; the families of docs/operations.md are there.
  ASSERT_TRUE(testing::eventually(
      [&] {
        return scrape(kAlpha, mtoken).value("hotline_link_up", {{"peer", "bravo"}}) == 1;
      },
      std::chrono::seconds(20)));
  Scrape first = scrape(kAlpha, mtoken);
  for (const char* f :
       {"hotline_build_info", "hotline_link_queued_envelopes", "hotline_link_up",
        "hotline_link_last_receipt_timestamp_seconds", "hotline_items",
        "hotline_alerts_unacknowledged", "hotline_deadlines_missed", "hotline_escalations",
        "hotline_http_requests", "hotline_http_request_duration_seconds",
        "hotline_event_stream_clients", "hotline_store_transaction_seconds",
        "hotline_link_envelopes_sent", "hotline_link_delivery_seconds", "process_open_fds",
        "process_resident_memory_bytes", "process_start_time_seconds"}) {
    EXPECT_TRUE(first.families().count(f)) << "no family " << f;
  }
  EXPECT_GT(first.value("hotline_link_last_receipt_timestamp_seconds", {{"peer", "bravo"}}), 1.7e9);

  // A request raises its counter, by route template.
  const std::map<std::string, std::string> alerts = {
      {"method", "GET"}, {"route", "/v1/alerts"}, {"status", "200"}};
  const double before = std::max(0.0, first.value("hotline_http_requests_total", alerts));
  ASSERT_EQ(call(kAlpha, "GET", "/v1/alerts", nullptr, api).status, 200);
  const int missing =
      call(kAlpha, "GET", "/v1/alerts/0190d7e4-0000-7000-8000-000000000000", nullptr, api).status;
  EXPECT_GE(missing, 400);
  Scrape after = scrape(kAlpha, mtoken);
  EXPECT_EQ(after.value("hotline_http_requests_total", alerts), before + 1);
  EXPECT_GE(after.value("hotline_http_requests_total",
                        {{"route", "/v1/alerts/{id}"}, {"status", std::to_string(missing)}}),
            1);
  for (const auto& s : after.samples) {
    auto route = s.labels.find("route");
    if (route == s.labels.end()) continue;
    EXPECT_EQ(route->second.find("0190d7e4"), std::string::npos) << "an id in a label";
  }

  // An alert raised: the items gauge and the unacknowledged urgent alert.
  auto raised = call(kAlpha, "POST", "/v1/alerts",
                     {{"to", "bravo"},
                      {"summary", "metrics drill"},
                      {"priority", "urgent"},
                      {"labels", {{"tlp", "TLP:GREEN"}}}},
                     api);
  ASSERT_EQ(raised.status, 201) << raised.body.dump();
  Scrape with_alert = scrape(kAlpha, mtoken);
  double alerts_total = 0;
  for (const auto& s : with_alert.samples) {
    if (s.name == "hotline_items" && s.labels.at("kind") == "alert") alerts_total += s.value;
  }
  EXPECT_GE(alerts_total, 1);
  EXPECT_GE(with_alert.value("hotline_alerts_unacknowledged",
                             {{"priority", "urgent"}, {"origin", "ours"}}),
            1);

  // The peer stops: queued envelopes show, and the link goes down.
  stop(kBravo);
  enqueue(dir(kAlpha), "bravo", 5);
  ASSERT_TRUE(testing::eventually(
      [&] {
        Scrape s = scrape(kAlpha, mtoken);
        return s.value("hotline_link_queued_envelopes", {{"peer", "bravo"}}) >= 5 &&
               s.value("hotline_link_up", {{"peer", "bravo"}}) == 0;
      },
      std::chrono::seconds(30)))
      << "the queue or the down link never showed";

  // Back: the queue drains, the link is up, the sends and latencies counted.
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  ASSERT_TRUE(testing::eventually(
      [&] {
        Scrape s = scrape(kAlpha, mtoken);
        return s.value("hotline_link_queued_envelopes", {{"peer", "bravo"}}) == 0 &&
               s.value("hotline_link_up", {{"peer", "bravo"}}) == 1;
      },
      std::chrono::seconds(60)))
      << "the queue never drained";
  Scrape drained = scrape(kAlpha, mtoken);
  EXPECT_GE(drained.value("hotline_link_envelopes_sent_total", {{"peer", "bravo"}}),
            first.value("hotline_link_envelopes_sent_total", {{"peer", "bravo"}}) + 5);
  EXPECT_GE(drained.value("hotline_link_delivery_seconds_count", {{"peer", "bravo"}}), 5);
  Scrape bravo = scrape(kBravo, metrics_token(kBravo));
  EXPECT_GE(bravo.value("hotline_link_envelopes_received_total", {{"peer", "alpha"}}), 5);

  // A new token: the old one stops working; removed: none works.
  const std::string second = metrics_token(kAlpha);
  EXPECT_EQ(get(kAlpha, {{"Authorization", "Bearer " + mtoken}}).status, 401);
  EXPECT_EQ(get(kAlpha, {{"Authorization", "Bearer " + second}}).status, 200);
  ok(kAlpha, {"metrics", "token", "--remove"});
  EXPECT_EQ(get(kAlpha, {{"Authorization", "Bearer " + second}}).status, 401);
}

TEST_F(MetricsScrape, AllowListReadsWithoutToken) {
  Options opt;
  opt.serve_args = {"--metrics-allow", "192.0.2.0/24,127.0.0.1"};
  ASSERT_NO_FATAL_FAILURE(setup(opt));
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  Raw r = get(kAlpha);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("# TYPE hotline_link_up gauge"), std::string::npos);
}

TEST_F(MetricsScrape, AllowListOfOthersRefuses) {
  Options opt;
  opt.serve_args = {"--metrics-allow", "192.0.2.0/24"};
  ASSERT_NO_FATAL_FAILURE(setup(opt));
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  EXPECT_EQ(get(kAlpha).status, 401);
}

TEST_F(MetricsScrape, BadAllowListStopsServe) {
  ASSERT_NO_FATAL_FAILURE(setup());
  auto r = cli({"serve", "--dir", dir(kAlpha).string(), "--listen", "127.0.0.1:0", "--peer-listen",
                "127.0.0.1:0", "--metrics-allow", "10.0.0.0/33"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--metrics-allow wants addresses"), std::string::npos) << r.err;
}

// The example alert rules of docs/operations.md: YAML of the right shape,
// each naming only metrics a node exposes.
TEST_F(MetricsScrape, ExampleAlertRulesNameRealMetrics) {
  if (!have_parser()) GTEST_SKIP() << "no python3-prometheus-client and python3-yaml";
  ASSERT_NO_FATAL_FAILURE(start_linked());
  auto r =
      testing::run({kPython, kParser.string(), "--rules", (kRoot / "docs/operations.md").string()},
                   scratch() / "rules");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto families = scrape(kAlpha, metrics_token(kAlpha)).families();
  std::istringstream in(r.out);
  int rules = 0;
  for (std::string expr; std::getline(in, expr); ++rules) {
    for (std::size_t i = 0; i < expr.size();) {
      if (expr.compare(i, 8, "hotline_") != 0) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < expr.size() &&
             (std::isalnum(static_cast<unsigned char>(expr[j])) || expr[j] == '_'))
        ++j;
      std::string metric = expr.substr(i, j - i);
      for (const char* suffix : {"_total", "_bucket", "_count", "_sum"}) {
        const std::string sx = suffix;
        if (metric.size() > sx.size() &&
            metric.compare(metric.size() - sx.size(), sx.size(), sx) == 0)
          metric.resize(metric.size() - sx.size());
      }
      EXPECT_TRUE(families.count(metric)) << "rule names " << metric << ": " << expr;
      i = j;
    }
  }
  EXPECT_GE(rules, 3);
}

}  // namespace
}  // namespace metrics_scrape_test
}  // namespace hotline::it
