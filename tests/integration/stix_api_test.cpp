// POST /v1/cases/{id}/stix on two real nodes (`hotline serve`, real TLS on
// 127.0.0.1): a bundle imported into a case answers the summary and its
// indicators and sightings reach the peer in batch actions; an invalid
// bundle is refused naming the object and the field, and nothing is
// stored; the wrong media type is 415.
#include <cstdio>
#include <string>

#include "api_harness.h"

namespace hotline::it {
namespace stix_api_test {

using nlohmann::json;

struct Raw {
  int status = 0;
  std::string body;
};

std::string uuid(unsigned kind, unsigned i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", kind, i);
  return buf;
}

// `n` indicators (one ipv4-addr each), a sighting of the first, a note (kept
// unmapped) and, when `bad`, an indicator without its pattern_type.
std::string bundle(int n, bool bad = false) {
  const std::string times =
      R"("spec_version":"2.1","created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z",)";
  std::string s = R"({"type":"bundle","id":"bundle--)" + uuid(0, 0) + R"(","objects":[)";
  for (int i = 0; i < n; ++i) {
    s += R"({"type":"indicator","id":"indicator--)" + uuid(1, i) + "\"," + times +
         R"("pattern":"[ipv4-addr:value = '10.2.)" + std::to_string(i / 256) + "." +
         std::to_string(i % 256) +
         R"(']","pattern_type":"stix","valid_from":"2026-02-01T00:00:00Z"},)";
  }
  s += R"({"type":"sighting","id":"sighting--)" + uuid(2, 0) + "\"," + times +
       R"("sighting_of_ref":"indicator--)" + uuid(1, 0) + R"(","count":3},)";
  if (bad) {
    s += R"({"type":"indicator","id":"indicator--)" + uuid(3, 0) + "\"," + times +
         R"("pattern":"[ipv4-addr:value = '10.9.9.9']","valid_from":"2026-02-01T00:00:00Z"},)";
  }
  s += R"({"type":"note","id":"note--)" + uuid(4, 0) + "\"," + times +
       R"("content":"From the feed.","object_refs":["indicator--)" + uuid(1, 0) + "\"]}";
  return s + "]}";
}

class StixApi : public ApiNodes {
 protected:
  Raw post(Side s, const std::string& target, const std::string& tok, const std::string& body,
           const std::string& type = "application/stix+json;version=2.1") {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;
    net::HttpsClient client(cfg, "127.0.0.1", node(s).op_port);
    net::HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.headers["Authorization"] = "Bearer " + tok;
    r.headers["Content-Type"] = type;
    r.body = body;
    auto res = client.request(r);
    return {res.status, res.body};
  }
};

TEST_F(StixApi, ABundleIntoACaseAnswersTheSummaryAndReachesThePeer) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});
  auto opened = call(kAlpha, "POST", "/v1/cases", {{"peer", "bravo"}, {"title", "Feed"}}, ana);
  ASSERT_EQ(opened.status, 201) << opened.body.dump();
  const std::string c = opened.body["id"];

  auto r = post(kAlpha, "/v1/cases/" + c + "/stix", ana, bundle(1500));
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["objects"], 1502);
  EXPECT_EQ(j["indicators"], json({{"added", 1500}, {"updated", 0}}));
  EXPECT_EQ(j["sightings"], 1);
  EXPECT_EQ(j["unmapped"], json({{"note", 1}}));
  EXPECT_EQ(j["attachment"], "stix-unmapped-bundle--" + uuid(0, 0) + ".json");
  EXPECT_EQ(j["envelopes"], 4);  // 1,000 + 500 indicators, 1 sighting, the attachment
  EXPECT_EQ(j["item"]["indicators"].size(), 1500u);
  EXPECT_TRUE(j["warnings"].empty());

  auto seen = wait_for(kBravo, "/v1/cases/" + c, bo, [](const json& b) {
    return b["indicators"].size() == 1500 && b["sightings"].size() == 1;
  });
  EXPECT_EQ(seen.body["indicators"].size(), 1500u) << seen.body.dump().substr(0, 400);
  EXPECT_EQ(seen.body["sightings"][0]["count"], 3);

  // Again: updated, not added; the attachment not added twice.
  r = post(kAlpha, "/v1/cases/" + c + "/stix", ana, bundle(1500), "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["indicators"], json({{"added", 0}, {"updated", 1500}}));
  EXPECT_EQ(json::parse(r.body)["envelopes"], 3);

  // Invalid: 400 naming the object and the field; nothing stored.
  const auto before = call(kAlpha, "GET", "/v1/cases/" + c, nullptr, ana).body;
  r = post(kAlpha, "/v1/cases/" + c + "/stix", ana, bundle(3, true));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("stix_invalid"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("indicator--" + uuid(3, 0)), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("pattern_type"), std::string::npos) << r.body;
  const auto after = call(kAlpha, "GET", "/v1/cases/" + c, nullptr, ana).body;
  EXPECT_EQ(after["timeline"].size(), before["timeline"].size());
  EXPECT_EQ(after["indicators"], before["indicators"]);

  // Not JSON: 415; no such case: 404.
  r = post(kAlpha, "/v1/cases/" + c + "/stix", ana, bundle(1), "text/plain");
  EXPECT_EQ(r.status, 415) << r.body;
  r = post(kAlpha, "/v1/cases/0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b/stix", ana, bundle(1));
  EXPECT_EQ(r.status, 404) << r.body;
}

}  // namespace stix_api_test
}  // namespace hotline::it
