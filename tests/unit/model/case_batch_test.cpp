// Many indicators or sightings in one case action (model/case_file.h
// add_indicators, add_sightings): the same result as that many single
// actions, one timeline entry, all or nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/model/case_file.h"

namespace hotline::model {
namespace case_batch_test {

using nlohmann::json;
using std::chrono::minutes;
using A = CaseAction;

constexpr const char* kId = "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
const TimePoint kT0 = parse_timestamp("2026-03-01T10:00:00.000Z");
TimePoint t(int m) {
  return kT0 + minutes(m);
}

CaseFile opened() {
  return open_case(kId, Side::ours, "Phishing wave", {}, "claire", t(0));
}

template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ErrorCategory::internal, "none", "");
}

std::vector<Indicator> some(int n) {
  std::vector<Indicator> out;
  for (int i = 0; i < n; ++i) out.push_back({"ipv4-addr", "198.51.100." + std::to_string(i)});
  return out;
}

TEST(CaseBatch, AddIndicatorsIsThatManyAddsInOneEntry) {
  CaseFile one_by_one =
      add_indicator(opened(), {"domain-name", "evil.example"}, "claire", Side::ours, t(1));
  CaseFile batch = one_by_one;
  std::vector<Indicator> list = some(3);
  list.push_back({"domain-name", "EVIL.example."});  // the case has it: updated
  list.back().confidence = 70;
  list.push_back({"ipv4-addr", "198.51.100.1"});  // listed twice: updated
  list.back().note = "again";
  for (const auto& i : list) one_by_one = add_indicator(one_by_one, i, "jonas", Side::theirs, t(2));
  add_indicators(batch, list, "jonas", Side::theirs, t(2));

  EXPECT_EQ(batch.indicators, one_by_one.indicators);
  ASSERT_EQ(batch.indicators.size(), 4u);
  EXPECT_EQ(batch.indicators[0].confidence, 70);
  EXPECT_EQ(batch.indicators[2].note, "again");
  ASSERT_EQ(batch.timeline.size(), 3u);  // open, add_indicator, add_indicators
  const TimelineEntry& e = batch.timeline.back();
  EXPECT_EQ(e.action, A::add_indicators);
  EXPECT_EQ(e.text, "5 indicators: 3 new, 2 updated");
  EXPECT_EQ(e.side, Side::theirs);
  ASSERT_EQ(e.data["indicators"].size(), 5u);
  EXPECT_EQ(e.data["indicators"][3]["value"], "evil.example");  // as given, normalized

  // The document replays through its timeline.
  EXPECT_EQ(case_from_json(to_json(batch)), batch);
}

TEST(CaseBatch, OneBadEntryRefusesTheWholeActionNamingIt) {
  CaseFile c = opened();
  std::vector<Indicator> list = some(3);
  list[2].value = "300.1.2.3";
  const CaseFile before = c;
  Error e = error_of([&] { add_indicators(c, list, "claire", Side::ours, t(1)); });
  EXPECT_EQ(e.code(), "indicator_invalid");
  EXPECT_NE(std::string(e.what()).find("indicators[2].value"), std::string::npos) << e.what();
  EXPECT_EQ(c, before);

  e = error_of([&] { add_indicators(c, {}, "claire", Side::ours, t(1)); });
  EXPECT_EQ(e.code(), "case_invalid");
  e = error_of([&] { add_indicators(c, some(1001), "claire", Side::ours, t(1)); });
  EXPECT_EQ(e.code(), "case_invalid");
  EXPECT_NE(std::string(e.what()).find("1 to 1000"), std::string::npos) << e.what();
  EXPECT_EQ(c, before);

  // Closed: not possible (add_indicator is not either).
  CaseFile closed = close(c, "claire", Side::ours, t(2), "");
  e = error_of([&] { add_indicators(closed, some(1), "claire", Side::ours, t(3)); });
  EXPECT_EQ(e.code(), "illegal_transition");
}

TEST(CaseBatch, SightingsOfKnownIndicatorsOnlyInEveryState) {
  CaseFile c = opened();
  add_indicators(c, some(2), "claire", Side::ours, t(1));
  c = close(c, "claire", Side::ours, t(2), "");
  std::vector<Sighting> list(2);
  list[0] = {"ipv4-addr", "198.51.100.0", t(-10), t(-5), 3, "proxy", Side::ours, "", t(0)};
  list[1] = {"ipv4-addr", "198.51.100.1", t(-10), t(-5), 1, "", Side::ours, "", t(0)};
  add_sightings(c, list, "jonas", Side::theirs, t(3));
  ASSERT_EQ(c.sightings.size(), 2u);
  EXPECT_EQ(c.sightings[0].by, "jonas");
  EXPECT_EQ(c.sightings[0].side, Side::theirs);
  EXPECT_EQ(c.sightings[0].count, 3);
  EXPECT_EQ(c.timeline.back().action, A::add_sightings);
  EXPECT_EQ(c.timeline.back().text, "2 sightings");
  EXPECT_FALSE(c.timeline.back().data["sightings"][0].contains("by"));
  EXPECT_EQ(case_from_json(to_json(c)), c);

  const CaseFile before = c;
  list[1].value = "203.0.113.9";  // not in the case
  Error e = error_of([&] { add_sightings(c, list, "jonas", Side::theirs, t(4)); });
  EXPECT_EQ(e.code(), "indicator_unknown");
  EXPECT_NE(std::string(e.what()).find("sightings[1]"), std::string::npos) << e.what();
  list[1].value = "198.51.100.1";
  list[1].count = 0;
  e = error_of([&] { add_sightings(c, list, "jonas", Side::theirs, t(4)); });
  EXPECT_NE(std::string(e.what()).find("sightings[1]"), std::string::npos) << e.what();
  EXPECT_EQ(c, before);
}

TEST(CaseBatch, ListsFromJsonAreStrictAndNamed) {
  json list = json::array();
  list.push_back(indicator_json({"ipv4-addr", "198.51.100.7"}));
  EXPECT_EQ(indicators_from_json(list, "args.indicators").size(), 1u);
  // A legacy {type, value} is refused in a batch.
  list.push_back({{"type", "ipv4-addr"}, {"value", "198.51.100.8"}});
  Error e = error_of([&] { indicators_from_json(list, "args.indicators"); });
  EXPECT_NE(std::string(e.what()).find("args.indicators[1]"), std::string::npos) << e.what();
  list[1] = indicator_json({"x-custom", "v"});
  e = error_of([&] { indicators_from_json(list, "args.indicators"); });
  EXPECT_EQ(e.code(), "indicator_invalid");
  EXPECT_NE(std::string(e.what()).find("args.indicators[1].type"), std::string::npos) << e.what();
  e = error_of([&] { indicators_from_json(json::object(), "args.indicators"); });
  EXPECT_EQ(e.code(), "case_invalid");

  json s = json::array({{{"type", "ipv4-addr"},
                         {"value", "198.51.100.7"},
                         {"first_seen", "2026-03-01T09:00:00.000Z"},
                         {"last_seen", "2026-03-01T09:30:00.000Z"},
                         {"count", 2},
                         {"where", "mail relay"}}});
  auto got = sightings_from_json(s, "args.sightings", "jonas", Side::theirs, t(5));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].by, "jonas");
  EXPECT_EQ(got[0].at, t(5));
  s[0]["extra"] = 1;
  e = error_of([&] { sightings_from_json(s, "args.sightings", "jonas", Side::theirs, t(5)); });
  EXPECT_NE(std::string(e.what()).find("args.sightings[0]"), std::string::npos) << e.what();
}

}  // namespace case_batch_test
}  // namespace hotline::model
