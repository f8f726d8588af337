// The operators' API's settings (OperatorApi, operator_api.h), apart so that
// the route groups (api_routes.h) read them without including the API class.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "hotline/api/operator_routes.h"
#include "hotline/service/user_service.h"

namespace hotline::api {

struct OperatorApiOptions {
  OperatorInfo info;
  service::AccountPolicy policy;
  std::size_t max_json_bytes = 1024 * 1024;
  // Per credential (token or session). The default allows a script 200
  // requests per second after a burst of 400: far above a desk's pace, and
  // low enough that a runaway loop cannot starve the desk.
  service::LoginRateLimiter::Limits requests{400, std::chrono::milliseconds(5), 10000};
  // Per client address: sign-in attempts and requests with bad credentials.
  service::LoginRateLimiter::Limits sign_in{};
  bool rate_limits = true;  // false: none (benchmarks)
  // The longest an open event stream goes without looking for new events.
  // It does not wait that long for them: the API's EventWatch (one thread,
  // store::Store::wait_for_events) wakes every stream as soon as the store
  // has a new event: PostgreSQL's NOTIFY at once, the default store within
  // its 25 ms poll, which keeps an event's way from the node to a page's row
  // under 100 ms (docs/BENCHMARKS.md). This interval is the safety net, and
  // the pace of the keep-alives and credential re-checks' looks.
  std::chrono::milliseconds event_poll{1000};
  // Addresses and networks ("10.0.0.0/8", "::1") that may read GET /metrics
  // without the metrics token (`hotline serve --metrics-allow`); empty: only
  // the token (routes_metrics.cpp).
  std::vector<std::string> metrics_allow;
};

// The cookie that holds a browser's session id. The "__Host-" prefix makes
// browsers accept it only with Secure, Path=/ and no Domain, so no other
// host (a sibling subdomain) can set or shadow it (issue #17, item 9).
inline constexpr const char* kSessionCookie = "__Host-hotline_session";

}  // namespace hotline::api
