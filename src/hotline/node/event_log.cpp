#include "hotline/node/event_log.h"

#include <spdlog/spdlog.h>

#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/service/link_support.h"

namespace hotline::node {
namespace {

bool is_alarm(const std::string& kind) {
  return kind == "link_down" || kind == "peer_refused" || kind == "receipt_clock_skew" ||
         kind == "envelope_refused" || kind == "peer_behind" || kind == "peer_restored" ||
         kind == "envelope_content_refused" || kind == "escalation" || kind == "item_action_void" ||
         kind == "attachment_failed" || kind == "attachment_refused" ||
         kind == "attachment_corrupt" || kind == "round_reminder" || kind == "key_restart_needed";
}

}  // namespace

EventLog::EventLog(store::Store& store,
                   std::function<std::string(const std::string& link)> peer_name)
    : store_(store), peer_name_(std::move(peer_name)) {}

void EventLog::record(const std::string& kind, const std::string& link, const std::string& detail) {
  try {
    store_.transact(
        [&](store::Transaction& tx) { service::record_event(tx, now_ms(), kind, link, detail); });
  } catch (const std::exception& e) {
    spdlog::error("event=event_not_recorded kind={} link={} detail=\"{}\" error=\"{}\"", kind, link,
                  escape_text(detail), escape_text(e.what()));
  }
}

void EventLog::prune() {
  try {
    std::int64_t gone = 0;
    for (int round = 0; round < 10; ++round) {
      auto n = store_.transact(
          [](store::Transaction& tx) { return service::prune_old_events(tx, now_ms(), 1000); });
      gone += n;
      if (n < 1000) break;
    }
    if (gone > 0) spdlog::info("event=events_pruned count={}", gone);
  } catch (const std::exception& e) {
    spdlog::error("event=events_not_pruned error=\"{}\"", escape_text(e.what()));
  }
}

void EventLog::tail() {
  if (last_logged_ < 0) {
    last_logged_ = store_.snapshot([](store::Transaction& tx) { return tx.last_event_id(); });
    return;
  }
  auto fresh =
      store_.snapshot([&](store::Transaction& tx) { return tx.list_events(last_logged_, 500); });
  for (const auto& e : fresh) {
    last_logged_ = e.id;
    std::string peer = peer_name_(e.link);
    // Details quote what peers sent (a refused envelope's error, a type
    // name): one escaped line each.
    const std::string detail = escape_text(e.detail);
    if (e.kind == "ledger_inconsistent") {
      spdlog::error("event={} link={} peer=\"{}\" detail=\"{}\"", e.kind, e.link, peer, detail);
    } else if (is_alarm(e.kind)) {
      spdlog::warn("event={} link={} peer=\"{}\" detail=\"{}\"", e.kind, e.link, peer, detail);
    } else {
      spdlog::info("event={} link={} peer=\"{}\" detail=\"{}\"", e.kind, e.link, peer, detail);
    }
  }
}

}  // namespace hotline::node
