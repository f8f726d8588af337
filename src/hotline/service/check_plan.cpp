#include "hotline/service/check_plan.h"

#include <array>
#include <cstring>

#include "hotline/common/encoding.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sha256.h"
#include "hotline/model/check_schedule.h"
#include "hotline/service/deadline_service.h"
#include "hotline/service/link_support.h"

namespace hotline::service {
namespace {

std::string last_key(const std::string& link) {
  return "check.last." + link;
}

std::uint64_t draw(const std::string& seed, const std::string& link, std::int64_t period) {
  const auto digest = crypto::sha256(seed + "|" + link + "|" + std::to_string(period));
  std::uint64_t r = 0;
  std::memcpy(&r, digest.data(), sizeof r);
  return r;
}

// The accepted agreement in force and when it took force (our record).
std::optional<store::AgreementRecord> in_force(store::Transaction& tx, const std::string& link) {
  auto digest = tx.accepted_agreement_digest(link);
  if (!digest) return std::nullopt;
  return tx.find_agreement(*digest);
}

}  // namespace

std::optional<DueCheck> due_check(store::Transaction& tx, const std::string& link, TimePoint now) {
  auto record = in_force(tx, link);
  if (!record || !record->accepted_at) return std::nullopt;
  const model::Agreement agreement = parse_agreement(*record);
  if (agreement.checks.every_days == 0) return std::nullopt;
  auto seed = tx.get_setting("check.seed");
  if (!seed) return std::nullopt;  // ensure_check_seed() has not run yet
  const TimePoint origin = parse_timestamp(*record->accepted_at);
  const std::int64_t period = model::check_period(agreement.checks, origin, now);
  if (period < 0) return std::nullopt;
  const TimePoint start = model::check_period_start(agreement.checks, origin, period);
  if (auto last = tx.get_setting(last_key(link)); last && parse_timestamp(*last) >= start)
    return std::nullopt;
  const std::string our_key = tx.get_setting("public_key").value_or("");
  const model::Party& receiver = agreement.a.public_key == our_key ? agreement.b : agreement.a;
  model::WorkingCalendar calendar;
  calendar.always = false;
  calendar.zone = zone_named(receiver.time_zone);
  calendar.weekdays = receiver.office_hours.weekdays;
  calendar.start_minute = receiver.office_hours.start_minute;
  calendar.end_minute = receiver.office_hours.end_minute;
  calendar.holidays = receiver.office_hours.holidays;
  auto moment = model::check_moment(agreement.checks, start, calendar, draw(*seed, link, period));
  if (!moment || *moment > now) return std::nullopt;
  return DueCheck{period, *moment};
}

void ensure_check_seed(store::Transaction& tx) {
  if (tx.get_setting("check.seed")) return;
  std::array<std::uint8_t, 32> bytes{};
  crypto::random_bytes(bytes);
  tx.put_setting("check.seed", to_hex(bytes));
}

void record_check_sent(store::Transaction& tx, const std::string& link, TimePoint at) {
  tx.put_setting(last_key(link), format_timestamp(at));
}

}  // namespace hotline::service
