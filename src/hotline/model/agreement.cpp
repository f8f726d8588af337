#include "hotline/model/agreement.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <limits>
#include <sstream>
#include <utility>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/json_check.h"

namespace hotline::model {
namespace {

using nlohmann::json;

const JsonCheck kAgreementCheck{"agreement_invalid", "agreement"};

// Free text on one line (names, roles).
std::string text(const json& j, const std::string& path, bool required) {
  std::string s = kAgreementCheck.string(j, path);
  kAgreementCheck.line(s, path, required);
  return s;
}

bool is_lower_hex(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

// "en", "fr", "pt-BR", "zh-Hant-TW": a lowercase 2-3 letter primary language
// subtag, then subtags of 1-8 letters or digits.
bool is_language(std::string_view s) {
  if (s.size() > 35) return false;
  auto parts = split(s, '-');
  std::string_view primary = parts[0];
  if (primary.size() < 2 || primary.size() > 3) return false;
  if (!std::all_of(primary.begin(), primary.end(), is_lower)) return false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].size() > 8) return false;
    if (!std::all_of(parts[i].begin(), parts[i].end(),
                     [](char c) { return is_alpha(c) || is_digit(c); }))
      return false;
  }
  return true;
}

// "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5":
// components that start with a capital letter, then letters, digits, '_',
// '-' or '+'.
bool is_time_zone(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (std::string_view part : split(s, '/')) {
    if (part.empty() || part.size() > 30 || !is_upper(part[0])) return false;
    if (!std::all_of(part.begin(), part.end(), [](char c) {
          return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '+';
        }))
      return false;
  }
  return true;
}

bool is_email(std::string_view s) {
  if (s.size() > 254) return false;
  auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = s.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

// International form: "+33 1 23 45 67 89", "+1-202-555-0100".
bool is_phone(std::string_view s) {
  if (s.size() < 2 || s.size() > 32 || s[0] != '+') return false;
  int digits = 0;
  for (char c : s.substr(1)) {
    if (is_digit(c)) {
      ++digits;
    } else if (c != ' ' && c != '-') {
      return false;
    }
  }
  return digits >= 6 && digits <= 15;
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(s[i])) return false;
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                  std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                  std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  return ymd.ok();
}

std::ptrdiff_t kind_index(std::string_view kind) {
  auto it = std::find(kKinds.begin(), kKinds.end(), kind);
  return it == kKinds.end() ? -1 : it - kKinds.begin();
}

std::ptrdiff_t priority_index(std::string_view priority) {
  auto it = std::find(kPriorities.begin(), kPriorities.end(), priority);
  return it == kPriorities.end() ? -1 : it - kPriorities.begin();
}

// Position of a row in the matrix; unknown kinds and priorities go last.
std::size_t matrix_rank(const DeadlineRule& r) {
  auto k = kind_index(r.kind), p = priority_index(r.priority);
  if (k < 0 || p < 0) return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(k) * kPriorities.size() + static_cast<std::size_t>(p);
}

std::string row_name(const DeadlineRule& r) {
  return r.kind + "/" + r.priority;
}

// ---- reading --------------------------------------------------------------

Contact read_contact(const json& j, const std::string& path) {
  kAgreementCheck.object(j, path, {"name", "role", "email", "phone"});
  Contact c;
  c.name = text(j.at("name"), member_path(path, "name"), true);
  c.role = text(j.at("role"), member_path(path, "role"), false);
  c.email = kAgreementCheck.string(j.at("email"), member_path(path, "email"));
  c.phone = kAgreementCheck.string(j.at("phone"), member_path(path, "phone"));
  if (!c.email.empty() && !is_email(c.email))
    kAgreementCheck.fail(member_path(path, "email"),
                         quote_value(c.email) + " is not an e-mail address");
  if (!c.phone.empty() && !is_phone(c.phone))
    kAgreementCheck.fail(member_path(path, "phone"),
                         quote_value(c.phone) +
                             " is not a phone number in international form, like "
                             "'+33 1 23 45 67 89'");
  if (c.email.empty() && c.phone.empty())
    kAgreementCheck.fail(path, "must give an e-mail address or a phone number (or both)");
  return c;
}

OfficeHours read_office_hours(const json& j, const std::string& path) {
  kAgreementCheck.object(j, path, {"weekdays", "start_minute", "end_minute", "holidays"});
  OfficeHours h;
  h.weekdays.clear();
  std::string wpath = member_path(path, "weekdays");
  const json& weekdays = kAgreementCheck.array(j.at("weekdays"), wpath);
  if (weekdays.empty()) kAgreementCheck.fail(wpath, "must name at least one working day");
  for (std::size_t i = 0; i < weekdays.size(); ++i) {
    std::string p = element_path(wpath, i);
    int d = static_cast<int>(
        kAgreementCheck.integer(weekdays[i], p, 1, 7, "a weekday from 1 (Monday) to 7 (Sunday)"));
    if (!h.weekdays.empty() && d == h.weekdays.back())
      kAgreementCheck.fail(p, "repeats day " + std::to_string(d));
    if (!h.weekdays.empty() && d < h.weekdays.back())
      kAgreementCheck.fail(p, "is out of order: weekdays must be listed in ascending order");
    h.weekdays.push_back(d);
  }
  h.start_minute = static_cast<int>(
      kAgreementCheck.integer(j.at("start_minute"), member_path(path, "start_minute"), 0, 1439,
                              "minutes after local midnight, from 0 to 1439"));
  h.end_minute = static_cast<int>(
      kAgreementCheck.integer(j.at("end_minute"), member_path(path, "end_minute"), 1, 1440,
                              "minutes after local midnight, from 1 to 1440"));
  if (h.end_minute <= h.start_minute)
    kAgreementCheck.fail(member_path(path, "end_minute"),
                         "(" + std::to_string(h.end_minute) +
                             ") must be later than start_minute (" +
                             std::to_string(h.start_minute) + ")");
  std::string hpath = member_path(path, "holidays");
  const json& holidays = kAgreementCheck.array(j.at("holidays"), hpath);
  for (std::size_t i = 0; i < holidays.size(); ++i) {
    std::string p = element_path(hpath, i);
    std::string d = kAgreementCheck.string(holidays[i], p);
    if (!is_date(d))
      kAgreementCheck.fail(p, quote_value(d) + " is not a valid date in the form YYYY-MM-DD");
    if (!h.holidays.empty() && d == h.holidays.back()) kAgreementCheck.fail(p, "repeats " + d);
    if (!h.holidays.empty() && d < h.holidays.back())
      kAgreementCheck.fail(p, "is out of order: holidays must be listed in ascending order");
    h.holidays.push_back(std::move(d));
  }
  return h;
}

Party read_party(const json& j, const std::string& path) {
  kAgreementCheck.object(
      j, path, {"name", "public_key", "contacts", "languages", "time_zone", "office_hours"});
  Party party;
  party.name = text(j.at("name"), member_path(path, "name"), true);

  std::string kpath = member_path(path, "public_key");
  party.public_key = kAgreementCheck.string(j.at("public_key"), kpath);
  bool key_ok = party.public_key.size() == 43;
  if (key_ok) {
    try {
      key_ok = base64url_decode(party.public_key).size() == 32;
    } catch (const Error&) {
      key_ok = false;
    }
  }
  if (!key_ok)
    kAgreementCheck.fail(kpath, "must be an Ed25519 public key: 43 characters of base64url (got " +
                                    quote_value(party.public_key) + ")");

  std::string cpath = member_path(path, "contacts");
  const json& contacts = kAgreementCheck.array(j.at("contacts"), cpath);
  for (std::size_t i = 0; i < contacts.size(); ++i)
    party.contacts.push_back(read_contact(contacts[i], element_path(cpath, i)));

  std::string lpath = member_path(path, "languages");
  const json& languages = kAgreementCheck.array(j.at("languages"), lpath);
  if (languages.empty()) kAgreementCheck.fail(lpath, "must name at least one language");
  for (std::size_t i = 0; i < languages.size(); ++i) {
    std::string p = element_path(lpath, i);
    std::string lang = kAgreementCheck.string(languages[i], p);
    if (!is_language(lang))
      kAgreementCheck.fail(
          p, quote_value(lang) + " is not a language code such as 'en', 'fr' or 'pt-BR'");
    if (std::find(party.languages.begin(), party.languages.end(), lang) != party.languages.end())
      kAgreementCheck.fail(p, "repeats " + quote_value(lang));
    party.languages.push_back(std::move(lang));
  }

  std::string zpath = member_path(path, "time_zone");
  party.time_zone = kAgreementCheck.string(j.at("time_zone"), zpath);
  if (party.time_zone.empty()) kAgreementCheck.fail(zpath, "must not be empty");
  if (!is_time_zone(party.time_zone))
    kAgreementCheck.fail(zpath,
                         quote_value(party.time_zone) +
                             " is not an IANA time zone name such as 'Europe/Paris' or 'UTC'");

  party.office_hours = read_office_hours(j.at("office_hours"), member_path(path, "office_hours"));
  return party;
}

std::optional<std::int64_t> read_minutes(const json& j, const std::string& path) {
  if (j.is_null()) return std::nullopt;
  return kAgreementCheck.integer(
      j, path, 1, kMaxDeadlineMinutes,
      "a positive integer number of minutes, at most 525600 (one year), or null");
}

DeadlineRule read_rule(const json& j, const std::string& path) {
  kAgreementCheck.object(
      j, path, {"kind", "priority", "acknowledge_minutes", "respond_minutes", "calendar"});
  DeadlineRule r;
  r.kind = kAgreementCheck.string(j.at("kind"), member_path(path, "kind"));
  if (kind_index(r.kind) < 0)
    kAgreementCheck.fail(
        member_path(path, "kind"),
        quote_value(r.kind) + " is not a message kind (expected one of: " + list_of(kKinds) + ")");
  r.priority = kAgreementCheck.string(j.at("priority"), member_path(path, "priority"));
  if (priority_index(r.priority) < 0)
    kAgreementCheck.fail(member_path(path, "priority"),
                         quote_value(r.priority) +
                             " is not a priority (expected one of: " + list_of(kPriorities) + ")");
  r.acknowledge_minutes =
      read_minutes(j.at("acknowledge_minutes"), member_path(path, "acknowledge_minutes"));
  r.respond_minutes = read_minutes(j.at("respond_minutes"), member_path(path, "respond_minutes"));
  if (!r.acknowledge_minutes && !r.respond_minutes)
    kAgreementCheck.fail(
        path, "(" + row_name(r) + ") must set acknowledge_minutes or respond_minutes (or both)");
  if (r.acknowledge_minutes && r.respond_minutes && *r.acknowledge_minutes > *r.respond_minutes)
    kAgreementCheck.fail(member_path(path, "acknowledge_minutes"),
                         "(" + std::to_string(*r.acknowledge_minutes) +
                             ") must not exceed respond_minutes (" +
                             std::to_string(*r.respond_minutes) + ")");
  std::string calpath = member_path(path, "calendar");
  std::string cal = kAgreementCheck.string(j.at("calendar"), calpath);
  if (cal == "always") {
    r.calendar = Calendar::always;
  } else if (cal == "office_hours") {
    r.calendar = Calendar::office_hours;
  } else {
    kAgreementCheck.fail(calpath, quote_value(cal) + " must be 'always' (24/7) or 'office_hours'");
  }
  return r;
}

std::vector<DeadlineRule> read_deadlines(const json& j, const std::string& path) {
  const json& rows = kAgreementCheck.array(j, path);
  std::vector<DeadlineRule> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string p = element_path(path, i);
    DeadlineRule r = read_rule(rows[i], p);
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (out[k].kind == r.kind && out[k].priority == r.priority)
        kAgreementCheck.fail(p, "repeats the row for " + row_name(r) + " (already at " +
                                    element_path(path, k) + ")");
    }
    if (!out.empty() && matrix_rank(r) < matrix_rank(out.back()))
      kAgreementCheck.fail(p, "(" + row_name(r) + ") is out of order: rows go by kind (" +
                                  list_of(kKinds) + "), then priority (" + list_of(kPriorities) +
                                  ")");
    out.push_back(std::move(r));
  }
  for (std::string_view kind : kKinds) {
    for (std::string_view priority : kPriorities) {
      bool found = std::any_of(out.begin(), out.end(), [&](const DeadlineRule& r) {
        return r.kind == kind && r.priority == priority;
      });
      if (!found)
        kAgreementCheck.fail(path, "has no row for " + std::string(kind) + "/" +
                                       std::string(priority) +
                                       " (every kind and priority needs one)");
    }
  }
  return out;
}

// ---- writing --------------------------------------------------------------

json minutes_json(const std::optional<std::int64_t>& m) {
  return m ? json(*m) : json(nullptr);
}

json rule_json(const DeadlineRule& r) {
  return json{{"kind", r.kind},
              {"priority", r.priority},
              {"acknowledge_minutes", minutes_json(r.acknowledge_minutes)},
              {"respond_minutes", minutes_json(r.respond_minutes)},
              {"calendar", std::string(to_string(r.calendar))}};
}

json party_json(const Party& p) {
  json contacts = json::array();
  for (const Contact& c : p.contacts)
    contacts.push_back(
        json{{"name", c.name}, {"role", c.role}, {"email", c.email}, {"phone", c.phone}});
  std::vector<int> weekdays = p.office_hours.weekdays;
  std::sort(weekdays.begin(), weekdays.end());
  std::vector<std::string> holidays = p.office_hours.holidays;
  std::sort(holidays.begin(), holidays.end());
  return json{{"name", p.name},
              {"public_key", p.public_key},
              {"contacts", std::move(contacts)},
              {"languages", p.languages},
              {"time_zone", p.time_zone},
              {"office_hours", json{{"weekdays", weekdays},
                                    {"start_minute", p.office_hours.start_minute},
                                    {"end_minute", p.office_hours.end_minute},
                                    {"holidays", holidays}}}};
}

// ---- describing -----------------------------------------------------------

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string clock_time(int minute) {
  auto two = [](int v) {
    return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10);
  };
  return two(minute / 60) + ":" + two(minute % 60);
}

std::string weekday_list(std::vector<int> days) {
  static constexpr std::array<const char*, 8> names{"?",   "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat", "Sun"};
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  auto name = [](int d) { return std::string(d >= 1 && d <= 7 ? names[d] : "?"); };
  std::string out;
  for (std::size_t i = 0; i < days.size();) {
    std::size_t j = i;
    while (j + 1 < days.size() && days[j + 1] == days[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    if (j - i >= 2) {
      out += name(days[i]) + "-" + name(days[j]);
    } else {
      out += name(days[i]);
      for (std::size_t k = i + 1; k <= j; ++k) out += ", " + name(days[k]);
    }
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

void describe_party(std::ostringstream& out, const char* label, const Party& p) {
  out << "Party " << label << ": " << p.name << "\n";
  out << "  Public key:    " << p.public_key << "\n";
  out << "  Languages:     " << (p.languages.empty() ? "none" : list_of(p.languages)) << "\n";
  out << "  Time zone:     " << p.time_zone << "\n";
  const OfficeHours& h = p.office_hours;
  out << "  Office hours:  " << weekday_list(h.weekdays) << " " << clock_time(h.start_minute) << "-"
      << clock_time(h.end_minute) << " (" << p.time_zone << ")\n";
  std::vector<std::string> holidays = h.holidays;
  std::sort(holidays.begin(), holidays.end());
  out << "  Holidays:      " << (holidays.empty() ? "none" : list_of(holidays)) << "\n";
  if (p.contacts.empty()) {
    out << "  Contacts:      none\n";
  } else {
    out << "  Contacts:\n";
    for (const Contact& c : p.contacts) {
      out << "    " << c.name;
      if (!c.role.empty()) out << " (" << c.role << ")";
      if (!c.email.empty()) out << "  " << c.email;
      if (!c.phone.empty()) out << "  " << c.phone;
      out << "\n";
    }
  }
}

// The format version: 1 or 2 (the member is read before the others, which
// depend on it).
int read_version(const json& j) {
  if (!j.is_object()) kAgreementCheck.fail("", "must be a JSON object");
  if (!j.contains("version")) kAgreementCheck.fail("version", "is missing");
  const json& v = j.at("version");
  if (!v.is_number_integer() || (v != 1 && v != 2))
    kAgreementCheck.fail("version", "is " + v.dump() +
                                        "; this node reads agreement versions 1 and 2 "
                                        "(install a newer hotline for a newer agreement)");
  return v.get<int>();
}

CheckSchedule read_checks(const json& j) {
  kAgreementCheck.object(j, "checks", {"every_days", "hours"});
  CheckSchedule c;
  c.every_days = kAgreementCheck.integer(j.at("every_days"), "checks.every_days", 0, 366,
                                         "an integer number of days from 0 (no checks) to 366");
  const std::string hours = kAgreementCheck.string(j.at("hours"), "checks.hours");
  if (hours != "office_hours" && hours != "any")
    kAgreementCheck.fail("checks.hours",
                         quote_value(hours) + " is neither \"office_hours\" nor \"any\"");
  c.office_hours = hours == "office_hours";
  return c;
}

}  // namespace

std::string_view to_string(Calendar c) {
  return c == Calendar::always ? "always" : "office_hours";
}

Agreement default_agreement(Party a, Party b, std::string link, std::string effective_from) {
  Agreement ag;
  ag.link = std::move(link);
  ag.a = std::move(a);
  ag.b = std::move(b);
  ag.effective_from = std::move(effective_from);
  constexpr std::int64_t hour = 60;
  auto row = [&](std::string_view kind, std::string_view priority, std::optional<std::int64_t> ack,
                 std::optional<std::int64_t> respond, Calendar cal) {
    ag.deadlines.push_back(
        DeadlineRule{std::string(kind), std::string(priority), ack, respond, cal});
  };
  for (std::string_view kind : kKinds) {
    if (kind == "alert") {
      // A human acknowledges an alert within 15 minutes, day and night.
      row(kind, "urgent", 15, std::nullopt, Calendar::always);
      row(kind, "normal", 15, std::nullopt, Calendar::always);
    } else if (kind == "request.takedown") {
      // Terrorist content online: removal within one hour (EU 2021/784, art. 3).
      row(kind, "urgent", 15, 1 * hour, Calendar::always);
      row(kind, "normal", 1 * hour, 24 * hour, Calendar::always);
    } else if (kind == "request.preservation") {
      row(kind, "urgent", 1 * hour, 24 * hour, Calendar::always);
      // Data may be deleted at any time: preservation runs 24/7.
      row(kind, "normal", 1 * hour, 72 * hour, Calendar::always);
    } else {  // request.information, request.assistance
      row(kind, "urgent", 1 * hour, 24 * hour, Calendar::always);
      // Office-hours rows count working minutes (model/deadline.h): two
      // working days to acknowledge and 22 (about a calendar month) to answer.
      row(kind, "normal", 2 * kWorkingDay, 22 * kWorkingDay, Calendar::office_hours);
    }
  }
  ag.checks = CheckSchedule{30, true};
  validate(ag);
  return ag;
}

nlohmann::json to_json(const Agreement& ag) {
  std::vector<DeadlineRule> rows = ag.deadlines;
  std::stable_sort(rows.begin(), rows.end(), [](const DeadlineRule& x, const DeadlineRule& y) {
    return matrix_rank(x) < matrix_rank(y);
  });
  json deadlines = json::array();
  for (const DeadlineRule& r : rows) deadlines.push_back(rule_json(r));
  json j{{"version", ag.version},
         {"amendment", ag.amendment},
         {"link", ag.link},
         {"a", party_json(ag.a)},
         {"b", party_json(ag.b)},
         {"deadlines", std::move(deadlines)},
         {"clock_tolerance_ms", ag.clock_tolerance_ms},
         {"heartbeat_interval_s", ag.heartbeat_interval_s},
         {"four_eyes", ag.four_eyes},
         {"effective_from", ag.effective_from},
         {"supersedes", ag.supersedes ? json(*ag.supersedes) : json(nullptr)}};
  if (ag.version >= 2) {
    j["checks"] = {{"every_days", ag.checks.every_days},
                   {"hours", ag.checks.office_hours ? "office_hours" : "any"}};
  }
  return j;
}

Agreement agreement_from_json(const nlohmann::json& j) {
  Agreement ag;
  ag.version = read_version(j);
  if (ag.version == 1) {
    kAgreementCheck.object(
        j, "",
        {"version", "amendment", "link", "a", "b", "deadlines", "clock_tolerance_ms",
         "heartbeat_interval_s", "four_eyes", "effective_from", "supersedes"});
  } else {
    kAgreementCheck.object(
        j, "",
        {"version", "amendment", "link", "a", "b", "deadlines", "clock_tolerance_ms",
         "heartbeat_interval_s", "four_eyes", "effective_from", "supersedes", "checks"});
    ag.checks = read_checks(j.at("checks"));
  }
  ag.amendment = kAgreementCheck.integer(j.at("amendment"), "amendment", 0,
                                         std::numeric_limits<std::int64_t>::max(),
                                         "an integer of 0 (the original agreement) or more");

  ag.link = kAgreementCheck.string(j.at("link"), "link");
  if (!is_lower_hex(ag.link, 32))
    kAgreementCheck.fail("link",
                         quote_value(ag.link) + " is not a link id (32 lowercase hex digits)");

  ag.a = read_party(j.at("a"), "a");
  ag.b = read_party(j.at("b"), "b");
  if (ag.a.name == ag.b.name)
    kAgreementCheck.fail("b.name",
                         "must differ from a.name (both are " + quote_value(ag.a.name) + ")");
  if (ag.a.public_key == ag.b.public_key)
    kAgreementCheck.fail("b.public_key",
                         "must differ from a.public_key: each party has its own key");

  ag.deadlines = read_deadlines(j.at("deadlines"), "deadlines");
  ag.clock_tolerance_ms =
      kAgreementCheck.integer(j.at("clock_tolerance_ms"), "clock_tolerance_ms", 0, 600000,
                              "an integer number of milliseconds from 0 to 600000 (10 min)");
  ag.heartbeat_interval_s =
      kAgreementCheck.integer(j.at("heartbeat_interval_s"), "heartbeat_interval_s", 5, 3600,
                              "an integer number of seconds from 5 to 3600 (one hour)");
  ag.four_eyes = kAgreementCheck.boolean(j.at("four_eyes"), "four_eyes");

  ag.effective_from = kAgreementCheck.string(j.at("effective_from"), "effective_from");
  try {
    (void)parse_timestamp(ag.effective_from);
  } catch (const Error&) {
    kAgreementCheck.fail("effective_from",
                         quote_value(ag.effective_from) +
                             " is not a timestamp in the form YYYY-MM-DDTHH:MM:SS.mmmZ (UTC)");
  }

  const json& sup = j.at("supersedes");
  if (ag.amendment == 0) {
    if (!sup.is_null())
      kAgreementCheck.fail("supersedes", "must be null in the original agreement (amendment 0)");
  } else {
    if (sup.is_null())
      kAgreementCheck.fail("supersedes", "must give the digest of the agreement that amendment " +
                                             std::to_string(ag.amendment) + " replaces");
    std::string digest = kAgreementCheck.string(sup, "supersedes");
    if (!is_lower_hex(digest, 64))
      kAgreementCheck.fail(
          "supersedes", quote_value(digest) + " is not a SHA-256 digest (64 lowercase hex digits)");
    ag.supersedes = std::move(digest);
  }
  return ag;
}

void validate(const Agreement& agreement) {
  if (agreement.version < 2 && agreement.checks.every_days != 0)
    kAgreementCheck.fail("checks", "needs agreement version 2 (version 1 has no checks)");
  (void)agreement_from_json(to_json(agreement));
}

const DeadlineRule& rule_for(const Agreement& agreement, std::string_view kind,
                             std::string_view priority) {
  for (const DeadlineRule& r : agreement.deadlines) {
    if (r.kind == kind && r.priority == priority) return r;
  }
  throw Error(ErrorCategory::conflict, "agreement_no_rule",
              "the agreement has no deadline rule for " + quote_value(kind) + " at priority " +
                  quote_value(priority));
}

void set_rule(Agreement& agreement, DeadlineRule rule) {
  auto it = std::find_if(
      agreement.deadlines.begin(), agreement.deadlines.end(),
      [&](const DeadlineRule& r) { return r.kind == rule.kind && r.priority == rule.priority; });
  std::size_t pos;
  if (it != agreement.deadlines.end()) {
    pos = static_cast<std::size_t>(it - agreement.deadlines.begin());
  } else {
    // Where it goes in matrix order.
    pos = static_cast<std::size_t>(
        std::find_if(agreement.deadlines.begin(), agreement.deadlines.end(),
                     [&](const DeadlineRule& r) { return matrix_rank(r) > matrix_rank(rule); }) -
        agreement.deadlines.begin());
  }
  DeadlineRule checked = read_rule(rule_json(rule), element_path("deadlines", pos));
  if (it != agreement.deadlines.end()) {
    *it = std::move(checked);
  } else {
    agreement.deadlines.insert(agreement.deadlines.begin() + static_cast<std::ptrdiff_t>(pos),
                               std::move(checked));
  }
}

std::string format_minutes(std::int64_t minutes) {
  constexpr std::int64_t day = 24 * 60;
  if (minutes >= 2 * day && minutes % day == 0) return std::to_string(minutes / day) + " days";
  if (minutes >= 60) {
    std::string out = std::to_string(minutes / 60) + " h";
    if (minutes % 60 != 0) out += " " + std::to_string(minutes % 60) + " min";
    return out;
  }
  return std::to_string(minutes) + " min";
}

std::string format_working_minutes(std::int64_t minutes) {
  if (minutes >= kWorkingDay && minutes % kWorkingDay == 0) {
    const auto days = minutes / kWorkingDay;
    return std::to_string(days) + " working day" + (days == 1 ? "" : "s");
  }
  return format_minutes(minutes) + " working time";
}

std::string describe(const Agreement& ag) {
  std::ostringstream out;
  out << "Agreement for link " << ag.link << "\n";
  if (ag.amendment == 0) {
    out << "  Original agreement";
  } else {
    out << "  Amendment " << ag.amendment << ", superseding "
        << (ag.supersedes ? *ag.supersedes : std::string("(missing)"));
  }
  out << ", format version " << ag.version << "\n";
  out << "  In force from " << ag.effective_from << "\n\n";

  describe_party(out, "A", ag.a);
  out << "\n";
  describe_party(out, "B", ag.b);
  out << "\n";

  std::vector<DeadlineRule> rows = ag.deadlines;
  std::stable_sort(rows.begin(), rows.end(), [](const DeadlineRule& x, const DeadlineRule& y) {
    return matrix_rank(x) < matrix_rank(y);
  });
  std::vector<std::array<std::string, 5>> cells;
  for (const DeadlineRule& r : rows) {
    const bool office = r.calendar == Calendar::office_hours;
    auto amount = [office](const std::optional<std::int64_t>& m) {
      if (!m) return std::string("-");
      return office ? format_working_minutes(*m) : format_minutes(*m);
    };
    cells.push_back({r.kind, r.priority, "ack " + amount(r.acknowledge_minutes),
                     "respond " + amount(r.respond_minutes), office ? "office hours" : "24/7"});
  }
  std::array<std::size_t, 5> width{};
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  out << "Deadlines (from receipt; office hours are the receiving party's, a working day is "
         "8 h of them):\n";
  for (const auto& row : cells) {
    std::string line = "  ";
    for (std::size_t c = 0; c < row.size(); ++c)
      line += c + 1 < row.size() ? pad(row[c], width[c]) + "  " : row[c];
    out << line << "\n";
  }
  out << "\n";
  out << "Clock tolerance: "
      << (ag.clock_tolerance_ms % 1000 == 0 ? std::to_string(ag.clock_tolerance_ms / 1000) + " s"
                                            : std::to_string(ag.clock_tolerance_ms) + " ms")
      << "\n";
  out << "Heartbeat:       every " << ag.heartbeat_interval_s << " s"
      << "\n";
  out << "Four-eyes:       "
      << (ag.four_eyes ? "on (outgoing requests need a supervisor's approval)"
                       : "off (operators send requests without approval)")
      << "\n";
  out << "Checks:          ";
  if (ag.checks.every_days == 0) {
    out << "none";
  } else {
    out << "every " << ag.checks.every_days << " days, "
        << (ag.checks.office_hours ? "within the receiving party's office hours" : "at any hour");
  }
  out << "\n";
  return out.str();
}

}  // namespace hotline::model
