// The agreement of a link: the framework both parties sign (party names and
// contacts, languages, office hours, the deadline matrix, clock tolerance,
// heartbeat, four-eyes). Signatures are made elsewhere, over the RFC 8785
// canonical JSON of to_json(); this file only builds, validates, converts and
// describes the document. Pure: no I/O, no clock, no crypto.
//
// JSON form (every member always present, integers only, no floats):
//   {"version":1,"amendment":0,"link":HEX32,"a":PARTY,"b":PARTY,
//    "deadlines":[RULE x10],"clock_tolerance_ms":5000,"heartbeat_interval_s":60,
//    "four_eyes":true,"effective_from":TS,"supersedes":HEX64|null,
//    "checks":{"every_days":INT,"hours":"office_hours"|"any"}}
//   "checks" is in version 2 documents only; a version 1 document (signed
//   before checks existed) has none and schedules no checks.
//   PARTY = {"name","public_key","contacts":[{"name","role","email","phone"}],
//            "languages":[...],"time_zone",
//            "office_hours":{"weekdays":[1..7],"start_minute","end_minute",
//                            "holidays":["YYYY-MM-DD"...]}}
//   RULE  = {"kind","priority","acknowledge_minutes":INT|null,
//            "respond_minutes":INT|null,"calendar":"always"|"office_hours"}
// One agreement has exactly one JSON text: to_json() puts deadlines in matrix
// order (kinds as in kKinds, then "urgent" before "normal"), weekdays and
// holidays ascending; agreement_from_json() accepts only that order, so
// to_json(agreement_from_json(j)) == j for every accepted j.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hotline::model {

inline constexpr std::array<std::string_view, 5> kKinds{"alert", "request.information",
                                                        "request.preservation", "request.takedown",
                                                        "request.assistance"};
inline constexpr std::array<std::string_view, 2> kPriorities{"urgent", "normal"};

inline constexpr std::int64_t kMaxDeadlineMinutes = 525600;  // one year

struct Contact {
  std::string name;   // required
  std::string role;   // free text, may be empty ("duty officer", "head of unit")
  std::string email;  // may be empty; at least one of email/phone is required
  std::string phone;  // may be empty; "+" then digits, spaces allowed
  bool operator==(const Contact&) const = default;
};

// When the receiving party's office is open, in its own time zone.
struct OfficeHours {
  std::vector<int> weekdays{1, 2, 3, 4, 5};  // 1 = Monday .. 7 = Sunday
  int start_minute = 9 * 60;                 // minutes after local midnight
  int end_minute = 17 * 60;                  // exclusive, <= 1440
  std::vector<std::string> holidays;         // "YYYY-MM-DD", local dates
  bool operator==(const OfficeHours&) const = default;
};

struct Party {
  std::string name;
  std::string public_key;  // base64url Ed25519 public key, 43 chars
  std::vector<Contact> contacts;
  std::vector<std::string> languages;  // BCP 47-ish: "en", "fr", "pt-BR"
  std::string time_zone;               // IANA name: "Europe/Paris", "UTC"
  OfficeHours office_hours;
  bool operator==(const Party&) const = default;
};

// How the minutes of a deadline are counted. The receiving party's office
// hours and time zone apply to office_hours rows. (The exact arithmetic of
// office-hours deadlines belongs to the deadline code, not to this file.)
enum class Calendar { always /* 24/7 */, office_hours };

std::string_view to_string(Calendar c);

// One row of the deadline matrix. At least one of the two deadlines is set.
struct DeadlineRule {
  std::string kind;      // one of kKinds
  std::string priority;  // one of kPriorities
  std::optional<std::int64_t> acknowledge_minutes;
  std::optional<std::int64_t> respond_minutes;
  Calendar calendar = Calendar::always;
  bool operator==(const DeadlineRule&) const = default;
};

// Communication checks (docs/review.md): each party's node sends the other a
// check alert once every `every_days` days, at a random moment within the
// receiving party's office hours ("office_hours") or at any hour ("any"); a
// person at the other desk acknowledges it within the alert deadline.
struct CheckSchedule {
  std::int64_t every_days = 0;  // 0 = no checks; else 1 .. 366
  bool office_hours = true;     // false: at any hour
  bool operator==(const CheckSchedule&) const = default;
};

inline constexpr int kLatestAgreementVersion = 2;

struct Agreement {
  int version = kLatestAgreementVersion;  // format version: 1 (no checks) or 2
  std::int64_t amendment = 0;             // 0 = original, then 1, 2, ...
  std::string link;                       // link id: 32 lowercase hex digits
  Party a, b;
  std::vector<DeadlineRule> deadlines;     // every kind x priority exactly once
  std::int64_t clock_tolerance_ms = 5000;  // 0 .. 600000
  std::int64_t heartbeat_interval_s = 60;  // 5 .. 3600
  bool four_eyes = true;                   // outgoing requests need a supervisor
  std::string effective_from;              // timestamp, "YYYY-MM-DDTHH:MM:SS.mmmZ"
  std::optional<std::string> supersedes;   // hex SHA-256 of the previous agreement,
                                           // present iff amendment > 0
  CheckSchedule checks;                    // version 2 only (version 1: every_days 0)
  bool operator==(const Agreement&) const = default;
};

// The default matrix (24/7 unless noted):
//   alert            urgent/normal  ack 15 min
//   request.*        urgent         ack 60 min, respond 24 h
//   request.takedown urgent         ack 15 min, respond 1 h (EU TCO one hour)
//   request.takedown normal         ack 60 min, respond 24 h
//   request.preservation normal     ack 60 min, respond 72 h
//   request.information normal      ack 2, respond 22 working days, office hours
//   request.assistance  normal      ack 2, respond 22 working days, office hours
// Office hours keep the parties' own values (default Mon-Fri 09:00-17:00).
// Communication checks: one every 30 days, within office hours (version 2).
// Office-hours rows count working minutes (model/deadline.h), so their
// amounts are whole working days of kWorkingDay minutes: 22 working days is
// about a calendar month. (Before 2026-11-27 the default said 2880 and 43200
// minutes, meant as calendar days but counted as 6 and 90 working days;
// agreements signed with those keep them until amended.)
// Validates the result (throws agreement_invalid, e.g. for a bad party).
Agreement default_agreement(Party a, Party b, std::string link, std::string effective_from);

nlohmann::json to_json(const Agreement& agreement);

// Strict: a missing or unknown member, a wrong type or an invalid value throws
// hotline::Error "agreement_invalid" whose message names the path, e.g.
// "deadlines[3].respond_minutes must be a positive integer ...".
Agreement agreement_from_json(const nlohmann::json& j);

// Throws agreement_invalid exactly as agreement_from_json(to_json(a)) would.
void validate(const Agreement& agreement);

// The row for (kind, priority); throws hotline::Error "agreement_no_rule".
const DeadlineRule& rule_for(const Agreement& agreement, std::string_view kind,
                             std::string_view priority);

// Replaces the row with the same kind and priority (adding it, in matrix
// order, if missing). Validates the rule first and leaves the agreement
// unchanged if it throws agreement_invalid.
void set_rule(Agreement& agreement, DeadlineRule rule);

// "15 min", "1 h", "1 h 30 min", "24 h", "3 days", "30 days".
std::string format_minutes(std::int64_t minutes);

// A working day of the default office hours (09:00-17:00), in minutes.
inline constexpr std::int64_t kWorkingDay = 8 * 60;
// Working minutes for people: "2 working days" (multiples of kWorkingDay),
// otherwise "16 h 30 min working time".
std::string format_working_minutes(std::int64_t minutes);

// Multi-line summary for `hotline agreement show`.
std::string describe(const Agreement& agreement);

}  // namespace hotline::model
