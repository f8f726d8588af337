#include "hotline/model/alert.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "hotline/common/error.h"

namespace hotline::model {
namespace alert_test {

using nlohmann::json;
using std::chrono::minutes;
using S = AlertState;
using A = AlertAction;

constexpr const char* kId = "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
const TimePoint kT0 = parse_timestamp("2026-03-01T10:00:00.000Z");
TimePoint t(int m) {
  return kT0 + minutes(m);
}

Alert raised() {
  Labels l;
  l.rsit = {"availability:ddos"};
  return raise(kId, Side::ours, Priority::urgent, l, "DDoS from AS64500", "", "claire", t(0));
}

Alert in_state(S s) {
  Alert a = raised();
  if (s == S::raised) return a;
  a = mark_delivered(a, t(1));
  if (s == S::delivered) return a;
  a = acknowledge(a, "jonas", Side::theirs, t(2));
  if (s == S::acknowledged) return a;
  return close(a, "claire", Side::ours, t(3), "mitigated");
}

Alert perform(const Alert& a, A action) {
  switch (action) {
    case A::raise:
      return a;
    case A::mark_delivered:
      return mark_delivered(a, t(10));
    case A::acknowledge:
      return acknowledge(a, "jonas", a.receiving_side(), t(10));
    case A::escalate:
      return escalate(a, a.escalation_level + 1, t(10));
    case A::close:
      return close(a, "claire", a.origin, t(10), "");
  }
  return a;
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

TEST(Alert, TransitionTableIsExhaustive) {
  const std::map<S, std::set<A>> allowed{
      {S::raised, {A::mark_delivered, A::acknowledge, A::escalate, A::close}},
      {S::delivered, {A::acknowledge, A::escalate, A::close}},
      {S::acknowledged, {A::close}},
      {S::closed, {}},
  };
  const std::map<std::pair<S, A>, S> target{
      {{S::raised, A::mark_delivered}, S::delivered},
      {{S::raised, A::acknowledge}, S::acknowledged},
      {{S::raised, A::escalate}, S::raised},
      {{S::delivered, A::acknowledge}, S::acknowledged},
      {{S::delivered, A::escalate}, S::delivered},
      {{S::delivered, A::close}, S::closed},
      {{S::acknowledged, A::close}, S::closed},
      {{S::raised, A::close}, S::closed},
  };
  for (S s : kAlertStates) {
    Alert a = in_state(s);
    ASSERT_EQ(a.state, s);
    std::set<A> possible;
    for (A x : possible_actions(a)) possible.insert(x);
    EXPECT_EQ(possible, allowed.at(s)) << to_string(s);
    for (A x : kAlertActions) {
      bool ok = allowed.at(s).count(x) == 1;
      EXPECT_EQ(is_possible(a, x), ok);
      if (x == A::raise) continue;
      if (ok) {
        Alert next = perform(a, x);
        EXPECT_EQ(next.state, target.at({s, x})) << to_string(s) << " " << to_string(x);
        EXPECT_EQ(next.history.back().action, x);
      } else {
        Error e = error_of([&] { perform(a, x); });
        EXPECT_EQ(e.code(), "illegal_transition");
        std::string msg = e.what();
        EXPECT_NE(msg.find("alert " + std::string(kId) + " is '" + std::string(to_string(s)) +
                           "'; '" + std::string(to_string(x)) + "' is not possible there"),
                  std::string::npos)
            << msg;
      }
    }
  }
}

TEST(Alert, AcknowledgeRecordsWhoAndWhen) {
  Alert a = acknowledge(in_state(S::delivered), "jonas", Side::theirs, t(7));
  EXPECT_EQ(a.acknowledged_by, "jonas");
  EXPECT_EQ(a.acknowledged_at, t(7));
  EXPECT_EQ(a.history.back().side, Side::theirs);
  EXPECT_EQ(error_of([] { acknowledge(in_state(S::delivered), "", Side::theirs, t(7)); }).code(),
            "alert_invalid");
}

TEST(Alert, Sides) {
  Error e = error_of([] { acknowledge(in_state(S::delivered), "claire", Side::ours, t(5)); });
  EXPECT_EQ(e.code(), "wrong_side");
  EXPECT_EQ(
      std::string(e.what()),
      "alert " + std::string(kId) + ": 'acknowledge' is for the receiving side (theirs), not ours");
  EXPECT_EQ(
      error_of([] { close(in_state(S::acknowledged), "jonas", Side::theirs, t(5), ""); }).code(),
      "wrong_side");
  // An alert raised by the peer: we acknowledge, they close.
  Alert in = raise(kId, Side::theirs, Priority::normal, {}, "Scan", "", "jonas", t(0));
  in = mark_delivered(in, t(1));
  in = acknowledge(in, "claire", Side::ours, t(2));
  EXPECT_EQ(error_of([&] { close(in, "claire", Side::ours, t(3), ""); }).code(), "wrong_side");
  in = close(in, "jonas", Side::theirs, t(3), "");
  EXPECT_EQ(alert_from_json(to_json(in)), in);
}

TEST(Alert, EscalationIsAnEventNotABlock) {
  Alert a = in_state(S::delivered);
  a = escalate(a, 1, t(15));
  EXPECT_TRUE(a.escalated());
  EXPECT_EQ(a.state, S::delivered);
  EXPECT_EQ(error_of([&] { escalate(a, 1, t(16)); }).code(), "alert_invalid");
  EXPECT_EQ(error_of([&] { escalate(a, kMaxEscalationLevel + 1, t(16)); }).code(), "alert_invalid");
  a = escalate(a, 2, t(30));
  a = acknowledge(a, "jonas", Side::theirs, t(31));
  EXPECT_EQ(a.state, S::acknowledged);
  EXPECT_EQ(a.escalation_level, 2);
  EXPECT_EQ(error_of([&] { escalate(a, 3, t(40)); }).code(), "illegal_transition");
  EXPECT_EQ(alert_from_json(to_json(a)), a);
}

TEST(Alert, LateReceipt) {
  Alert a = acknowledge(raised(), "jonas", Side::theirs, t(2));
  EXPECT_FALSE(a.delivered_at.has_value());
  a = mark_delivered(a, t(1));
  EXPECT_EQ(a.state, S::acknowledged);
  EXPECT_EQ(a.delivered_at, t(1));
  Error e = error_of([&] { mark_delivered(a, t(1)); });
  EXPECT_EQ(e.code(), "illegal_transition");
  EXPECT_NE(std::string(e.what()).find("already recorded"), std::string::npos);
}

TEST(Alert, JsonRoundTripAndStrictness) {
  for (S s : kAlertStates) {
    Alert a = in_state(s);
    json j = to_json(a);
    EXPECT_EQ(alert_from_json(j), a) << to_string(s);
    EXPECT_EQ(to_json(alert_from_json(j)), j);
  }
  json good = to_json(in_state(S::closed));
  auto bad = [&](auto edit) {
    json j = good;
    edit(j);
    return error_of([&] { alert_from_json(j); }).code();
  };
  EXPECT_EQ(bad([](json& j) { j["extra"] = 1; }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j.erase("summary"); }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j["state"] = "raised"; }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j["acknowledged_by"] = "mallory"; }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j["escalation_level"] = 1.5; }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j["history"][2]["side"] = "ours"; }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j["history"].erase(0); }), "alert_invalid");
  EXPECT_EQ(bad([](json& j) { j["labels"]["rsit"] = {"nope:nope"}; }), "alert_invalid");
}

TEST(Alert, RaiseValidates) {
  EXPECT_EQ(
      error_of([] { raise("x", Side::ours, Priority::urgent, {}, "s", "", "c", t(0)); }).code(),
      "alert_invalid");
  EXPECT_EQ(
      error_of([] { raise(kId, Side::ours, Priority::urgent, {}, " ", "", "c", t(0)); }).code(),
      "alert_invalid");
  Labels l;
  l.offences = {"budapest:art99"};
  EXPECT_EQ(
      error_of([&] { raise(kId, Side::ours, Priority::urgent, l, "s", "", "c", t(0)); }).code(),
      "alert_invalid");
}

}  // namespace alert_test
}  // namespace hotline::model
