// One API request as a route handler sees it: the matched path parameters,
// the query, who is calling (already authenticated and rate-limited by the
// router), and strict readers for the JSON body. Handlers throw
// hotline::Error; the router turns it into the JSON error (api_errors.h).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/net/http_types.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/user_service.h"
#include "hotline/store/records.h"

namespace hotline::api {

// Who is calling, and with what.
struct Principal {
  store::UserRecord user;
  bool session = false;    // signed in with a browser session (cookie + CSRF)
  std::string credential;  // "token:<id>" or "session:<first 12 of its hash>"
  bool read_only = false;  // a read-only API token: GET and HEAD only
  // When the credential ends: a session's absolute end, a token's expiry
  // (none for a token without one); a session's end if unused from now on
  // (its last recorded use plus the idle timeout; none for a token).
  std::optional<std::string> expires_at;
  std::optional<std::string> idle_expires_at;
};

struct ApiCall {
  const net::HttpRequest& http;
  std::string path;                           // without the query
  std::map<std::string, std::string> params;  // {name} segments of the route
  std::map<std::string, std::string> query;   // decoded; a repeated key keeps the last
  std::optional<Principal> who;               // empty on public routes
  service::AuditContext audit;                // actor = who's name, source "api ADDRESS"
  TimePoint now;

  const std::string& param(const std::string& name) const;
  std::optional<std::string> query_value(const std::string& name) const;
  // A query value that must be one of `allowed` (Error request_invalid).
  std::string query_choice(const std::string& name, const std::string& fallback,
                           std::initializer_list<const char*> allowed) const;
  std::int64_t query_int(const std::string& name, std::int64_t fallback, std::int64_t min,
                         std::int64_t max) const;
  const store::UserRecord& user() const { return who->user; }
  // Error forbidden (naming the permission) unless the caller holds it.
  void require(service::Permission p) const;

  // The body as a JSON object, parsed strictly (crypto::parse_strict: no
  // duplicate keys, valid UTF-8, depth ≤ 64, no floats); an empty body is {}.
  // Errors: unsupported_media_type (not application/json), json_* codes,
  // request_invalid (not an object).
  nlohmann::json body() const;
};

// Reads members of a JSON object body, naming the member in every error
// (Error request_invalid: "'priority' must be a string").
class BodyReader {
 public:
  explicit BodyReader(nlohmann::json body) : body_(std::move(body)) {}
  // Error request_invalid naming the first member not in `known`.
  void only(std::initializer_list<const char*> known) const;
  std::string text(const char* name) const;  // required, non-empty
  std::string text_or(const char* name, const std::string& fallback) const;
  std::optional<std::string> optional_text(const char* name) const;
  bool flag_or(const char* name, bool fallback) const;
  std::vector<std::string> texts(const char* name) const;  // array of strings; absent: empty
  std::optional<std::int64_t> optional_integer(const char* name) const;
  const nlohmann::json& raw(const char* name) const;  // null when absent
  bool has(const char* name) const { return body_.contains(name); }
  const nlohmann::json& json() const { return body_; }

 private:
  nlohmann::json body_;
};

net::HttpResponse json_response(int status, const nlohmann::json& body);

// Who may call a route.
enum class Access {
  anyone,     // no credentials (health, version, sign-in)
  signed_in,  // any enabled user; the handler checks finer permissions
  permission  // the route's permission
};

using RouteHandler = std::function<net::HttpResponse(ApiCall&)>;

struct Route {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/v1/alerts/{id}/actions"
  Access access = Access::permission;
  service::Permission permission = service::Permission::read_items;
  RouteHandler handler;
  bool raw_body = false;  // the body is a file, not JSON (no max_json_bytes)
  // With raw_body: the most bytes a body may have (larger: 413 before it is
  // read); 0: the attachment limit.
  std::size_t max_body = 0;
};

}  // namespace hotline::api
