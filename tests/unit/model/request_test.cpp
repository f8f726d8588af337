#include "hotline/model/request.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "hotline/common/error.h"

namespace hotline::model {
namespace request_test {

using nlohmann::json;
using std::chrono::minutes;
using S = RequestState;
using A = RequestAction;

constexpr const char* kId = "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
const TimePoint kT0 = parse_timestamp("2026-03-01T10:00:00.000Z");

TimePoint t(int m) {
  return kT0 + minutes(m);
}

Labels labels() {
  Labels l;
  l.tlp = Tlp::amber;
  l.rsit = {"fraud:phishing"};
  l.offences = {"budapest:art8"};
  return l;
}

Request new_draft() {
  return draft(kId, RequestKind::preservation, Priority::urgent, labels(), "Preserve mailbox",
               "Please preserve the mailbox x@example.org.", "alice", t(0));
}

Rating good() {
  return {4, 5, "thorough"};
}

// A request (origin ours) brought into each state along the usual path.
Request in_state(S s) {
  Request r = new_draft();
  if (s == S::draft) return r;
  if (s == S::withdrawn) return withdraw(r, "alice", Side::ours, t(1), "mistake");
  r = approve(r, "bob", Side::ours, t(1), true);
  if (s == S::approved) return r;
  r = send(r, "alice", Side::ours, t(2));
  if (s == S::sent) return r;
  r = mark_received(r, t(3));
  if (s == S::received) return r;
  r = acknowledge(r, "jonas", Side::theirs, t(4));
  if (s == S::acknowledged) return r;
  if (s == S::declined)
    return decline(r, "jonas", Side::theirs, t(5), DeclineReason::legal_obstacle, "");
  if (s == S::clarification_requested)
    return request_clarification(r, "jonas", Side::theirs, t(5), "Which mailbox?");
  r = respond_partial(r, "jonas", Side::theirs, t(6), "part one");
  if (s == S::responded_partial) return r;
  r = respond_final(r, "jonas", Side::theirs, t(7), "done");
  if (s == S::responded_final) return r;
  r = close(r, "alice", Side::ours, t(8), good());
  EXPECT_EQ(s, S::closed);
  return r;
}

// Performs the action with valid arguments from the right side.
Request perform(const Request& r, A a) {
  Side req = r.origin, resp = r.responding_side();
  switch (a) {
    case A::create:  // creation is not an action on an existing request
      return r;
    case A::approve:
      return approve(r, "bob", req, t(20), true);
    case A::send:
      return send(r, "alice", req, t(20));
    case A::mark_received:
      return mark_received(r, t(20));
    case A::acknowledge:
      return acknowledge(r, "jonas", resp, t(20));
    case A::request_clarification:
      return request_clarification(r, "jonas", resp, t(20), "?");
    case A::give_clarification:
      return give_clarification(r, "alice", req, t(20), "!");
    case A::respond_partial:
      return respond_partial(r, "jonas", resp, t(20), "");
    case A::respond_final:
      return respond_final(r, "jonas", resp, t(20), "");
    case A::decline:
      return decline(r, "jonas", resp, t(20), DeclineReason::not_competent, "");
    case A::withdraw:
      return withdraw(r, "alice", req, t(20), "");
    case A::close:
      return close(r, "alice", req, t(20), good());
    case A::reopen:
      return reopen(r, "alice", req, t(20), "incomplete");
  }
  return r;
}

const std::map<S, std::set<A>> kAllowed{
    {S::draft, {A::approve, A::withdraw}},
    {S::approved, {A::send, A::withdraw}},
    {S::sent, {A::mark_received, A::acknowledge, A::decline, A::withdraw}},
    {S::received, {A::acknowledge, A::decline, A::withdraw}},
    {S::acknowledged,
     {A::request_clarification, A::respond_partial, A::respond_final, A::decline, A::withdraw}},
    {S::clarification_requested, {A::give_clarification, A::decline, A::withdraw}},
    {S::responded_partial,
     {A::request_clarification, A::respond_partial, A::respond_final, A::decline, A::withdraw}},
    {S::responded_final, {A::close}},
    {S::closed, {A::reopen}},
    {S::declined, {}},
    {S::withdrawn, {}},
};

const std::map<std::pair<S, A>, S> kTarget{
    {{S::draft, A::approve}, S::approved},
    {{S::sent, A::mark_received}, S::received},
    {{S::sent, A::acknowledge}, S::acknowledged},
    {{S::acknowledged, A::request_clarification}, S::clarification_requested},
    {{S::clarification_requested, A::give_clarification}, S::acknowledged},
    {{S::responded_partial, A::respond_partial}, S::responded_partial},
    {{S::responded_partial, A::respond_final}, S::responded_final},
    {{S::responded_final, A::close}, S::closed},
    {{S::closed, A::reopen}, S::acknowledged},
    {{S::received, A::decline}, S::declined},
    {{S::clarification_requested, A::withdraw}, S::withdrawn},
};

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

TEST(Request, TransitionTableIsExhaustive) {
  int checked = 0;
  for (S s : kRequestStates) {
    Request r = in_state(s);
    ASSERT_EQ(r.state, s);
    const auto& allowed = kAllowed.at(s);
    std::set<A> possible;
    for (A a : possible_actions(r)) possible.insert(a);
    EXPECT_EQ(possible, allowed) << to_string(s);
    for (A a : kRequestActions) {
      ++checked;
      EXPECT_EQ(is_possible(r, a), allowed.count(a) == 1) << to_string(s) << " " << to_string(a);
      if (a == A::create) continue;
      if (allowed.count(a)) {
        Request next = perform(r, a);
        EXPECT_EQ(next.history.size(), r.history.size() + 1);
        EXPECT_EQ(next.history.back().action, a);
        auto target = kTarget.find({s, a});
        if (target != kTarget.end()) {
          EXPECT_EQ(next.state, target->second);
        }
      } else {
        Error e = error_of([&] { perform(r, a); });
        EXPECT_EQ(e.code(), "illegal_transition") << to_string(s) << " " << to_string(a);
        std::string msg = e.what();
        EXPECT_NE(
            msg.find("request " + std::string(kId) + " is '" + std::string(to_string(s)) + "'"),
            std::string::npos)
            << msg;
        EXPECT_NE(msg.find("'" + std::string(to_string(a)) + "' is not possible there"),
                  std::string::npos)
            << msg;
      }
    }
  }
  EXPECT_EQ(checked, 11 * 13);
}

TEST(Request, MessageListsPossibleActions) {
  Error e = error_of([] { acknowledge(new_draft(), "jonas", Side::theirs, t(1)); });
  EXPECT_EQ(std::string(e.what()), "request " + std::string(kId) +
                                       " is 'draft'; 'acknowledge' is not possible there "
                                       "(possible: approve, withdraw)");
  e = error_of([] { withdraw(in_state(S::declined), "alice", Side::ours, t(9), ""); });
  EXPECT_NE(std::string(e.what()).find("(possible: none)"), std::string::npos);
}

TEST(Request, SidesAreEnforced) {
  EXPECT_EQ(error_of([] { approve(new_draft(), "bob", Side::theirs, t(1), true); }).code(),
            "wrong_side");
  EXPECT_EQ(error_of([] { acknowledge(in_state(S::received), "x", Side::ours, t(9)); }).code(),
            "wrong_side");
  EXPECT_EQ(
      error_of([] { respond_final(in_state(S::acknowledged), "x", Side::ours, t(9), ""); }).code(),
      "wrong_side");
  EXPECT_EQ(
      error_of([] { withdraw(in_state(S::acknowledged), "x", Side::theirs, t(9), ""); }).code(),
      "wrong_side");
  EXPECT_EQ(
      error_of([] { close(in_state(S::responded_final), "x", Side::theirs, t(9), good()); }).code(),
      "wrong_side");
  Error e = error_of(
      [] { decline(in_state(S::received), "x", Side::ours, t(9), DeclineReason::duplicate, ""); });
  EXPECT_EQ(std::string(e.what()), "request " + std::string(kId) +
                                       ": 'decline' is for the responding side (theirs), not ours");
}

TEST(Request, FourEyes) {
  Request r = new_draft();
  Error e = error_of([&] { approve(r, "alice", Side::ours, t(1), true); });
  EXPECT_EQ(e.code(), "four_eyes");
  Request a = approve(r, "alice", Side::ours, t(1), false);
  EXPECT_EQ(a.state, S::approved);
  EXPECT_EQ(a.approved_by, "alice");
  EXPECT_FALSE(a.four_eyes);
  Request b = approve(r, "bob", Side::ours, t(1), true);
  EXPECT_TRUE(b.four_eyes);
  EXPECT_EQ(request_from_json(to_json(b)), b);
  // A stored document claiming four-eyes with the author approving is refused.
  json j = to_json(a);
  j["four_eyes"] = true;
  EXPECT_EQ(error_of([&] { request_from_json(j); }).code(), "request_invalid");
}

TEST(Request, ClarificationLoopsRecordPauses) {
  Request r = in_state(S::acknowledged);
  r = request_clarification(r, "jonas", Side::theirs, t(10), "Which account?");
  EXPECT_EQ(r.state, S::clarification_requested);
  ASSERT_EQ(r.pauses.size(), 1u);
  EXPECT_FALSE(r.pauses[0].end.has_value());
  r = give_clarification(r, "alice", Side::ours, t(30), "The second one.");
  EXPECT_EQ(r.state, S::acknowledged);
  EXPECT_EQ(r.pauses[0], (ClarificationPause{t(10), t(30)}));
  r = respond_partial(r, "jonas", Side::theirs, t(40), "first part");
  r = request_clarification(r, "jonas", Side::theirs, t(50), "Which dates?");
  r = give_clarification(r, "alice", Side::ours, t(55), "March.");
  EXPECT_EQ(r.state, S::responded_partial);  // back where it was asked
  r = request_clarification(r, "jonas", Side::theirs, t(60), "Time zone?");
  r = give_clarification(r, "alice", Side::ours, t(61), "UTC.");
  ASSERT_EQ(r.pauses.size(), 3u);
  EXPECT_EQ(r.pauses[1], (ClarificationPause{t(50), t(55)}));
  EXPECT_EQ(r.pauses[2], (ClarificationPause{t(60), t(61)}));
  r = respond_final(r, "jonas", Side::theirs, t(90), "all");
  EXPECT_EQ(r.responded_final_at, t(90));
  EXPECT_EQ(request_from_json(to_json(r)), r);

  // A clarification cannot be given before it was asked.
  Request q = request_clarification(in_state(S::acknowledged), "jonas", Side::theirs, t(10), "?");
  EXPECT_EQ(error_of([&] { give_clarification(q, "alice", Side::ours, t(9), "!"); }).code(),
            "request_invalid");
  // Decline and withdraw close an open pause.
  Request d = decline(q, "jonas", Side::theirs, t(12), DeclineReason::insufficient_information, "");
  EXPECT_EQ(d.pauses.back(), (ClarificationPause{t(10), t(12)}));
  Request w = withdraw(q, "alice", Side::ours, t(15), "solved");
  EXPECT_EQ(w.pauses.back(), (ClarificationPause{t(10), t(15)}));
}

TEST(Request, DeclineReasons) {
  for (const char* name : {"outside_scope", "insufficient_information", "legal_obstacle",
                           "not_competent", "duplicate", "other"}) {
    auto reason = parse_decline_reason(name);
    ASSERT_TRUE(reason.has_value()) << name;
    EXPECT_EQ(to_string(*reason), name);
  }
  EXPECT_FALSE(parse_decline_reason("busy").has_value());
  EXPECT_FALSE(parse_decline_reason("Other").has_value());
  Request r = in_state(S::received);
  EXPECT_EQ(
      error_of([&] { decline(r, "jonas", Side::theirs, t(9), DeclineReason::other, ""); }).code(),
      "request_invalid");
  Request d = decline(r, "jonas", Side::theirs, t(9), DeclineReason::other, "national holiday");
  EXPECT_EQ(d.decline_reason, DeclineReason::other);
  EXPECT_EQ(d.history.back().note, "national holiday");
  EXPECT_EQ(error_of([&] {
              decline(r, "jonas", Side::theirs, t(9), static_cast<DeclineReason>(17), "x");
            }).code(),
            "request_invalid");
  json j = to_json(d);
  j["history"].back()["reason"] = "busy";
  EXPECT_EQ(error_of([&] { request_from_json(j); }).code(), "request_invalid");
  EXPECT_EQ(request_from_json(to_json(d)), d);
}

TEST(Request, WithdrawBeforeFinalResponseOnly) {
  for (S s : kRequestStates) {
    Request r = in_state(s);
    bool expected =
        s != S::responded_final && s != S::closed && s != S::declined && s != S::withdrawn;
    if (expected) {
      Request w = withdraw(r, "alice", Side::ours, t(30), "no longer needed");
      EXPECT_EQ(w.state, S::withdrawn);
      EXPECT_EQ(w.history.back().actor, "alice");
      EXPECT_EQ(w.history.back().side, Side::ours);
      EXPECT_EQ(w.history.back().at, t(30));
    } else {
      EXPECT_EQ(error_of([&] { withdraw(r, "alice", Side::ours, t(30), ""); }).code(),
                "illegal_transition")
          << to_string(s);
    }
  }
  // After a reopen, withdrawing is possible again until the next final response.
  Request re = reopen(in_state(S::closed), "alice", Side::ours, t(30), "missing logs");
  EXPECT_EQ(withdraw(re, "alice", Side::ours, t(31), "").state, S::withdrawn);
}

TEST(Request, ReopenOnceOnly) {
  Request r = in_state(S::closed);
  EXPECT_EQ(error_of([&] { reopen(r, "alice", Side::ours, t(20), ""); }).code(),
            "request_invalid");  // a reason is required
  r = reopen(r, "alice", Side::ours, t(20), "the logs for March are missing");
  EXPECT_EQ(r.state, S::acknowledged);
  EXPECT_EQ(r.reopen_count, 1);
  EXPECT_FALSE(r.closed_at.has_value());
  EXPECT_EQ(r.acknowledged_at, t(4));  // the first acknowledgement stays
  r = respond_final(r, "jonas", Side::theirs, t(40), "March logs");
  r = close(r, "alice", Side::ours, t(50), {5, 5, ""});
  ASSERT_EQ(r.ratings.size(), 2u);
  EXPECT_EQ(r.ratings.back(), (Rating{5, 5, ""}));
  Error e = error_of([&] { reopen(r, "alice", Side::ours, t(60), "again"); });
  EXPECT_EQ(e.code(), "illegal_transition");
  EXPECT_NE(std::string(e.what()).find("only once"), std::string::npos) << e.what();
  EXPECT_EQ(request_from_json(to_json(r)), r);
}

TEST(Request, RatingRanges) {
  Request r = in_state(S::responded_final);
  for (int c = 0; c <= 6; ++c) {
    for (int u = 0; u <= 6; ++u) {
      bool ok = c >= 1 && c <= 5 && u >= 1 && u <= 5;
      if (ok) {
        EXPECT_EQ(close(r, "alice", Side::ours, t(9), {c, u, ""}).ratings.back(),
                  (Rating{c, u, ""}));
      } else {
        Error e = error_of([&] { close(r, "alice", Side::ours, t(9), {c, u, ""}); });
        EXPECT_EQ(e.code(), "rating_invalid");
        EXPECT_NE(std::string(e.what()).find(c < 1 || c > 5 ? "completeness" : "usefulness"),
                  std::string::npos);
      }
    }
  }
  EXPECT_EQ(rating_from_json(json{{"completeness", 3}, {"usefulness", 2}, {"comment", "ok"}}),
            (Rating{3, 2, "ok"}));
  for (const json& bad :
       {json{{"completeness", 3.0}, {"usefulness", 2}, {"comment", ""}},
        json{{"completeness", 3}, {"usefulness", 6}, {"comment", ""}},
        json{{"completeness", 3}, {"usefulness", 2}},
        json{{"completeness", 3}, {"usefulness", 2}, {"comment", ""}, {"timeliness", 5}}}) {
    EXPECT_EQ(error_of([&] { rating_from_json(bad); }).code(), "rating_invalid") << bad.dump();
  }
}

TEST(Request, LateReceipt) {
  // The acknowledgement overtakes the receipt: both are recorded.
  Request r = in_state(S::sent);
  r = acknowledge(r, "jonas", Side::theirs, t(5));
  EXPECT_TRUE(is_possible(r, A::mark_received));
  r = mark_received(r, t(3));
  EXPECT_EQ(r.state, S::acknowledged);
  EXPECT_EQ(r.received_at, t(3));
  Error e = error_of([&] { mark_received(r, t(4)); });
  EXPECT_EQ(e.code(), "illegal_transition");
  EXPECT_NE(std::string(e.what()).find("already recorded"), std::string::npos);
  EXPECT_EQ(request_from_json(to_json(r)), r);
}

TEST(Request, Incoming) {
  Request r = incoming(kId, RequestKind::takedown, Priority::urgent, labels(), "Remove video", "",
                       "claire", t(0), t(1));
  EXPECT_EQ(r.origin, Side::theirs);
  EXPECT_EQ(r.state, S::received);
  EXPECT_EQ(r.received_at, t(1));
  EXPECT_EQ(agreement_kind(r.kind), "request.takedown");
  r = acknowledge(r, "duty", Side::ours, t(2));
  r = respond_final(r, "duty", Side::ours, t(30), "removed");
  EXPECT_EQ(error_of([&] { close(r, "duty", Side::ours, t(31), good()); }).code(), "wrong_side");
  r = close(r, "claire", Side::theirs, t(40), good());
  EXPECT_EQ(request_from_json(to_json(r)), r);
}

TEST(Request, JsonRoundTripInEveryState) {
  for (S s : kRequestStates) {
    Request r = in_state(s);
    json j = to_json(r);
    EXPECT_EQ(request_from_json(j), r) << to_string(s);
    EXPECT_EQ(to_json(request_from_json(j)), j);
    json flat = j.flatten();
    for (const auto& e : flat.items()) EXPECT_FALSE(e.value().is_number_float()) << e.key();
  }
}

TEST(Request, JsonIsStrict) {
  json good_json = to_json(in_state(S::closed));
  auto bad = [&](auto edit) {
    json j = good_json;
    edit(j);
    return error_of([&] { request_from_json(j); }).code();
  };
  EXPECT_EQ(bad([](json& j) { j["extra"] = 1; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j.erase("history"); }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["state"] = "acknowledged"; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["ratings"][0]["completeness"] = 4.5; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["history"][0]["at"] = "yesterday"; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["history"].erase(4); }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["labels"]["tlp"] = "TLP:WHITE"; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["id"] = "not-a-uuid"; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["reopen_count"] = 2; }), "request_invalid");
  EXPECT_EQ(bad([](json& j) { j["kind"] = "request.information"; }), "request_invalid");
}

TEST(Request, ArgumentsAreValidated) {
  EXPECT_EQ(error_of([] {
              draft("nope", RequestKind::information, Priority::normal, {}, "s", "", "a", t(0));
            }).code(),
            "request_invalid");
  EXPECT_EQ(error_of([] {
              draft(kId, RequestKind::information, Priority::normal, {}, "", "", "a", t(0));
            }).code(),
            "request_invalid");
  EXPECT_EQ(error_of([] {
              draft(kId, RequestKind::information, Priority::normal, {}, "s", "", "a\nb", t(0));
            }).code(),
            "request_invalid");
  EXPECT_EQ(error_of([] { acknowledge(in_state(S::received), "", Side::theirs, t(1)); }).code(),
            "request_invalid");
}

}  // namespace request_test
}  // namespace hotline::model
