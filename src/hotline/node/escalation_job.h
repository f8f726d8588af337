// EscalationJob: finds items whose deadlines crossed an escalation threshold
// (service::EscalationWatch records the escalations; the webhook job posts
// them). An alert's escalation is also an action shared with the peer, so
// after new ones every delivery worker is woken.
//
// Ownership and threads: NodeServer owns it and calls step() from the
// monitor thread only (every second); no thread of its own. `node` and
// `links` must outlive it.
#pragma once

#include "hotline/node/links.h"
#include "hotline/service/escalation_service.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

class EscalationJob {
 public:
  EscalationJob(service::Node& node, Links& links) : node_(node), links_(links) {}
  void step();

 private:
  service::Node& node_;
  Links& links_;
  service::EscalationWatch watch_;  // remembers which items cannot be due yet
};

}  // namespace hotline::node
