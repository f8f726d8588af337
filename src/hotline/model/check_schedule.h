// When a communication check falls (docs/review.md, "Communication checks"):
// the agreement's CheckSchedule splits time into periods of `every_days`
// days counted from an origin (the agreement's entry into force); in each
// period one check falls at a moment drawn at random, uniformly over the
// receiving party's working minutes of the period (office_hours) or over all
// its minutes (any hour). Pure: the caller draws the random number and
// passes the calendar (model/deadline.h).
#pragma once

#include <cstdint>
#include <optional>

#include "hotline/common/time.h"
#include "hotline/model/agreement.h"
#include "hotline/model/deadline.h"

namespace hotline::model {

// The index of the period that contains `t` (0 for the one starting at
// `origin`; negative before it), and where period `index` starts.
std::int64_t check_period(const CheckSchedule& schedule, TimePoint origin, TimePoint t);
TimePoint check_period_start(const CheckSchedule& schedule, TimePoint origin, std::int64_t index);

// The moment of the check in the period that starts at `period_start`:
// minute `random % M` of the period's M counted minutes (working minutes of
// `receiver` for office_hours, every minute for any hour). nullopt when the
// schedule has no checks or the period has no working minute (all holidays).
// Throws deadline_invalid for every_days outside 1 .. 366.
std::optional<TimePoint> check_moment(const CheckSchedule& schedule, TimePoint period_start,
                                      const WorkingCalendar& receiver, std::uint64_t random);

}  // namespace hotline::model
