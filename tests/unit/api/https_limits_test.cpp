// What a stranger or one slow peer may cost a listener (issue #17), against
// a real net::HttpsServer over real TLS on loopback: failed handshakes per
// source address, handlers off the I/O threads with a per-client bound, and
// 500 answers without internal detail.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "hotline/common/error.h"
#include "hotline/net/https_client.h"
#include "hotline/net/https_server.h"
#include "hotline/net/source_limiter.h"
#include "hotline/tls/tls.h"
#include "test_seeds.h"

namespace hotline::net {
namespace https_limits_test {

using namespace std::chrono_literals;
using tls::Ed25519PublicKey;
using tls::Ed25519Seed;

using test::seed_of;

// A TCP connection from `source` (any 127.x.y.z is loopback on Linux) that
// sends bytes which are no TLS handshake. Returns what the server answered
// before closing (a TLS alert when it tried a handshake, nothing when it
// closed the connection unread).
std::string garbage_from(const char* source, std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    const char hello[] = "\x16\x03\x01\x00\x05hello";  // a TLS record, not a ClientHello
    (void)::send(fd, hello, sizeof hello - 1, MSG_NOSIGNAL);
    char buf[256];
    for (int i = 0; i < 10; ++i) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

class Limits : public ::testing::Test {
 protected:
  Ed25519Seed server_seed = seed_of(1);
  Ed25519PublicKey server_pub = tls::ed25519_public_key(server_seed);
  Ed25519Seed slow_seed = seed_of(2), quick_seed = seed_of(3);
  std::shared_ptr<tls::PeerKeySet> allowed = std::make_shared<tls::PeerKeySet>();

  void SetUp() override {
    allowed->allow(tls::ed25519_public_key(slow_seed));
    allowed->allow(tls::ed25519_public_key(quick_seed));
  }

  std::unique_ptr<HttpsServer> start(ServerOptions opts, Handler handler) {
    opts.name = "peer";
    opts.port = 0;
    opts.stop_timeout = 5s;
    auto server = std::make_unique<HttpsServer>(
        tls::peer_server_context(server_seed, "server party", allowed), opts, std::move(handler));
    server->start();
    return server;
  }

  std::unique_ptr<HttpsClient> client(const Ed25519Seed& seed, std::uint16_t port) {
    ClientOptions co;
    co.connect_timeout = 5s;
    co.read_timeout = 10s;
    return std::make_unique<HttpsClient>(tls::peer_client_context(seed, "client", server_pub),
                                         "127.0.0.1", port, co);
  }

  static HttpRequest post(std::string target) {
    HttpRequest r;
    r.method = "POST";
    r.target = std::move(target);
    r.body = "{}";
    return r;
  }
};

// A source that keeps failing handshakes is cut off after its burst: its
// connections are closed before any TLS work. Another source (a configured
// peer) is not affected, and the log does not get a line per failure.
TEST_F(Limits, FailedHandshakesAreLimitedPerSource) {
  ServerOptions opts;
  opts.limits.failed_handshakes_per_second = 0.1;
  opts.limits.failed_handshake_burst = 5;
  auto server = start(opts, [](const HttpRequest&) { return HttpResponse{}; });
  int answered = 0;
  for (int i = 0; i < 40; ++i) {
    if (!garbage_from("127.0.0.2", server->port()).empty()) ++answered;
  }
  EXPECT_LE(answered, 6) << "every connection of the stranger got TLS work";
  auto stats = server->stats();
  EXPECT_LE(stats.handshakes_failed, 6u);
  EXPECT_GE(stats.handshakes_refused, 34u);
  // A configured peer on another address gets in at once.
  EXPECT_EQ(client(quick_seed, server->port())->request(post("/v1/envelopes")).status, 200);
}

// One peer whose requests block (a batch waiting for its turn) holds at
// most max_handlers_per_client handler threads; the others' requests are
// served meanwhile, even with a single I/O thread, and one request too many
// of the slow peer is answered 503 at once.
TEST_F(Limits, ASlowPeerDoesNotHoldUpTheOthers) {
  const auto slow_key = tls::ed25519_public_key(slow_seed);
  std::atomic<bool> release{false};
  ServerOptions opts;
  opts.threads = 1;
  opts.handler_threads = 4;
  opts.max_handlers_per_client = 2;
  auto server = start(opts, [&](const HttpRequest& r) {
    if (r.peer_key && *r.peer_key == slow_key) {
      for (int i = 0; i < 500 && !release; ++i) std::this_thread::sleep_for(10ms);
    }
    return HttpResponse{};
  });
  const auto port = server->port();
  auto a1 = client(slow_seed, port), a2 = client(slow_seed, port), a3 = client(slow_seed, port);
  auto f1 = std::async(std::launch::async, [&] { return a1->request(post("/v1/envelopes")); });
  auto f2 = std::async(std::launch::async, [&] { return a2->request(post("/v1/envelopes")); });
  std::this_thread::sleep_for(300ms);  // both are in their handlers

  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(a3->request(post("/v1/envelopes")).status, 503);
  auto quick = client(quick_seed, port);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(quick->request(post("/v1/envelopes")).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "the slow peer held the others up";

  release = true;
  EXPECT_EQ(f1.get().status, 200);
  EXPECT_EQ(f2.get().status, 200);
}

// A handler's internal error reaches the client as its stable code and a
// generic message; the detail (here a local path) stays in our log.
TEST_F(Limits, InternalErrorsCarryNoDetail) {
  auto server = start(ServerOptions{}, [](const HttpRequest&) -> HttpResponse {
    throw Error(ErrorCategory::internal, "vault_io",
                "cannot open /var/lib/hotline/secret-office/attachments/x.part");
  });
  auto r = client(quick_seed, server->port())->request(post("/v1/envelopes"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("vault_io"), std::string::npos) << r.body;
}

TEST(SourceLimiter, BurstThenRateThenRefill) {
  SourceLimiter lim(2.0, 3.0, 4);
  auto t = SourceLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(lim.allowed("a", t));
    lim.spend("a", t);
  }
  EXPECT_FALSE(lim.allowed("a", t));
  EXPECT_TRUE(lim.allowed("b", t)) << "another source has its own bucket";
  EXPECT_TRUE(lim.allowed("a", t + 500ms)) << "one token back after 1/rate";
  // The table is bounded, whatever the number of sources.
  for (int i = 0; i < 100; ++i) lim.spend("s" + std::to_string(i), t);
  EXPECT_LE(lim.tracked(), 4u);
}

TEST(LogPacer, OneLinePerIntervalWithTheCount) {
  LogPacer pacer(10s);
  auto t = std::chrono::steady_clock::now();
  std::uint64_t n = 99;
  EXPECT_TRUE(pacer.due(t, n));
  EXPECT_EQ(n, 0u);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(pacer.due(t + 1s, n));
  EXPECT_TRUE(pacer.due(t + 11s, n));
  EXPECT_EQ(n, 1000u);
}

}  // namespace https_limits_test
}  // namespace hotline::net
