// Test support: byte-level TCP fault-injection proxy.  See fault_proxy.h.
#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace hotline::testing {
namespace {

constexpr int kPollMs = 20;  // every loop re-checks mode/shutdown this often
constexpr auto kConnectTimeout = std::chrono::seconds(2);
constexpr auto kKillWait = std::chrono::seconds(2);
constexpr std::size_t kBufSize = 64 * 1024;

void set_nodelay(int fd) {
  int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Close with SO_LINGER 0 so the peer sees a RST rather than an orderly FIN.
void abort_close(int fd) {
  if (fd < 0) return;
  linger lg{};
  lg.l_onoff = 1;
  lg.l_linger = 0;
  (void)::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd);
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool transient(int err) {
  return err == EINTR || err == EAGAIN || err == EWOULDBLOCK;
}

// One direction of a connection: bytes read from `from` wait in `buf` until
// written to `to`.
struct Pipe {
  int from = -1;
  int to = -1;
  std::vector<char> buf = std::vector<char>(kBufSize);
  std::size_t off = 0;  // first unwritten byte
  std::size_t len = 0;  // bytes in buf
  bool eof = false;     // `from` reached EOF
  bool shut = false;    // EOF propagated to `to` via shutdown(SHUT_WR)

  bool wants_read() const { return !eof && len == 0; }
  bool wants_write() const { return len > off; }
  bool finished() const { return shut; }
};

}  // namespace

FaultProxy::FaultProxy(std::uint16_t target_port)
    : FaultProxy(std::vector<std::uint16_t>{target_port}) {}

FaultProxy::FaultProxy(std::vector<std::uint16_t> target_ports) {
  set_targets(std::move(target_ports));
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::system_error(errno, std::generic_category(), "FaultProxy socket");
  int one = 1;
  (void)::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(0);
  socklen_t alen = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &alen) != 0) {
    int err = errno;
    ::close(listen_fd_);
    throw std::system_error(err, std::generic_category(), "FaultProxy bind/listen");
  }
  port_ = ntohs(a.sin_port);
  accept_thread_ = std::thread(&FaultProxy::accept_loop, this);
}

FaultProxy::~FaultProxy() {
  stop_chaos();
  stopping_.store(true);
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<std::unique_ptr<Conn>> conns;
  {
    std::lock_guard<std::mutex> lk(mu_);
    conns.swap(conns_);
  }
  for (auto& c : conns) {
    if (c->thread.joinable()) c->thread.join();
  }
  ::close(listen_fd_);
}

void FaultProxy::set_targets(std::vector<std::uint16_t> ports) {
  if (ports.empty()) throw std::invalid_argument("FaultProxy needs at least one target port");
  std::lock_guard<std::mutex> lk(targets_mu_);
  targets_ = std::move(ports);
  next_target_ = 0;
}

std::uint64_t FaultProxy::connections_to(std::uint16_t port) const {
  std::lock_guard<std::mutex> lk(targets_mu_);
  auto it = per_target_.find(port);
  return it == per_target_.end() ? 0 : it->second;
}

void FaultProxy::set_mode(Mode m) {
  mode_.store(m);
  if (m == Mode::drop) kill_all_and_wait();
}

void FaultProxy::cut() {
  mode_.store(Mode::pass);
  kill_all_and_wait();
}

bool FaultProxy::should_kill(std::uint64_t generation) const {
  return stopping_.load() || mode_.load() == Mode::drop || cut_generation_.load() > generation;
}

void FaultProxy::kill_all_and_wait() {
  std::unique_lock<std::mutex> lk(mu_);
  const std::uint64_t g = ++cut_generation_;
  conn_done_cv_.wait_for(lk, kKillWait, [&] {
    for (const auto& c : conns_) {
      if (c->generation < g && !c->done) return false;
    }
    return true;
  });
}

void FaultProxy::reap_finished() {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if ((*it)->done) {
      // The thread set `done` as its last action under mu_, so it is exiting
      // and join() cannot deadlock on mu_.
      if ((*it)->thread.joinable()) (*it)->thread.join();
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void FaultProxy::accept_loop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, kPollMs);
    {
      std::lock_guard<std::mutex> lk(mu_);
      reap_finished();
    }
    if (r <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;
    accepted_.fetch_add(1);
    if (mode_.load() == Mode::drop || stopping_.load()) {
      abort_close(fd);
      continue;
    }
    set_nodelay(fd);
    std::lock_guard<std::mutex> lk(mu_);
    auto c = std::make_unique<Conn>();
    c->client_fd = fd;
    c->generation = cut_generation_.load();
    Conn* raw = c.get();
    try {
      raw->thread = std::thread(&FaultProxy::serve, this, raw, raw->generation);
    } catch (const std::system_error&) {
      abort_close(fd);
      continue;
    }
    conns_.push_back(std::move(c));
  }
}

int FaultProxy::connect_target(std::uint16_t port, std::uint64_t generation) {
  // Non-blocking, bounded, interruptible.
  int tfd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (tfd < 0) return -1;
  sockaddr_in a = loopback(port);
  int r = ::connect(tfd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (r != 0 && errno != EINPROGRESS && errno != EINTR) {
    ::close(tfd);
    return -1;
  }
  if (r != 0) {
    const auto deadline = std::chrono::steady_clock::now() + kConnectTimeout;
    for (;;) {
      if (should_kill(generation) || std::chrono::steady_clock::now() > deadline) {
        ::close(tfd);
        return -1;
      }
      pollfd p{tfd, POLLOUT, 0};
      int pr = ::poll(&p, 1, kPollMs);
      if (pr > 0) break;
      if (pr < 0 && errno != EINTR) {
        ::close(tfd);
        return -1;
      }
    }
    int err = 0;
    socklen_t elen = sizeof err;
    if (::getsockopt(tfd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
      ::close(tfd);
      return -1;
    }
  }
  return tfd;
}

int FaultProxy::connect_any(std::uint64_t generation) {
  std::vector<std::uint16_t> order;
  {
    std::lock_guard<std::mutex> lk(targets_mu_);
    const std::size_t n = targets_.size();
    const std::size_t first = static_cast<std::size_t>(next_target_++ % n);
    for (std::size_t i = 0; i < n; ++i) order.push_back(targets_[(first + i) % n]);
  }
  for (auto port : order) {
    if (should_kill(generation)) return -1;
    int fd = connect_target(port, generation);
    if (fd >= 0) {
      std::lock_guard<std::mutex> lk(targets_mu_);
      ++per_target_[port];
      return fd;
    }
  }
  return -1;
}

void FaultProxy::serve(Conn* c, std::uint64_t generation) {
  const int cfd = c->client_fd;
  int tfd = -1;
  auto finish = [&](bool abortive) {
    if (abortive) {
      abort_close(cfd);
      abort_close(tfd);
    } else {
      ::close(cfd);
      if (tfd >= 0) ::close(tfd);
    }
    std::lock_guard<std::mutex> lk(mu_);
    c->done = true;
    conn_done_cv_.notify_all();
  };

  // While stalled, do not even connect to the target.
  while (mode_.load() == Mode::stall) {
    if (should_kill(generation)) return finish(true);
    ::poll(nullptr, 0, kPollMs);
  }
  if (should_kill(generation)) return finish(true);

  tfd = connect_any(generation);
  if (tfd < 0) return finish(true);  // every target refused: close the client side
  set_nodelay(tfd);

  Pipe up;  // client -> target
  up.from = cfd;
  up.to = tfd;
  Pipe down;  // target -> client
  down.from = tfd;
  down.to = cfd;

  for (;;) {
    if (should_kill(generation)) return finish(true);
    if (up.finished() && down.finished()) return finish(false);
    if (mode_.load() == Mode::stall) {
      ::poll(nullptr, 0, kPollMs);  // leave bytes in the kernel buffers
      continue;
    }

    pollfd fds[2];
    fds[0].fd = cfd;
    fds[0].events =
        static_cast<short>((up.wants_read() ? POLLIN : 0) | (down.wants_write() ? POLLOUT : 0));
    fds[1].fd = tfd;
    fds[1].events =
        static_cast<short>((down.wants_read() ? POLLIN : 0) | (up.wants_write() ? POLLOUT : 0));
    for (auto& f : fds) {
      f.revents = 0;
      if (f.events == 0) f.fd = -1;  // ignored by poll; avoids spinning on POLLHUP
    }
    int r = ::poll(fds, 2, kPollMs);
    if (r < 0) {
      if (errno == EINTR) continue;
      return finish(true);
    }
    if (r == 0) continue;
    // A stall (or kill) that arrived while polling must win over forwarding.
    if (mode_.load() == Mode::stall || should_kill(generation)) continue;

    auto step = [&](Pipe& p, short from_rev, short to_rev) -> bool {
      constexpr short kReady = POLLIN | POLLHUP | POLLERR;
      if (p.wants_read() && (from_rev & kReady)) {
        ssize_t n = ::recv(p.from, p.buf.data(), p.buf.size(), 0);
        if (n > 0) {
          p.off = 0;
          p.len = static_cast<std::size_t>(n);
        } else if (n == 0) {
          p.eof = true;
        } else if (!transient(errno)) {
          return false;
        }
      }
      if (p.wants_write() && (to_rev & (POLLOUT | POLLHUP | POLLERR))) {
        ssize_t n = ::send(p.to, p.buf.data() + p.off, p.len - p.off, MSG_NOSIGNAL);
        if (n > 0) {
          p.off += static_cast<std::size_t>(n);
          forwarded_.fetch_add(static_cast<std::uint64_t>(n));
          if (p.off == p.len) p.off = p.len = 0;
        } else if (n < 0 && !transient(errno)) {
          return false;
        }
      }
      if (p.eof && !p.wants_write() && !p.shut) {
        ::shutdown(p.to, SHUT_WR);
        p.shut = true;
      }
      return true;
    };
    if (!step(up, fds[0].revents, fds[1].revents)) return finish(true);
    if (!step(down, fds[1].revents, fds[0].revents)) return finish(true);
  }
}

void FaultProxy::start_chaos(std::chrono::milliseconds period, unsigned seed) {
  start_chaos(period, seed, ChaosWeights{});
}

void FaultProxy::start_chaos(std::chrono::milliseconds period, unsigned seed,
                             ChaosWeights weights) {
  std::lock_guard<std::mutex> outer(chaos_mu_);
  if (chaos_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lk(chaos_wait_mu_);
      chaos_stop_ = true;
    }
    chaos_cv_.notify_all();
    chaos_thread_.join();
  }
  {
    std::lock_guard<std::mutex> lk(chaos_wait_mu_);
    chaos_stop_ = false;
  }
  if (period.count() <= 0) period = std::chrono::milliseconds(1);
  chaos_thread_ = std::thread([this, period, seed, weights] {
    // mt19937's output sequence is fixed by the standard (distributions are
    // not), so draw with plain modulo to keep the action sequence portable.
    std::mt19937 rng(seed);
    const unsigned total = weights.pass + weights.drop + weights.stall + weights.cut;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(chaos_wait_mu_);
        if (chaos_cv_.wait_for(lk, period, [&] { return chaos_stop_; })) return;
      }
      unsigned x = total == 0 ? 0 : static_cast<unsigned>(rng() % total);
      if (total == 0 || x < weights.pass) {
        set_mode(Mode::pass);
      } else if ((x -= weights.pass) < weights.drop) {
        set_mode(Mode::drop);
      } else if ((x -= weights.drop) < weights.stall) {
        set_mode(Mode::stall);
      } else {
        cut();
      }
    }
  });
}

void FaultProxy::stop_chaos() {
  {
    std::lock_guard<std::mutex> outer(chaos_mu_);
    if (chaos_thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lk(chaos_wait_mu_);
        chaos_stop_ = true;
      }
      chaos_cv_.notify_all();
      chaos_thread_.join();
    }
  }
  set_mode(Mode::pass);
}

}  // namespace hotline::testing
