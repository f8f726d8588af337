#include "hotline/node/tree_head_job.h"

#include <spdlog/spdlog.h>

#include "hotline/common/encoding.h"
#include "hotline/service/ledger_service.h"

namespace hotline::node {

TreeHeadJob::TreeHeadJob(service::Node& node, Links& links, std::chrono::seconds interval,
                         std::int64_t burst)
    : node_(node), links_(links), interval_(interval), burst_(burst) {}

void TreeHeadJob::step() {
  const TimePoint now = now_ms();
  auto size = node_.store->snapshot([](store::Transaction& tx) { return tx.ledger_size(); });
  bool due = now >= next_ || (last_size_ >= 0 && size - last_size_ >= burst_);
  if (!due || size == last_size_) return;
  auto sth = service::publish_tree_head(node_, now);
  last_size_ = static_cast<std::int64_t>(sth.head.size);
  next_ = now + interval_;
  spdlog::info("event=tree_head size={} root={}", sth.head.size, to_hex(sth.head.root));
  links_.notify_all();
}

}  // namespace hotline::node
