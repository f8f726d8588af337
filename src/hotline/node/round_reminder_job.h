// RoundReminderJob: records the reminders of review rounds (their meeting
// 7 days and 1 day ahead, their action items once overdue) through
// service::check_round_reminders; the webhook job posts them.
//
// Ownership and threads: NodeServer owns it and calls step() from the
// monitor thread only (every few seconds); no thread of its own. `node`
// must outlive it.
#pragma once

#include <set>
#include <string>

#include "hotline/common/time.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

class RoundReminderJob {
 public:
  explicit RoundReminderJob(service::Node& node) : node_(node) {}
  // Records the reminders due at `now`; returns how many.
  int step(TimePoint now = now_ms());

 private:
  service::Node& node_;
  std::set<std::string> known_;  // reminders recorded before ("<id> <trigger>")
};

}  // namespace hotline::node
