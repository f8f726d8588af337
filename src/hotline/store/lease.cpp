// The Store's default coordination (store.h: try_lease, wait_for_events),
// for a store that one process serves: leases are names held in this
// process, and waiting for events is a short sleep (the caller polls).
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "hotline/store/store.h"

namespace hotline::store {
namespace {

// Names leased in this process, whichever Store they belong to: a process
// opens a node's store once.
std::mutex leases_mu;
std::set<std::string, std::less<>> leased;

class ProcessLease final : public Lease {
 public:
  explicit ProcessLease(std::string name) : name_(std::move(name)) {}
  ~ProcessLease() override {
    std::lock_guard lock(leases_mu);
    leased.erase(name_);
  }
  bool held() override { return true; }

 private:
  std::string name_;
};

// The event stream's poll when nothing wakes it sooner.
constexpr std::chrono::milliseconds kEventPoll{25};

}  // namespace

std::unique_ptr<Lease> Store::try_lease(std::string_view name) {
  std::lock_guard lock(leases_mu);
  if (leased.count(name) != 0) return nullptr;
  leased.emplace(name);
  return std::make_unique<ProcessLease>(std::string(name));
}

void Store::wait_for_events(std::int64_t /*after_id*/, std::chrono::milliseconds timeout) {
  std::this_thread::sleep_for(std::min(timeout, kEventPoll));
}

}  // namespace hotline::store
