// /health, /version (no sign-in), and /v1/session: sign in, who am I, sign
// out, change my password.
#include <optional>
#include <string>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/service/user_service.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

std::string session_cookie(const std::string& value, std::int64_t max_age_s) {
  // Secure: only over HTTPS (the listener speaks nothing else). HttpOnly:
  // page scripts cannot read it. SameSite=Strict: other sites' pages cannot
  // make the browser send it.
  std::string out = kSessionCookie;
  out.append("=").append(value).append("; Path=/; Max-Age=");
  out.append(std::to_string(max_age_s)).append("; Secure; HttpOnly; SameSite=Strict");
  return out;
}

json whoami(const Principal& who) {
  json j = user_json(who.user);
  j["via"] = who.session ? "session" : "token";
  j["expires_at"] = who.expires_at ? json(*who.expires_at) : json(nullptr);
  j["idle_expires_at"] = who.idle_expires_at ? json(*who.idle_expires_at) : json(nullptr);
  return j;
}

// Every password typed (sign-in, own password change) spends one attempt of
// the client address's allowance; none left: 429 with the refill time.
std::optional<net::HttpResponse> password_attempt_refused(RouteContext& ctx,
                                                          const std::string& address,
                                                          TimePoint now) {
  if (!ctx.options.rate_limits || ctx.sign_in_limiter.allow(service::source_key(address), now)) {
    return std::nullopt;
  }
  auto r = net::json_error(429, "rate_limited",
                           "too many password attempts from this address; wait a minute");
  r.headers["Retry-After"] = std::to_string(retry_after_seconds(ctx.options.sign_in.refill_every));
  return r;
}

}  // namespace

void add_session_routes(std::vector<Route>& routes, RouteContext& ctx) {
  for (const char* path : {"/health", "/version"}) {
    routes.push_back({"GET", path, Access::anyone, Permission::read_items, [&ctx](ApiCall& call) {
                        return handle_operator(call.http, ctx.options.info);
                      }});
  }

  // Sign in: name, password, and the TOTP code when the account has one.
  routes.push_back(
      {"POST", "/v1/session", Access::anyone, Permission::read_items, [&ctx](ApiCall& call) {
         const std::string address = client_address(call.http);
         if (auto busy = password_attempt_refused(ctx, address, call.now)) return *busy;
         BodyReader body(call.body());
         body.only({"name", "password", "totp"});
         // Every attempt, failed or not, is in the audit trail.
         auto user = service::authenticate(*ctx.node.store, ctx.sign_in_guard, body.text("name"),
                                           body.text("password"), body.optional_text("totp"),
                                           address, call.now, ctx.options.policy, &call.audit);
         auto session =
             service::create_session(*ctx.node.store, user.name, address, call.now,
                                     ctx.options.policy.session_absolute, ctx.options.policy);
         Principal who{
             user,
             true,
             "",
             false,
             session.record.expires_at,
             format_timestamp(call.now + std::chrono::duration_cast<std::chrono::milliseconds>(
                                             ctx.options.policy.session_idle))};
         json out = {{"user", whoami(who)},
                     {"csrf_token", session.csrf_token},
                     {"expires_at", session.record.expires_at},
                     {"idle_timeout_s", std::chrono::duration_cast<std::chrono::seconds>(
                                            ctx.options.policy.session_idle)
                                            .count()}};
         auto r = json_response(201, out);
         auto max_age =
             std::chrono::duration_cast<std::chrono::seconds>(ctx.options.policy.session_absolute)
                 .count();
         r.headers["Set-Cookie"] = session_cookie(session.id, max_age);
         return r;
       }});

  // Changing one's own password: the current one is asked again, and counts
  // as a sign-in attempt (address limit, failures, lockout).
  routes.push_back({"PUT", "/v1/session/password", Access::signed_in, Permission::read_items,
                    [&ctx](ApiCall& call) {
                      const std::string address = client_address(call.http);
                      if (auto busy = password_attempt_refused(ctx, address, call.now))
                        return *busy;
                      BodyReader body(call.body());
                      body.only({"current_password", "password", "totp"});
                      const std::string keep =
                          call.who->session ? cookie_value(call.http, kSessionCookie) : "";
                      auto u = service::change_own_password(
                          *ctx.node.store, call.who->user.name, body.text("current_password"),
                          body.optional_text("totp"), body.text("password"), address, keep,
                          ctx.sign_in_guard, call.now, ctx.options.policy, &call.audit);
                      return json_response(200, {{"changed", true}, {"user", u.name}});
                    }});

  // A page that was reloaded gets its session's CSRF token again (only the
  // node's own pages can read this answer: no CORS).
  routes.push_back(
      {"GET", "/v1/session", Access::signed_in, Permission::read_items, [](ApiCall& call) {
         json j = whoami(*call.who);
         if (call.who->session) {
           j["csrf_token"] = service::csrf_token_of(cookie_value(call.http, kSessionCookie));
         }
         return json_response(200, j);
       }});

  routes.push_back(
      {"DELETE", "/v1/session", Access::signed_in, Permission::read_items, [&ctx](ApiCall& call) {
         if (!call.who->session) {
           throw Error(ErrorCategory::invalid_input, "request_invalid",
                       "an API token has no session to end; revoke the token instead");
         }
         // The router checked the cookie and the CSRF token.
         service::end_session(*ctx.node.store, cookie_value(call.http, kSessionCookie));
         auto r = json_response(200, {{"signed_out", true}});
         r.headers["Set-Cookie"] = session_cookie("", 0);
         return r;
       }});
}

}  // namespace hotline::api
