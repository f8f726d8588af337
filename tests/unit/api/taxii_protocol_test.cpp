// TAXII 2.1's pure parts (api/taxii.h): Accept, filters, pagination and the
// error message, on values made here.
#include <gtest/gtest.h>

#include "hotline/api/taxii.h"
#include "hotline/common/error.h"

namespace hotline::api {
namespace taxii_protocol_test {

using nlohmann::json;

taxii::Entry entry(const std::string& id, const std::string& modified, const std::string& added) {
  json o = {{"type", id.substr(0, id.find("--"))}, {"spec_version", "2.1"}, {"id", id}};
  if (!modified.empty()) o["modified"] = o["created"] = modified;
  return taxii::make_entry(o, added);
}

std::vector<std::string> ids(const taxii::Page& p) {
  std::vector<std::string> out;
  for (const auto* e : p.entries) out.push_back(e->id + "@" + e->version);
  return out;
}

TEST(TaxiiProtocol, AcceptAllowsTaxii21AndRefusesTheRest) {
  for (const char* ok : {"", "application/taxii+json;version=2.1", "application/taxii+json", "*/*",
                         "application/*", "text/html, application/taxii+json; version=2.1",
                         "application/taxii+json;version=2.1;q=0.5"}) {
    EXPECT_TRUE(taxii::accepts_taxii(ok)) << ok;
  }
  for (const char* bad : {"application/json", "text/html", "application/taxii+json;version=2.0",
                          "application/stix+json;version=2.1", "*/*;q=0",
                          "application/taxii+json;version=2.1;q=0.0"}) {
    EXPECT_FALSE(taxii::accepts_taxii(bad)) << bad;
  }
}

TEST(TaxiiProtocol, RouterErrorsBecomeTaxiiErrorMessages) {
  auto r = taxii::to_taxii_error(net::json_error(401, "unauthenticated", "send a token"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.content_type, taxii::kTaxiiMediaType);
  auto body = json::parse(r.body);
  EXPECT_EQ(body, json({{"title", "Unauthorized"},
                        {"description", "send a token"},
                        {"error_code", "unauthenticated"},
                        {"http_status", "401"}}));
}

TEST(TaxiiProtocol, PagesFollowDateAddedAndNextUntilNoMore) {
  std::vector<taxii::Entry> all;
  for (int i = 0; i < 7; ++i) {
    const std::string t = "2026-01-0" + std::to_string(i + 1) + "T00:00:00.000Z";
    all.push_back(entry("indicator--0000000" + std::to_string(i), t, t));
  }
  std::vector<std::string> seen;
  std::map<std::string, std::string> query{{"limit", "3"}};
  for (int round = 0; round < 5; ++round) {
    auto page = taxii::select(all, taxii::parse_filter(query, {"id", "type", "version"}));
    for (const auto& id : ids(page)) seen.push_back(id);
    if (!page.more) break;
    EXPECT_EQ(page.entries.size(), 3u);
    query["next"] = page.next;
  }
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.front(), "indicator--00000000@2026-01-01T00:00:00.000Z");
  EXPECT_EQ(seen.back(), "indicator--00000006@2026-01-07T00:00:00.000Z");

  auto after =
      taxii::select(all, taxii::parse_filter({{"added_after", "2026-01-05T00:00:00Z"}}, {"id"}));
  EXPECT_EQ(after.entries.size(), 2u);  // strictly after, whatever the precision
  EXPECT_FALSE(after.more);
}

TEST(TaxiiProtocol, VersionsAndMatchFilters) {
  std::vector<taxii::Entry> all = {
      entry("indicator--a", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"),
      entry("indicator--a", "2026-01-03T00:00:00.000Z", "2026-01-03T00:00:00.000Z"),
      entry("report--b", "2026-01-02T00:00:00.000Z", "2026-01-02T00:00:00.000Z"),
      entry("ipv4-addr--c", "", "2026-01-02T00:00:00.000Z"),
  };
  auto last = taxii::select(all, taxii::parse_filter({}, {"id"}));
  // By date added, then id.
  EXPECT_EQ(ids(last), (std::vector<std::string>{"ipv4-addr--c@2026-01-02T00:00:00.000Z",
                                                 "report--b@2026-01-02T00:00:00.000Z",
                                                 "indicator--a@2026-01-03T00:00:00.000Z"}));
  auto first = taxii::select(
      all, taxii::parse_filter({{"match[version]", "first"}, {"match[id]", "indicator--a"}},
                               {"id", "version"}));
  EXPECT_EQ(ids(first), (std::vector<std::string>{"indicator--a@2026-01-01T00:00:00.000Z"}));
  auto every = taxii::select(
      all, taxii::parse_filter({{"match[version]", "all"}, {"match[type]", "indicator,report"}},
                               {"type", "version"}));
  EXPECT_EQ(every.entries.size(), 3u);
  auto exact = taxii::select(
      all, taxii::parse_filter({{"match[version]", "2026-01-01T00:00:00Z"}}, {"version"}));
  EXPECT_EQ(ids(exact), (std::vector<std::string>{"indicator--a@2026-01-01T00:00:00.000Z"}));
}

TEST(TaxiiProtocol, EntriesSharingAMillisecondGetDistinctDatesAdded) {
  const std::string t = "2026-01-01T00:00:00.123Z";
  std::vector<taxii::Entry> all = {
      entry("report--b", t, t), entry("indicator--a", t, t),
      entry("identity--c", "2026-01-01T00:00:00.124Z", "2026-01-01T00:00:00.124Z")};
  taxii::spread_ties(all);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "indicator--a");
  EXPECT_EQ(all[0].date_added, "2026-01-01T00:00:00.123000Z");
  EXPECT_EQ(all[1].date_added, "2026-01-01T00:00:00.123001Z");
  EXPECT_EQ(all[2].date_added, "2026-01-01T00:00:00.124000Z");
  // Paging by added_after from the first entry's date keeps the second.
  auto rest = taxii::select(all, taxii::parse_filter({{"added_after", all[0].date_added}}, {"id"}));
  EXPECT_EQ(rest.entries.size(), 2u);
}

TEST(TaxiiProtocol, BadFiltersAreRefusedByName) {
  auto refused = [](std::map<std::string, std::string> q, const std::string& names) {
    try {
      taxii::parse_filter(q, {"id", "type", "version", "spec_version"});
      ADD_FAILURE() << "accepted " << names;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "taxii_filter_invalid");
      EXPECT_NE(std::string(e.what()).find(names), std::string::npos) << e.what();
    }
  };
  refused({{"added_after", "yesterday"}}, "added_after");
  refused({{"limit", "0"}}, "limit");
  refused({{"limit", "-3"}}, "limit");
  refused({{"next", "not-ours"}}, "next");
  refused({{"match[version]", "latest"}}, "match[version]");
  refused({{"match[colour]", "red"}}, "match[colour]");
  refused({{"match[id]", "a,,b"}}, "match[id]");
}

}  // namespace taxii_protocol_test
}  // namespace hotline::api
