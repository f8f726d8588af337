// The Store's default coordination (store.h: try_lease, wait_for_events),
// for a store that one process serves: leases are names held in this
// process (per node), and waiting for events is a short sleep (the caller polls).
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

// Names leased in this process, each scoped by its node (lease_key): two
// Store objects of one node (two NodeServers over one database, as two
// processes would run) share them, and two nodes in one process (tests,
// benchmarks) do not collide, although both ends of a link name the same
// "delivery:<link>".
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

// The node's identity (the setting "public_key", written when the node is
// made), a newline (in no key or name), then the name.
std::string lease_key(Store& store, std::string_view name) {
  std::string key = store.snapshot(
      [](Transaction& tx) { return tx.get_setting("public_key").value_or(std::string()); });
  key += '\n';
  key += name;
  return key;
}

}  // namespace

std::unique_ptr<Lease> Store::try_lease(std::string_view name) {
  std::string key = lease_key(*this, name);
  std::lock_guard lock(leases_mu);
  if (leased.count(key) != 0) return nullptr;
  leased.emplace(key);
  return std::make_unique<ProcessLease>(std::move(key));
}

void Store::wait_for_events(std::int64_t /*after_id*/, std::chrono::milliseconds timeout) {
  std::this_thread::sleep_for(std::min(timeout, kEventPoll));
}

}  // namespace hotline::store
