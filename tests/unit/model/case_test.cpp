#include "hotline/model/case_file.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "hotline/common/error.h"

namespace hotline::model {
namespace case_test {

using nlohmann::json;
using std::chrono::minutes;
using S = CaseState;
using A = CaseAction;

constexpr const char* kId = "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
constexpr const char* kAlert = "0190a5b2-7c3d-7e4f-9a9b-0c1d2e3f4a51";
constexpr const char* kRequest = "0190a5b2-7c3d-7e4f-aa9b-0c1d2e3f4a52";
const std::string kDigest(64, 'e');
const TimePoint kT0 = parse_timestamp("2026-03-01T10:00:00.000Z");
TimePoint t(int m) {
  return kT0 + minutes(m);
}

CaseFile opened() {
  return open_case(kId, Side::ours, "Breach at example.org", {}, "claire", t(0));
}

CaseFile in_state(S s) {
  CaseFile c = opened();
  c = add_indicator(c, {"ipv4-addr", "198.51.100.7"}, "claire", Side::ours, t(0));
  if (s == S::open) return c;
  c = close(c, "claire", Side::ours, t(1), "done");
  if (s == S::closed) return c;
  return reopen(c, "jonas", Side::theirs, t(2), "new victims");
}

CaseFile perform(const CaseFile& c, A a) {
  switch (a) {
    case A::open:
      return c;
    case A::link_alert:
      return link_alert(c, kAlert, "claire", Side::ours, t(10));
    case A::link_request:
      return link_request(c, kRequest, "claire", Side::ours, t(10));
    case A::add_indicator:
      return add_indicator(c, {"ipv4-addr", "203.0.113.5"}, "jonas", Side::theirs, t(10));
    case A::add_attachment:
      return add_attachment(c, kDigest, "claire", Side::ours, t(10));
    case A::add_entry:
      return add_entry(c, "Called the hoster.", "claire", Side::ours, t(10));
    case A::add_note:
      return add_note(c, "They seem slow.", "claire", Side::ours, t(10));
    case A::close:
      return close(c, "jonas", Side::theirs, t(10), "");
    case A::reopen:
      return reopen(c, "claire", Side::ours, t(10), "more data");
    case A::update_indicator:
      return c;
    case A::add_sighting:
      return add_sighting(c, {"ipv4-addr", "198.51.100.7", t(5), t(9), 3, "mail relay",
                              Side::theirs, "jonas", t(10)});
    case A::add_indicators: {
      CaseFile next = c;
      add_indicators(next, {{"ipv4-addr", "203.0.113.5"}}, "jonas", Side::theirs, t(10));
      return next;
    }
    case A::add_sightings: {
      CaseFile next = c;
      add_sightings(next,
                    {{"ipv4-addr", "198.51.100.7", t(5), t(9), 3, "mail relay", Side::theirs,
                      "jonas", t(10)}},
                    "jonas", Side::theirs, t(10));
      return next;
    }
  }
  return c;
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

TEST(Case, TransitionTableIsExhaustive) {
  std::set<A> active{A::link_alert, A::link_request, A::add_indicator, A::add_attachment,
                     A::add_entry,  A::add_note,     A::close};
  active.insert(A::add_indicators);
  active.insert(A::add_sighting);  // possible in every state
  active.insert(A::add_sightings);
  const std::map<S, std::set<A>> allowed{
      {S::open, active},
      {S::reopened, active},
      {S::closed, {A::add_note, A::reopen, A::add_sighting, A::add_sightings}}};
  for (S s : kCaseStates) {
    CaseFile c = in_state(s);
    ASSERT_EQ(c.state, s);
    std::set<A> possible;
    for (A a : possible_actions(c)) possible.insert(a);
    EXPECT_EQ(possible, allowed.at(s)) << to_string(s);
    for (A a : kCaseActions) {
      bool ok = allowed.at(s).count(a) == 1;
      EXPECT_EQ(is_possible(c, a), ok);
      if (a == A::open || a == A::update_indicator) continue;  // never an action of its own
      if (ok) {
        CaseFile next = perform(c, a);
        if (a == A::close) {
          EXPECT_EQ(next.state, S::closed);
        }
        if (a == A::reopen) {
          EXPECT_EQ(next.state, S::reopened);
        }
        if (a == A::add_note) {
          EXPECT_EQ(next.timeline, c.timeline);  // private: not in the timeline
          EXPECT_EQ(next.notes.size(), c.notes.size() + 1);
        } else {
          EXPECT_EQ(next.timeline.back().action, a);
        }
        EXPECT_EQ(case_from_json(to_json(next)), next) << to_string(s) << " " << to_string(a);
      } else {
        Error e = error_of([&] { perform(c, a); });
        EXPECT_EQ(e.code(), "illegal_transition");
        std::string msg = e.what();
        EXPECT_NE(msg.find("case " + std::string(kId) + " is '" + std::string(to_string(s)) +
                           "'; '" + std::string(to_string(a)) + "' is not possible there"),
                  std::string::npos)
            << msg;
      }
    }
  }
}

CaseFile full() {
  CaseFile c = opened();
  c = link_alert(c, kAlert, "claire", Side::ours, t(1));
  c = link_request(c, kRequest, "claire", Side::ours, t(2));
  c = add_indicator(c, {"url", "http://203.0.113.5:8080/a?b=c:d"}, "jonas", Side::theirs, t(3));
  c = add_attachment(c, kDigest, "claire", Side::ours, t(4));
  c = add_entry(c, "Hoster informed.\nWaiting.", "jonas", Side::theirs, t(5));
  c = add_note(c, "Ask for the logs again on Monday.", "claire", Side::ours, t(6));
  c = close(c, "claire", Side::ours, t(7), "");
  c = reopen(c, "jonas", Side::theirs, t(8), "second wave");
  return close(c, "jonas", Side::theirs, t(9), "contained");
}

TEST(Case, LinksAndDuplicates) {
  CaseFile c = full();
  EXPECT_EQ(c.alert_ids, std::vector<std::string>{kAlert});
  EXPECT_EQ(c.request_ids, std::vector<std::string>{kRequest});
  EXPECT_EQ(c.indicators.size(), 1u);
  EXPECT_EQ(c.timeline.size(), 9u);
  EXPECT_EQ(c.notes.size(), 1u);
  CaseFile o = reopen(c, "claire", Side::ours, t(10), "third wave");  // any number of times
  EXPECT_EQ(error_of([&] { link_alert(o, kAlert, "claire", Side::ours, t(11)); }).code(),
            "case_duplicate");
  EXPECT_EQ(error_of([&] { link_request(o, kRequest, "claire", Side::ours, t(11)); }).code(),
            "case_duplicate");
  EXPECT_EQ(error_of([&] { add_attachment(o, kDigest, "claire", Side::ours, t(11)); }).code(),
            "case_duplicate");
  // The same indicator again updates it (case_indicator_test.cpp).
  EXPECT_EQ(add_indicator(o, {"url", "http://203.0.113.5:8080/a?b=c:d"}, "c", Side::ours, t(11))
                .timeline.back()
                .action,
            A::update_indicator);
  EXPECT_EQ(error_of([&] { link_alert(o, "not-an-id", "claire", Side::ours, t(11)); }).code(),
            "case_invalid");
  EXPECT_EQ(error_of([&] { add_attachment(o, "ABC", "claire", Side::ours, t(11)); }).code(),
            "case_invalid");
  EXPECT_EQ(error_of([&] {
              add_indicator(o, {"IPv4", "1.2.3.4"}, "c", Side::ours, t(11));
            }).code(),
            "indicator_invalid");
  EXPECT_EQ(error_of([&] {
              add_indicator(o, {"ipv4-addr", ""}, "c", Side::ours, t(11));
            }).code(),
            "indicator_invalid");
  EXPECT_EQ(error_of([&] { reopen(c, "claire", Side::ours, t(11), ""); }).code(), "case_invalid");
}

TEST(Case, PrivateNotesStayHome) {
  CaseFile c = full();
  EXPECT_EQ(error_of([&] { add_note(c, "x", "jonas", Side::theirs, t(10)); }).code(), "wrong_side");
  json shared = to_shared_json(c);
  EXPECT_FALSE(shared.contains("notes"));
  EXPECT_EQ(shared.dump().find("Monday"), std::string::npos);
  json local = to_json(c);
  EXPECT_EQ(local["notes"].size(), 1u);
}

TEST(Case, JsonRoundTripAndStrictness) {
  CaseFile c = full();
  json j = to_json(c);
  EXPECT_EQ(case_from_json(j), c);
  EXPECT_EQ(to_json(case_from_json(j)), j);
  auto bad = [&](auto edit) {
    json x = j;
    edit(x);
    return error_of([&] { case_from_json(x); }).code();
  };
  EXPECT_EQ(bad([](json& x) { x["extra"] = 1; }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x.erase("notes"); }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x["state"] = "open"; }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x["alert_ids"].push_back(kRequest); }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x["timeline"].erase(1); }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x["timeline"][0]["action"] = "add_note"; }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x["notes"][0]["at"] = 5; }), "case_invalid");
  EXPECT_EQ(bad([](json& x) { x["labels"]["tlp"] = "RED"; }), "case_invalid");
}

}  // namespace case_test
}  // namespace hotline::model
