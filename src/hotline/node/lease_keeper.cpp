#include "hotline/node/lease_keeper.h"

#include <spdlog/spdlog.h>

#include "hotline/common/escape.h"

namespace hotline::node {

LeaseKeeper::Change LeaseKeeper::keep() {
  std::lock_guard lock(mu_);
  if (lease_) {
    if (lease_->held()) return Change::none;
    spdlog::warn("event=lease_lost lease={}", name_);
    return Change::lost;  // dropped by release(), once the work stopped
  }
  try {
    lease_ = store_.try_lease(name_);
    last_error_.clear();
  } catch (const std::exception& e) {
    if (last_error_ != e.what()) {
      last_error_ = e.what();
      spdlog::error("event=lease_failed lease={} error=\"{}\"", name_, escape_text(e.what()));
    }
    return Change::none;
  }
  if (!lease_) return Change::none;
  spdlog::info("event=lease_taken lease={}", name_);
  return Change::gained;
}

bool LeaseKeeper::held() const {
  std::lock_guard lock(mu_);
  return lease_ && lease_->held();
}

void LeaseKeeper::release() {
  std::lock_guard lock(mu_);
  if (!lease_) return;
  lease_.reset();
  spdlog::info("event=lease_released lease={}", name_);
}

}  // namespace hotline::node
