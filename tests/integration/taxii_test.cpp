// TAXII 2.1 (read-only) on a real node's operators' listener, over real TLS:
// a client that makes the specification's requests (Accept header, the
// discovery's API root, collections, objects paged with limit/next and with
// added_after until "more" is false, the manifest, one object and its
// versions) and checks the answers' shapes, media types and the
// X-TAXII-Date-Added-First/Last headers; the office's publication; TLP:RED
// kept from a token that may not read the case; a token without rights,
// none at all, and writes refused.
#include <set>

#include "api_harness.h"

namespace hotline::it {
namespace taxii_test {

using nlohmann::json;

constexpr const char* kTaxii = "application/taxii+json;version=2.1";

struct TaxiiReply {
  int status = 0;
  json body;  // null unless the answer was TAXII JSON
  std::map<std::string, std::string> headers;
  std::string content_type;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class Taxii : public ApiNodes {
 protected:
  TaxiiReply taxii(const std::string& target, const std::string& tok,
                   const std::string& accept = kTaxii, const std::string& method = "GET") {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;  // loopback, the node's self-signed certificate
    net::HttpsClient client(cfg, "127.0.0.1", node(kAlpha).op_port);
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    if (!accept.empty()) r.headers["Accept"] = accept;
    if (!tok.empty()) r.headers["Authorization"] = "Bearer " + tok;
    if (method == "POST") {
      r.headers["Content-Type"] = kTaxii;
      r.body = R"({"objects":[]})";
    }
    auto res = client.request(r);
    TaxiiReply out{res.status, nullptr, res.headers, res.content_type};
    if (res.content_type == kTaxii) out.body = json::parse(res.body);
    return out;
  }

  // A TAXII error message with `status`.
  static void expect_error(const TaxiiReply& r, int status) {
    EXPECT_EQ(r.status, status) << r.body.dump();
    EXPECT_EQ(r.content_type, kTaxii);
    ASSERT_TRUE(r.body.is_object()) << r.status;
    EXPECT_TRUE(r.body["title"].is_string()) << r.body.dump();
    EXPECT_TRUE(r.body["description"].is_string()) << r.body.dump();
    EXPECT_TRUE(r.body["error_code"].is_string()) << r.body.dump();
    EXPECT_EQ(r.body["http_status"], std::to_string(status)) << r.body.dump();
  }

  std::string open_case(const std::string& tok, const std::string& title, const std::string& tlp,
                        const std::vector<std::pair<std::string, std::string>>& indicators) {
    auto opened = call(kAlpha, "POST", "/v1/cases",
                       {{"peer", "bravo"}, {"title", title}, {"labels", {{"tlp", tlp}}}}, tok);
    EXPECT_EQ(opened.status, 201) << opened.body.dump();
    const std::string id = opened.body.value("id", "");
    for (const auto& [type, value] : indicators) add_indicator(tok, id, type, value);
    return id;
  }

  void add_indicator(const std::string& tok, const std::string& id, const std::string& type,
                     const std::string& value) {
    auto added =
        call(kAlpha, "POST", "/v1/cases/" + id + "/actions",
             {{"action", "add_indicator"}, {"args", {{"type", type}, {"value", value}}}}, tok);
    EXPECT_EQ(added.status, 200) << added.body.dump();
  }

  // Every page of `resource` ("objects" or "manifest") of a collection,
  // `limit` at a time, following "next" (or, `by_date`, added_after from
  // X-TAXII-Date-Added-Last) until "more" is false. Checks each page.
  std::vector<json> all_pages(const std::string& collection, const std::string& resource,
                              const std::string& tok, int limit, bool by_date,
                              const std::string& since = "") {
    std::vector<json> out;
    std::string next, added_after = since;
    for (int round = 0; round < 100; ++round) {
      std::string target = collection + resource + "/?limit=" + std::to_string(limit);
      if (!next.empty()) target += "&next=" + next;
      if (!added_after.empty()) target += "&added_after=" + added_after;
      auto page = taxii(target, tok);
      EXPECT_EQ(page.status, 200) << page.body.dump();
      EXPECT_EQ(page.content_type, kTaxii);
      if (page.status != 200) break;
      const bool more = page.body.value("more", false);
      const json objects = page.body.value("objects", json::array());
      EXPECT_LE(objects.size(), static_cast<std::size_t>(limit));
      if (!objects.empty()) {
        EXPECT_FALSE(page.header("x-taxii-date-added-first").empty());
        EXPECT_LE(page.header("x-taxii-date-added-first"), page.header("x-taxii-date-added-last"));
        if (resource == "manifest") {
          EXPECT_EQ(objects.front()["date_added"], page.header("x-taxii-date-added-first"));
          EXPECT_EQ(objects.back()["date_added"], page.header("x-taxii-date-added-last"));
        }
      }
      for (const auto& o : objects) out.push_back(o);
      if (!more) break;
      EXPECT_EQ(objects.size(), static_cast<std::size_t>(limit));
      if (by_date) {
        added_after = page.header("x-taxii-date-added-last");
      } else {
        EXPECT_TRUE(page.body["next"].is_string()) << page.body.dump();
        next = page.body.value("next", "");
      }
    }
    return out;
  }

  static std::set<std::string> ids_of(const std::vector<json>& objects) {
    std::set<std::string> out;
    for (const auto& o : objects) out.insert(o.value("id", ""));
    return out;
  }

  static bool mentions(const std::vector<json>& objects, const std::string& text) {
    for (const auto& o : objects)
      if (o.dump().find(text) != std::string::npos) return true;
    return false;
  }
};

TEST_F(Taxii, AClientFollowsTheSpecificationsRequests) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto olga = token(kAlpha, "olga", {service::Role::operator_});
  const auto root = token(kAlpha, "root", {service::Role::admin});

  const std::string shared = open_case(ana, "Phishing wave against the ministries", "TLP:AMBER",
                                       {{"ipv4-addr", "203.0.113.7"},
                                        {"domain-name", "login-ministry.example"},
                                        {"url", "https://login-ministry.example/a'b"},
                                        {"sha256", std::string(64, 'a')}});
  const std::string strict = open_case(ana, "Supplier compromise", "TLP:AMBER+STRICT",
                                       {{"domain-name", "strict.example"}});
  const std::string red =
      open_case(ana, "Informant's lead", "TLP:RED", {{"ipv4-addr", "198.51.100.99"}});

  // Nothing is published until an admin says so.
  auto none = taxii("/taxii2/hotline/collections/", ana);
  EXPECT_EQ(none.status, 200);
  EXPECT_FALSE(none.body.contains("collections")) << none.body.dump();
  ASSERT_EQ(call(kAlpha, "PUT", "/v1/taxii/peers/bravo", nullptr, root).status, 200);
  auto pub = call(kAlpha, "PUT", "/v1/taxii/cases/" + red, nullptr, root);
  ASSERT_EQ(pub.status, 200) << pub.body.dump();
  EXPECT_EQ(pub.body["peers"], json::array({"bravo"}));
  EXPECT_EQ(pub.body["cases"], json::array({red}));

  // Discovery, then the API root it names.
  auto discovery = taxii("/taxii2/", ana);
  ASSERT_EQ(discovery.status, 200) << discovery.body.dump();
  EXPECT_EQ(discovery.content_type, kTaxii);
  for (const char* member : {"title", "description", "contact", "default"})
    EXPECT_TRUE(discovery.body[member].is_string()) << member;
  ASSERT_EQ(discovery.body["api_roots"].size(), 1u);
  std::string api_root = discovery.body["api_roots"][0];
  EXPECT_EQ(api_root, discovery.body["default"]);
  api_root = api_root.substr(api_root.find("/taxii2/"));
  EXPECT_EQ(api_root, "/taxii2/hotline/");
  auto root_info = taxii(api_root, ana);
  ASSERT_EQ(root_info.status, 200);
  EXPECT_EQ(root_info.body["versions"], json::array({kTaxii}));
  EXPECT_TRUE(root_info.body["max_content_length"].is_number_integer());
  EXPECT_TRUE(root_info.body["title"].is_string());

  // Collections: ana (the red case's author) sees the peer's and the red case's.
  auto colls = taxii(api_root + "collections/", ana);
  ASSERT_EQ(colls.status, 200) << colls.body.dump();
  ASSERT_EQ(colls.body["collections"].size(), 2u) << colls.body.dump();
  std::string peer_coll;
  for (const auto& c : colls.body["collections"]) {
    EXPECT_EQ(c["can_read"], true);
    EXPECT_EQ(c["can_write"], false);
    EXPECT_EQ(c["media_types"], json::array({"application/stix+json;version=2.1"}));
    if (c["alias"] == "peer-bravo") peer_coll = c["id"];
    auto one = taxii(api_root + "collections/" + c["id"].get<std::string>() + "/", ana);
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(one.body, c);
  }
  ASSERT_FALSE(peer_coll.empty());
  const std::string coll = api_root + "collections/" + peer_coll + "/";

  // Objects, two at a time through "next"; the manifest names the same ones.
  auto objects = all_pages(coll, "objects", ana, 2, false);
  auto manifest = all_pages(coll, "manifest", ana, 3, false);
  EXPECT_EQ(ids_of(objects), ids_of(manifest));
  EXPECT_EQ(objects.size(), manifest.size());
  for (const auto& m : manifest) {
    EXPECT_EQ(m["media_type"], "application/stix+json;version=2.1");
    EXPECT_TRUE(m["version"].is_string());
  }
  for (const auto& o : objects) {
    EXPECT_EQ(o["spec_version"], "2.1") << o.dump();
    EXPECT_NE(o.value("id", "").find("--"), std::string::npos) << o.dump();
  }
  EXPECT_TRUE(mentions(objects, "203.0.113.7"));
  EXPECT_TRUE(mentions(objects, "strict.example"));  // AMBER+STRICT: this office's readers
  EXPECT_TRUE(mentions(objects, "198.51.100.99"));   // the author reads her red case
  // The same again with added_after from X-TAXII-Date-Added-Last.
  EXPECT_EQ(ids_of(all_pages(coll, "objects", ana, 2, true)), ids_of(objects));
  // Dates added do not move between requests.
  EXPECT_EQ(all_pages(coll, "manifest", ana, 100, false), manifest);

  // A new indicator: only what is newer comes after the last date seen.
  const std::string last_seen = manifest.back()["date_added"];
  add_indicator(ana, shared, "ipv4-addr", "192.0.2.44");
  auto newer = all_pages(coll, "objects", ana, 2, false, last_seen);
  EXPECT_TRUE(mentions(newer, "192.0.2.44"));
  EXPECT_FALSE(mentions(newer, "203.0.113.7"));
  for (const auto& o : newer)  // the new indicator's objects and the report's new version
    EXPECT_TRUE(o["type"] != "identity" && o["type"] != "marking-definition") << o.dump();

  // Filters, one object and its versions.
  auto only = taxii(coll + "objects/?match[type]=indicator", ana);
  ASSERT_EQ(only.status, 200);
  std::string indicator;
  for (const auto& o : only.body["objects"]) {
    EXPECT_EQ(o["type"], "indicator");
    if (o.dump().find("203.0.113.7") != std::string::npos) indicator = o["id"];
  }
  ASSERT_FALSE(indicator.empty());
  auto one = taxii(coll + "objects/" + indicator + "/", ana);
  ASSERT_EQ(one.status, 200);
  ASSERT_EQ(one.body["objects"].size(), 1u);
  EXPECT_EQ(one.body["objects"][0]["id"], indicator);
  EXPECT_FALSE(one.header("x-taxii-date-added-first").empty());
  auto versions = taxii(coll + "objects/" + indicator + "/versions/", ana);
  ASSERT_EQ(versions.status, 200);
  EXPECT_EQ(versions.body["versions"].size(), 1u) << versions.body.dump();
  EXPECT_EQ(versions.body["more"], false);
  auto by_id = taxii(coll + "objects/?match[id]=" + indicator, ana);
  EXPECT_EQ(by_id.body["objects"].size(), 1u);
  expect_error(taxii(coll + "objects/indicator--00000000-0000-4000-8000-000000000000/", ana), 404);
  expect_error(taxii(coll + "objects/?added_after=yesterday", ana), 400);
  expect_error(taxii(coll + "objects/?limit=0", ana), 400);
  (void)strict;
}

TEST_F(Taxii, RefusalsAreTaxiiErrorsAndRedStaysWithThoseWhoNeedToKnow) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto olga = token(kAlpha, "olga", {service::Role::operator_});
  const auto root = token(kAlpha, "root", {service::Role::admin});
  open_case(ana, "Phishing wave", "TLP:GREEN", {{"ipv4-addr", "203.0.113.7"}});
  const std::string red =
      open_case(ana, "Informant's lead", "TLP:RED", {{"ipv4-addr", "198.51.100.99"}});
  ASSERT_EQ(call(kAlpha, "PUT", "/v1/taxii/peers/bravo", nullptr, root).status, 200);
  // The CLI at the data directory publishes too.
  auto published = cli({"taxii", "publish", "--dir", dir(kAlpha).string(), "--case", red});
  ASSERT_EQ(published.exit_code, 0) << published.err;
  auto listed = cli({"taxii", "list", "--dir", dir(kAlpha).string(), "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out), json({{"peers", {"bravo"}}, {"cases", {red}}}));
  EXPECT_EQ(cli({"taxii", "publish", "--dir", dir(kAlpha).string()}).exit_code, 2);
  const std::string red_coll = "/taxii2/hotline/collections/" + red + "/";

  // No token, a token whose user may not read items, a wrong Accept.
  auto anon = taxii("/taxii2/", "");
  expect_error(anon, 401);
  EXPECT_EQ(anon.header("www-authenticate"), "Bearer realm=\"hotline\"");
  expect_error(taxii("/taxii2/hotline/collections/", root), 403);
  expect_error(taxii("/taxii2/", ana, "application/json"), 406);
  expect_error(taxii("/taxii2/", ana, "application/taxii+json;version=2.0"), 406);
  EXPECT_EQ(taxii("/taxii2/", ana, "").status, 200);  // no Accept: anything goes
  expect_error(taxii("/taxii2/elsewhere/", ana), 404);
  expect_error(taxii("/taxii2/", ana, kTaxii, "PUT"), 405);

  // Olga may not read the red case: its collection is not there for her, nor
  // its objects in the peer's collection.
  auto colls = taxii("/taxii2/hotline/collections/", olga);
  ASSERT_EQ(colls.status, 200);
  ASSERT_EQ(colls.body["collections"].size(), 1u) << colls.body.dump();
  const std::string peer_coll =
      "/taxii2/hotline/collections/" + colls.body["collections"][0]["id"].get<std::string>() + "/";
  expect_error(taxii(red_coll, olga), 404);
  expect_error(taxii(red_coll + "objects/", olga), 404);
  expect_error(taxii(red_coll + "manifest/", olga), 404);
  auto olgas = all_pages(peer_coll, "objects", olga, 50, false);
  EXPECT_TRUE(mentions(olgas, "203.0.113.7"));
  EXPECT_FALSE(mentions(olgas, "198.51.100.99"));
  EXPECT_FALSE(mentions(olgas, "Informant"));
  EXPECT_FALSE(mentions(olgas, red));
  auto anas = all_pages(red_coll, "objects", ana, 50, false);
  EXPECT_TRUE(mentions(anas, "198.51.100.99"));
  // Her read is in the audit trail; the manifest (ids only) is not a read.
  auto trail = call(kAlpha, "GET", "/v1/audit?limit=1000", nullptr, root);
  ASSERT_EQ(trail.status, 200) << trail.body.dump();
  int reads = 0;
  for (const auto& e : trail.body["entries"]) {
    if (e["action"] == "item.read" && e["actor"] == "ana" &&
        e.dump().find("case taxii TLP:RED") != std::string::npos)
      ++reads;
  }
  EXPECT_EQ(reads, 1) << trail.body.dump();

  // Once ana shares the case with her, olga reads it.
  ASSERT_EQ(call(kAlpha, "PUT", "/v1/cases/" + red + "/need-to-know",
                 {{"people", json::array({"olga"})}}, ana)
                .status,
            200);
  EXPECT_TRUE(mentions(all_pages(red_coll, "objects", olga, 50, false), "198.51.100.99"));

  // Writing is refused: the collections are read-only.
  expect_error(taxii(peer_coll + "objects/", ana, kTaxii, "POST"), 403);
  expect_error(taxii(peer_coll + "objects/indicator--00000000-0000-4000-8000-000000000000/", ana,
                     kTaxii, "DELETE"),
               403);
  expect_error(taxii("/taxii2/hotline/status/00000000-0000-4000-8000-000000000000/", ana), 404);

  // Withdrawn: gone.
  ASSERT_EQ(call(kAlpha, "DELETE", "/v1/taxii/peers/bravo", nullptr, root).status, 200);
  expect_error(taxii(peer_coll + "objects/", ana), 404);
  auto unknown = call(kAlpha, "PUT", "/v1/taxii/peers/nobody", nullptr, root);
  EXPECT_EQ(unknown.status, 404) << unknown.body.dump();
  EXPECT_EQ(call(kAlpha, "PUT", "/v1/taxii/peers/bravo", nullptr, ana).status, 403);
}

}  // namespace taxii_test
}  // namespace hotline::it
