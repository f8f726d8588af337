// TreeHeadJob: signs a head of the node's log (service::publish_tree_head)
// once per `interval`, or sooner after `burst` new entries, and sends it to
// every peer (a ledger.head envelope on each link). Nothing new in the log:
// no new head.
//
// Ownership and threads: NodeServer owns it and calls step() from the
// monitor thread only (every 250 ms); no thread of its own. `node` and
// `links` must outlive it.
#pragma once

#include <chrono>
#include <cstdint>

#include "hotline/common/time.h"
#include "hotline/node/links.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

class TreeHeadJob {
 public:
  TreeHeadJob(service::Node& node, Links& links, std::chrono::seconds interval, std::int64_t burst);
  void step();

 private:
  service::Node& node_;
  Links& links_;
  const std::chrono::seconds interval_;
  const std::int64_t burst_;
  TimePoint next_{};
  std::int64_t last_size_ = -1;
};

}  // namespace hotline::node
