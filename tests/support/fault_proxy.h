// Test support: a byte-level TCP proxy that can simulate a cut or stalled link.
//
// Integration tests put a FaultProxy between two Hotline nodes (which speak
// HTTPS / TLS 1.3 over it; the proxy never looks at the bytes) and then flip
// its mode to make the link fail in controlled ways:
//
//   pass   forward everything, in order, in both directions.
//   drop   close every current connection at once (RST) and refuse new ones
//          (accept, then immediately reset).
//   stall  keep connections open but forward nothing in either direction
//          (bytes wait in kernel buffers); new connections are accepted but
//          the proxy does not even connect to the target until the mode
//          changes back to pass.
//
// In pass mode a connection either forwards every byte in order or is closed;
// bytes are never silently dropped.  Listens on 127.0.0.1 only.
//
// With several targets it is also a small TCP load balancer (as in front of
// the several `hotline serve` processes of one node): each new connection
// goes to the next target in turn, and a target that refuses or does not
// answer within the connect timeout is skipped for the one after it, so a
// connection fails only when every target does.
//
// Plain POSIX sockets + std::thread; every loop polls with a short timeout,
// so mode changes and shutdown are noticed within tens of milliseconds.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hotline::testing {

class FaultProxy {
 public:
  // Listens on 127.0.0.1:0 (a free port) and forwards each accepted
  // connection to 127.0.0.1:target_port.  Throws std::runtime_error if the
  // listening socket cannot be set up.
  explicit FaultProxy(std::uint16_t target_port);
  // Several targets, taken in turn with failover (above).  Throws
  // std::invalid_argument when `target_ports` is empty.
  explicit FaultProxy(std::vector<std::uint16_t> target_ports);
  // Stops chaos, resets every connection, closes every socket and joins every
  // thread.  Returns in well under a second.
  ~FaultProxy();

  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }

  enum class Mode { pass, drop, stall };
  // Switching to drop resets all live connections and returns once they are
  // closed (bounded wait).
  void set_mode(Mode m);
  Mode mode() const { return mode_.load(); }

  // Resets (RST via SO_LINGER 0) every live connection now and returns once
  // they are closed (bounded wait).  The mode is left as pass, so the next
  // connection works.
  void cut();

  std::uint64_t connections_accepted() const { return accepted_.load(); }
  // Total bytes written to either side, both directions summed.
  std::uint64_t bytes_forwarded() const { return forwarded_.load(); }

  // New connections go to this port (for when the target restarts on a new
  // port).  Existing connections are unaffected.
  void set_target(std::uint16_t port) { set_targets({port}); }
  // The same for several targets (round robin with failover).
  void set_targets(std::vector<std::uint16_t> ports);
  // Connections forwarded to each port so far (whatever became of them).
  std::uint64_t connections_to(std::uint16_t port) const;

  // Relative weights for start_chaos; an all-zero set means "always pass".
  struct ChaosWeights {
    unsigned pass = 4;
    unsigned drop = 1;
    unsigned stall = 2;
    unsigned cut = 1;
  };
  // Until stop_chaos() or the destructor, every `period` switch to a random
  // action among pass/drop/stall/cut, drawn with the given weights from a
  // std::mt19937 seeded with `seed` (the sequence of actions is
  // deterministic for a seed; the timing is not).  Restarts chaos if it is
  // already running.
  void start_chaos(std::chrono::milliseconds period, unsigned seed);  // default weights
  void start_chaos(std::chrono::milliseconds period, unsigned seed, ChaosWeights weights);
  // Stops the chaos thread and sets the mode back to pass.
  void stop_chaos();

 private:
  struct Conn {
    int client_fd = -1;
    std::uint64_t generation = 0;  // value of cut_generation_ at accept time
    bool done = false;             // guarded by mu_
    std::thread thread;
  };

  void accept_loop();
  void serve(Conn* c, std::uint64_t generation);
  bool should_kill(std::uint64_t generation) const;
  void kill_all_and_wait();
  void reap_finished();  // requires mu_ held
  // Connects to one target: the socket, or -1 (refused, timed out, killed).
  int connect_target(std::uint16_t port, std::uint64_t generation);
  // Tries the targets in turn from the next one: the socket, or -1.
  int connect_any(std::uint64_t generation);

  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  mutable std::mutex targets_mu_;
  std::vector<std::uint16_t> targets_;                 // guarded by targets_mu_
  std::map<std::uint16_t, std::uint64_t> per_target_;  // guarded by targets_mu_
  std::uint64_t next_target_ = 0;                      // guarded by targets_mu_
  std::atomic<Mode> mode_{Mode::pass};
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> cut_generation_{0};
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> forwarded_{0};

  mutable std::mutex mu_;
  std::condition_variable conn_done_cv_;
  std::list<std::unique_ptr<Conn>> conns_;  // guarded by mu_
  std::thread accept_thread_;

  std::mutex chaos_mu_;  // serialises start_chaos/stop_chaos
  std::mutex chaos_wait_mu_;
  std::condition_variable chaos_cv_;
  bool chaos_stop_ = false;  // guarded by chaos_wait_mu_
  std::thread chaos_thread_;
};

}  // namespace hotline::testing
