// HttpsClient: a small synchronous HTTPS/1.1 client with keep-alive.
//
// Used by the delivery worker to send envelopes to a peer (mutual TLS, the
// peer's Ed25519 key pinned) and by the CLI and tests to talk to the
// operators' listener. One client is one connection to one host:port, used by
// one thread at a time; it reconnects when the server dropped the connection.
//
// Failures throw hotline::Error with a code the caller can act on:
//   link_unreachable  TCP connect failed (refused, no route, unresolvable)
//   link_timeout      connect, handshake, or response exceeded its timeout
//   tls_refused       the TLS session failed: our pin rejected the server
//                     (the message names the presented and expected keys),
//                     or the server rejected us (e.g. our key is unknown)
//   link_broken       the connection dropped mid-exchange
//   link_protocol_error  the reply was not valid HTTP, or too large
//
// A request that fails on a reused keep-alive connection before any byte of
// the response arrived is retried once on a fresh connection (the server may
// have closed the idle connection just as we sent). Requests must therefore be
// idempotent, as Hotline's envelope deliveries are.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "hotline/net/http_types.h"
#include "hotline/tls/context.h"

namespace hotline::net {

using tls::ClientTlsConfig;

struct ClientOptions {
  // Name resolution (for IP literals there is none), TCP connect and the TLS
  // handshake, each.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  // Writing one request and reading its whole response.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  std::size_t max_response_bytes = 64 * 1024 * 1024;
};

class HttpsClient {
 public:
  HttpsClient(ClientTlsConfig config, std::string host, std::uint16_t port,
              ClientOptions options = {});
  // With a ready context (e.g. tls::peer_client_context, or one a test made).
  HttpsClient(tls::Context context, std::string host, std::uint16_t port,
              ClientOptions options = {});
  ~HttpsClient();

  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends method, target, headers and body of `request` (a Host header is
  // added unless present; peer_key and remote_address are ignored) and
  // returns the response with lower-case header names; content_type is taken
  // from Content-Type. Any HTTP status is a normal return.
  HttpResponse request(const HttpRequest& request);

  // Drops the connection (the next request opens a new one).
  void close();

  bool connected() const;
  // How many connections this client has opened so far.
  std::uint64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::net
