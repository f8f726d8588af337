// Tests for the test-support FaultProxy (tests/support/fault_proxy.h).
#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace hotline::testing {
namespace fault_proxy_test {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Owns a socket fd.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// Blocking connect to 127.0.0.1:port with a receive/send timeout set; invalid Fd on failure.
Fd connect_to(std::uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return fd;
  timeval tv{};
  tv.tv_sec = 2;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a = loopback(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) fd.reset();
  return fd;
}

bool send_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool send_all(int fd, const std::string& s) {
  return send_all(fd, s.data(), s.size());
}

enum class RecvResult { ok, closed, timeout };

// Reads exactly n bytes into out within `timeout`.  `closed` means EOF or a
// socket error (e.g. ECONNRESET) happened first.
RecvResult recv_exact(int fd, std::size_t n, std::string& out, std::chrono::milliseconds timeout) {
  out.clear();
  const auto deadline = Clock::now() + timeout;
  char buf[16384];
  while (out.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return RecvResult::timeout;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return RecvResult::closed;
    if (r == 0) return RecvResult::timeout;
    ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return RecvResult::closed;
    out.append(buf, static_cast<std::size_t>(got));
  }
  return RecvResult::ok;
}

// Waits up to `timeout` for the peer to close (EOF or error); true if it did.
bool sees_close(int fd, std::chrono::milliseconds timeout) {
  std::string ignored;
  const auto deadline = Clock::now() + timeout;
  for (int i = 0; i < 1000 && Clock::now() < deadline; ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    RecvResult r = recv_exact(fd, 1, ignored, std::max(left, 1ms));
    if (r == RecvResult::closed) return true;
    if (r == RecvResult::timeout) return false;
  }
  return false;
}

// A tiny multi-connection echo server on 127.0.0.1:0.
class EchoServer {
 public:
  EchoServer() {
    listen_fd_ = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    int one = 1;
    ::setsockopt(listen_fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = loopback(0);
    socklen_t alen = sizeof a;
    if (::bind(listen_fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_.get(), 64) != 0 ||
        ::getsockname(listen_fd_.get(), reinterpret_cast<sockaddr*>(&a), &alen) != 0) {
      throw std::runtime_error("echo server setup failed");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~EchoServer() {
    stop_.store(true);
    thread_.join();
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& t : workers_) t.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  void run() {
    while (!stop_.load()) {
      pollfd p{listen_fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lk(mu_);
      workers_.emplace_back([this, fd] { echo(Fd(fd)); });
    }
  }
  void echo(Fd fd) {
    char buf[16384];
    while (!stop_.load()) {
      pollfd p{fd.get(), POLLIN, 0};
      int r = ::poll(&p, 1, 20);
      if (r == 0 || (r < 0 && errno == EINTR)) continue;
      if (r < 0) return;
      ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      if (!send_all(fd.get(), buf, static_cast<std::size_t>(n))) return;
    }
  }

  Fd listen_fd_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

// Polls `pred` for up to `timeout`; the proxy updates its counters just after
// a send() returns, so the peer can see the bytes a moment before the count.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 1000ms) {
  const auto deadline = Clock::now() + timeout;
  for (int i = 0; i < 1000; ++i) {
    if (pred()) return true;
    if (Clock::now() > deadline) break;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

// One request/response through `port`; true if the echo came back intact.
bool round_trip(std::uint16_t port, const std::string& msg,
                std::chrono::milliseconds timeout = 2000ms) {
  Fd fd = connect_to(port);
  if (!fd.valid() || !send_all(fd.get(), msg)) return false;
  std::string got;
  return recv_exact(fd.get(), msg.size(), got, timeout) == RecvResult::ok && got == msg;
}

TEST(FaultProxy, BindsLoopbackAndStartsInPass) {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  EXPECT_NE(proxy.port(), 0);
  EXPECT_NE(proxy.port(), echo.port());
  EXPECT_EQ(proxy.mode(), FaultProxy::Mode::pass);
  EXPECT_EQ(proxy.connections_accepted(), 0u);
  EXPECT_TRUE(round_trip(proxy.port(), "hello"));
  EXPECT_EQ(proxy.connections_accepted(), 1u);
  EXPECT_TRUE(eventually([&] { return proxy.bytes_forwarded() == 10u; }))
      << proxy.bytes_forwarded();
}

TEST(FaultProxy, PassForwardsOneMebibyteBothWaysIntact) {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Fd fd = connect_to(proxy.port());
  ASSERT_TRUE(fd.valid());

  std::string payload(1 << 20, '\0');
  std::mt19937 rng(7);
  for (auto& ch : payload) ch = static_cast<char>(rng());

  std::atomic<bool> sent_ok{false};
  std::thread sender([&] { sent_ok.store(send_all(fd.get(), payload)); });
  std::string got;
  RecvResult r = recv_exact(fd.get(), payload.size(), got, 10000ms);
  sender.join();
  EXPECT_TRUE(sent_ok.load());
  ASSERT_EQ(r, RecvResult::ok);
  EXPECT_TRUE(got == payload) << "echoed bytes differ from sent bytes";
  EXPECT_TRUE(eventually([&] { return proxy.bytes_forwarded() == 2u * payload.size(); }))
      << proxy.bytes_forwarded();

  // Orderly half-close is propagated: shutting our write side makes the echo
  // server close, and we see EOF.
  ::shutdown(fd.get(), SHUT_WR);
  EXPECT_TRUE(sees_close(fd.get(), 2000ms));
}

TEST(FaultProxy, CutClosesLiveConnectionAndNextOneWorks) {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Fd fd = connect_to(proxy.port());
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(send_all(fd.get(), "ping"));
  std::string got;
  ASSERT_EQ(recv_exact(fd.get(), 4, got, 2000ms), RecvResult::ok);

  proxy.cut();
  EXPECT_EQ(proxy.mode(), FaultProxy::Mode::pass);
  EXPECT_TRUE(sees_close(fd.get(), 2000ms));

  EXPECT_TRUE(round_trip(proxy.port(), "after cut"));
  EXPECT_EQ(proxy.connections_accepted(), 2u);
}

TEST(FaultProxy, DropClosesAndRefusesThenPassWorksAgain) {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Fd live = connect_to(proxy.port());
  ASSERT_TRUE(live.valid());
  ASSERT_TRUE(send_all(live.get(), "x"));
  std::string got;
  ASSERT_EQ(recv_exact(live.get(), 1, got, 2000ms), RecvResult::ok);

  proxy.set_mode(FaultProxy::Mode::drop);
  EXPECT_EQ(proxy.mode(), FaultProxy::Mode::drop);
  EXPECT_TRUE(sees_close(live.get(), 2000ms));

  // New connections are accepted and immediately closed: no echo ever comes.
  for (int i = 0; i < 3; ++i) {
    Fd fd = connect_to(proxy.port());
    if (!fd.valid()) continue;  // refused outright is fine too
    (void)send_all(fd.get(), "y");
    EXPECT_TRUE(sees_close(fd.get(), 2000ms));
  }
  EXPECT_FALSE(round_trip(proxy.port(), "during drop", 500ms));

  proxy.set_mode(FaultProxy::Mode::pass);
  EXPECT_TRUE(round_trip(proxy.port(), "after drop"));
}

TEST(FaultProxy, StallHoldsBytesThenDeliversIntact) {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Fd fd = connect_to(proxy.port());
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(send_all(fd.get(), "warmup"));
  std::string got;
  ASSERT_EQ(recv_exact(fd.get(), 6, got, 2000ms), RecvResult::ok);

  ASSERT_TRUE(eventually([&] { return proxy.bytes_forwarded() == 12u; }));

  proxy.set_mode(FaultProxy::Mode::stall);
  const std::uint64_t before = proxy.bytes_forwarded();
  const std::string msg = "stalled message";
  ASSERT_TRUE(send_all(fd.get(), msg));
  EXPECT_EQ(recv_exact(fd.get(), msg.size(), got, 300ms), RecvResult::timeout);
  EXPECT_EQ(proxy.bytes_forwarded(), before);

  // A new connection made while stalled is accepted but not forwarded.
  Fd fd2 = connect_to(proxy.port());
  ASSERT_TRUE(fd2.valid());
  ASSERT_TRUE(send_all(fd2.get(), "second"));
  std::string got2;
  EXPECT_EQ(recv_exact(fd2.get(), 6, got2, 200ms), RecvResult::timeout);

  proxy.set_mode(FaultProxy::Mode::pass);
  ASSERT_EQ(recv_exact(fd.get(), msg.size(), got, 2000ms), RecvResult::ok);
  EXPECT_EQ(got, msg);
  ASSERT_EQ(recv_exact(fd2.get(), 6, got2, 2000ms), RecvResult::ok);
  EXPECT_EQ(got2, "second");
}

TEST(FaultProxy, SetTargetAndRefusedTarget) {
  EchoServer echo1;
  FaultProxy proxy(echo1.port());
  EXPECT_TRUE(round_trip(proxy.port(), "one"));

  // A port with nothing listening: bind, learn the port, close.
  std::uint16_t dead_port = 0;
  {
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a = loopback(0);
    socklen_t alen = sizeof a;
    ASSERT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &alen), 0);
    dead_port = ntohs(a.sin_port);
  }
  proxy.set_target(dead_port);
  Fd fd = connect_to(proxy.port());
  ASSERT_TRUE(fd.valid());
  EXPECT_TRUE(sees_close(fd.get(), 2000ms));

  EchoServer echo2;
  proxy.set_target(echo2.port());
  EXPECT_TRUE(round_trip(proxy.port(), "two"));
}

// Several targets: connections go round, and one whose target refuses goes
// to the next (the balancer in front of several serve processes).
TEST(FaultProxy, SeveralTargetsTakenInTurnWithFailover) {
  EchoServer echo1, echo2;
  std::uint16_t dead_port = 0;
  {
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a = loopback(0);
    socklen_t alen = sizeof a;
    ASSERT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &alen), 0);
    dead_port = ntohs(a.sin_port);
  }
  FaultProxy proxy(std::vector<std::uint16_t>{echo1.port(), dead_port, echo2.port()});
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(round_trip(proxy.port(), "ping " + std::to_string(i)));
  // Six connections over three targets, one dead: its turns went to echo2.
  EXPECT_EQ(proxy.connections_to(dead_port), 0u);
  EXPECT_EQ(proxy.connections_to(echo1.port()), 2u);
  EXPECT_EQ(proxy.connections_to(echo2.port()), 4u);

  // Every target dead: the client's connection is closed.
  proxy.set_targets({dead_port});
  Fd fd = connect_to(proxy.port());
  ASSERT_TRUE(fd.valid());
  EXPECT_TRUE(sees_close(fd.get(), 2000ms));
  EXPECT_THROW(proxy.set_targets({}), std::invalid_argument);
}

TEST(FaultProxy, ChaosDoesNotCrashOrHangAndEndsInPass) {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  proxy.start_chaos(50ms, 12345);

  const auto deadline = Clock::now() + 1000ms;
  int attempts = 0, successes = 0, failures = 0;
  bool saw_non_pass = false;
  for (; attempts < 20000 && Clock::now() < deadline; ++attempts) {
    if (proxy.mode() != FaultProxy::Mode::pass) saw_non_pass = true;
    Fd fd = connect_to(proxy.port());
    const std::string msg = "chaos " + std::to_string(attempts);
    std::string got;
    if (fd.valid() && send_all(fd.get(), msg) &&
        recv_exact(fd.get(), msg.size(), got, 100ms) == RecvResult::ok) {
      ++successes;
      // Never silently corrupted or reordered: what arrives is exactly what was sent.
      EXPECT_EQ(got, msg);
    } else {
      ++failures;
      std::this_thread::sleep_for(1ms);
    }
    if (proxy.mode() != FaultProxy::Mode::pass) saw_non_pass = true;
  }
  const auto stop_start = Clock::now();
  proxy.stop_chaos();
  EXPECT_LT(Clock::now() - stop_start, 2500ms);
  EXPECT_EQ(proxy.mode(), FaultProxy::Mode::pass);
  EXPECT_TRUE(saw_non_pass);
  EXPECT_GT(attempts, 0);
  EXPECT_GT(proxy.connections_accepted(), 0u);
  EXPECT_TRUE(round_trip(proxy.port(), "after chaos"));
  EXPECT_EQ(successes + failures, attempts);
  std::printf("chaos: %d attempts, %d ok, %d failed, %llu accepted\n", attempts, successes,
              failures, static_cast<unsigned long long>(proxy.connections_accepted()));
}

TEST(FaultProxy, DestructorWithLiveConnectionsReturnsPromptly) {
  EchoServer echo;
  std::vector<Fd> clients;
  auto proxy = std::make_unique<FaultProxy>(echo.port());
  for (int i = 0; i < 4; ++i) {
    Fd fd = connect_to(proxy->port());
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(send_all(fd.get(), "hi"));
    std::string got;
    ASSERT_EQ(recv_exact(fd.get(), 2, got, 2000ms), RecvResult::ok);
    clients.push_back(std::move(fd));
  }
  proxy->set_mode(FaultProxy::Mode::stall);
  Fd stalled = connect_to(proxy->port());  // accepted, never connected onward
  ASSERT_TRUE(stalled.valid());
  ASSERT_TRUE(send_all(clients[0].get(), "pending"));
  proxy->start_chaos(20ms, 1);

  const auto start = Clock::now();
  proxy.reset();
  EXPECT_LT(Clock::now() - start, 2000ms);
  for (auto& fd : clients) EXPECT_TRUE(sees_close(fd.get(), 1000ms));
}

}  // namespace fault_proxy_test
}  // namespace hotline::testing
