// EventWatch: one thread per operators' API that waits for the store's new
// events (store::Store::wait_for_events: on PostgreSQL a NOTIFY from any
// process of the node wakes it at once; the default store polls) and wakes
// the open event streams (GET /v1/events, routes_events.cpp), so that each
// stream reads the store when there is something to read rather than on a
// short timer of its own. One look at the newest event id per wait serves
// every stream.
//
// Ownership and threads: the OperatorApi owns it; the Store must outlive it.
// subscribe(), unsubscribe(), latest() and wakes() are thread-safe. The
// watch's thread starts with the first subscriber and sleeps (on a
// condition, not the store) while there is none; the subscribers' functions
// are called on it, outside the watch's lock, and must be quick (a stream's
// waker posts to its connection). The destructor stops and joins it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "hotline/store/store.h"

namespace hotline::api {

class EventWatch {
 public:
  // `max_wait`: the longest one wait_for_events call lasts (how long the
  // thread may take to notice that it should stop).
  explicit EventWatch(store::Store& store,
                      std::chrono::milliseconds max_wait = std::chrono::milliseconds(500));
  ~EventWatch();
  EventWatch(const EventWatch&) = delete;
  EventWatch& operator=(const EventWatch&) = delete;

  // `wake` is called whenever events newer than the last seen were
  // committed. Returns the id for unsubscribe().
  std::uint64_t subscribe(std::function<void()> wake);
  void unsubscribe(std::uint64_t id);

  // The newest event id seen (0 before the first look), and how many times
  // the subscribers were woken (for tests and logs).
  std::int64_t latest() const;
  std::uint64_t wakes() const;

 private:
  void run();
  void wake_all(std::int64_t latest);

  store::Store& store_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;  // guards the members below
  std::condition_variable cv_;
  std::map<std::uint64_t, std::function<void()>> subscribers_;
  std::uint64_t next_id_ = 1;
  std::int64_t latest_ = 0;
  std::uint64_t wakes_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // started by the first subscribe()
};

}  // namespace hotline::api
