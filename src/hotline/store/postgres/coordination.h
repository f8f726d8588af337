// What the processes of one node coordinate through PostgreSQL besides
// their transactions (store.h: try_lease, wait_for_events):
//
//  - Leases: session advisory locks, all held on one connection of their
//    own (a lock lives as long as its session: when the process dies, its
//    connection closes and PostgreSQL frees its leases at once). A lease
//    name is hashed to a 64-bit key. held() looks at the connection at most
//    once a second (SELECT 1); once it broke, every lease taken on it is
//    lost for good and later leases use a new connection.
//  - Event wake-ups: a thread LISTENs on the channel "hotline_events", to
//    which append_event NOTIFYs the new event's id in its transaction (so
//    the notification leaves only when the event is committed). A waiter
//    returns as soon as an id above its own has been announced.
//
// Ownership and threads: PostgresStore owns one Coordination, which must
// not outlive it. Every member is thread-safe. The listener thread starts in
// the constructor and ends in the destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/store.h"

namespace hotline::store::postgres {

// The channel append_event notifies.
inline constexpr const char* kEventChannel = "hotline_events";

class Coordination {
 public:
  explicit Coordination(std::string conninfo);
  ~Coordination();
  Coordination(const Coordination&) = delete;
  Coordination& operator=(const Coordination&) = delete;

  std::unique_ptr<Lease> try_lease(std::string_view name);
  void wait_for_events(std::int64_t after_id, std::chrono::milliseconds timeout);

 private:
  class AdvisoryLease;
  struct LeaseConn;

  void listen_loop();
  void announce(std::int64_t id);

  const std::string conninfo_;

  std::mutex lease_mu_;
  std::shared_ptr<LeaseConn> lease_conn_;  // guarded by lease_mu_; replaced when broken
  // Keys this store holds: PostgreSQL grants a session a lock it already
  // holds, so a second try_lease of one name in this process is refused
  // here. Shared with the leases, which erase their key when released.
  std::shared_ptr<std::set<std::int64_t>> held_keys_ = std::make_shared<std::set<std::int64_t>>();

  std::mutex event_mu_;
  std::condition_variable event_cv_;
  std::int64_t announced_ = 0;  // the highest event id notified so far
  bool listening_ = false;      // false: waiters poll
  std::atomic<bool> stopping_{false};
  std::thread listener_;
};

}  // namespace hotline::store::postgres
