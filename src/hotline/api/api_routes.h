// The route groups of the operators' API (operator_api.h). Each group adds
// its routes to the table; the handlers keep references into RouteContext,
// which the OperatorApi (operator_api.h) owns for its whole life.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/api/api_call.h"
#include "hotline/api/event_watch.h"
#include "hotline/api/operator_options.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"

namespace hotline::api {

struct RouteContext {
  service::Node& node;
  const OperatorApiOptions& options;
  service::LoginRateLimiter& sign_in_limiter;
  // Failed sign-ins per (account, source): the delays (sign_in_guard.h).
  service::SignInGuard& sign_in_guard;
  // Wakes the event streams when the store has new events (event_watch.h).
  EventWatch& event_watch;
  // The router's credential check (token or session; no CSRF), for streams
  // that must notice when their caller's access ends; it does not count as
  // a use of the session (service::SessionUse::recheck). Throws auth_* errors.
  std::function<Principal(const net::HttpRequest&, TimePoint)> authenticate;
};

// /health, /version, /v1/session
void add_session_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/alerts, /v1/requests, /v1/cases, /v1/attachments, /v1/messages
void add_item_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/indicators, /v1/cases/{id}/indicators, /v1/cases/{id}/sightings
// (routes_indicators.cpp)
void add_indicator_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/rounds, /v1/action-items (routes_rounds.cpp)
void add_round_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/users, /v1/tokens, /v1/peers, /v1/agreements, /v1/ledger, /v1/webhook, /v1/audit
void add_admin_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/mail (the SMTP relay, a test message) and /v1/escalations (each with
// its webhook and e-mail delivery; routes_mail.cpp)
void add_mail_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/reviews (the review reports: make, list, show, verify, sign, explain)
void add_review_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/events (Server-Sent Events and a JSON page)
void add_event_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/vocabulary (the codes the web app's screens name; routes_vocabulary.cpp)
void add_vocabulary_routes(std::vector<Route>& routes, RouteContext& ctx);
// /v1/{alerts,requests,cases}/{id}/iodef, /v1/{alerts,cases}/iodef (IODEF v2;
// routes_interop.cpp)
void add_interop_routes(std::vector<Route>& routes, RouteContext& ctx);

// /taxii2/ (TAXII 2.1, read-only) and /v1/taxii (the office's publication;
// routes_taxii.cpp)
void add_taxii_routes(std::vector<Route>& routes, RouteContext& ctx);

// /metrics (the Prometheus text format, with its own token or allow-list;
// routes_metrics.cpp)
void add_metrics_routes(std::vector<Route>& routes, RouteContext& ctx);

// The value of cookie `name`, "" when absent.
std::string cookie_value(const net::HttpRequest& request, std::string_view name);

// Seconds until a rate limiter refilling one attempt per `refill_every` has
// one again (at least 1): the Retry-After of its 429.
std::int64_t retry_after_seconds(std::chrono::milliseconds refill_every);

// "203.0.113.5" from "203.0.113.5:53122", "::1" from "[::1]:53122".
std::string client_address(const net::HttpRequest& request);

}  // namespace hotline::api
