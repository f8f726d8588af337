// CheckJob: sends the communication checks the agreement schedules
// (service/check_plan.h decides when one is due; service::send_check sends
// it and records it in the same transaction, so a period gets one check
// through crashes and restarts). Sent checks are urgent alerts like any
// other: the peer's desk acknowledges them and the review counts them.
//
// Ownership and threads: NodeServer owns it and calls step() from the
// monitor thread only (every second); no thread of its own. `node` and
// `links` must outlive it.
#pragma once

#include "hotline/common/time.h"
#include "hotline/node/links.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

class CheckJob {
 public:
  CheckJob(service::Node& node, Links& links) : node_(node), links_(links) {}
  // Sends the checks due at `now`; returns how many went.
  int step(TimePoint now = now_ms());

  // The actor named on the checks the job sends.
  static constexpr const char* kActor = "scheduled-check";

 private:
  service::Node& node_;
  Links& links_;
  bool seeded_ = false;
};

}  // namespace hotline::node
