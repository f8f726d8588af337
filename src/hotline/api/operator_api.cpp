#include "hotline/api/operator_api.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>
#include <variant>

#include <spdlog/spdlog.h>

#include "hotline/api/api_errors.h"
#include "hotline/api/api_routes.h"
#include "hotline/api/http_metrics.h"
#include "hotline/api/taxii.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/ip_address.h"
#include "hotline/crypto/sha256.h"
#include "hotline/service/desk_service.h"

namespace hotline::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; '+' is a space in a query. Error request_invalid on a
// broken escape.
std::string decode(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        throw Error(ErrorCategory::invalid_input, "request_invalid", "broken %-escape in the URL");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (query && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto key = decode(part.substr(0, eq), true);
    out[key] = eq == std::string_view::npos ? "" : decode(part.substr(eq + 1), true);
  }
  return out;
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Matches `path` against a pattern like "/v1/alerts/{id}"; fills params.
bool matches(const std::vector<std::string_view>& pattern,
             const std::vector<std::string_view>& path,
             std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (path[i].empty()) return false;
      found[std::string(p.substr(1, p.size() - 2))] = decode(path[i], false);
    } else if (p != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::string header(const net::HttpRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

bool is_change(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

void finish(net::HttpResponse& r) {
  r.headers.emplace("Cache-Control", "no-store");
  r.headers.emplace("X-Content-Type-Options", "nosniff");
  r.headers.emplace("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace

std::int64_t retry_after_seconds(std::chrono::milliseconds refill_every) {
  return std::max<std::int64_t>(1, (refill_every.count() + 999) / 1000);
}

std::string client_address(const net::HttpRequest& request) {
  std::string_view a = request.remote_address;
  if (!a.empty() && a.front() == '[') {
    auto close = a.find(']');
    return std::string(a.substr(1, close == std::string_view::npos ? a.size() : close - 1));
  }
  auto colon = a.rfind(':');
  return std::string(colon == std::string_view::npos ? a : a.substr(0, colon));
}

std::string cookie_value(const net::HttpRequest& r, std::string_view name) {
  auto it = r.headers.find("cookie");
  if (it == r.headers.end()) return "";
  std::string_view all = it->second;
  while (!all.empty()) {
    auto semi = all.find(';');
    auto part = all.substr(0, semi);
    all = semi == std::string_view::npos ? std::string_view() : all.substr(semi + 1);
    while (!part.empty() && (part.front() == ' ' || part.front() == ',')) part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return "";
}

struct OperatorApi::Impl {
  service::Node& node;
  OperatorApiOptions options;
  service::LoginRateLimiter sign_in_limiter;
  service::LoginRateLimiter request_limiter;
  service::SignInGuard sign_in_guard;
  EventWatch event_watch;
  RouteContext ctx;
  std::vector<Route> routes;
  std::vector<std::vector<std::string_view>> patterns;  // views into routes' patterns
  std::unique_ptr<HttpMetrics> http_metrics;            // made once routes is complete

  Impl(service::Node& n, OperatorApiOptions o)
      : node(n),
        options(std::move(o)),
        sign_in_limiter(options.sign_in),
        request_limiter(options.requests),
        sign_in_guard(*node.store, options.policy.sign_in),
        event_watch(*node.store),
        ctx{node, options, sign_in_limiter, sign_in_guard, event_watch, {}} {
    // The streams' re-check: not a use of the session (it must time out
    // when nobody uses it, stream or not).
    ctx.authenticate = [this](const net::HttpRequest& r, TimePoint now) {
      auto who = authenticate(r, now, service::SessionUse::recheck);
      if (!who) throw Error(ErrorCategory::unauthenticated, "auth_failed", "no credentials");
      return *who;
    };
    add_session_routes(routes, ctx);
    add_item_routes(routes, ctx);
    add_indicator_routes(routes, ctx);
    add_round_routes(routes, ctx);
    add_admin_routes(routes, ctx);
    add_event_routes(routes, ctx);
    add_review_routes(routes, ctx);
    add_vocabulary_routes(routes, ctx);
    add_taxii_routes(routes, ctx);
    add_interop_routes(routes, ctx);
    add_mail_routes(routes, ctx);
    add_metrics_routes(routes, ctx);
    for (const auto& r : routes) patterns.push_back(segments(r.pattern));
    http_metrics = std::make_unique<HttpMetrics>(routes);
  }

  // The caller, from an API token or a session cookie; nullopt: none given.
  // Throws auth_* errors for bad ones.
  std::optional<Principal> authenticate(const net::HttpRequest& r, TimePoint now,
                                        service::SessionUse use = service::SessionUse::request) {
    std::string auth = header(r, "authorization");
    if (!auth.empty()) {
      constexpr std::string_view kBearer = "bearer ";
      std::string scheme = auth.substr(0, kBearer.size());
      for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (auth.size() <= kBearer.size() || scheme != kBearer) {
        throw Error(ErrorCategory::unauthenticated, "auth_failed",
                    "use \"Authorization: Bearer <API token>\"");
      }
      store::ApiTokenRecord token;
      auto user = service::authenticate_token(*node.store, auth.substr(kBearer.size()), now,
                                              options.policy, &token);
      auto digest = crypto::sha256(std::string_view(auth).substr(kBearer.size()));
      return Principal{
          std::move(user),  false,       "token:" + to_hex(digest).substr(0, 16), token.read_only,
          token.expires_at, std::nullopt};
    }
    std::string session = cookie_value(r, kSessionCookie);
    if (session.empty()) return std::nullopt;
    auto check = service::check_session(*node.store, session, now, options.policy, use);
    if (is_change(r.method) && !service::csrf_matches(check, header(r, "x-csrf-token"))) {
      throw Error(ErrorCategory::forbidden, "csrf_failed",
                  "this change needs the session's CSRF token in the X-CSRF-Token header");
    }
    // The idle end from the last use recorded (recorded at most once per
    // touch interval, so it may be a little early), never after the absolute end.
    std::string idle = format_timestamp(
        parse_timestamp(check.session.last_seen_at) +
        std::chrono::duration_cast<std::chrono::milliseconds>(options.policy.session_idle));
    if (idle > check.session.expires_at) idle = check.session.expires_at;
    return Principal{
        std::move(check.user),    true, "session:" + check.session.id_hash.substr(0, 16), false,
        check.session.expires_at, idle};
  }

  // The route for `request` (params filled), or the 404/405 answer.
  std::variant<const Route*, net::HttpResponse> find_route(
      const net::HttpRequest& request, const std::string& path,
      std::map<std::string, std::string>& params) {
    const auto parts = segments(path);
    std::string allow;
    for (std::size_t i = 0; i < routes.size(); ++i) {
      std::map<std::string, std::string> p;
      if (!matches(patterns[i], parts, p)) continue;
      const std::string& m = routes[i].method;
      if (m == request.method || (m == "GET" && request.method == "HEAD")) {
        params = std::move(p);
        return &routes[i];
      }
      if (allow.find(m) == std::string::npos) allow += allow.empty() ? m : ", " + m;
      if (m == "GET" && allow.find("HEAD") == std::string::npos) allow += ", HEAD";
    }
    if (allow.empty()) return net::json_error(404, "not_found", "no such resource: " + path);
    auto r = net::json_error(405, "method_not_allowed",
                             request.method + " is not allowed on " + path + "; use " + allow);
    r.headers["Allow"] = allow;
    return r;
  }

  // Credentials, their rate and the permission, for a route that needs a
  // caller: nullopt and call.who set when the call may go on. The request
  // allowance of the credential is spent only when `spend` (check_head
  // looks without spending; the full request spends once).
  std::optional<net::HttpResponse> admit(const Route& route, ApiCall& call,
                                         const std::string& address, bool spend) {
    try {
      call.who = authenticate(call.http, call.now);
    } catch (const Error& e) {
      // Bad credentials count against the address; a fault of the node
      // (its database unreachable for a moment) is none of the client's:
      // counted, it would hold every client back long after the database
      // came back (all of them, behind a balancer that hides addresses).
      const bool node_fault =
          e.category() == ErrorCategory::unavailable || e.category() == ErrorCategory::internal;
      if (!node_fault && options.rate_limits &&
          !sign_in_limiter.allow(service::source_key(address), call.now)) {
        return too_many(options.sign_in.refill_every);
      }
      throw;
    }
    if (!call.who) {
      auto r = net::json_error(401, "unauthenticated",
                               "sign in first (POST /v1/session) or send an API token as "
                               "\"Authorization: Bearer <token>\"");
      r.headers["WWW-Authenticate"] = "Bearer realm=\"hotline\"";
      return r;
    }
    if (spend && options.rate_limits && !request_limiter.allow(call.who->credential, call.now)) {
      return too_many(options.requests.refill_every);
    }
    call.audit.actor = call.who->user.name;
    if (call.who->read_only && is_change(call.http.method)) {
      throw Error(ErrorCategory::forbidden, "token_read_only",
                  "this API token is read-only: it may only read (GET)");
    }
    if (route.access == Access::permission) call.require(route.permission);
    return std::nullopt;
  }

  // The target without its query; nullopt when it is not a path.
  static std::optional<std::string> path_of(std::string_view target) {
    std::string path(target.substr(0, target.find('?')));
    if (path.empty() || path.front() != '/') return std::nullopt;
    return path;
  }

  // `matched`: set to the route's index once one matches.
  net::HttpResponse dispatch(const net::HttpRequest& request, std::size_t& matched) {
    const TimePoint now = now_ms();
    std::string_view target = request.target;
    auto qmark = target.find('?');
    auto path = path_of(target);
    if (!path) return net::json_error(400, "request_invalid", "the request target must be a path");

    std::map<std::string, std::string> params;
    auto found = find_route(request, *path, params);
    if (auto* answer = std::get_if<net::HttpResponse>(&found)) return std::move(*answer);
    const Route* route = std::get<const Route*>(found);
    matched = static_cast<std::size_t>(route - routes.data());

    ApiCall call{request, *path, std::move(params), {}, std::nullopt, {}, now};
    call.query = parse_query(qmark == std::string_view::npos ? "" : target.substr(qmark + 1));
    const std::string address = client_address(request);
    call.audit = {"", "api " + address};

    if (route->access != Access::anyone) {
      if (auto refused = admit(*route, call, address, true)) return *refused;
    }
    if (request.body.size() > options.max_json_bytes && !route->raw_body) {
      return net::json_error(
          413, "payload_too_large",
          "the JSON body exceeds " + std::to_string(options.max_json_bytes) + " bytes");
    }
    return route->handler(call);
  }

  // dispatch() up to the handler, on the header alone: the answer when the
  // request is refused before its body (unknown route, no or bad
  // credentials, no permission), nullopt when its body may be read.
  std::optional<net::HttpResponse> check_head(const net::HttpRequest& request,
                                              std::size_t& matched) {
    auto path = path_of(request.target);
    if (!path) return std::nullopt;  // the full request answers it
    std::map<std::string, std::string> params;
    auto found = find_route(request, *path, params);
    if (auto* answer = std::get_if<net::HttpResponse>(&found)) return std::move(*answer);
    const Route* route = std::get<const Route*>(found);
    matched = static_cast<std::size_t>(route - routes.data());
    if (route->access == Access::anyone) return std::nullopt;
    ApiCall call{request, *path, std::move(params), {}, std::nullopt, {}, now_ms()};
    call.audit = {"", "api " + client_address(request)};
    return admit(*route, call, client_address(request), false);
  }

  // Retry-After: when the limiter that refused has one attempt again.
  static net::HttpResponse too_many(std::chrono::milliseconds refill_every) {
    auto r = net::json_error(429, "rate_limited", "too many requests; wait a moment and try again");
    r.headers["Retry-After"] = std::to_string(retry_after_seconds(refill_every));
    return r;
  }
};

OperatorApi::OperatorApi(service::Node& node, OperatorApiOptions options)
    : impl_(std::make_unique<Impl>(node, std::move(options))) {}

OperatorApi::~OperatorApi() = default;

namespace {

// Under /taxii2/ every refusal is a TAXII error message (api/taxii.h).
bool is_taxii(const std::string& target) {
  return target.rfind("/taxii2/", 0) == 0;
}

// Every answer of the API: an Error or a JSON exception becomes its JSON
// error; the headers every response carries are added.
template <class F>
net::HttpResponse answered(const net::HttpRequest& request, F&& f) {
  net::HttpResponse response;
  try {
    response = f();
  } catch (const Error& e) {
    response = error_response(e, request.method, request.target);
  } catch (const nlohmann::json::exception& e) {
    response = net::json_error(400, "request_invalid", std::string("bad JSON value: ") + e.what());
  }
  // RFC 9110: every 401 names the scheme to use.
  if (response.status == 401) {
    response.headers.emplace("WWW-Authenticate", "Bearer realm=\"hotline\"");
  }
  finish(response);
  return response;
}

}  // namespace

net::HttpResponse OperatorApi::handle(const net::HttpRequest& request) {
  const std::int64_t start = metrics::steady_ns();
  std::size_t route = HttpMetrics::kNoRoute;
  auto r = answered(request, [&] { return impl_->dispatch(request, route); });
  if (is_taxii(request.target)) r = taxii::to_taxii_error(std::move(r));
  impl_->http_metrics->record(route, request.method, r.status,
                              static_cast<double>(metrics::steady_ns() - start) / 1e9);
  return r;
}

std::optional<net::HttpResponse> OperatorApi::check_head(const net::HttpRequest& request) {
  const std::int64_t start = metrics::steady_ns();
  std::size_t route = HttpMetrics::kNoRoute;
  std::optional<net::HttpResponse> refusal;
  net::HttpResponse r = answered(request, [&] {
    refusal = impl_->check_head(request, route);
    return refusal ? *refusal : net::HttpResponse{};
  });
  if (!refusal && r.status < 400) return std::nullopt;
  if (is_taxii(request.target)) r = taxii::to_taxii_error(std::move(r));
  // Refused on its header: handle() never sees it, so it is counted here.
  impl_->http_metrics->record(route, request.method, r.status,
                              static_cast<double>(metrics::steady_ns() - start) / 1e9);
  return r;
}

bool OperatorApi::hashes_passwords(const std::string& method, const std::string& target) {
  const std::string_view path = std::string_view(target).substr(0, target.find('?'));
  return (method == "POST" && path == "/v1/session") ||
         (method == "PUT" && path == "/v1/session/password");
}

const std::vector<Route>& OperatorApi::routes() const {
  return impl_->routes;
}

std::size_t OperatorApi::body_limit(const std::string& method, const std::string& target) const {
  try {
    const auto parts = segments(std::string_view(target).substr(0, target.find('?')));
    for (std::size_t i = 0; i < impl_->routes.size(); ++i) {
      std::map<std::string, std::string> params;
      const auto& r = impl_->routes[i];
      if (r.raw_body && r.method == method && matches(impl_->patterns[i], parts, params)) {
        if (r.max_body > 0) return r.max_body;
        return static_cast<std::size_t>(impl_->node.store->snapshot(
            [](store::Transaction& tx) { return service::attachment_limit(tx); }));
      }
    }
  } catch (const Error&) {
    // A broken target or an unreadable setting: the JSON limit; the
    // handler answers the broken target itself.
  }
  return impl_->options.max_json_bytes;
}

}  // namespace hotline::api
