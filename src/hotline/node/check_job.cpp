#include "hotline/node/check_job.h"

#include <spdlog/spdlog.h>

#include "hotline/service/check_plan.h"
#include "hotline/service/desk_service.h"

namespace hotline::node {

int CheckJob::step(TimePoint now) {
  if (!seeded_) {
    node_.store->transact([](store::Transaction& tx) { service::ensure_check_seed(tx); });
    seeded_ = true;
  }
  auto due = node_.store->snapshot([&](store::Transaction& tx) {
    std::vector<store::PeerRecord> peers;
    for (auto& peer : tx.list_peers()) {
      if (service::due_check(tx, peer.link, now)) peers.push_back(std::move(peer));
    }
    return peers;
  });
  int sent = 0;
  for (const auto& peer : due) {
    auto view = service::send_check(node_, peer.name, kActor, now);
    spdlog::info("communication check {} sent to the peer of link {}",
                 service::short_id(view.record.id), peer.link);
    ++sent;
  }
  if (sent > 0) links_.notify_all();
  return sent;
}

}  // namespace hotline::node
