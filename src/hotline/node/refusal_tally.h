// RefusalTally: the client keys the peer listener's TLS refused, counted
// and reported as one event per interval (issue #17: a stranger with a
// fresh throwaway key per connection must cost a bounded number of event
// rows and log lines, not one each). An event says how many handshakes were
// refused, how many distinct keys they came with (counted up to
// kMaxDistinct) and a sample of the first kSample keys. The first refusal
// after a quiet interval is reported at once.
//
// Threads: count() is called from the TLS callback (any listener thread;
// it never waits on anything but a short mutex), due() from the monitor
// thread. Both are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hotline::node {

class RefusalTally {
 public:
  static constexpr std::size_t kSample = 5;
  static constexpr std::size_t kMaxDistinct = 1000;
  using Clock = std::chrono::steady_clock;

  explicit RefusalTally(std::chrono::milliseconds interval) : interval_(interval) {}

  // One refused handshake; `key` the client's key (base64url), empty when
  // its certificate held none.
  void count(const std::string& key);

  // The detail of the event to record now, if one is due: something was
  // refused since the last one, and the last one is `interval` old.
  std::optional<std::string> due(Clock::time_point now);

 private:
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::uint64_t refused_ = 0;
  std::set<std::string> distinct_;
  std::vector<std::string> sample_;
  std::optional<Clock::time_point> last_;
};

}  // namespace hotline::node
