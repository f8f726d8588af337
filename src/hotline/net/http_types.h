// Plain HTTP request and response values passed between the HTTPS server or
// client (which hide Boost.Beast) and the code that routes and answers.
// Nothing here depends on Boost, so route handlers and their tests compile
// quickly.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace hotline::net {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin-form, e.g. "/v1/alerts?since=3"
  // Header names in lower case. A repeated header's values are joined with
  // ", " (RFC 9110 section 5.3).
  std::map<std::string, std::string> headers;
  std::string body;
  // Server side, peer listener: the Ed25519 key the mutual-TLS peer proved it
  // holds (already checked against the allowed set). Empty for operators.
  std::optional<std::array<std::uint8_t, 32>> peer_key;
  std::string remote_address;  // "127.0.0.1:53122" (server side)
};

// A response body produced over time (Server-Sent Events). The server
// writes the status line and headers (no Content-Length; the connection
// closes when the stream ends), then `body` if any, then calls next() every
// poll_interval on one of its threads and writes what it returns at once
// (empty: nothing new). Before the first next() it hands the stream a waker
// (set_waker): calling it makes the server call next() soon instead of at
// the end of the interval, so a stream that learns of news from elsewhere
// (the store's new events) need not poll often. The stream ends when next() returns nullopt, the
// client goes away, or the server stops. next() must not block for long.
// next() throwing also ends it (logged). The server adds
// "Cache-Control: no-store" unless `headers` has one, and drops any
// Content-Length/Transfer-Encoding there. A HEAD request gets the headers
// only (next() is never called). Past ServerLimits::max_streams open
// streams, the client gets 503 too_many_streams instead.
struct BodyStream {
  virtual ~BodyStream() = default;
  virtual std::optional<std::string> next() = 0;
  // `wake` is thread-safe: any thread may call it, any number of times,
  // also after the stream ended (it then does nothing). Called once, on a
  // server thread. The default ignores it (the stream is polled).
  virtual void set_waker(std::function<void()> wake) { (void)wake; }
  std::chrono::milliseconds poll_interval{250};
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;  // extra headers; names as given
  std::string body;
  std::shared_ptr<BodyStream> stream;  // set: a streamed response (above)
};

// {"error":{"code":..,"message":..}} with the given status. `code` is a
// stable lower_snake_case identifier, `message` is for a human.
HttpResponse json_error(int status, std::string code, std::string message);

}  // namespace hotline::net
