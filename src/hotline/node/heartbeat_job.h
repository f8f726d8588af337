// HeartbeatJob: sends a heartbeat on every link once per interval (the
// agreement's heartbeat_interval_s, or the override for drills and tests),
// and marks a link down when the peer's heartbeats stopped for three
// intervals (event link_down).
//
// Ownership and threads: NodeServer owns it and calls step() from the
// monitor thread only (every 250 ms); it has no thread and nothing to stop.
// `node`, `links` and `events` must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "hotline/common/time.h"
#include "hotline/node/event_log.h"
#include "hotline/node/links.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

class HeartbeatJob {
 public:
  HeartbeatJob(service::Node& node, Links& links, EventLog& events,
               std::optional<std::int64_t> interval_override_s);
  void step();

 private:
  std::int64_t interval_s(const std::string& link);
  void send_due(TimePoint now);
  void watch_liveness(TimePoint now);

  service::Node& node_;
  Links& links_;
  EventLog& events_;
  const std::optional<std::int64_t> interval_override_s_;
  std::map<std::string, TimePoint> next_;  // per link; none yet: due now
};

}  // namespace hotline::node
