#include "hotline/model/agreement.h"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "hotline/common/error.h"

namespace hotline::model {
namespace agreement_test {

using nlohmann::json;

// RFC 8032 test vectors 1 and 2, public keys in base64url.
constexpr const char* kKeyA = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr const char* kKeyB = "PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw";
constexpr const char* kLink = "0123456789abcdef0123456789abcdef";
constexpr const char* kFrom = "2026-01-01T00:00:00.000Z";
const std::string kDigest(64, 'a');

Party party_a() {
  Party p;
  p.name = "Office Central de Lutte contre la Criminalite";
  p.public_key = kKeyA;
  p.contacts = {{"Claire Martin", "duty officer", "duty@ocl.example.fr", "+33 1 23 45 67 89"},
                {"Paul Durand", "head of unit", "p.durand@ocl.example.fr", ""}};
  p.languages = {"fr", "en"};
  p.time_zone = "Europe/Paris";
  return p;
}

Party party_b() {
  Party p;
  p.name = "Bundeskriminalamt SO4";
  p.public_key = kKeyB;
  p.contacts = {{"Jonas Weber", "", "", "+49 611 55 0"}};
  p.languages = {"de"};
  p.time_zone = "Europe/Berlin";
  p.office_hours.weekdays = {1, 2, 3, 4};
  p.office_hours.start_minute = 8 * 60 + 30;
  p.office_hours.end_minute = 16 * 60;
  p.office_hours.holidays = {"2026-10-03", "2026-12-25"};
  return p;
}

Agreement sample() {
  return default_agreement(party_a(), party_b(), kLink, kFrom);
}

// Expects agreement_from_json to throw agreement_invalid naming `path`.
void expect_invalid(const json& j, const std::string& path) {
  try {
    (void)agreement_from_json(j);
    ADD_FAILURE() << "accepted, expected an error at " << path << "\n" << j.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "agreement_invalid") << e.what();
    EXPECT_NE(std::string(e.what()).find("agreement invalid: " + path + " "), std::string::npos)
        << "message does not name '" << path << "': " << e.what();
  }
}

void expect_invalid(const std::function<void(json&)>& edit, const std::string& path) {
  json j = to_json(sample());
  edit(j);
  SCOPED_TRACE(path);
  expect_invalid(j, path);
}

void expect_valid(const std::function<void(json&)>& edit) {
  json j = to_json(sample());
  edit(j);
  EXPECT_NO_THROW((void)agreement_from_json(j)) << j.dump();
}

bool has_float(const json& j) {
  if (j.is_number_float()) return true;
  if (j.is_structured()) {
    for (const auto& item : j) {
      if (has_float(item)) return true;
    }
  }
  return false;
}

// ---- default agreement ----------------------------------------------------

TEST(Agreement, DefaultValidatesWithDefaults) {
  Agreement ag = sample();
  EXPECT_NO_THROW(validate(ag));
  EXPECT_EQ(ag.version, 2);
  EXPECT_EQ(ag.checks, (CheckSchedule{30, true}));
  EXPECT_EQ(ag.amendment, 0);
  EXPECT_EQ(ag.link, kLink);
  EXPECT_EQ(ag.effective_from, kFrom);
  EXPECT_EQ(ag.clock_tolerance_ms, 5000);
  EXPECT_EQ(ag.heartbeat_interval_s, 60);
  EXPECT_TRUE(ag.four_eyes);
  EXPECT_FALSE(ag.supersedes.has_value());
  EXPECT_EQ(ag.deadlines.size(), kKinds.size() * kPriorities.size());
  OfficeHours h;
  EXPECT_EQ(h.weekdays, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(h.start_minute, 540);
  EXPECT_EQ(h.end_minute, 1020);
  EXPECT_TRUE(h.holidays.empty());
  EXPECT_EQ(ag.a.office_hours, h);
}

TEST(Agreement, DefaultMatrixHasTheAgreedNumbers) {
  Agreement ag = sample();
  struct Want {
    const char* kind;
    const char* priority;
    std::optional<std::int64_t> ack, respond;
    Calendar cal;
  };
  const std::vector<Want> want{
      {"alert", "urgent", 15, std::nullopt, Calendar::always},
      {"alert", "normal", 15, std::nullopt, Calendar::always},
      {"request.information", "urgent", 60, 1440, Calendar::always},
      {"request.information", "normal", 960, 10560, Calendar::office_hours},
      {"request.preservation", "urgent", 60, 1440, Calendar::always},
      {"request.preservation", "normal", 60, 4320, Calendar::always},
      {"request.takedown", "urgent", 15, 60, Calendar::always},
      {"request.takedown", "normal", 60, 1440, Calendar::always},
      {"request.assistance", "urgent", 60, 1440, Calendar::always},
      {"request.assistance", "normal", 960, 10560, Calendar::office_hours},
  };
  ASSERT_EQ(ag.deadlines.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(std::string(want[i].kind) + "/" + want[i].priority);
    const DeadlineRule& r = ag.deadlines[i];  // matrix order
    EXPECT_EQ(r.kind, want[i].kind);
    EXPECT_EQ(r.priority, want[i].priority);
    EXPECT_EQ(r.acknowledge_minutes, want[i].ack);
    EXPECT_EQ(r.respond_minutes, want[i].respond);
    EXPECT_EQ(r.calendar, want[i].cal);
  }
}

TEST(Agreement, DefaultRejectsBadParties) {
  Party b = party_b();
  b.public_key = kKeyA;
  try {
    (void)default_agreement(party_a(), b, kLink, kFrom);
    FAIL() << "accepted two parties with one key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "agreement_invalid");
    EXPECT_NE(std::string(e.what()).find("b.public_key"), std::string::npos) << e.what();
  }
}

// ---- JSON -----------------------------------------------------------------

TEST(AgreementJson, RoundTripIsIdentical) {
  Agreement ag = sample();
  ag.amendment = 2;
  ag.supersedes = kDigest;
  ag.four_eyes = false;
  ag.clock_tolerance_ms = 250;
  ag.heartbeat_interval_s = 3600;
  json j = to_json(ag);
  Agreement back = agreement_from_json(j);
  EXPECT_EQ(back, ag);
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(to_json(back).dump(), j.dump());
  // Through text too, as it travels.
  EXPECT_EQ(agreement_from_json(json::parse(j.dump())), ag);
}

TEST(AgreementJson, ShapeAndNoFloats) {
  json j = to_json(sample());
  EXPECT_FALSE(has_float(j)) << j.dump();
  // The walker itself notices a float.
  json k = j;
  k["b"]["office_hours"]["holidays"].push_back(json(1.5));
  EXPECT_TRUE(has_float(k));

  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["checks"], (json{{"every_days", 30}, {"hours", "office_hours"}}));
  EXPECT_EQ(j["a"]["public_key"], kKeyA);
  EXPECT_TRUE(j["supersedes"].is_null());
  const json& row = j["deadlines"][0];
  EXPECT_EQ(row["kind"], "alert");
  EXPECT_EQ(row["priority"], "urgent");
  EXPECT_EQ(row["acknowledge_minutes"], 15);
  EXPECT_TRUE(row["respond_minutes"].is_null());
  EXPECT_EQ(row["calendar"], "always");
  EXPECT_EQ(j["deadlines"][3]["calendar"], "office_hours");
  EXPECT_EQ(j["b"]["office_hours"]["start_minute"], 510);
}

// Agreements signed before checks existed (format version 1) still read,
// exactly as signed: no "checks" member, and no checks scheduled.
TEST(AgreementJson, VersionOneReadsWithoutChecks) {
  json j = to_json(sample());
  j["version"] = 1;
  j.erase("checks");
  Agreement ag = agreement_from_json(j);
  EXPECT_EQ(ag.version, 1);
  EXPECT_EQ(ag.checks.every_days, 0);
  EXPECT_EQ(to_json(ag), j);
  ag.checks.every_days = 7;
  try {
    validate(ag);
    FAIL() << "a version 1 agreement with checks validated";
  } catch (const hotline::Error& e) {
    EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos) << e.what();
  }
}

TEST(AgreementJson, OutputOrderIsDeterministic) {
  Agreement ag = sample();
  Agreement shuffled = ag;
  std::reverse(shuffled.deadlines.begin(), shuffled.deadlines.end());
  std::reverse(shuffled.b.office_hours.weekdays.begin(), shuffled.b.office_hours.weekdays.end());
  std::reverse(shuffled.b.office_hours.holidays.begin(), shuffled.b.office_hours.holidays.end());
  EXPECT_EQ(to_json(shuffled).dump(), to_json(ag).dump());
  // Languages and contacts keep their order: it is the parties' preference.
  Agreement langs = ag;
  std::reverse(langs.a.languages.begin(), langs.a.languages.end());
  EXPECT_NE(to_json(langs).dump(), to_json(ag).dump());
}

TEST(AgreementJson, BoundariesAccepted) {
  expect_valid([](json& j) { j["deadlines"][0]["acknowledge_minutes"] = 1; });
  expect_valid([](json& j) {
    j["deadlines"][2]["acknowledge_minutes"] = 525600;
    j["deadlines"][2]["respond_minutes"] = 525600;
  });
  expect_valid([](json& j) { j["deadlines"][2]["acknowledge_minutes"] = nullptr; });
  expect_valid([](json& j) { j["heartbeat_interval_s"] = 5; });
  expect_valid([](json& j) { j["heartbeat_interval_s"] = 3600; });
  expect_valid([](json& j) { j["clock_tolerance_ms"] = 0; });
  expect_valid([](json& j) { j["clock_tolerance_ms"] = 600000; });
  expect_valid([](json& j) {
    j["a"]["office_hours"]["start_minute"] = 0;
    j["a"]["office_hours"]["end_minute"] = 1440;
    j["a"]["office_hours"]["weekdays"] = {1, 2, 3, 4, 5, 6, 7};
  });
  expect_valid([](json& j) { j["a"]["time_zone"] = "UTC"; });
  expect_valid([](json& j) { j["a"]["time_zone"] = "America/Argentina/Buenos_Aires"; });
  expect_valid([](json& j) { j["a"]["time_zone"] = "Etc/GMT+5"; });
  expect_valid([](json& j) { j["a"]["languages"] = {"pt-BR", "zh-Hant-TW", "en"}; });
  expect_valid([](json& j) { j["a"]["contacts"] = json::array(); });
  expect_valid([](json& j) { j["a"]["office_hours"]["holidays"] = {"2028-02-29"}; });
  expect_valid([](json& j) {
    j["amendment"] = 1;
    j["supersedes"] = std::string(64, 'f');
  });
}

TEST(AgreementValidation, StructureMembersAndTypes) {
  expect_invalid(json::array(), "document");
  expect_invalid([](json& j) { j.erase("heartbeat_interval_s"); }, "heartbeat_interval_s");
  expect_invalid([](json& j) { j["color"] = "red"; }, "color");
  expect_invalid([](json& j) { j["a"].erase("office_hours"); }, "a.office_hours");
  expect_invalid([](json& j) { j["b"]["contacts"][0]["fax"] = "1"; }, "b.contacts[0].fax");
  expect_invalid([](json& j) { j["deadlines"][4].erase("calendar"); }, "deadlines[4].calendar");
  expect_invalid([](json& j) { j["deadlines"] = json::object(); }, "deadlines");
  expect_invalid([](json& j) { j["clock_tolerance_ms"] = "5000"; }, "clock_tolerance_ms");
  expect_invalid([](json& j) { j["heartbeat_interval_s"] = 60.0; }, "heartbeat_interval_s");
  expect_invalid([](json& j) { j["four_eyes"] = 1; }, "four_eyes");
  expect_invalid([](json& j) { j["a"]["name"] = 7; }, "a.name");
  expect_invalid([](json& j) { j["a"]["languages"] = "en"; }, "a.languages");
  expect_invalid([](json& j) { j["version"] = 3; }, "version");
  expect_invalid([](json& j) { j["version"] = 1; }, "checks");  // version 1 has no checks
  expect_invalid([](json& j) { j.erase("checks"); }, "checks");
  expect_invalid([](json& j) { j["checks"]["every_days"] = 367; }, "checks.every_days");
  expect_invalid([](json& j) { j["checks"]["every_days"] = -1; }, "checks.every_days");
  expect_invalid([](json& j) { j["checks"]["hours"] = "nights"; }, "checks.hours");
  expect_invalid([](json& j) { j["checks"].erase("hours"); }, "checks.hours");
  expect_invalid([](json& j) { j["version"] = "1"; }, "version");
  expect_invalid([](json& j) { j["link"] = "0123456789ABCDEF0123456789ABCDEF"; }, "link");
  expect_invalid([](json& j) { j["link"] = ""; }, "link");
}

TEST(AgreementValidation, Parties) {
  expect_invalid([](json& j) { j["a"]["name"] = ""; }, "a.name");
  expect_invalid([](json& j) { j["b"]["name"] = "   "; }, "b.name");
  expect_invalid([](json& j) { j["a"]["name"] = "Line\nbreak"; }, "a.name");
  expect_invalid([](json& j) { j["b"]["name"] = j["a"]["name"]; }, "b.name");
  // Public keys: length, alphabet, padding, trailing bits, distinctness.
  expect_invalid(
      [](json& j) { j["a"]["public_key"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"; },
      "a.public_key");
  expect_invalid(
      [](json& j) { j["a"]["public_key"] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"; },
      "a.public_key");
  expect_invalid(
      [](json& j) { j["a"]["public_key"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="; },
      "a.public_key");
  expect_invalid(
      [](json& j) { j["a"]["public_key"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp"; },
      "a.public_key");
  expect_invalid([](json& j) { j["b"]["public_key"] = kKeyA; }, "b.public_key");
  // Languages.
  expect_invalid([](json& j) { j["a"]["languages"] = json::array(); }, "a.languages");
  expect_invalid([](json& j) { j["b"]["languages"] = {"German"}; }, "b.languages[0]");
  expect_invalid([](json& j) { j["b"]["languages"] = {"de", "EN"}; }, "b.languages[1]");
  expect_invalid([](json& j) { j["b"]["languages"] = {"de", ""}; }, "b.languages[1]");
  expect_invalid([](json& j) { j["b"]["languages"] = {"de", "fr", "de"}; }, "b.languages[2]");
  // Time zones.
  expect_invalid([](json& j) { j["a"]["time_zone"] = ""; }, "a.time_zone");
  expect_invalid([](json& j) { j["a"]["time_zone"] = "europe/paris"; }, "a.time_zone");
  expect_invalid([](json& j) { j["a"]["time_zone"] = "Europe//Paris"; }, "a.time_zone");
  expect_invalid([](json& j) { j["a"]["time_zone"] = "../etc/passwd"; }, "a.time_zone");
  expect_invalid([](json& j) { j["a"]["time_zone"] = "Central European Time"; }, "a.time_zone");
  expect_invalid([](json& j) { j["a"]["time_zone"] = "+01:00"; }, "a.time_zone");
  // Contacts.
  expect_invalid([](json& j) { j["a"]["contacts"][1]["name"] = ""; }, "a.contacts[1].name");
  expect_invalid([](json& j) { j["a"]["contacts"][0]["email"] = "duty.example.fr"; },
                 "a.contacts[0].email");
  expect_invalid([](json& j) { j["a"]["contacts"][0]["email"] = "duty@localhost"; },
                 "a.contacts[0].email");
  expect_invalid([](json& j) { j["a"]["contacts"][0]["phone"] = "01 23 45 67 89"; },
                 "a.contacts[0].phone");
  expect_invalid([](json& j) { j["b"]["contacts"][0]["phone"] = ""; }, "b.contacts[0]");
}

TEST(AgreementValidation, DeadlineRows) {
  expect_invalid([](json& j) { j["deadlines"][3]["respond_minutes"] = 0; },
                 "deadlines[3].respond_minutes");
  expect_invalid([](json& j) { j["deadlines"][3]["respond_minutes"] = -5; },
                 "deadlines[3].respond_minutes");
  expect_invalid([](json& j) { j["deadlines"][3]["respond_minutes"] = 525601; },
                 "deadlines[3].respond_minutes");
  expect_invalid([](json& j) { j["deadlines"][3]["respond_minutes"] = 43200.0; },
                 "deadlines[3].respond_minutes");
  expect_invalid([](json& j) { j["deadlines"][1]["acknowledge_minutes"] = 0; },
                 "deadlines[1].acknowledge_minutes");
  expect_invalid([](json& j) { j["deadlines"][1]["acknowledge_minutes"] = nullptr; },
                 "deadlines[1]");
  expect_invalid([](json& j) { j["deadlines"][6]["acknowledge_minutes"] = 61; },
                 "deadlines[6].acknowledge_minutes");
  expect_invalid([](json& j) { j["deadlines"][2]["kind"] = "request.coffee"; },
                 "deadlines[2].kind");
  expect_invalid([](json& j) { j["deadlines"][2]["priority"] = "high"; }, "deadlines[2].priority");
  expect_invalid([](json& j) { j["deadlines"][2]["calendar"] = "weekdays"; },
                 "deadlines[2].calendar");
  // Every kind x priority exactly once, in matrix order.
  expect_invalid([](json& j) { j["deadlines"].erase(7); }, "deadlines");
  expect_invalid([](json& j) { j["deadlines"] = json::array(); }, "deadlines");
  expect_invalid([](json& j) { j["deadlines"][7] = j["deadlines"][6]; }, "deadlines[7]");
  expect_invalid([](json& j) { j["deadlines"].push_back(j["deadlines"][0]); }, "deadlines[10]");
  expect_invalid([](json& j) { std::swap(j["deadlines"][0], j["deadlines"][1]); }, "deadlines[1]");
}

TEST(AgreementValidation, MessageIsForPeople) {
  json j = to_json(sample());
  j["deadlines"][3]["respond_minutes"] = 0;
  try {
    (void)agreement_from_json(j);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "agreement invalid: deadlines[3].respond_minutes must be a positive integer number "
              "of minutes, at most 525600 (one year), or null, not 0");
  }
  j = to_json(sample());
  j["deadlines"].erase(9);
  try {
    (void)agreement_from_json(j);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("request.assistance/normal"), std::string::npos)
        << e.what();
  }
}

TEST(AgreementValidation, LinkSettings) {
  expect_invalid([](json& j) { j["heartbeat_interval_s"] = 4; }, "heartbeat_interval_s");
  expect_invalid([](json& j) { j["heartbeat_interval_s"] = 3601; }, "heartbeat_interval_s");
  expect_invalid([](json& j) { j["clock_tolerance_ms"] = -1; }, "clock_tolerance_ms");
  expect_invalid([](json& j) { j["clock_tolerance_ms"] = 600001; }, "clock_tolerance_ms");
  expect_invalid([](json& j) { j["clock_tolerance_ms"] = 18446744073709551615u; },
                 "clock_tolerance_ms");
  expect_invalid([](json& j) { j["effective_from"] = "2026-01-01"; }, "effective_from");
  expect_invalid([](json& j) { j["effective_from"] = "2026-02-30T00:00:00.000Z"; },
                 "effective_from");
  expect_invalid([](json& j) { j["effective_from"] = nullptr; }, "effective_from");
}

TEST(AgreementValidation, OfficeHours) {
  expect_invalid([](json& j) { j["a"]["office_hours"]["weekdays"] = json::array(); },
                 "a.office_hours.weekdays");
  expect_invalid(
      [](json& j) {
        j["a"]["office_hours"]["weekdays"] = {0, 1};
      },
      "a.office_hours.weekdays[0]");
  expect_invalid(
      [](json& j) {
        j["a"]["office_hours"]["weekdays"] = {1, 8};
      },
      "a.office_hours.weekdays[1]");
  expect_invalid(
      [](json& j) {
        j["a"]["office_hours"]["weekdays"] = {1, 2, 2};
      },
      "a.office_hours.weekdays[2]");
  expect_invalid(
      [](json& j) {
        j["a"]["office_hours"]["weekdays"] = {2, 1};
      },
      "a.office_hours.weekdays[1]");
  expect_invalid([](json& j) { j["b"]["office_hours"]["start_minute"] = -1; },
                 "b.office_hours.start_minute");
  expect_invalid([](json& j) { j["b"]["office_hours"]["end_minute"] = 1441; },
                 "b.office_hours.end_minute");
  expect_invalid(
      [](json& j) {
        j["b"]["office_hours"]["start_minute"] = 1020;
        j["b"]["office_hours"]["end_minute"] = 540;
      },
      "b.office_hours.end_minute");
  expect_invalid(
      [](json& j) {
        j["b"]["office_hours"]["start_minute"] = 600;
        j["b"]["office_hours"]["end_minute"] = 600;
      },
      "b.office_hours.end_minute");
  expect_invalid([](json& j) { j["b"]["office_hours"]["holidays"] = {"2026-02-30"}; },
                 "b.office_hours.holidays[0]");
  expect_invalid([](json& j) { j["b"]["office_hours"]["holidays"] = {"2026-1-1"}; },
                 "b.office_hours.holidays[0]");
  expect_invalid([](json& j) { j["b"]["office_hours"]["holidays"] = {"2027-02-29"}; },
                 "b.office_hours.holidays[0]");
  expect_invalid(
      [](json& j) {
        j["b"]["office_hours"]["holidays"] = {"2026-12-25", "2026-12-25"};
      },
      "b.office_hours.holidays[1]");
  expect_invalid(
      [](json& j) {
        j["b"]["office_hours"]["holidays"] = {"2026-12-25", "2026-01-01"};
      },
      "b.office_hours.holidays[1]");
}

TEST(AgreementValidation, AmendmentAndSupersedes) {
  expect_invalid([](json& j) { j["amendment"] = -1; }, "amendment");
  expect_invalid([](json& j) { j["amendment"] = 1; }, "supersedes");
  expect_invalid([](json& j) { j["supersedes"] = std::string(64, 'a'); }, "supersedes");
  expect_invalid(
      [](json& j) {
        j["amendment"] = 1;
        j["supersedes"] = std::string(63, 'a');
      },
      "supersedes");
  expect_invalid(
      [](json& j) {
        j["amendment"] = 1;
        j["supersedes"] = std::string(64, 'A');
      },
      "supersedes");
  expect_invalid(
      [](json& j) {
        j["amendment"] = 1;
        j["supersedes"] = 5;
      },
      "supersedes");
}

TEST(AgreementValidation, ValidateChecksTheStruct) {
  Agreement ag = sample();
  ag.heartbeat_interval_s = 1;
  EXPECT_THROW(validate(ag), Error);
  ag = sample();
  ag.deadlines.pop_back();
  EXPECT_THROW(validate(ag), Error);
  ag = sample();
  ag.amendment = 3;
  EXPECT_THROW(validate(ag), Error);
  ag.supersedes = kDigest;
  EXPECT_NO_THROW(validate(ag));
}

// ---- rules ----------------------------------------------------------------

TEST(AgreementRules, RuleForFindsRow) {
  Agreement ag = sample();
  const DeadlineRule& r = rule_for(ag, "request.takedown", "urgent");
  EXPECT_EQ(r.respond_minutes, 60);
  EXPECT_EQ(r.acknowledge_minutes, 15);
  EXPECT_EQ(&r, &ag.deadlines[6]);
  EXPECT_EQ(rule_for(ag, "request.information", "normal").calendar, Calendar::office_hours);
}

TEST(AgreementRules, RuleForMissingThrows) {
  Agreement ag = sample();
  for (auto [kind, priority] :
       {std::pair{"request.coffee", "urgent"}, std::pair{"alert", "high"}, std::pair{"", ""}}) {
    try {
      (void)rule_for(ag, kind, priority);
      ADD_FAILURE() << kind << "/" << priority;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "agreement_no_rule");
    }
  }
  ag.deadlines.erase(ag.deadlines.begin());
  EXPECT_THROW((void)rule_for(ag, "alert", "urgent"), Error);
}

TEST(AgreementRules, SetRuleChangesOneRowOnly) {
  Agreement ag = sample();
  Agreement before = ag;
  set_rule(ag, {"request.information", "normal", 1440, 20160, Calendar::always});
  ASSERT_EQ(ag.deadlines.size(), before.deadlines.size());
  int changed = 0;
  for (std::size_t i = 0; i < ag.deadlines.size(); ++i) {
    if (ag.deadlines[i] != before.deadlines[i]) {
      ++changed;
      EXPECT_EQ(i, 3u);
    }
  }
  EXPECT_EQ(changed, 1);
  const DeadlineRule& r = rule_for(ag, "request.information", "normal");
  EXPECT_EQ(r.acknowledge_minutes, 1440);
  EXPECT_EQ(r.respond_minutes, 20160);
  EXPECT_EQ(r.calendar, Calendar::always);
  // Everything outside the matrix is untouched.
  Agreement rest = ag;
  rest.deadlines = before.deadlines;
  EXPECT_EQ(rest, before);
  EXPECT_NO_THROW(validate(ag));
}

TEST(AgreementRules, SetRuleRejectsBadRowsAndKeepsAgreement) {
  Agreement ag = sample();
  const Agreement before = ag;
  auto expect_rejected = [&](DeadlineRule rule, const std::string& path) {
    try {
      set_rule(ag, std::move(rule));
      ADD_FAILURE() << "accepted; expected error at " << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "agreement_invalid");
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_EQ(ag, before);
  };
  expect_rejected({"request.takedown", "urgent", 15, 0, Calendar::always},
                  "deadlines[6].respond_minutes");
  expect_rejected({"alert", "normal", std::nullopt, std::nullopt, Calendar::always},
                  "deadlines[1]");
  expect_rejected({"alert", "normal", 600000, std::nullopt, Calendar::always},
                  "deadlines[1].acknowledge_minutes");
  expect_rejected({"request.coffee", "normal", 15, 60, Calendar::always}, ".kind");
  expect_rejected({"alert", "whenever", 15, 60, Calendar::always}, ".priority");
}

TEST(AgreementRules, SetRuleRestoresAMissingRowInOrder) {
  Agreement ag = sample();
  const Agreement before = ag;
  DeadlineRule row = ag.deadlines[4];
  ag.deadlines.erase(ag.deadlines.begin() + 4);
  set_rule(ag, row);
  EXPECT_EQ(ag, before);
}

// ---- describe -------------------------------------------------------------

std::string line_with(const std::string& text, const std::string& start) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(start, 0) == 0) return line;
  }
  return "";
}

std::string squeeze(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

TEST(AgreementDescribe, FormatMinutes) {
  EXPECT_EQ(format_minutes(1), "1 min");
  EXPECT_EQ(format_minutes(15), "15 min");
  EXPECT_EQ(format_minutes(60), "1 h");
  EXPECT_EQ(format_minutes(90), "1 h 30 min");
  EXPECT_EQ(format_minutes(1440), "24 h");
  EXPECT_EQ(format_minutes(4320), "3 days");
  EXPECT_EQ(format_minutes(2880), "2 days");
  EXPECT_EQ(format_minutes(43200), "30 days");
  EXPECT_EQ(format_minutes(3000), "50 h");
  EXPECT_EQ(format_working_minutes(480), "1 working day");
  EXPECT_EQ(format_working_minutes(960), "2 working days");
  EXPECT_EQ(format_working_minutes(990), "16 h 30 min working time");
  EXPECT_EQ(format_working_minutes(30), "30 min working time");
}

TEST(AgreementDescribe, SummaryHasKeyLines) {
  Agreement ag = sample();
  std::string text = describe(ag);
  EXPECT_EQ(squeeze(line_with(text, "  request.takedown      urgent")),
            " request.takedown urgent ack 15 min respond 1 h 24/7")
      << text;
  EXPECT_EQ(squeeze(line_with(text, "  alert ")), " alert urgent ack 15 min respond - 24/7");
  EXPECT_EQ(squeeze(line_with(text, "  request.information   normal")),
            " request.information normal ack 2 working days respond 22 working days office hours");
  EXPECT_EQ(squeeze(line_with(text, "  request.preservation  normal")),
            " request.preservation normal ack 1 h respond 3 days 24/7");
  // Columns line up: every matrix row has "ack" at the same offset.
  std::istringstream in(text);
  std::size_t ack_col = std::string::npos;
  int rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("  ack ") == std::string::npos) continue;
    ++rows;
    std::size_t col = line.find(" ack ");
    if (ack_col == std::string::npos) ack_col = col;
    EXPECT_EQ(col, ack_col) << line;
  }
  EXPECT_EQ(rows, 10);

  EXPECT_NE(text.find("Agreement for link " + std::string(kLink)), std::string::npos);
  EXPECT_NE(text.find("Party A: Office Central de Lutte contre la Criminalite"), std::string::npos);
  EXPECT_NE(text.find("Party B: Bundeskriminalamt SO4"), std::string::npos);
  EXPECT_NE(text.find("Claire Martin (duty officer)  duty@ocl.example.fr  +33 1 23 45 67 89"),
            std::string::npos)
      << text;
  EXPECT_NE(line_with(text, "  Languages:     fr, en"), "");
  EXPECT_NE(line_with(text, "  Office hours:  Mon-Fri 09:00-17:00 (Europe/Paris)"), "");
  EXPECT_NE(line_with(text, "  Office hours:  Mon-Thu 08:30-16:00 (Europe/Berlin)"), "");
  EXPECT_NE(line_with(text, "  Holidays:      2026-10-03, 2026-12-25"), "");
  EXPECT_NE(line_with(text, "Clock tolerance: 5 s"), "");
  EXPECT_NE(line_with(text, "Heartbeat:       every 60 s"), "");
  EXPECT_NE(line_with(text, "Four-eyes:       on"), "");
  EXPECT_NE(text.find("Original agreement"), std::string::npos);

  ag.four_eyes = false;
  ag.amendment = 1;
  ag.supersedes = kDigest;
  ag.clock_tolerance_ms = 1500;
  ag.a.office_hours.weekdays = {1, 3, 6, 7};
  text = describe(ag);
  EXPECT_NE(line_with(text, "Four-eyes:       off"), "") << text;
  EXPECT_NE(text.find("Amendment 1, superseding " + kDigest), std::string::npos);
  EXPECT_NE(line_with(text, "Clock tolerance: 1500 ms"), "");
  EXPECT_NE(line_with(text, "  Office hours:  Mon, Wed, Sat, Sun 09:00-17:00"), "") << text;
}

}  // namespace agreement_test
}  // namespace hotline::model
