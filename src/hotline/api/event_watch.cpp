#include "hotline/api/event_watch.h"

#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "hotline/common/escape.h"
#include "hotline/common/thread_name.h"

namespace hotline::api {
namespace {

// A wait that returned sooner than this without a new event came back early.
constexpr auto kEarly = std::chrono::milliseconds(5);

}  // namespace

EventWatch::EventWatch(store::Store& store, std::chrono::milliseconds max_wait)
    : store_(store), max_wait_(max_wait) {}

EventWatch::~EventWatch() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t EventWatch::subscribe(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  subscribers_.emplace(id, std::move(wake));
  if (!thread_.joinable()) {
    thread_ = std::thread([this] {
      name_this_thread("event-watch");
      run();
    });
  }
  cv_.notify_all();
  return id;
}

void EventWatch::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

std::int64_t EventWatch::latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

std::uint64_t EventWatch::wakes() const {
  std::lock_guard lock(mu_);
  return wakes_;
}

void EventWatch::run() {
  std::int64_t seen = -1;  // not looked yet
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !subscribers_.empty(); });
      if (stopping_) return;
    }
    try {
      const auto waited_from = std::chrono::steady_clock::now();
      if (seen >= 0) store_.wait_for_events(seen, max_wait_);
      const auto id = store_.snapshot([](store::Transaction& tx) { return tx.last_event_id(); });
      if (id > seen) {
        wake_all(id);
        seen = id;
      } else if (std::chrono::steady_clock::now() - waited_from < kEarly) {
        // Woken at once with nothing new (a notice that named no event):
        // a short pause, so that such a wait cannot spin on the store.
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, kEarly * 5, [&] { return stopping_; });
      }
    } catch (const std::exception& e) {
      // The streams still poll now and then (their poll_interval): log, and
      // try again after a pause.
      spdlog::error("event=event_watch_failed error=\"{}\"", escape_text(e.what()));
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, max_wait_, [&] { return stopping_; });
    }
  }
}

void EventWatch::wake_all(std::int64_t latest) {
  std::vector<std::function<void()>> todo;
  {
    std::lock_guard lock(mu_);
    latest_ = latest;
    ++wakes_;
    for (const auto& [id, fn] : subscribers_) todo.push_back(fn);
  }
  for (const auto& fn : todo) fn();
}

}  // namespace hotline::api
