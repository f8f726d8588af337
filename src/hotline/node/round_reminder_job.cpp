#include "hotline/node/round_reminder_job.h"

#include <spdlog/spdlog.h>

#include "hotline/service/round_reminders.h"

namespace hotline::node {

int RoundReminderJob::step(TimePoint now) {
  const auto recorded = service::check_round_reminders(node_, now, &known_);
  for (const auto& e : recorded) {
    spdlog::info("review round reminder {} for round {} on link {}", e.trigger, e.item_id, e.link);
  }
  return static_cast<int>(recorded.size());
}

}  // namespace hotline::node
