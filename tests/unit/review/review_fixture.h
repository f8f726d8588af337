// Shared by the review unit tests: two parties (alpha in Paris, bravo in
// Shanghai), their agreement and a context for a period.
#pragma once

#include <map>
#include <string>

#include "hotline/common/time.h"
#include "hotline/model/agreement.h"
#include "hotline/model/time_zone.h"
#include "hotline/review/report.h"

namespace hotline::review::review_fixture {

inline constexpr const char* kKeyA = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
inline constexpr const char* kKeyB = "PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw";
inline constexpr const char* kLink = "0123456789abcdef0123456789abcdef";

inline Millis ms(const char* text) {
  return parse_timestamp(text).time_since_epoch().count();
}

inline const model::TimeZone& zone(const std::string& name) {
  static std::map<std::string, model::TimeZone> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, model::load_time_zone(name)).first;
  return it->second;
}

inline model::Party party(const char* name, const char* key, const char* tz) {
  model::Party p;
  p.name = name;
  p.public_key = key;
  p.contacts = {{"Duty officer", "duty officer", "duty@example.org", ""}};
  p.languages = {"en"};
  p.time_zone = tz;
  return p;
}

// alpha (Europe/Paris, Mon-Fri 09:00-17:00) and bravo (Asia/Shanghai,
// Mon-Fri 09:00-18:00, holiday 2026-03-04), the default matrix.
inline model::Agreement agreement() {
  auto b = party("bravo", kKeyB, "Asia/Shanghai");
  b.office_hours.end_minute = 18 * 60;
  b.office_hours.holidays = {"2026-03-04"};
  return model::default_agreement(party("alpha", kKeyA, "Europe/Paris"), b, kLink,
                                  "2026-01-01T00:00:00.000Z");
}

inline ReviewContext context(Millis from, Millis to, Cut cut = {1000000, 1000000}) {
  ReviewContext c;
  c.link = kLink;
  c.from = from;
  c.to = to;
  c.cut = cut;
  c.tzdb = "test";
  c.agreements.push_back({std::string(64, 'a'), ms("2026-01-01T00:00:00.000Z"), agreement()});
  for (const char* tz : {"Europe/Paris", "Asia/Shanghai"}) c.zones.emplace(tz, zone(tz));
  return c;
}

inline Act act(Millis at, std::int64_t seq) {
  return Act{at, seq};
}

}  // namespace hotline::review::review_fixture
