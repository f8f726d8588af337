// The operators' HTTP API (JSON): what the web app, scripts and the CLI's
// --url mode use. docs/api/openapi.yaml describes every route; this class
// routes a request to its handler after the checks every route shares:
//
//   1. the path is known (404 not_found) and the method allowed (405, Allow);
//   2. credentials: "Authorization: Bearer hl_…" (an API token) or the
//      session cookie "__Host-hotline_session" (a browser); none or a bad one: 401;
//   3. with a session, a change (POST, PUT, PATCH, DELETE) must carry the
//      session's CSRF token in "X-CSRF-Token" (403 csrf_failed): a page of
//      another site can make the browser send the cookie, but cannot read
//      the token;
//   4. rate: each credential may make `requests.burst` requests at once,
//      refilled at one per `requests.refill_every` (429 rate_limited, with
//      Retry-After); failed sign-ins and bad credentials count against the
//      client's address (service::LoginRateLimiter);
//   5. permission (403 forbidden), see service/user_service.h's table;
//   6. a JSON body at most max_json_bytes (413 payload_too_large).
//
// Every response carries Cache-Control: no-store,
// X-Content-Type-Options: nosniff and Strict-Transport-Security (the
// listener speaks only HTTPS; browsers then never try plain HTTP). Errors are
// {"error":{"code","message"}}.
//
// Ownership and threads: the caller (`hotline serve`, tests, benchmarks)
// owns the OperatorApi; `node` (its store and vault) must outlive it, and
// it must outlive the server whose handler calls handle() (stop the server
// first). handle() and body_limit() are thread-safe: the HTTPS server calls
// them from several threads at once; the rate limiters inside are shared by
// those threads. Open event streams (GET /v1/events) hold references into
// the OperatorApi until they end, which the server's stop() ensures.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hotline/api/api_call.h"
#include "hotline/api/operator_options.h"
#include "hotline/net/http_types.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"

namespace hotline::api {

class OperatorApi {
 public:
  OperatorApi(service::Node& node, OperatorApiOptions options);
  ~OperatorApi();
  OperatorApi(const OperatorApi&) = delete;
  OperatorApi& operator=(const OperatorApi&) = delete;

  // Thread-safe.
  net::HttpResponse handle(const net::HttpRequest& request);

  // For net::ServerLimits::check_head: the answer to a request refused on
  // its header alone (unknown route, no or bad credentials, no permission,
  // too many bad credentials), before any of its body is read and before
  // the route's body limit applies; nullopt: read the body, then handle().
  // Spends nothing of the caller's request allowance. Thread-safe.
  std::optional<net::HttpResponse> check_head(const net::HttpRequest& head);

  // For net::ServerLimits::offload: true for the routes that hash a
  // password (sign-in, own password change), which the server runs off its
  // I/O threads.
  static bool hashes_passwords(const std::string& method, const std::string& target);

  // Every route (tests walk them; the OpenAPI file must list each). Fixed
  // at construction.
  const std::vector<Route>& routes() const;

  // The largest body the server should read for this request line: the
  // node's attachment limit for uploads, max_json_bytes for the rest. The
  // server refuses a larger one with 413 before reading it
  // (net::ServerLimits::body_limit_for).
  std::size_t body_limit(const std::string& method, const std::string& target) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::api
