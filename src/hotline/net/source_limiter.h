// SourceLimiter: a token bucket per source address, for what a stranger may
// cost a listener (issue #17: failed TLS handshakes on the peer port). Each
// source starts with `burst` tokens and earns `per_second` back; spend()
// takes one, allowed() says whether one is left. At most `max_sources`
// addresses are tracked: when full, full buckets (sources that have been
// quiet) are forgotten, then the table is cleared, so the table itself is
// bounded whatever a flood of addresses does.
//
// LogPacer: at most one log line per `interval` for a kind of event that a
// stranger can cause at will; the events in between are counted and the
// count goes into the next line.
//
// Both are thread-safe (one mutex each) and take the time as an argument,
// so tests drive the clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hotline::net {

class SourceLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // per_second <= 0: no limit (allowed() is always true).
  SourceLimiter(double per_second, double burst, std::size_t max_sources = 10000);

  bool allowed(const std::string& source, Clock::time_point now);
  void spend(const std::string& source, Clock::time_point now);
  std::size_t tracked() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  Bucket& bucket(const std::string& source, Clock::time_point now);

  const double per_second_, burst_;
  const std::size_t max_sources_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

class LogPacer {
 public:
  explicit LogPacer(std::chrono::milliseconds interval) : interval_(interval) {}
  // True when a line may be written now; `suppressed` is then the number of
  // events not logged since the last line. False: counted, not logged.
  bool due(std::chrono::steady_clock::time_point now, std::uint64_t& suppressed);

 private:
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  bool started_ = false;
  std::chrono::steady_clock::time_point last_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace hotline::net
