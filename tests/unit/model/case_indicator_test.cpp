// Typed indicators and sightings in a case (model/case_file.h, issue 21).
#include <gtest/gtest.h>

#include <chrono>

#include "hotline/common/error.h"
#include "hotline/model/case_file.h"

namespace hotline::model {
namespace case_indicator_test {

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

Indicator typed(std::string type, std::string value) {
  Indicator i{std::move(type), std::move(value)};
  return i;
}

TEST(CaseIndicator, ValuesAreNormalizedAndTheSameValueIsOneIndicator) {
  CaseFile c = add_indicator(opened(), typed("domain-name", "Mail.Evil.Example."), "claire",
                             Side::ours, t(1));
  ASSERT_EQ(c.indicators.size(), 1u);
  EXPECT_EQ(c.indicators[0].value, "mail.evil.example");
  EXPECT_EQ(c.timeline.back().text, "domain-name:mail.evil.example");
  EXPECT_EQ(c.timeline.back().action, A::add_indicator);

  // The peer adds the same value written otherwise: an update, not a second one.
  Indicator again = typed("domain-name", "MAIL.evil.example");
  again.confidence = 80;
  again.first_seen = t(-60);
  again.last_seen = t(-30);
  again.note = "seen in the relay logs";
  CaseFile u = add_indicator(c, again, "jonas", Side::theirs, t(2));
  ASSERT_EQ(u.indicators.size(), 1u);
  EXPECT_EQ(u.timeline.back().action, A::update_indicator);
  EXPECT_EQ(u.indicators[0].confidence, 80);
  EXPECT_EQ(u.indicators[0].note, "seen in the relay logs");
  EXPECT_EQ(u.indicators[0].first_seen, t(-60));

  // A later add widens the seen period and keeps what it does not give.
  Indicator later = typed("domain-name", "mail.evil.example");
  later.first_seen = t(-45);
  later.last_seen = t(-5);
  later.tlp = Tlp::red;
  CaseFile v = add_indicator(u, later, "claire", Side::ours, t(3));
  const Indicator& i = v.indicators[0];
  EXPECT_EQ(i.first_seen, t(-60));
  EXPECT_EQ(i.last_seen, t(-5));
  EXPECT_EQ(i.confidence, 80);
  EXPECT_EQ(i.note, "seen in the relay logs");
  EXPECT_EQ(i.tlp, Tlp::red);
  EXPECT_EQ(effective_tlp(v, i), Tlp::red);
  EXPECT_EQ(effective_tlp(v, v.indicators[0]), Tlp::red);
  EXPECT_EQ(v.timeline.size(), 4u);

  // The document round-trips, and its timeline replays to the same fields.
  EXPECT_EQ(case_from_json(to_json(v)), v);
  json j = to_json(v);
  EXPECT_EQ(j["indicators"][0]["tlp"], "TLP:RED");
  EXPECT_EQ(j["timeline"][2]["action"], "update_indicator");
  EXPECT_EQ(j["timeline"][2]["data"]["confidence"], 80);
  json tampered = j;
  tampered["indicators"][0]["confidence"] = 10;
  EXPECT_EQ(error_of([&] { case_from_json(tampered); }).code(), "case_invalid");
  tampered = j;
  tampered["timeline"][2]["action"] = "add_indicator";
  EXPECT_EQ(error_of([&] { case_from_json(tampered); }).code(), "case_invalid");
}

TEST(CaseIndicator, BadInputNamesTheFieldAndChangesNothing) {
  CaseFile c = opened();
  auto code_and_message = [&](Indicator i) {
    Error e = error_of([&] { add_indicator(c, i, "claire", Side::ours, t(1)); });
    return std::string(e.code()) + " " + e.what();
  };
  std::string m = code_and_message(typed("ip", "192.0.2.1"));
  EXPECT_NE(m.find("indicator_invalid"), std::string::npos) << m;
  EXPECT_NE(m.find("indicator.type"), std::string::npos) << m;
  m = code_and_message(typed("ipv4-addr", "192.0.2.300"));
  EXPECT_NE(m.find("indicator_invalid"), std::string::npos) << m;
  EXPECT_NE(m.find("indicator.value"), std::string::npos) << m;
  Indicator conf = typed("ipv4-addr", "192.0.2.1");
  conf.confidence = 101;
  m = code_and_message(conf);
  EXPECT_NE(m.find("indicator.confidence"), std::string::npos) << m;
  Indicator seen = typed("sha256", std::string(64, 'A'));
  seen.first_seen = t(5);
  seen.last_seen = t(4);
  m = code_and_message(seen);
  EXPECT_NE(m.find("indicator.first_seen"), std::string::npos) << m;
  Indicator note = typed("md5", std::string(32, 'b'));
  note.note = std::string("a\x01", 2);
  m = code_and_message(note);
  EXPECT_NE(m.find("indicator.note"), std::string::npos) << m;
  EXPECT_EQ(c, opened());
  // Uppercase hex is accepted and normalized.
  EXPECT_EQ(add_indicator(c, typed("sha256", std::string(64, 'A')), "claire", Side::ours, t(1))
                .indicators[0]
                .value,
            std::string(64, 'a'));
}

TEST(CaseIndicator, LegacyCasesStillLoadAndReplay) {
  // A document as stored before typed indicators: {"type","value"} only, no
  // "sightings", timeline texts "type:value", a type outside the ten.
  CaseFile c = opened();
  json j = to_json(c);
  j.erase("sightings");
  j["indicators"] = json::array({{{"type", "ip-src"}, {"value", "Some Odd Value"}},
                                 {{"type", "domain-name"}, {"value", "evil.example"}}});
  j["timeline"].push_back({{"at", format_timestamp(t(1))},
                           {"actor", "claire"},
                           {"side", "ours"},
                           {"action", "add_indicator"},
                           {"text", "ip-src:Some Odd Value"}});
  j["timeline"].push_back({{"at", format_timestamp(t(2))},
                           {"actor", "jonas"},
                           {"side", "theirs"},
                           {"action", "add_indicator"},
                           {"text", "domain-name:Evil.Example"}});
  CaseFile read = case_from_json(j);
  ASSERT_EQ(read.indicators.size(), 2u);
  EXPECT_EQ(read.indicators[0].type, "ip-src");
  EXPECT_EQ(read.indicators[1].value, "evil.example");
  EXPECT_EQ(case_from_json(to_json(read)), read);
  // Such a type is refused for anything new, and with typed fields.
  EXPECT_EQ(error_of([&] {
              add_indicator(read, typed("ip-src", "x"), "claire", Side::ours, t(3));
            }).code(),
            "indicator_invalid");
  Indicator odd = typed("ip-src", "x");
  odd.confidence = 5;
  EXPECT_EQ(error_of([&] {
              add_indicator(read, odd, "claire", Side::ours, t(3), IndicatorCheck::legacy);
            }).code(),
            "indicator_invalid");
  // The legacy check takes it (a stored action without typed fields).
  EXPECT_EQ(add_indicator(read, typed("ip-src", "y"), "c", Side::ours, t(3), IndicatorCheck::legacy)
                .indicators.size(),
            3u);
}

TEST(CaseIndicator, SightingsInEveryStateOfKnownIndicatorsOnly) {
  CaseFile c =
      add_indicator(opened(), typed("ipv6-addr", "2001:DB8:0:0::1"), "claire", Side::ours, t(1));
  c = close(c, "claire", Side::ours, t(2), "contained");
  Sighting s{"ipv6-addr",     "2001:db8::1", t(-10),  t(-1), 12,
             "edge firewall", Side::theirs,  "jonas", t(3)};
  CaseFile seen = add_sighting(c, s);  // after the close too
  ASSERT_EQ(seen.sightings.size(), 1u);
  EXPECT_EQ(seen.sightings[0].count, 12);
  EXPECT_EQ(seen.timeline.back().action, A::add_sighting);
  EXPECT_EQ(seen.timeline.back().text, "ipv6-addr:2001:db8::1");
  EXPECT_EQ(seen.state, CaseState::closed);
  EXPECT_EQ(case_from_json(to_json(seen)), seen);
  EXPECT_EQ(to_shared_json(seen)["sightings"][0]["where"], "edge firewall");

  Sighting unknown = s;
  unknown.value = "2001:db8::2";
  EXPECT_EQ(error_of([&] { add_sighting(c, unknown); }).code(), "indicator_unknown");
  Sighting zero = s;
  zero.count = 0;
  Error e = error_of([&] { add_sighting(c, zero); });
  EXPECT_EQ(e.code(), "case_invalid");
  EXPECT_NE(std::string(e.what()).find("sighting.count"), std::string::npos) << e.what();
  Sighting backwards = s;
  backwards.first_seen = t(0);
  e = error_of([&] { add_sighting(c, backwards); });
  EXPECT_NE(std::string(e.what()).find("sighting.first_seen"), std::string::npos) << e.what();
  Sighting where = s;
  where.where = "line\nbreak";
  e = error_of([&] { add_sighting(c, where); });
  EXPECT_NE(std::string(e.what()).find("sighting.where"), std::string::npos) << e.what();
}

TEST(CaseIndicator, FindIndicatorNormalizesTheQuery) {
  CaseFile c = add_indicator(opened(), typed("email-addr", "Phish@Evil.Example"), "claire",
                             Side::ours, t(1));
  ASSERT_NE(find_indicator(c, "email-addr", "Phish@EVIL.example"), nullptr);
  EXPECT_EQ(find_indicator(c, "email-addr", "phish@evil.example"), nullptr);  // local part kept
  EXPECT_EQ(find_indicator(c, "domain-name", "evil.example"), nullptr);
}

}  // namespace case_indicator_test
}  // namespace hotline::model
