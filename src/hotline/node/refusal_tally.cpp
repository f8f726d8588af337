#include "hotline/node/refusal_tally.h"

namespace hotline::node {

void RefusalTally::count(const std::string& key) {
  std::lock_guard lock(mu_);
  ++refused_;
  const std::string k = key.empty() ? std::string("(no Ed25519 key)") : key;
  if (distinct_.size() < kMaxDistinct && distinct_.insert(k).second && sample_.size() < kSample) {
    sample_.push_back(k);
  }
}

std::optional<std::string> RefusalTally::due(Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (refused_ == 0 || (last_ && now - *last_ < interval_)) return std::nullopt;
  std::string detail;
  if (refused_ == 1) {
    detail = "1 TLS handshake refused: unknown peer key " + sample_.front();
  } else {
    detail = std::to_string(refused_) + " TLS handshakes refused, with " +
             (distinct_.size() >= kMaxDistinct ? "at least " : "") +
             std::to_string(distinct_.size()) + " distinct unknown peer keys; sample:";
    for (std::size_t i = 0; i < sample_.size(); ++i) detail += (i ? ", " : " ") + sample_[i];
  }
  refused_ = 0;
  distinct_.clear();
  sample_.clear();
  last_ = now;
  return detail;
}

}  // namespace hotline::node
