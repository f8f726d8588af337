// HttpsServer: HTTP/1.1 over TLS for Hotline's listeners (operators, peers).
//
// One coroutine per connection (as in Boost.Beast's examples), on an
// io_context and thread pool owned by the server, so two servers in one
// process (operator and peer listener) do not share or starve each other.
// Handlers are plain synchronous functions over the Beast-free values in
// http_types.h; Boost stays inside https_server.cpp, which keeps the costly
// Beast compile in one translation unit.
//
// A handler runs on one of the server's threads and may block (a database
// transaction); size `threads` for the expected concurrency.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hotline/net/http_types.h"
#include "hotline/tls/context.h"

namespace hotline::net {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerLimits {
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // larger: 413, connection closed
  // Optional: a smaller limit for a given method and target (e.g. JSON
  // routes beside a file upload), checked before the body is read.
  std::function<std::size_t(const std::string& method, const std::string& target)> body_limit_for;
  std::uint32_t max_header_bytes = 16 * 1024;  // larger: 431, connection closed
  // How long a connection may sit without a complete request (covers both an
  // idle keep-alive connection and a slow sender) before it is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  // Per write, including each write of a streamed response: a client that
  // stops reading for this long is dropped.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  // Failed TLS handshakes a source may cost (a stranger trying one
  // throwaway key after another): a token bucket per source (IPv4 address
  // or IPv6 /64, common/ip_address.h), `burst`
  // failures at once and `per_second` more after that. A source without a
  // token is disconnected before any TLS work until it earns one back; a
  // client that completes its handshakes (a configured peer) never runs
  // short. per_second <= 0: no limit. The log shows failed and refused
  // handshakes at most once per 10 s per listener, with counts.
  double failed_handshakes_per_second = 0;
  double failed_handshake_burst = 20;
  // Streamed responses (HttpResponse::stream) open at once; one more gets
  // 503 too_many_streams instead. Each open stream holds a connection.
  std::size_t max_streams = 64;
  // Optional: called with a request that has a body to come, as soon as
  // its header is read (HttpRequest::body empty): before "100 Continue",
  // before body_limit_for, before any byte of the body is read. A response
  // it returns is sent at once and the connection closed, the body never
  // read (the operators' API refuses a missing or bad credential here). It
  // runs on an I/O thread: it must be quick.
  std::function<std::optional<HttpResponse>(const HttpRequest& head)> check_head;
  // Connections open at once, in all and per source (IPv4 address or IPv6
  // /64, common/ip_address.h); 0: no limit. One more is closed right after
  // it is accepted, before the TLS handshake, so that idle connections cost
  // a bounded amount of memory (about 80 KiB each once TLS is set up).
  std::size_t max_connections = 0;
  std::size_t max_connections_per_source = 0;
  // Optional: requests whose handler is slow on purpose (password hashing)
  // run on a pool of `offload_threads` threads of their own, so that the
  // I/O threads go on serving the others; at most `offload_queue` more
  // wait. Beyond that: 503 server_busy with Retry-After, at once.
  std::function<bool(const std::string& method, const std::string& target)> offload;
  int offload_threads = 1;
  std::size_t offload_queue = 8;
};

struct ServerOptions {
  std::string name = "operator";  // appears in logs as listener=NAME
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks a free port, see port()
  int threads = 2;
  // Each connection stays on one thread (an io_context per thread, the
  // connections dealt in turn) instead of being served by whichever thread
  // is free. It saves the thread hand-offs of a shared pool (~8 % more
  // requests per second through the operators' API, docs/benchmarks-history.md),
  // but a handler that blocks also holds up the other connections of its
  // thread. Not for a listener whose handlers wait for one another (the
  // peer listener's batches wait for their turn, link/receive_order.h).
  bool pin_connections = false;
  // > 0: handlers run on a pool of this many threads of their own, not on
  // the I/O threads, so that a handler that blocks (a batch waiting for its
  // turn) holds up neither the handshakes nor the other clients' requests.
  int handler_threads = 0;
  // With handler_threads: how many requests of one client (its TLS key, or
  // its address without one) may be handled at once; one more is answered
  // 503 "busy" at once. 0: no cap. Keep it below handler_threads so that
  // one slow client leaves threads for the others.
  std::size_t max_handlers_per_client = 0;
  ServerLimits limits;
  // Headers added to every response this listener sends, the handler's and
  // its own refusals (413, 431, 503 ...) alike, unless the response names
  // the header itself: the operators' listener's security headers
  // (api/static_files.h).
  std::vector<std::pair<std::string, std::string>> response_headers;
  // stop() waits this long for in-flight requests to finish.
  std::chrono::milliseconds stop_timeout{std::chrono::seconds(5)};
};

class HttpsServer {
 public:
  // `tls` is a server context from hotline/tls (operator_server_context or
  // peer_server_context). On a context that verifies client certificates,
  // each request carries the peer's Ed25519 key in HttpRequest::peer_key.
  HttpsServer(tls::Context tls, ServerOptions options, Handler handler);
  ~HttpsServer();  // stop()s

  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // New connections use `tls` from now on (a renewed certificate); those
  // in progress finish with the context they began with. Thread-safe.
  void replace_tls(tls::Context tls);

  // Binds, listens and starts the threads. Throws Error "listen_failed" when
  // the address cannot be bound (in use, not local, no permission).
  void start();

  // Graceful and idempotent: stops accepting, closes connections waiting for
  // a request, ends streamed responses (at once, not at their next poll),
  // lets in-flight requests finish (answered with "Connection: close"), and
  // returns once all connections are gone or after options.stop_timeout. A
  // handler still running then is not interrupted: stop() waits for it to
  // return before joining the threads.
  void stop();

  // The bound port (useful with port 0); 0 before start().
  std::uint16_t port() const;

  struct Stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t handshakes_failed = 0;
    std::uint64_t handshakes_refused = 0;  // closed unread: the source was over its limit
    std::uint64_t requests = 0;
    std::size_t open_connections = 0;
    std::size_t open_streams = 0;           // streamed responses being sent now
    std::uint64_t connections_refused = 0;  // over max_connections(_per_source)
    std::uint64_t offload_refused = 0;      // 503 server_busy
    std::size_t offload_pending = 0;        // offloaded handlers running or queued
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::net
