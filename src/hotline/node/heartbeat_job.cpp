#include "hotline/node/heartbeat_job.h"

#include <spdlog/spdlog.h>

#include "hotline/common/escape.h"
#include "hotline/service/link_service.h"

namespace hotline::node {
namespace {

constexpr std::int64_t kDefaultHeartbeatS = 60;
constexpr std::int64_t kMissedHeartbeatsForDown = 3;

}  // namespace

HeartbeatJob::HeartbeatJob(service::Node& node, Links& links, EventLog& events,
                           std::optional<std::int64_t> interval_override_s)
    : node_(node), links_(links), events_(events), interval_override_s_(interval_override_s) {}

void HeartbeatJob::step() {
  const TimePoint now = now_ms();
  send_due(now);
  watch_liveness(now);
}

std::int64_t HeartbeatJob::interval_s(const std::string& link) {
  if (interval_override_s_) return *interval_override_s_;
  try {
    auto a = node_.store->snapshot(
        [&](store::Transaction& tx) { return service::agreement_in_force(tx, link); });
    if (a) return a->heartbeat_interval_s;
  } catch (const std::exception&) {
  }
  return kDefaultHeartbeatS;
}

void HeartbeatJob::send_due(TimePoint now) {
  for (const auto& link : links_.ids()) {
    auto& next = next_[link];
    if (now < next) continue;
    next = now + std::chrono::seconds(interval_s(link));
    auto ctx = links_.context(link);
    if (!ctx) continue;
    try {
      service::send_heartbeat(*node_.store, *ctx, now);
      links_.notify(link);
    } catch (const std::exception& e) {
      spdlog::error("event=heartbeat_failed link={} error=\"{}\"", link, escape_text(e.what()));
    }
  }
}

// Liveness: three intervals without a heartbeat from the peer.
void HeartbeatJob::watch_liveness(TimePoint now) {
  for (const auto& link : links_.ids()) {
    auto interval = interval_s(link);
    std::optional<std::string> went_down;
    node_.store->transact([&](store::Transaction& tx) {
      auto st = tx.find_link_state(link);
      if (!st || st->state != "up" || !st->last_heartbeat) return;
      auto silent = now - parse_timestamp(*st->last_heartbeat);
      if (silent > std::chrono::seconds(interval * kMissedHeartbeatsForDown)) {
        st->state = "down";
        st->updated_at = format_timestamp(now);
        tx.put_link_state(*st);
        went_down = "no heartbeat from the peer since " + *st->last_heartbeat + " (" +
                    std::to_string(kMissedHeartbeatsForDown) + " intervals of " +
                    std::to_string(interval) + " s)";
      }
    });
    if (went_down) events_.record("link_down", link, *went_down);
  }
}

}  // namespace hotline::node
