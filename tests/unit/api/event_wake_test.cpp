// GET /v1/events as a Server-Sent Events stream over a real HTTPS listener,
// with the streams' own poll set to an hour: an event reaches the stream
// only because the API's EventWatch (store::Store::wait_for_events) woke
// it. A second OperatorApi over a second Store of the same node (a second
// `hotline serve` process) streams the events the first one's store
// committed, and resumes after a Last-Event-ID the first one handed out.
// No timed assertion: the reads only guard against a hang; the time from
// the commit to the event on the wire is printed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "api_test_util.h"
#include "hotline/net/https_server.h"
#include "hotline/service/link_support.h"
#include "hotline/tls/tls.h"

namespace hotline::api {
namespace event_wake_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A TLS client that reads a streamed answer as it comes.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& request) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // loopback, a certificate just made
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{0, 100 * 1000};  // a read returns after 100 ms at the latest
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    ok_ = ok_ && SSL_connect(ssl_) == 1 &&
          SSL_write(ssl_, request.data(), static_cast<int>(request.size())) ==
              static_cast<int>(request.size());
  }
  ~SseClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  bool ok() const { return ok_; }
  // Reads until `needle` arrived (true), or the guard passed.
  bool read_until(const std::string& needle, std::chrono::milliseconds guard = 30s) {
    const auto deadline = Clock::now() + guard;
    char buf[4096];
    while (text_.find(needle) == std::string::npos && Clock::now() < deadline) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) text_.append(buf, static_cast<std::size_t>(n));
      ERR_clear_error();
    }
    return text_.find(needle) != std::string::npos;
  }
  const std::string& text() const { return text_; }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool ok_ = false;
  std::string text_;
};

// An OperatorApi on a real HTTPS listener.
class Listener {
 public:
  Listener(const std::filesystem::path& dir, OperatorApi& api) {
    tls::generate_operator_certificate("Test Party", dir / "op.crt", dir / "op.key");
    net::ServerOptions opts;
    opts.port = 0;
    opts.stop_timeout = 3s;
    server_ = std::make_unique<net::HttpsServer>(
        tls::operator_server_context(dir / "op.crt", dir / "op.key"), opts,
        [&api](const net::HttpRequest& r) { return api.handle(r); });
    server_->start();
  }
  ~Listener() { server_->stop(); }
  std::uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<net::HttpsServer> server_;
};

std::string stream_request(const std::string& token, const std::string& last_event_id = "") {
  std::string r =
      "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
      "Authorization: Bearer " +
      token + "\r\n";
  if (!last_event_id.empty()) r += "Last-Event-ID: " + last_event_id + "\r\n";
  return r + "\r\n";
}

std::int64_t record(store::Store& store, const std::string& detail) {
  return store.transact([&](store::Transaction& tx) {
    return service::record_event(tx, now_ms(), "link_reachable", "", detail);
  });
}

OperatorApiOptions slow_poll() {
  auto o = testing::ApiWorld::default_options();
  o.event_poll = std::chrono::hours(1);  // the streams never poll during the test
  return o;
}

TEST(EventWake, TheStreamIsWokenByTheStoresNewEventsNotItsPoll) {
  testing::ApiWorld world(slow_poll());
  hotline::testing::ScratchDir certs;
  Listener listener(certs.path(), world.api());
  SseClient client(listener.port(), stream_request(world.role("operator").token));
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.read_until("retry: 3000")) << client.text();
  for (int i = 0; i < 3; ++i) {
    const std::string detail = "wake number " + std::to_string(i);
    const auto t0 = Clock::now();
    const auto id = record(world.store(), detail);
    ASSERT_TRUE(client.read_until(detail)) << client.text();
    std::printf("[event_wake] event %lld on the stream %.1f ms after its commit\n",
                static_cast<long long>(id),
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    EXPECT_NE(client.text().find("id: " + std::to_string(id) + "\n"), std::string::npos);
  }
}

TEST(EventWake, AnotherProcessStreamsAndResumesAfterLastEventId) {
  testing::ApiWorld world(slow_poll());
  // The second process: its own Store on the node's database, its own API.
  service::Node second = service::open_node(world.dir() / "alpha");
  OperatorApi second_api(second, slow_poll());
  hotline::testing::ScratchDir certs;
  Listener listener(certs.path(), second_api);

  const auto seen = record(world.store(), "seen before the reconnect");
  record(world.store(), "missed while away");
  SseClient client(listener.port(),
                   stream_request(world.role("operator").token, std::to_string(seen)));
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.read_until("missed while away")) << client.text();
  EXPECT_EQ(client.text().find("seen before the reconnect"), std::string::npos) << client.text();
  // Committed by the first process's store, streamed by the second's API.
  const auto t0 = Clock::now();
  record(world.store(), "committed by the first");
  ASSERT_TRUE(client.read_until("committed by the first")) << client.text();
  std::printf("[event_wake] across two stores of one node: %.1f ms\n",
              std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
}

}  // namespace event_wake_test
}  // namespace hotline::api
