#include "hotline/api/operator_routes.h"

#include <nlohmann/json.hpp>
#include <string_view>

namespace hotline::api {
namespace {

net::HttpResponse json_ok(const nlohmann::json& body) {
  net::HttpResponse response;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.headers["Cache-Control"] = "no-store";
  return response;
}

}  // namespace

net::HttpResponse handle_operator(const net::HttpRequest& request, const OperatorInfo& info) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  bool read = request.method == "GET" || request.method == "HEAD";

  if (path == "/health" || path == "/version") {
    if (!read) {
      net::HttpResponse response =
          net::json_error(405, "method_not_allowed",
                          request.method + " is not allowed on " + std::string(path) + "; use GET");
      response.headers["Allow"] = "GET, HEAD";
      return response;
    }
    if (path == "/health") {
      nlohmann::json body = {{"status", "ok"}, {"party", info.party}};
      if (!info.public_key.empty()) body["public_key"] = info.public_key;
      if (!info.fingerprint.empty()) body["fingerprint"] = info.fingerprint;
      return json_ok(body);
    }
    return json_ok({{"version", info.version}, {"protocol", kProtocolVersion}});
  }
  return net::json_error(404, "not_found", "no such resource: " + std::string(path));
}

}  // namespace hotline::api
