// Typed indicators and sightings on two real nodes (issue 21): values are
// normalized and shared, the same value again updates the indicator on both
// sides, a sighting reported by the peer shows on both sides (a closed case
// too), a value is found across cases (exact, parent domain, range, a URL's
// host), bad input is refused naming the field with nothing changed, and an
// indicator marked TLP:RED stays out of both nodes' events and logs.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "link_harness.h"

namespace hotline::it {
namespace indicator_cli_test {

using nlohmann::json;

class IndicatorCli : public TwoNodes {
 protected:
  json show_case(Side s, const std::string& id) {
    auto r = on(s, {"case", "show", id, "--json"});
    if (r.exit_code != 0) return json{{"error", r.err}};
    return json::parse(r.out);
  }

  // Waits (bounded) until the case on side `s` satisfies `pred`.
  template <class Pred>
  json wait_case(Side s, const std::string& id, Pred pred) {
    auto j = poll_json([&] { return show_case(s, id); }, pred, 20s);
    EXPECT_TRUE(pred(j)) << nodes_[s].name << ": " << j.dump(2);
    return j;
  }

  json find(Side s, const std::string& value) {
    auto r = on(s, {"indicator", "find", value, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out)["indicators"] : json::array();
  }

  std::string events_text(Side s) {
    auto node = service::open_node(dir(s));
    std::string all;
    for (const auto& e : node.store->read()->list_events(0, 100000)) all += e.detail + "\n";
    return all;
  }
};

TEST_F(IndicatorCli, SharedNormalizedUpdatedSightedAndFound) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  auto out =
      ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Phishing wave", "--as", "alice"});
  const std::string cs = id_in(out);

  // alpha adds a domain written loosely (type guessed) and a TLP:RED range.
  out = ok(kAlpha, {"case", "indicator", cs, "--value", "Mail.Evil.Example.", "--confidence", "70",
                    "--first-seen", "2026-11-30T08:00:00.000Z", "--as", "alice"});
  EXPECT_TRUE(has(out, "domain-name:mail.evil.example added")) << out;
  out = ok(kAlpha, {"case", "indicator", cs, "--type", "ipv4-addr", "--value", "198.51.100.0/24",
                    "--tlp", "TLP:RED", "--note", "their C2 range", "--as", "alice"});
  EXPECT_TRUE(has(out, "added")) << out;

  // bravo has both, normalized, with their fields.
  auto b = wait_case(
      kBravo, cs, [](const json& d) { return d.value("indicators", json::array()).size() == 2; });
  ASSERT_EQ(b["indicators"].size(), 2u);
  EXPECT_EQ(b["indicators"][0]["value"], "mail.evil.example");
  EXPECT_EQ(b["indicators"][0]["confidence"], 70);
  EXPECT_EQ(b["indicators"][1]["tlp"], "TLP:RED");

  // bravo adds the same domain again: an update on both sides, not a second one.
  out = ok(kBravo, {"case", "indicator", cs, "--value", "MAIL.evil.example", "--confidence", "90",
                    "--last-seen", "2026-12-01T09:00:00.000Z", "--as", "carol"});
  EXPECT_TRUE(has(out, "updated")) << out;
  auto a = wait_case(kAlpha, cs, [](const json& d) {
    return !d.value("indicators", json::array()).empty() &&
           d["indicators"][0].value("confidence", json()) == json(90);
  });
  ASSERT_EQ(a["indicators"].size(), 2u);
  EXPECT_EQ(a["indicators"][0]["first_seen"], "2026-11-30T08:00:00.000Z");
  EXPECT_EQ(a["indicators"][0]["last_seen"], "2026-12-01T09:00:00.000Z");
  EXPECT_EQ(a["timeline"].back()["action"], "update_indicator");

  // alpha closes the case; bravo still reports a sighting of the range.
  ok(kAlpha, {"case", "close", cs, "--note", "contained", "--as", "alice"});
  wait_case(kBravo, cs, [](const json& d) { return d.value("state", "") == "closed"; });
  out = ok(kBravo, {"case", "sighting", cs, "--type", "ipv4-addr", "--value", "198.51.100.0/24",
                    "--count", "14", "--first-seen", "2026-12-01T02:00:00.000Z", "--last-seen",
                    "2026-12-01T03:10:00.000Z", "--where", "edge firewall", "--as", "carol"});
  EXPECT_TRUE(has(out, "sighting of ipv4-addr:198.51.100.0/24 recorded")) << out;
  a = wait_case(kAlpha, cs,
                [](const json& d) { return d.value("sightings", json::array()).size() == 1; });
  ASSERT_EQ(a["sightings"].size(), 1u);
  EXPECT_EQ(a["sightings"][0]["side"], "theirs");
  EXPECT_EQ(a["sightings"][0]["count"], 14);
  EXPECT_EQ(a["sightings"][0]["where"], "edge firewall");
  EXPECT_EQ(show_case(kBravo, cs)["sightings"][0]["side"], "ours");
  EXPECT_EQ(a["state"], "closed");

  // Found across cases, on both sides.
  for (Side s : {kAlpha, kBravo}) {
    auto hits = find(s, "a.mail.evil.example");
    ASSERT_EQ(hits.size(), 1u) << hits.dump(2);
    EXPECT_EQ(hits[0]["matched"], "parent_domain");
    EXPECT_TRUE(hits[0]["case"]["id"].get<std::string>().ends_with(cs)) << hits.dump(2);
    hits = find(s, "198.51.100.77");
    ASSERT_EQ(hits.size(), 1u) << hits.dump(2);
    EXPECT_EQ(hits[0]["matched"], "range");
    EXPECT_EQ(hits[0]["effective_tlp"], "TLP:RED");
    hits = find(s, "https://login.mail.evil.example/x?y=1");
    ASSERT_EQ(hits.size(), 1u) << hits.dump(2);
    EXPECT_EQ(hits[0]["matched"], "host");
    EXPECT_TRUE(find(s, "notevil.example").empty());
    EXPECT_TRUE(find(s, "198.51.101.1").empty());
  }
  out = ok(kAlpha, {"indicator", "find", "198.51.100.9"});
  EXPECT_TRUE(has(out, "198.51.100.0/24 [range]")) << out;

  // Bad input: refused, naming the field; nothing changed.
  ok(kAlpha, {"case", "reopen", cs, "--reason", "new wave", "--as", "alice"});
  const json before = show_case(kAlpha, cs);
  auto r = on(kAlpha, {"case", "indicator", cs, "--type", "ipv4-addr", "--value", "300.1.1.1",
                       "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "indicator.value")) << r.err;
  r = on(kAlpha, {"case", "indicator", cs, "--value", "evil.example", "--confidence", "101", "--as",
                  "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "confidence")) << r.err;
  r = on(kAlpha,
         {"case", "indicator", cs, "--type", "ip-src", "--value", "192.0.2.1", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "indicator.type")) << r.err;
  r = on(kAlpha,
         {"case", "sighting", cs, "--value", "203.0.113.9", "--first-seen",
          "2026-12-01T02:00:00.000Z", "--last-seen", "2026-12-01T03:00:00.000Z", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "no indicator")) << r.err;
  EXPECT_EQ(show_case(kAlpha, cs)["indicators"], before["indicators"]);
  EXPECT_EQ(show_case(kAlpha, cs)["timeline"].size(), before["timeline"].size());

  // The TLP:RED range is in no event and no log line of either node.
  for (Side s : {kAlpha, kBravo}) {
    EXPECT_FALSE(has(events_text(s), "198.51.100")) << events_text(s);
    EXPECT_FALSE(has(log(s), "198.51.100")) << nodes_[s].name;
  }
}

}  // namespace indicator_cli_test
}  // namespace hotline::it
