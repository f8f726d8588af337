#include "hotline/net/source_limiter.h"

#include <algorithm>

namespace hotline::net {

SourceLimiter::SourceLimiter(double per_second, double burst, std::size_t max_sources)
    : per_second_(per_second), burst_(std::max(1.0, burst)), max_sources_(max_sources) {}

SourceLimiter::Bucket& SourceLimiter::bucket(const std::string& source, Clock::time_point now) {
  auto it = buckets_.find(source);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_sources_) {
      std::erase_if(buckets_, [&](const auto& kv) {
        const double seconds = std::chrono::duration<double>(now - kv.second.at).count();
        return kv.second.tokens + seconds * per_second_ >= burst_;
      });
      if (buckets_.size() >= max_sources_) buckets_.clear();
    }
    it = buckets_.emplace(source, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  const double seconds = std::chrono::duration<double>(now - b.at).count();
  if (seconds > 0) {
    b.tokens = std::min(burst_, b.tokens + seconds * per_second_);
    b.at = now;
  }
  return b;
}

bool SourceLimiter::allowed(const std::string& source, Clock::time_point now) {
  if (per_second_ <= 0) return true;
  std::lock_guard lock(mu_);
  return bucket(source, now).tokens >= 1.0;
}

void SourceLimiter::spend(const std::string& source, Clock::time_point now) {
  if (per_second_ <= 0) return;
  std::lock_guard lock(mu_);
  Bucket& b = bucket(source, now);
  b.tokens = std::max(0.0, b.tokens - 1.0);
}

std::size_t SourceLimiter::tracked() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

bool LogPacer::due(std::chrono::steady_clock::time_point now, std::uint64_t& suppressed) {
  std::lock_guard lock(mu_);
  if (started_ && now - last_ < interval_) {
    ++suppressed_;
    return false;
  }
  started_ = true;
  last_ = now;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace hotline::net
