#include "hotline/api/api_call.h"

#include <charconv>

#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"

namespace hotline::api {
namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "request_invalid", message);
}

}  // namespace

const std::string& ApiCall::param(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end())
    throw Error(ErrorCategory::internal, "internal", "route has no parameter " + name);
  return it->second;
}

std::optional<std::string> ApiCall::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string ApiCall::query_choice(const std::string& name, const std::string& fallback,
                                  std::initializer_list<const char*> allowed) const {
  auto v = query_value(name);
  if (!v) return fallback;
  std::string list;
  for (const char* a : allowed) {
    if (*v == a) return *v;
    list += list.empty() ? a : std::string(", ") + a;
  }
  invalid("query parameter '" + name + "' must be one of: " + list);
}

std::int64_t ApiCall::query_int(const std::string& name, std::int64_t fallback, std::int64_t min,
                                std::int64_t max) const {
  auto v = query_value(name);
  if (!v) return fallback;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    invalid("query parameter '" + name + "' must be a whole number from " + std::to_string(min) +
            " to " + std::to_string(max));
  }
  return n;
}

void ApiCall::require(service::Permission p) const {
  if (!who || !service::may(who->user, p)) {
    throw Error(ErrorCategory::forbidden, "forbidden",
                "your roles do not allow this (it needs the " + std::string(service::to_string(p)) +
                    " permission)");
  }
}

nlohmann::json ApiCall::body() const {
  if (http.body.empty()) return nlohmann::json::object();
  auto ct = http.headers.find("content-type");
  std::string type = ct == http.headers.end() ? "" : ct->second.substr(0, ct->second.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type != "application/json") {
    throw Error(ErrorCategory::unsupported_media_type, "unsupported_media_type",
                "send the body as JSON with the header Content-Type: application/json");
  }
  auto j = crypto::parse_strict(http.body);
  if (!j.is_object()) invalid("the body must be a JSON object");
  return j;
}

void BodyReader::only(std::initializer_list<const char*> known) const {
  for (const auto& [key, value] : body_.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += list.empty() ? k : std::string(", ") + k;
      invalid("unknown member '" + key + "'" + (list.empty() ? "" : " (allowed: " + list + ")"));
    }
  }
}

std::string BodyReader::text(const char* name) const {
  auto v = optional_text(name);
  if (!v || v->empty()) invalid(std::string("'") + name + "' is required");
  return *v;
}

std::string BodyReader::text_or(const char* name, const std::string& fallback) const {
  return optional_text(name).value_or(fallback);
}

std::optional<std::string> BodyReader::optional_text(const char* name) const {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) invalid(std::string("'") + name + "' must be a string");
  return it->get<std::string>();
}

bool BodyReader::flag_or(const char* name, bool fallback) const {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) invalid(std::string("'") + name + "' must be true or false");
  return it->get<bool>();
}

std::vector<std::string> BodyReader::texts(const char* name) const {
  std::vector<std::string> out;
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return out;
  if (!it->is_array()) invalid(std::string("'") + name + "' must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) invalid(std::string("'") + name + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<std::int64_t> BodyReader::optional_integer(const char* name) const {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) invalid(std::string("'") + name + "' must be a whole number");
  return it->get<std::int64_t>();
}

const nlohmann::json& BodyReader::raw(const char* name) const {
  static const nlohmann::json kNull;
  auto it = body_.find(name);
  return it == body_.end() ? kNull : *it;
}

net::HttpResponse json_response(int status, const nlohmann::json& body) {
  net::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

}  // namespace hotline::api
