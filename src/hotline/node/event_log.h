// EventLog: the node's events (the store's events table: link up and down,
// refused envelopes, audit findings, escalations ...) and the process log.
// record() stores one; tail() writes every event stored since its last call,
// by this process or another (`hotline send`, inbound envelopes, audits), to
// the log: alarms at warning level, ledger inconsistencies at error level.
//
// Ownership and threads: NodeServer owns it; `store` and the `peer_name`
// function's target (node::Links) must outlive it. record() is thread-safe
// (any thread: delivery workers, the peer listener, the monitor). tail() runs
// on the monitor thread only (and once from start() before that thread), as
// does prune(); with several processes on one store only the one that runs
// the node's jobs calls them (NodeServer).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hotline/store/store.h"

namespace hotline::node {

class EventLog {
 public:
  // `peer_name(link)`: the peer's name for a log line ("" when unknown).
  EventLog(store::Store& store, std::function<std::string(const std::string& link)> peer_name);

  // Records an event; a store failure is logged, not thrown.
  void record(const std::string& kind, const std::string& link, const std::string& detail);

  // The first call only notes where the events end (the log shows what
  // happens from then on); later calls log what was recorded since, each
  // detail escaped (hotline::escape_text: details quote what peers sent).
  void tail();
  // The next tail() notes where the events end again, like the first one:
  // for a process that takes the node's jobs over (NodeServer) and logs the
  // events from then on.
  void restart_tail() { last_logged_ = -1; }

  // Deletes the events older than the office's retention
  // (service::events_max_age_days), at most 10,000 per call; a store
  // failure is logged, not thrown.
  void prune();

 private:
  store::Store& store_;
  std::function<std::string(const std::string&)> peer_name_;
  std::int64_t last_logged_ = -1;
};

}  // namespace hotline::node
