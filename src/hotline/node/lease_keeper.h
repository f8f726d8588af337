// LeaseKeeper: one of the store's leases (store::Store::try_lease), taken
// and kept by one thread for work that must run once per node however many
// `hotline serve` processes share the store: the delivery worker of a link
// ("delivery:<link>", Links) and the node's jobs ("jobs", NodeServer).
// keep() tries to take the lease when this process does not hold it and
// notices when a held one was lost (store::Lease::held() turned false, say
// the PostgreSQL connection behind it broke): the caller then starts or
// stops the work it guards.
//
// Ownership and threads: the owner (Links, NodeServer) keeps it as a member;
// the Store must outlive it. keep() and release() run on one thread (the
// monitor, or the owner's thread once the monitor ended); held() is
// thread-safe (the auditor, notifier and fetcher threads ask it before each
// step).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "hotline/store/store.h"

namespace hotline::node {

class LeaseKeeper {
 public:
  LeaseKeeper(store::Store& store, std::string name) : store_(store), name_(std::move(name)) {}
  ~LeaseKeeper() { release(); }
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  enum class Change { none, gained, lost };
  // Takes the lease if it is free, or notices that it was lost; says which.
  // After `lost` the caller stops the work, then calls release(): with the
  // default store the name stays taken until then, so no other holder
  // starts beside work still winding down (on PostgreSQL the lock went with
  // the connection: another process may start within its next tick, which
  // the work's own rules must make harmless, as the link's seqs do).
  // A store failure while trying counts as "not gained" and is logged once
  // per kind of error (event=lease_failed).
  Change keep();
  // Whether this process holds the lease (as of now: a lost lease reads
  // false at once, before keep() notices).
  bool held() const;
  // Gives the lease up (another process may take it at its next try).
  void release();
  const std::string& name() const { return name_; }

 private:
  store::Store& store_;
  const std::string name_;
  mutable std::mutex mu_;  // guards lease_ and last_error_
  std::unique_ptr<store::Lease> lease_;
  std::string last_error_;
};

}  // namespace hotline::node
